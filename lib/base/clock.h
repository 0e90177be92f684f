/*
 * clock - the one seam for time. Production reads CLOCK_REALTIME and
 * CLOCK_MONOTONIC; tests set a fake wall clock with clock_set_fake().
 *
 * Threads: safe from any thread (the fake offset is an atomic).
 */
#ifndef RAMPART_CLOCK_H
#define RAMPART_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Wall clock, seconds since the epoch (fake when set). */
time_t clock_now(void);
/* Monotonic milliseconds, for deadlines (fake when set). */
uint64_t clock_mono_ms(void);
/* Tests: pin the wall clock to t (and the monotonic one to t*1000);
 * t == 0 returns to the real clocks. */
void clock_set_fake(time_t t);
/* Tests: move a fake clock forward. */
void clock_advance(time_t seconds);

#endif
