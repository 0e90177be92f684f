/*
 * reload - the current config snapshot and SIGUSR1 reloads.
 *
 * A dedicated thread sigwait()s for SIGUSR1 (blocked in every thread), then
 * loads the config and the access file it names into a new snapshot. On
 * success the snapshot replaces the current one under cfg_lock; open
 * connections keep the one they started with. On failure every problem is
 * logged and the old snapshot stays.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

#include <libmilter/mfapi.h>

#include "log.h"
#include "session.h"

static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rp_config *cfg_now;
static char *cfg_path;

struct rp_config *config_current(void)
{
	struct rp_config *c;
	pthread_mutex_lock(&cfg_lock);
	c = config_ref(cfg_now);
	pthread_mutex_unlock(&cfg_lock);
	return c;
}

void config_install(struct rp_config *cfg)
{
	struct rp_config *old;
	pthread_mutex_lock(&cfg_lock);
	old = cfg_now;
	cfg_now = cfg;
	pthread_mutex_unlock(&cfg_lock);
	config_unref(old);
}

static void reload_once(void)
{
	struct rp_errlist errs = { 0 };
	struct rp_config *cfg = config_load(cfg_path, &errs);

	if (!cfg) {
		for (size_t i = 0; i < errs.n; i++)
			log_msg(RP_LOG_ERR, "%s", errs.msg[i]);
		log_msg(RP_LOG_ERR, "reload of %s refused; the running configuration stays", cfg_path);
		errlist_clear(&errs);
		return;
	}
	errlist_clear(&errs);
	log_set_level(cfg->log.level);
	config_install(cfg);
	log_msg(RP_LOG_NOTICE, "configuration reloaded from %s", cfg_path);
}

static void *reload_thread(void *arg)
{
	sigset_t set;
	(void)arg;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	for (;;) {
		int sig;
		if (sigwait(&set, &sig) == 0 && sig == SIGUSR1)
			reload_once();
	}
	return NULL;
}

int reload_start(const char *config_path)
{
	pthread_t t;
	cfg_path = realpath(config_path, NULL);
	if (!cfg_path)
		return -1;
	if (pthread_create(&t, NULL, reload_thread, NULL) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}
