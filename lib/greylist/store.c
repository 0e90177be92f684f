/* store - see store.h: the backend list and the calls through it. */
#include "greylist/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"

extern const struct grey_store_ops greystore_lmdb_ops;   /* store_lmdb_ops.c */

struct grey_store {
	const struct grey_store_ops *ops;
	void *impl;
	int failing;             /* atomic: the last decision was a store error */
};

/* One row per backend. */
static const struct grey_store_ops *const backends[] = {
	&greystore_lmdb_ops,
};

static const struct grey_store_ops *backend_find(const char *name)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(backends); i++)
		if (name && strcmp(name, backends[i]->name) == 0)
			return backends[i];
	return NULL;
}

bool greystore_backend_known(const char *name)
{
	return backend_find(name) != NULL;
}

struct grey_store *greystore_open(const char *backend, const char *target,
	const struct grey_store_options *o, char *err, size_t errsize)
{
	static const struct grey_store_options dflt = { .read_only = false, .create = true };
	const struct grey_store_ops *ops = backend_find(backend);
	struct grey_store *s;
	void *impl;

	if (!ops) {
		snprintf(err, errsize, "unknown greylist store \"%s\"", backend ? backend : "");
		return NULL;
	}
	if (!(impl = ops->open(target, o ? o : &dflt, err, errsize)))
		return NULL;
	s = xcalloc(1, sizeof *s);
	s->ops = ops;
	s->impl = impl;
	return s;
}

void greystore_close(struct grey_store *s)
{
	if (!s)
		return;
	s->ops->close(s->impl);
	free(s);
}

const char *greystore_backend(const struct grey_store *s)
{
	return s->ops->name;
}

const char *greystore_target(const struct grey_store *s)
{
	return s->ops->target(s->impl);
}

const char *greystore_strerror(const struct grey_store *s, int rc)
{
	if (rc == GREY_STORE_NOTFOUND)
		return "not found";
	if (rc == GREY_STORE_AMBIGUOUS)
		return "ambiguous prefix";
	return s->ops->strerror(rc);
}

enum grey_result greystore_decide(struct grey_store *s, const struct grey_params *p,
	const struct grey_key *k, time_t now, struct grey_verdict *v)
{
	if (!s) {
		memset(v, 0, sizeof *v);
		v->result = GREY_TEMP;
		snprintf(v->error, sizeof v->error, "no greylist store open");
		return GREY_TEMP;
	}
	enum grey_result r = s->ops->decide(s->impl, p, k, now, v);

	if (r == GREY_TEMP) {
		/* one line when the store starts failing, not one per RCPT */
		if (!__atomic_exchange_n(&s->failing, 1, __ATOMIC_ACQ_REL))
			log_msg(RP_LOG_ERR, "greylist: store failing: %s; greylisted recipients "
				"are deferred until it recovers", v->error);
	} else if (r != GREY_PASSED && r != GREY_ALLOWED_CLIENT &&
		   __atomic_load_n(&s->failing, __ATOMIC_ACQUIRE) &&
		   __atomic_exchange_n(&s->failing, 0, __ATOMIC_ACQ_REL)) {
		/* recovered: a decision that wrote (passed triplets and allowed
		 * clients may be decided by reading alone, which a store that
		 * refuses writes still does) */
		log_msg(RP_LOG_NOTICE, "greylist: store %s recovered", s->ops->target(s->impl));
	}
	return r;
}

int greystore_get(struct grey_store *s, enum grey_table t,
	const unsigned char hash[GREY_HASH_LEN], struct grey_record *r)
{
	return s->ops->get(s->impl, t, hash, r);
}

int greystore_put(struct grey_store *s, enum grey_table t,
	const unsigned char hash[GREY_HASH_LEN], const struct grey_record *r)
{
	return s->ops->put(s->impl, t, hash, r);
}

int greystore_delete(struct grey_store *s, enum grey_table t,
	const unsigned char hash[GREY_HASH_LEN])
{
	return s->ops->del(s->impl, t, hash);
}

int greystore_find_prefix(struct grey_store *s, enum grey_table t, const unsigned char *prefix,
	size_t plen, unsigned char hash[GREY_HASH_LEN], struct grey_record *r)
{
	return s->ops->find_prefix(s->impl, t, prefix, plen, hash, r);
}

int greystore_walk(struct grey_store *s, enum grey_table t, grey_walk_fn cb, void *arg)
{
	return s->ops->walk(s->impl, t, cb, arg);
}

int greystore_purge(struct grey_store *s, const struct grey_params *p, time_t now,
	struct grey_sweep_stats *st)
{
	return s->ops->purge(s->impl, p, now, st);
}

int greystore_sweeper_start(struct grey_store *s, const struct grey_params *p,
	unsigned sweep_secs)
{
	return s->ops->sweeper_start(s->impl, p, sweep_secs);
}

void greystore_sweeper_stop(struct grey_store *s)
{
	if (s)
		s->ops->sweeper_stop(s->impl);
}

void greystore_set_params(struct grey_store *s, const struct grey_params *p)
{
	if (s)
		s->ops->set_params(s->impl, p);
}

int greystore_stat(struct grey_store *s, struct grey_store_stats *st)
{
	memset(st, 0, sizeof *st);
	return s->ops->stat(s->impl, st);
}
