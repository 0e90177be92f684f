/* reply - see reply.h */
#include "dns/reply.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

ldns_rr_type dns_ldns_type(enum rp_dns_type t)
{
	switch (t) {
	case RP_DNS_A: return LDNS_RR_TYPE_A;
	case RP_DNS_AAAA: return LDNS_RR_TYPE_AAAA;
	case RP_DNS_PTR: return LDNS_RR_TYPE_PTR;
	case RP_DNS_MX: return LDNS_RR_TYPE_MX;
	case RP_DNS_TXT: return LDNS_RR_TYPE_TXT;
	}
	return LDNS_RR_TYPE_A;
}

bool dns_reply_header_matches(const uint8_t *w, size_t len, uint16_t id)
{
	return len >= LDNS_HEADER_SIZE && LDNS_ID_WIRE(w) == id && LDNS_QR_WIRE(w);
}

bool dns_reply_matches(const ldns_pkt *p, const ldns_rdf *qname, enum rp_dns_type type)
{
	const ldns_rr_list *qs = ldns_pkt_question(p);
	const ldns_rr *qrr = ldns_rr_list_rr_count(qs) == 1 ? ldns_rr_list_rr(qs, 0) : NULL;

	return ldns_pkt_get_opcode(p) == LDNS_PACKET_QUERY && qrr
		&& ldns_rr_get_type(qrr) == dns_ldns_type(type)
		&& ldns_rr_get_class(qrr) == LDNS_RR_CLASS_IN
		&& ldns_dname_compare(ldns_rr_owner(qrr), qname) == 0;
}

static uint32_t negative_ttl(const ldns_pkt *p)
{
	const ldns_rr_list *auth = ldns_pkt_authority(p);
	uint32_t ttl = 0;
	bool seen = false;
	for (size_t i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(auth, i);
		const ldns_rdf *min;
		uint32_t t;
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || ldns_rr_rd_count(rr) < 7)
			continue;
		min = ldns_rr_rdf(rr, 6);
		if (ldns_rdf_size(min) != 4)
			continue;
		t = ldns_rr_ttl(rr);
		if (ldns_rdf2native_int32(min) < t)
			t = ldns_rdf2native_int32(min);
		if (!seen || t < ttl)
			ttl = t;
		seen = true;
	}
	return ttl;
}

/* A name rdf in presentation form: lower case, no trailing dot, "" for the
 * root. NULL if it is not a name. */
static char *name_text(const ldns_rdf *rdf)
{
	char *s, *p;
	size_t len;
	if (!rdf || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME)
		return NULL;
	s = ldns_rdf2str(rdf);
	if (!s)
		return NULL;
	len = strlen(s);
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
	for (p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return s;
}

/* Add one record of the queried type; false if its data is wrong. */
static bool add_record(struct rp_dns_answer *a, enum rp_dns_type type, const ldns_rr *rr)
{
	const ldns_rdf *r0 = ldns_rr_rd_count(rr) > 0 ? ldns_rr_rdf(rr, 0) : NULL;
	struct rp_netaddr addr;
	char *s;

	if (!r0)
		return false;
	switch (type) {
	case RP_DNS_A:
	case RP_DNS_AAAA: {
		bool v4 = type == RP_DNS_A;
		size_t want = v4 ? 4 : 16;
		if (ldns_rdf_get_type(r0) != (v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA)
		    || ldns_rdf_size(r0) != want)
			return false;
		memset(&addr, 0, sizeof(addr));
		addr.family = v4 ? AF_INET : AF_INET6;
		memcpy(addr.a, ldns_rdf_data(r0), want);
		dns_answer_add_addr(a, &addr);
		return true;
	}
	case RP_DNS_PTR:
	case RP_DNS_MX: {
		unsigned pref = 0;
		const ldns_rdf *target = r0;
		if (type == RP_DNS_MX) {
			if (ldns_rr_rd_count(rr) < 2 || ldns_rdf_get_type(r0) != LDNS_RDF_TYPE_INT16
			    || ldns_rdf_size(r0) != 2)
				return false;
			pref = ldns_rdf2native_int16(r0);
			target = ldns_rr_rdf(rr, 1);
		}
		s = name_text(target);
		if (!s)
			return false;
		dns_answer_add_name(a, pref, s);
		free(s);
		return true;
	}
	case RP_DNS_TXT: {
		char buf[RP_DNS_TXT_MAX];
		size_t len = 0;
		bool cut = false;
		for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
			const ldns_rdf *r = ldns_rr_rdf(rr, i);
			const uint8_t *d = ldns_rdf_data(r);
			size_t n;
			if (ldns_rdf_get_type(r) != LDNS_RDF_TYPE_STR || ldns_rdf_size(r) < 1
			    || (size_t)d[0] + 1 != ldns_rdf_size(r))
				return false;
			n = d[0];
			if (n > sizeof(buf) - len) {
				n = sizeof(buf) - len;
				cut = true;
			}
			memcpy(buf + len, d + 1, n);
			len += n;
		}
		if (dns_answer_add_text(a, buf, len))
			a->rr[a->n - 1].text_cut = cut;
		return true;
	}
	}
	return false;
}

