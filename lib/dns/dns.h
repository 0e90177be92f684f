/*
 * dns - the resolver: queries built and parsed with ldns, sent together
 * over non-blocking UDP (TCP after a truncated reply) and bounded by one
 * absolute deadline; answers (dns/answer.h) shared through dns/dns_cache.h.
 *
 * Use: a struct rp_dns is built once per config snapshot from rp_dns_opts
 * and is immutable afterwards. A caller makes a batch, adds queries, runs it
 * against clock_mono_ms() + budget, reads one result per query, frees it.
 * A dependent round (forward lookups of PTR names) is a second batch.
 *
 * Threads: an rp_dns may be used by any number of threads at once; a batch
 * belongs to one thread at a time. Each batch opens its own sockets.
 *
 * Sockets: every try holds one socket until its query is done, so the
 * sockets in flight are counted process-wide and capped (dns_socket_limit).
 * A try that gets no socket (the cap, or socket() failing with EMFILE,
 * ENFILE, ENOBUFS, ENOMEM) fails at once, so the query ends TEMP with the
 * detail "no socket: ..." (never a pass); one warning is logged when
 * sockets start to run out and one notice when a socket is had again.
 * Time: deadlines and per-try timeouts use clock_mono_ms(), TTLs clock_now().
 * With clock_set_fake() the monotonic clock stands still, so a test on the
 * fake clock must only ask questions its server answers.
 *
 * Outcomes (SPEC §5): FOUND (records of the type, after following a CNAME
 * chain inside the answer), NOTFOUND (NXDOMAIN or NODATA), TEMP (SERVFAIL,
 * REFUSED or any other error rcode, timeout, network error, deadline),
 * MALFORMED (unparsable reply, wrong record data, CNAME loop, a name that
 * cannot be queried). Never a crash on hostile answers; no data is
 * sanitised here except names: TXT strings are raw (may hold any byte).
 */
#ifndef RAMPART_DNS_H
#define RAMPART_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/netaddr.h"
#include "dns/answer.h"

#define RP_DNS_MAX_NS      8     /* nameservers per resolver */
#define DNS_SOCKETS_MIN    8     /* the derived socket cap is at least this */
#define DNS_SOCKETS_MAX    65536 /* ... and at most this */

struct rp_dns_result {
	const char *name;        /* as queried: lower case, no trailing dot */
	enum rp_dns_type type;
	const struct rp_dns_answer *ans;  /* never NULL after dns_batch_run */
	uint32_t ttl;            /* seconds left (less than ans->ttl if cached) */
	bool cached;             /* answered from the cache */
};

/*
 * Tries: a query not in the cache gets up to attempts x nameservers tries of
 * timeout_ms each, the first to nameserver 0, each further one to the next
 * nameserver. Every try is a fresh connected UDP socket with a random ID and
 * EDNS size 1232; replies whose ID, QR bit or question (name, type, class
 * IN) do not match are ignored, and earlier tries stay open for late
 * replies. A truncated reply moves that query to TCP. SERVFAIL and REFUSED
 * try the next nameserver when there is more than one. All of it stops at
 * the batch deadline.
 */
struct rp_dns_opts {
	const char *const *nameservers; /* "192.0.2.1", "2001:db8::1" */
	size_t n_nameservers;           /* 1..RP_DNS_MAX_NS */
	unsigned port;                  /* 0: 53 */
	unsigned timeout_ms;            /* per try; 0: 2000 */
	unsigned attempts;              /* rounds over all nameservers; 0: 2 */
	unsigned cache_max_ttl;         /* seconds; 0: the cache's own bound */
};

struct rp_dns;
struct rp_dns_batch;
struct rp_dns_cache;

/*
 * Build a resolver. cache may be NULL (no caching); otherwise the resolver
 * holds a reference to it (dns_cache_ref) until dns_free. Returns NULL with
 * a message in err when a nameserver address does not parse.
 */
struct rp_dns *dns_new(const struct rp_dns_opts *o, struct rp_dns_cache *cache,
	char *err, size_t errsize);
void dns_free(struct rp_dns *d);

/*
 * The process-wide cap on DNS sockets open at once. n 0: derive it from
 * the soft RLIMIT_NOFILE now, half of it (the other half is left to the
 * MTA connections, the greylist store and tables), within DNS_SOCKETS_MIN
 * .. DNS_SOCKETS_MAX. Returns the cap. Until it is set, the first query
 * derives it. dns_sockets_open: DNS sockets open now.
 */
unsigned dns_socket_limit_set(unsigned n);
unsigned dns_socket_limit(void);
unsigned dns_sockets_open(void);

struct rp_dns_batch *dns_batch_new(struct rp_dns *d);
/*
 * Add a query; returns its index (0, 1, ...), the argument for
 * dns_batch_result. name may end in a dot and is
 * compared without case. The same (name, type) twice is asked once. A name
 * that cannot be queried (empty label, too long, bytes outside [!-~],
 * backslash) gets a MALFORMED result without any packet sent.
 */
size_t dns_batch_add(struct rp_dns_batch *b, const char *name, enum rp_dns_type type);
/*
 * Answer every query: cache hits first, then all the others at once. Runs
 * once per batch; dns_batch_add after it is a bug (abort).
 * Returns when all are answered or at deadline_ms (clock_mono_ms() scale);
 * what is unanswered then is TEMP ("deadline").
 */
void dns_batch_run(struct rp_dns_batch *b, uint64_t deadline_ms);
size_t dns_batch_count(const struct rp_dns_batch *b);
/* Result of query i (i < count); valid until dns_batch_free. */
const struct rp_dns_result *dns_batch_result(const struct rp_dns_batch *b, size_t i);
void dns_batch_free(struct rp_dns_batch *b);

#endif
