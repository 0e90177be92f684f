/* store_lmdb_ops - the LMDB store (store_lmdb.h) behind the greylist
 * store seam (store.h): greystore_lmdb_ops. Adapters only. */
#include <lmdb.h>
#include <stdio.h>

#include "base/util.h"
#include "greylist/store_lmdb.h"

static int seam_rc(int rc)
{
	return rc == MDB_NOTFOUND ? GREY_STORE_NOTFOUND : rc;
}

static void *lm_open(const char *target, const struct grey_store_options *o, char *err,
	size_t errsize)
{
	struct greydb_options lo = { .read_only = o->read_only, .create = o->create };
	return greydb_open(target, &lo, err, errsize);
}

static void lm_close(void *impl) { greydb_free(impl); }
static const char *lm_target(const void *impl) { return greydb_path(impl); }

static enum grey_result lm_decide(void *impl, const struct grey_params *p,
	const struct grey_key *k, time_t now, struct grey_verdict *v)
{
	return greydb_decide(impl, p, k, now, v);
}

static int lm_get(void *impl, enum grey_table t, const unsigned char hash[GREY_HASH_LEN],
	struct grey_record *r)
{
	return seam_rc(greydb_get(impl, t, hash, r));
}

static int lm_put(void *impl, enum grey_table t, const unsigned char hash[GREY_HASH_LEN],
	const struct grey_record *r)
{
	return seam_rc(greydb_put(impl, t, hash, r));
}

static int lm_del(void *impl, enum grey_table t, const unsigned char hash[GREY_HASH_LEN])
{
	return seam_rc(greydb_delete(impl, t, hash));
}

static int lm_find_prefix(void *impl, enum grey_table t, const unsigned char *prefix,
	size_t plen, unsigned char hash[GREY_HASH_LEN], struct grey_record *r)
{
	return seam_rc(greydb_find_prefix(impl, t, prefix, plen, hash, r));
}

static int lm_walk(void *impl, enum grey_table t, grey_walk_fn cb, void *arg)
{
	return greydb_walk(impl, t, cb, arg);
}

static int lm_purge(void *impl, const struct grey_params *p, time_t now,
	struct grey_sweep_stats *st)
{
	return greydb_purge(impl, p, now, st);
}

static int lm_sweeper_start(void *impl, const struct grey_params *p, unsigned secs)
{
	return greydb_sweeper_start(impl, p, secs);
}

static void lm_sweeper_stop(void *impl) { greydb_sweeper_stop(impl); }

static void lm_set_params(void *impl, const struct grey_params *p)
{
	greydb_set_params(impl, p);
}

/* One figure for rampartctl: "N", or "N/M" when of is given. */
static void fact(struct grey_store_stats *s, const char *name, unsigned long long v,
	const unsigned long long *of)
{
	char *out;
	size_t size = sizeof s->facts[0].value;

	if (s->nfacts >= GREY_STORE_FACTS)
		return;
	out = s->facts[s->nfacts].value;
	rp_strlcpy(s->facts[s->nfacts].name, name, sizeof s->facts[0].name);
	if (of)
		snprintf(out, size, "%llu/%llu", v, *of);
	else
		snprintf(out, size, "%llu", v);
	s->nfacts++;
}

static int lm_stat(void *impl, struct grey_store_stats *s)
{
	struct greydb_stats st;
	int rc = greydb_stat(impl, &st);

	if (rc)
		return rc;

	s->triplets = st.triplets;
	s->clients = st.clients;
	s->sweeps = st.sweeps;
	s->swept = st.swept;
	unsigned long long rmax = st.readers_max;

	fact(s, "file size", st.file_size, NULL);
	fact(s, "map size", st.map_size, NULL);
	fact(s, "page size", st.page_size, NULL);
	fact(s, "readers", st.readers_used, &rmax);
	fact(s, "last txn", st.last_txnid, NULL);
	return 0;
}

const struct grey_store_ops greystore_lmdb_ops = {
	.name = "lmdb",
	.open = lm_open,
	.close = lm_close,
	.target = lm_target,
	.strerror = greydb_strerror,
	.decide = lm_decide,
	.get = lm_get,
	.put = lm_put,
	.del = lm_del,
	.find_prefix = lm_find_prefix,
	.walk = lm_walk,
	.purge = lm_purge,
	.sweeper_start = lm_sweeper_start,
	.sweeper_stop = lm_sweeper_stop,
	.set_params = lm_set_params,
	.stat = lm_stat,
};
