/*
 * fuzz_dns_answer - a DNS reply as the resolver judges it (dns/reply.h).
 * Input: one byte selecting the query type (A, AAAA, PTR, MX, TXT: the
 * value modulo 5), then the reply's wire bytes. The reply goes through the
 * resolver's header check (ID, QR), ldns_wire2pkt, the question check and
 * dns_reply_answer, for the question the reply names (and for the owner of
 * its first answer record). Invariants: the answer keeps at most
 * RP_DNS_MAX_RR records of the queried type, names are printable without
 * upper case or a trailing dot, texts are bounded and terminated.
 */
#include "fuzz.h"

#include <sys/socket.h>

#include "dns/answer.h"
#include "dns/reply.h"

static void check_answer(const struct rp_dns_answer *a, enum rp_dns_type type)
{
	FUZZ_ASSERT(a && a->detail && fuzz_printable(a->detail));
	FUZZ_ASSERT(a->n <= RP_DNS_MAX_RR);
	FUZZ_ASSERT(dns_answer_size(a) >= sizeof *a);
	switch (a->outcome) {
	case RP_DNS_FOUND:
		FUZZ_ASSERT(a->n > 0);
		break;
	case RP_DNS_NOTFOUND:
	case RP_DNS_MALFORMED:
	case RP_DNS_TEMP:
		FUZZ_ASSERT(a->n == 0);
		break;
	default:
		FUZZ_ASSERT(!"outcome");
	}
	bool null_mx = false;
	for (size_t i = 0; i < a->n; i++) {
		const struct rp_dns_rr *r = &a->rr[i];
		switch (type) {
		case RP_DNS_A:
			FUZZ_ASSERT(r->addr.family == AF_INET);
			break;
		case RP_DNS_AAAA:
			FUZZ_ASSERT(r->addr.family == AF_INET6);
			break;
		case RP_DNS_PTR:
		case RP_DNS_MX: {
			FUZZ_ASSERT(r->name != NULL);
			size_t n = strlen(r->name);
			for (size_t k = 0; k < n; k++)
				FUZZ_ASSERT(r->name[k] >= '!' && r->name[k] <= '~'
					&& !(r->name[k] >= 'A' && r->name[k] <= 'Z'));
			if (n)
				FUZZ_ASSERT(r->name[n - 1] != '.' || (n >= 2 && r->name[n - 2] == '\\'));
			null_mx |= n == 0;
			break;
		}
		case RP_DNS_TXT:
			FUZZ_ASSERT(r->text != NULL && r->text_len <= RP_DNS_TXT_MAX);
			FUZZ_ASSERT(r->text[r->text_len] == '\0');
			break;
		}
	}
	/* the answer does not know its type: only an MX answer is asked */
	if (type == RP_DNS_MX && a->outcome == RP_DNS_FOUND)
		FUZZ_ASSERT(dns_answer_is_null_mx(a) == null_mx);
}

static void judge(const ldns_pkt *p, const ldns_rdf *qname, enum rp_dns_type type)
{
	(void)dns_reply_matches(p, qname, type);
	ldns_pkt_rcode rc = ldns_pkt_get_rcode(p);
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN)
		return;
	struct rp_dns_answer *a = dns_reply_answer(p, qname, type);
	check_answer(a, type);
	dns_answer_unref(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum rp_dns_type type = (enum rp_dns_type)(data[0] % 5);
	const uint8_t *w = data + 1;
	size_t len = size - 1;

	if (len >= LDNS_HEADER_SIZE) {
		uint16_t id = LDNS_ID_WIRE(w);
		FUZZ_ASSERT(dns_reply_header_matches(w, len, id) == (LDNS_QR_WIRE(w) != 0));
		FUZZ_ASSERT(!dns_reply_header_matches(w, len, (uint16_t)(id + 1)));
	} else {
		FUZZ_ASSERT(!dns_reply_header_matches(w, len, 0));
	}

	ldns_pkt *p = NULL;
	if (ldns_wire2pkt(&p, w, len) != LDNS_STATUS_OK)
		return 0;
	const ldns_rr_list *qs = ldns_pkt_question(p);
	ldns_rdf *fixed = ldns_dname_new_frm_str("example.com.");
	const ldns_rdf *qname = ldns_rr_list_rr_count(qs) > 0
		? ldns_rr_owner(ldns_rr_list_rr(qs, 0)) : fixed;
	if (qname) {
		judge(p, qname, type);
		if (ldns_rr_list_rr_count(qs) == 1) {
			const ldns_rr *q = ldns_rr_list_rr(qs, 0);
			bool same = ldns_rr_get_type(q) == dns_ldns_type(type)
				&& ldns_rr_get_class(q) == LDNS_RR_CLASS_IN
				&& ldns_pkt_get_opcode(p) == LDNS_PACKET_QUERY;
			FUZZ_ASSERT(dns_reply_matches(p, qname, type) == same);
		}
	}
	const ldns_rr_list *an = ldns_pkt_answer(p);
	if (ldns_rr_list_rr_count(an) > 0) {
		const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(an, 0));
		if (o && (!qname || ldns_dname_compare(o, qname) != 0))
			judge(p, o, type);
	}
	ldns_rdf_deep_free(fixed);
	ldns_pkt_free(p);
	return 0;
}
