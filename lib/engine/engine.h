/*
 * engine - a config snapshot together with the live things built from it:
 * the resolver for its [dns] settings, the SPF evaluator over it, and the
 * host's own addresses (for helo_forged), plus the process-wide shared parts it points to (the DNS
 * cache; the greylist store). Connections hold an engine reference for
 * their whole life; a reload builds a new engine and swaps it in.
 *
 * Threads: immutable after engine_new returns; engine_ref/engine_unref are
 * atomic. The shared parts have their own locking (dns_cache.h,
 * greylist/store.h).
 */
#ifndef RAMPART_ENGINE_H
#define RAMPART_ENGINE_H

#include <stddef.h>

#include "config/config.h"
#include "dns/dns.h"
#include "base/netaddr.h"

struct grey_store;
struct rp_spf;

/* Process-wide state that outlives engines. */
struct rp_shared {
	struct rp_dns_cache *dns_cache;  /* may be NULL: no caching */
	struct grey_store *greylist;     /* may be NULL: greylisting unavailable */
};

struct rp_engine {
	int refs;
	struct rp_config *cfg;           /* one reference */
	struct rp_dns *dns;              /* NULL when the snapshot needs no DNS */
	struct rp_spf *spf;              /* NULL when every [spf] result is off */
	const struct rp_shared *shared;
	struct rp_netaddr *own_addrs;    /* interface addresses + [helo] own_names addresses */
	size_t n_own_addrs;
};

/* Build an engine for cfg (takes a new reference on cfg). NULL with a
 * message in err when the resolver cannot be built. */
struct rp_engine *engine_new(struct rp_config *cfg, const struct rp_shared *shared,
	char *err, size_t errsize);
struct rp_engine *engine_ref(struct rp_engine *e);
void engine_unref(struct rp_engine *e);
/* Is a an address of this host (interfaces, or listed in [helo] own_names)? */
bool engine_is_own_addr(const struct rp_engine *e, const struct rp_netaddr *a);

#endif
