/* clock - see clock.h */
#include "base/clock.h"

static time_t fake_now; /* 0: real clocks; accessed atomically */

time_t clock_now(void)
{
	time_t f = __atomic_load_n(&fake_now, __ATOMIC_ACQUIRE);
	return f ? f : time(NULL);
}

uint64_t clock_mono_ms(void)
{
	time_t f = __atomic_load_n(&fake_now, __ATOMIC_ACQUIRE);
	struct timespec ts;
	if (f)
		return (uint64_t)f * 1000;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void clock_set_fake(time_t t)
{
	__atomic_store_n(&fake_now, t, __ATOMIC_RELEASE);
}

void clock_advance(time_t seconds)
{
	__atomic_add_fetch(&fake_now, seconds, __ATOMIC_ACQ_REL);
}
