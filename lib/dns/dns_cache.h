/*
 * dns_cache - the process-wide DNS answer cache, shared by every resolver
 * (and so by every config snapshot): keyed by (lower-case name, type),
 * expiring by clock_now(), bounded in entries and in bytes with CLOCK
 * eviction: at most `entries` answers holding at most entries x
 * RP_DNS_CACHE_AVG_BYTES bytes (40 MB at the default 20,000 entries), and
 * no answer over RP_DNS_CACHE_ENTRY_MAX bytes is kept at all (15 TXT
 * records of 4 KiB for an attacker's name are asked again, never stored).
 *
 * Threads: any thread. The table is split into RP_DNS_CACHE_STRIPES
 * stripes chosen by key hash, each with its own mutex guarding its hash
 * chains, CLOCK ring and counters; no lock is held outside these calls.
 * Answers are shared by reference count, never copied.
 *
 * Lifetime: dns_cache_new returns one reference; dns_cache_ref adds one
 * (each resolver holds one); dns_cache_free drops one and frees at zero.
 */
#ifndef RAMPART_DNS_CACHE_H
#define RAMPART_DNS_CACHE_H

#include <stdint.h>

#include "dns/answer.h"

struct rp_dns_cache;

#define RP_DNS_CACHE_STRIPES 16
#define RP_DNS_CACHE_AVG_BYTES 2048     /* memory budget per entry */
#define RP_DNS_CACHE_ENTRY_MAX 16384    /* larger answers are not cached */

struct rp_dns_cache_stats {
	uint64_t hits, misses, inserts, evictions, expired;
	uint64_t entries;        /* live entries now (expired ones included
	                          * until reused) */
	uint64_t bytes;          /* what they hold (dns_answer_size) */
	uint64_t too_big;        /* answers not stored: over RP_DNS_CACHE_ENTRY_MAX */
};

/* entries: total bound (at least one per stripe); max_ttl: seconds, the
 * cap on any stored TTL (0 means 3600). */
struct rp_dns_cache *dns_cache_new(unsigned entries, unsigned max_ttl);
struct rp_dns_cache *dns_cache_ref(struct rp_dns_cache *c);
void dns_cache_free(struct rp_dns_cache *c);
/* Change the TTL cap (reload); entries already stored keep their expiry. */
void dns_cache_set_max_ttl(struct rp_dns_cache *c, unsigned max_ttl);

/*
 * Look up (name, type); name as dns_batch_add normalises it (lower case,
 * no trailing dot). On a hit returns a new reference to the answer (release
 * with dns_answer_unref) and the seconds left in *ttl_left; NULL on a miss
 * or an expired entry. Counts a hit or a miss.
 */
const struct rp_dns_answer *dns_cache_get(struct rp_dns_cache *c, const char *name,
	enum rp_dns_type type, uint32_t *ttl_left);
/*
 * Store an answer for ttl seconds (capped by max_ttl). TEMP and MALFORMED
 * answers and ttl 0 are not stored. The cache takes its own reference.
 * Replaces an entry with the same key.
 */
void dns_cache_put(struct rp_dns_cache *c, const char *name, enum rp_dns_type type,
	const struct rp_dns_answer *a, uint32_t ttl);

void dns_cache_stats(struct rp_dns_cache *c, struct rp_dns_cache_stats *out);

#endif
