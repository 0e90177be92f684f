/*
 * answer - one DNS answer as rampart keeps it: the outcome class, the
 * records of the queried type (addresses, names or TXT strings) and the
 * TTL. Built by the resolver (dns/reply.c) or by tests, then shared between
 * the cache (dns/dns_cache.h) and any number of results through an atomic
 * reference count. Knows nothing of sockets, packets or the cache.
 *
 * Threads: building (dns_answer_new, dns_answer_add_*) belongs to one
 * thread; once shared an answer is immutable and ref/unref are safe from
 * any thread.
 */
#ifndef RAMPART_DNS_ANSWER_H
#define RAMPART_DNS_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/netaddr.h"

#define RP_DNS_MAX_RR      20    /* records kept per answer */
#define RP_DNS_TXT_MAX     4096  /* bytes kept per TXT record */
#define RP_DNS_MAX_CNAME   8     /* CNAME hops followed inside one answer */
#define RP_DNS_NAME_MAX    253   /* longest query name, presentation form */

enum rp_dns_type { RP_DNS_A, RP_DNS_AAAA, RP_DNS_PTR, RP_DNS_MX, RP_DNS_TXT };

enum rp_dns_outcome {
	RP_DNS_FOUND,
	RP_DNS_NOTFOUND,
	RP_DNS_TEMP,
	RP_DNS_MALFORMED,
};

/* One record. Which fields are set depends on the query type. */
struct rp_dns_rr {
	struct rp_netaddr addr;  /* A, AAAA */
	unsigned pref;           /* MX preference */
	/* PTR and MX target: lower case, no trailing dot, bytes outside
	 * [!-~] and label dots escaped as ldns prints them ("\032", "\.");
	 * "" is the root (a null MX "MX 0 ."). */
	const char *name;
	/* TXT: character-strings joined raw, cut at RP_DNS_TXT_MAX bytes,
	 * NUL-terminated; may contain NUL, CR, LF: sanitise before use. */
	const char *text;
	size_t text_len;
	bool text_cut;           /* TXT: the record was longer than RP_DNS_TXT_MAX */
};

/*
 * An answer. Immutable once built; shared between the cache and any number
 * of results through a reference count (dns_answer_ref / dns_answer_unref).
 */
struct rp_dns_answer {
	enum rp_dns_outcome outcome;
	int rcode;               /* rcode of the reply; -1 when there was none */
	const char *detail;      /* static text for logs: "NXDOMAIN", "timeout"... */
	uint32_t ttl;            /* seconds: minimum over the chain and records;
	                          * negative answers: min(SOA TTL, SOA MINIMUM) */
	size_t n;                /* records kept, at most RP_DNS_MAX_RR */
	bool more;               /* the answer held more records than kept */
	struct rp_dns_rr *rr;
	unsigned refs;           /* atomic; see dns_answer_ref */
};

/* True if any MX record of a FOUND MX answer is the root (null MX,
 * RFC 7505), as Postfix decides. */
bool dns_answer_is_null_mx(const struct rp_dns_answer *a);

/* Bytes an answer holds (struct, records, names, texts), for the cache's
 * memory bound. */
size_t dns_answer_size(const struct rp_dns_answer *a);

void dns_answer_ref(const struct rp_dns_answer *a);
void dns_answer_unref(const struct rp_dns_answer *a);

/* Build an answer (for the resolver and the cache tests): records are
 * added with the dns_answer_add_* calls before it is shared. */
struct rp_dns_answer *dns_answer_new(enum rp_dns_outcome outcome, int rcode,
	const char *detail, uint32_t ttl);
/* Each returns false when RP_DNS_MAX_RR records are kept (sets more). */
bool dns_answer_add_addr(struct rp_dns_answer *a, const struct rp_netaddr *addr);
bool dns_answer_add_name(struct rp_dns_answer *a, unsigned pref, const char *name);
bool dns_answer_add_text(struct rp_dns_answer *a, const char *text, size_t len);

const char *dns_type_name(enum rp_dns_type t);       /* "A", "MX", ... */
const char *dns_outcome_name(enum rp_dns_outcome o); /* "found", ... */

#endif
