/*
 * wake - let a stop requested by SIGTERM, SIGINT or SIGHUP take effect at
 * once instead of at libmilter's next 5-second listener tick.
 *
 * libmilter's own signal thread takes those signals and sets its stop flag,
 * then waits for the listener lock, which the listener (smfi_main's thread)
 * holds across a poll() of up to MI_CHK_TIME (5 s): the daemon used to stop
 * 0-5 s after the signal (3.5 s measured for a signal 1.5 s after the
 * start). A small thread sends SIGUSR2 to the listener thread every 200 ms;
 * a no-op handler makes that poll() return EINTR (poll is never restarted),
 * the listener releases its lock, sees the stop flag and returns. Every
 * other call of that thread restarts (SA_RESTART), and no other thread gets
 * the wake-up: SIGUSR2 stays blocked everywhere else, and one sent from
 * outside is ignored by the same no-op handler.
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "session.h"

#define WAKE_INTERVAL_NS (200 * 1000 * 1000L)

static pthread_t listener;

static void wake_noop(int sig)
{
	(void)sig;
}

static void *wake_loop(void *arg)
{
	const struct timespec tick = { 0, WAKE_INTERVAL_NS };
	(void)arg;
	for (;;) {
		nanosleep(&tick, NULL);
		pthread_kill(listener, SIGUSR2);
	}
	return NULL;
}

int listener_wake_start(void)
{
	struct sigaction sa;
	sigset_t usr2;
	pthread_t t;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = wake_noop;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) != 0)
		return -1;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	/* The wake thread is made with SIGUSR2 blocked, like every other. */
	pthread_sigmask(SIG_BLOCK, &usr2, NULL);
	listener = pthread_self();
	if (pthread_create(&t, NULL, wake_loop, NULL) != 0)
		return -1;
	pthread_detach(t);
	/* Only the calling thread, which goes on into smfi_main, takes it.
	 * Threads libmilter creates from here inherit the unblocked mask, but
	 * the wake-ups are sent to this thread alone. */
	return pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
}
