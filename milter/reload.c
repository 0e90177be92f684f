/*
 * reload - the current config snapshot and SIGUSR1 reloads.
 *
 * A dedicated thread sigwait()s for SIGUSR1 (blocked in every thread), then
 * loads the config and the access file it names into a new snapshot and
 * builds its engine. On success the engine replaces the current one under
 * eng_lock; open connections keep the one they started with. Settings read
 * only at start ([milter] socket, user, group, pidfile, timeout; [dns]
 * cache_size; [log] target and facility) keep their start-up values until
 * a restart, and a reload that changes one says so, naming the key. The greylist store is opened
 * only at start, so a reload that would need another one (greylisting
 * turned on when it was off at start, or another [greylist] database) is
 * refused with a log line naming the key: accepting it would defer every
 * recipient for ever. On failure every problem is logged and the old
 * snapshot stays.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmilter/mfapi.h>

#include "dns/dns_cache.h"
#include "greylist/greylist.h"
#include "greylist/store.h"
#include "base/log.h"
#include "session.h"

static pthread_mutex_t eng_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rp_engine *eng_now;
static char *cfg_path;
static const struct rp_shared *shared_state;

struct rp_engine *engine_current(void)
{
	struct rp_engine *e;
	pthread_mutex_lock(&eng_lock);
	e = engine_ref(eng_now);
	pthread_mutex_unlock(&eng_lock);
	return e;
}

void engine_install(struct rp_engine *e)
{
	struct rp_engine *old;
	pthread_mutex_lock(&eng_lock);
	old = eng_now;
	eng_now = e;
	pthread_mutex_unlock(&eng_lock);
	engine_unref(old);
}

void log_dns_cache_stats(const struct rp_shared *shared)
{
	struct rp_dns_cache_stats st;
	if (!shared || !shared->dns_cache)
		return;
	dns_cache_stats(shared->dns_cache, &st);
	log_msg(RP_LOG_INFO, "dns cache: %llu entries, %llu hits, %llu misses, %llu evictions",
		(unsigned long long)st.entries, (unsigned long long)st.hits,
		(unsigned long long)st.misses, (unsigned long long)st.evictions);
}

/* Why cfg cannot be taken without a restart (into why), or false. */
static bool needs_restart(const struct rp_config *cfg, char *why, size_t size)
{
	const struct grey_store *st = shared_state->greylist;

	if (!st && cfg->greylist.mode != RP_GREY_OFF) {
		snprintf(why, size, "[greylist] mode is no longer off, but greylisting was off at "
			"start and its database is opened only then");
		return true;
	}
	if (st && cfg->greylist.mode != RP_GREY_OFF
	    && strcmp(greystore_target(st), cfg->greylist.database) != 0) {
		snprintf(why, size, "[greylist] database changed from %s to %s; it is opened only "
			"at start", greystore_target(st), cfg->greylist.database);
		return true;
	}
	return false;
}

static bool str_differs(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") != 0;
}

/* Name each start-only key whose value the new snapshot changes: the
 * running daemon keeps the old one until a restart. */
static void log_start_only(const struct rp_config *old, const struct rp_config *cfg)
{
	static const char tail[] = "read only at start; restart rampart to apply it";
	const struct { const char *key, *a, *b; } strs[] = {
		{ "[milter] socket", old->milter.socket, cfg->milter.socket },
		{ "[milter] user", old->milter.user, cfg->milter.user },
		{ "[milter] group", old->milter.group, cfg->milter.group },
		{ "[milter] pidfile", old->milter.pidfile, cfg->milter.pidfile },
	};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (str_differs(strs[i].a, strs[i].b))
			log_msg(RP_LOG_WARNING, "reload: %s changed from %s to %s: %s", strs[i].key,
				strs[i].a ? strs[i].a : "", strs[i].b ? strs[i].b : "", tail);
	const struct { const char *key; unsigned long a, b; } nums[] = {
		{ "[milter] timeout", old->milter.timeout, cfg->milter.timeout },
		{ "[dns] cache_size", old->dns.cache_size, cfg->dns.cache_size },
		{ "[log] facility", (unsigned long)old->log.facility, (unsigned long)cfg->log.facility },
		{ "[log] target", (unsigned long)old->log.target, (unsigned long)cfg->log.target },
	};
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
		if (nums[i].a != nums[i].b)
			log_msg(RP_LOG_WARNING, "reload: %s changed from %lu to %lu: %s", nums[i].key,
				nums[i].a, nums[i].b, tail);
}

static void reload_once(void)
{
	struct rp_errlist errs = { 0 };
	struct rp_config *cfg = config_load(cfg_path, &errs);
	struct rp_engine *eng;
	char err[1024];

	if (!cfg) {
		for (size_t i = 0; i < errs.n; i++)
			log_msg(RP_LOG_ERR, "%s", errs.msg[i]);
		log_msg(RP_LOG_ERR, "reload of %s refused; the running configuration stays", cfg_path);
		errlist_clear(&errs);
		return;
	}
	errlist_clear(&errs);
	if (needs_restart(cfg, err, sizeof err)) {
		log_msg(RP_LOG_ERR, "reload of %s refused: %s: restart rampart to apply it; the "
			"running configuration stays", cfg_path, err);
		config_unref(cfg);
		return;
	}
	eng = engine_new(cfg, shared_state, err, sizeof err);
	config_unref(cfg);
	if (!eng) {
		log_msg(RP_LOG_ERR, "%s: %s; reload refused, the running configuration stays",
			cfg_path, err);
		return;
	}
	struct rp_engine *cur = engine_current();
	if (cur) {
		log_start_only(cur->cfg, cfg);
		engine_unref(cur);
	}
	log_set_level(cfg->log.level);
	if (shared_state->dns_cache)
		dns_cache_set_max_ttl(shared_state->dns_cache, cfg->dns.cache_max_ttl);
	if (shared_state->greylist) {
		struct grey_params gp;
		greylist_params_from_config(&cfg->greylist, &gp);
		greystore_set_params(shared_state->greylist, &gp);
	}
	engine_install(eng);
	log_msg(RP_LOG_NOTICE, "configuration reloaded from %s", cfg_path);
	log_dns_cache_stats(shared_state);
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

int reload_start(const char *config_path, const struct rp_shared *shared)
{
	pthread_t t;
	shared_state = shared;
	cfg_path = realpath(config_path, NULL);
	if (!cfg_path)
		return -1;
	if (pthread_create(&t, NULL, reload_thread, NULL) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}
