/*
 * check_domain - names that must exist in DNS: helo_unknown (A, AAAA or
 * MX of the HELO name; address literals are not looked up),
 * sender_unknown_domain and recipient_unknown_domain (MX, A, AAAA of the
 * domain; a null MX "MX 0 ." gets RFC 7505's reply; address literals, the
 * null sender and a bare local part are exempt). The three queries of a
 * name go out together with the stage's other queries. Only a recipient
 * the MTA sends on ({rcpt_mailer} in [envelope] remote_mailers) is
 * checked, as Postfix's reject_unknown_recipient_domain checks only the
 * domains it is not the final destination for; a recipient without
 * {rcpt_mailer} is checked.
 *
 * Combining (Postfix dns_lookup_l with its status priorities): any record
 * found passes (a null MX refuses the address domains); otherwise a
 * temporary failure is temporary, a malformed reply refuses with
 * "Malformed DNS server reply", and no records refuses.
 */
#include <string.h>

#include "checks/check.h"
#include "base/hostname.h"
#include "base/util.h"

enum name_status { NAME_FOUND, NAME_NULLMX, NAME_TEMP, NAME_MALFORMED, NAME_NOTFOUND };

static void query_name3(struct rp_eval *ev, enum rp_check id, const char *name)
{
	eval_query(ev, id, name, RP_DNS_MX);
	eval_query(ev, id, name, RP_DNS_A);
	eval_query(ev, id, name, RP_DNS_AAAA);
}

static enum name_status name_status(const struct rp_eval *ev, enum rp_check id)
{
	bool temp = false, malformed = false;
	const struct rp_dns_result *mx = eval_result(ev, id, 0);

	if (!mx)
		return NAME_TEMP;
	if (mx->ans->outcome == RP_DNS_FOUND)
		return dns_answer_is_null_mx(mx->ans) ? NAME_NULLMX : NAME_FOUND;
	for (size_t k = 0; k < 3; k++) {
		const struct rp_dns_result *r = eval_result(ev, id, k);
		if (!r)
			return NAME_TEMP;
		if (r->ans->outcome == RP_DNS_FOUND)
			return NAME_FOUND;
		temp |= r->ans->outcome == RP_DNS_TEMP;
		malformed |= r->ans->outcome == RP_DNS_MALFORMED;
	}
	return temp ? NAME_TEMP : malformed ? NAME_MALFORMED : NAME_NOTFOUND;
}

/* HELO: literals are helo_invalid's business; an invalid name is not
 * looked up (Postfix's dns_lookup refuses it: not found). */
void prepare_helo_unknown(struct rp_eval *ev)
{
	if (ev->arg[0] != '[' && hostname_valid(ev->arg))
		query_name3(ev, RP_CHK_HELO_UNKNOWN, ev->arg);
}

enum rp_result check_helo_unknown(struct rp_eval *ev, struct rp_reply *out)
{
	char h[RP_REPLY_ARG_MAX + 1];
	enum name_status st = NAME_NOTFOUND;

	if (ev->arg[0] == '[' || !ev->arg[0])
		return RP_RES_NONE;
	if (hostname_valid(ev->arg))
		st = name_status(ev, RP_CHK_HELO_UNKNOWN);
	if (st == NAME_FOUND || st == NAME_NULLMX)
		return RP_RES_PASS;
	reply_arg(h, sizeof h, ev->arg, RP_REPLY_ARG_MAX);
	reply_set(out, RP_CHK_HELO_UNKNOWN, 450, "4.7.1", "<%s>: Helo command rejected: %s", h,
		st == NAME_MALFORMED ? "Malformed DNS server reply" : "Host not found");
	return st == NAME_TEMP ? RP_RES_TEMP : RP_RES_FAIL;
}

/* The domain of an address that must exist, one trailing dot stripped;
 * NULL when exempt. */
static const char *address_domain_to_check(const char *addr, char *buf, size_t size)
{
	const char *d;
	size_t len;
	if (!addr[0] || !strchr(addr, '@'))
		return NULL;
	d = address_domain(addr);
	if (d[0] == '[')
		return NULL;
	rp_strlcpy(buf, d, size);
	len = strlen(buf);
	if (len > 1 && buf[len - 1] == '.')
		buf[len - 1] = '\0';
	return buf;
}

static void prepare_domain(struct rp_eval *ev, enum rp_check id, const char *addr)
{
	char dom[RP_DOMAIN_MAX + 1];
	if (address_domain_to_check(addr, dom, sizeof dom) && hostname_valid(dom))
		query_name3(ev, id, dom);
}

static enum rp_result domain_result(struct rp_eval *ev, enum rp_check id, const char *addr,
	const char *klass, int code, const char *xcode, int nullmx_code, const char *nullmx_xcode,
	struct rp_reply *out)
{
	char dom[RP_DOMAIN_MAX + 1], a[RP_REPLY_ARG_MAX + 1], d[RP_REPLY_ARG_MAX + 1];
	enum name_status st = NAME_NOTFOUND;

	if (!address_domain_to_check(addr, dom, sizeof dom))
		return RP_RES_NONE;
	if (hostname_valid(dom))
		st = name_status(ev, id);
	if (st == NAME_FOUND)
		return RP_RES_PASS;
	reply_arg(a, sizeof a, addr, RP_REPLY_ARG_MAX);
	if (st == NAME_NULLMX) {
		reply_arg(d, sizeof d, dom, RP_REPLY_ARG_MAX / 2);
		reply_set(out, id, nullmx_code, nullmx_xcode,
			"<%s>: %s rejected: Domain %s does not accept mail (nullMX)", a, klass, d);
		return RP_RES_FAIL;
	}
	reply_set(out, id, code, xcode, "<%s>: %s rejected: %s", a, klass,
		st == NAME_MALFORMED ? "Malformed DNS server reply" : "Domain not found");
	return st == NAME_TEMP ? RP_RES_TEMP : RP_RES_FAIL;
}

void prepare_sender_domain(struct rp_eval *ev)
{
	if (!ev->m->null_sender)
		prepare_domain(ev, RP_CHK_SENDER_UNKNOWN_DOMAIN, ev->m->sender);
}

enum rp_result check_sender_domain(struct rp_eval *ev, struct rp_reply *out)
{
	if (ev->m->null_sender)
		return RP_RES_NONE;
	return domain_result(ev, RP_CHK_SENDER_UNKNOWN_DOMAIN, ev->m->sender, "Sender address",
		450, "4.1.8", 550, "5.7.27", out);
}

static bool delivered_here(const struct rp_eval *ev)
{
	return ev->rcpt_mailer && ev->rcpt_mailer[0] &&
		!strlist_contains_ci(&ev->c->cfg->envelope.remote_mailers, ev->rcpt_mailer);
}

void prepare_recipient_domain(struct rp_eval *ev)
{
	if (!delivered_here(ev))
		prepare_domain(ev, RP_CHK_RECIPIENT_UNKNOWN_DOMAIN, ev->rcpt);
}

enum rp_result check_recipient_domain(struct rp_eval *ev, struct rp_reply *out)
{
	if (delivered_here(ev))
		return RP_RES_NONE;
	return domain_result(ev, RP_CHK_RECIPIENT_UNKNOWN_DOMAIN, ev->rcpt, "Recipient address",
		450, "4.1.2", 556, "5.1.10", out);
}
