/* answer - see answer.h */
#include "dns/answer.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct rp_dns_answer *dns_answer_new(enum rp_dns_outcome outcome, int rcode,
	const char *detail, uint32_t ttl)
{
	struct rp_dns_answer *a = xcalloc(1, sizeof(*a));
	a->outcome = outcome;
	a->rcode = rcode;
	a->detail = detail ? detail : "";
	a->ttl = ttl;
	a->refs = 1;
	return a;
}

static struct rp_dns_rr *answer_slot(struct rp_dns_answer *a)
{
	if (a->n >= RP_DNS_MAX_RR) {
		a->more = true;
		return NULL;
	}
	if (!a->rr)
		a->rr = xcalloc(RP_DNS_MAX_RR, sizeof(*a->rr));
	return &a->rr[a->n++];
}

bool dns_answer_add_addr(struct rp_dns_answer *a, const struct rp_netaddr *addr)
{
	struct rp_dns_rr *r = answer_slot(a);
	if (!r)
		return false;
	r->addr = *addr;
	return true;
}

bool dns_answer_add_name(struct rp_dns_answer *a, unsigned pref, const char *name)
{
	struct rp_dns_rr *r = answer_slot(a);
	if (!r)
		return false;
	r->pref = pref;
	r->name = xstrdup(name);
	return true;
}

bool dns_answer_add_text(struct rp_dns_answer *a, const char *text, size_t len)
{
	struct rp_dns_rr *r = answer_slot(a);
	char *t;
	if (!r)
		return false;
	if (len > RP_DNS_TXT_MAX)
		len = RP_DNS_TXT_MAX;
	t = xmalloc(len + 1);
	memcpy(t, text, len);
	t[len] = '\0';
	r->text = t;
	r->text_len = len;
	return true;
}

size_t dns_answer_size(const struct rp_dns_answer *a)
{
	size_t n = sizeof *a;
	if (a->rr)
		n += RP_DNS_MAX_RR * sizeof *a->rr;
	for (size_t i = 0; i < a->n; i++) {
		if (a->rr[i].name)
			n += strlen(a->rr[i].name) + 1;
		if (a->rr[i].text)
			n += a->rr[i].text_len + 1;
	}
	return n;
}

void dns_answer_ref(const struct rp_dns_answer *a)
{
	if (a)
		__atomic_add_fetch(&((struct rp_dns_answer *)a)->refs, 1, __ATOMIC_RELAXED);
}

void dns_answer_unref(const struct rp_dns_answer *ca)
{
	struct rp_dns_answer *a = (struct rp_dns_answer *)ca;
	if (!a || __atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free((char *)a->rr[i].name);
		free((char *)a->rr[i].text);
	}
	free(a->rr);
	free(a);
}

bool dns_answer_is_null_mx(const struct rp_dns_answer *a)
{
	if (!a || a->outcome != RP_DNS_FOUND)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->rr[i].name && a->rr[i].name[0] == '\0')
			return true;
	return false;
}

const char *dns_type_name(enum rp_dns_type t)
{
	switch (t) {
	case RP_DNS_A: return "A";
	case RP_DNS_AAAA: return "AAAA";
	case RP_DNS_PTR: return "PTR";
	case RP_DNS_MX: return "MX";
	case RP_DNS_TXT: return "TXT";
	}
	return "?";
}

const char *dns_outcome_name(enum rp_dns_outcome o)
{
	switch (o) {
	case RP_DNS_FOUND: return "found";
	case RP_DNS_NOTFOUND: return "not found";
	case RP_DNS_TEMP: return "temporary failure";
	case RP_DNS_MALFORMED: return "malformed";
	}
	return "?";
}