/* Build the answer of a NOERROR/NXDOMAIN reply, following a CNAME chain
 * inside the answer section. */
struct rp_dns_answer *dns_reply_answer(const ldns_pkt *p, const ldns_rdf *qname,
	enum rp_dns_type type)
{
	const ldns_rr_list *an = ldns_pkt_answer(p);
	size_t nan = ldns_rr_list_rr_count(an);
	ldns_rr_type want = dns_ldns_type(type);
	const ldns_rdf *chain[RP_DNS_MAX_CNAME + 1];
	size_t hops = 0;
	uint32_t ttl = UINT32_MAX;
	struct rp_dns_answer *a;
	bool rcode_nx = ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN;

	chain[0] = qname;
	for (;;) {
		const ldns_rdf *cur = chain[hops], *next = NULL;
		bool have = false;
		for (size_t i = 0; i < nan && !have; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) == want && ldns_dname_compare(ldns_rr_owner(rr), cur) == 0)
				have = true;
		}
		if (have)
			break;
		for (size_t i = 0; i < nan && !next; i++) {
			const ldns_rr *rr = ldns_rr_list_rr(an, i);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1
			    && ldns_dname_compare(ldns_rr_owner(rr), cur) == 0) {
				next = ldns_rr_rdf(rr, 0);
				if (ldns_rdf_get_type(next) != LDNS_RDF_TYPE_DNAME)
					return dns_answer_new(RP_DNS_MALFORMED, ldns_pkt_get_rcode(p),
						"bad CNAME record", 0);
				if (ldns_rr_ttl(rr) < ttl)
					ttl = ldns_rr_ttl(rr);
			}
		}
		if (!next)
			break;
		for (size_t k = 0; k <= hops; k++)
			if (ldns_dname_compare(chain[k], next) == 0)
				return dns_answer_new(RP_DNS_MALFORMED, ldns_pkt_get_rcode(p),
					"CNAME loop", 0);
		if (hops == RP_DNS_MAX_CNAME)
			return dns_answer_new(RP_DNS_MALFORMED, ldns_pkt_get_rcode(p),
				"CNAME chain too long", 0);
		chain[++hops] = next;
	}

	a = dns_answer_new(RP_DNS_FOUND, ldns_pkt_get_rcode(p), "", 0);
	for (size_t i = 0; i < nan; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) != want
		    || ldns_dname_compare(ldns_rr_owner(rr), chain[hops]) != 0)
			continue;
		if (!add_record(a, type, rr)) {
			dns_answer_unref(a);
			return dns_answer_new(RP_DNS_MALFORMED, ldns_pkt_get_rcode(p),
				"bad record data", 0);
		}
		if (ldns_rr_ttl(rr) < ttl)
			ttl = ldns_rr_ttl(rr);
	}
	if (a->n == 0 && !a->more) {
		uint32_t neg = negative_ttl(p);
		dns_answer_unref(a);
		if (ttl != UINT32_MAX && ttl < neg)
			neg = ttl;
		return dns_answer_new(RP_DNS_NOTFOUND, ldns_pkt_get_rcode(p),
			rcode_nx ? "NXDOMAIN" : "NODATA", neg);
	}
	a->ttl = ttl;
	return a;
}

