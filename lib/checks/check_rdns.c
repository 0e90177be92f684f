/*
 * check_rdns - client_ptr and client_fcrdns (SPEC §2, §6; Postfix
 * smtpd_peer.c semantics as in postfix-semantics A.3).
 *
 * client_ptr passes when the client address has a PTR record whose name is
 * a valid hostname. client_fcrdns passes when some such name (at most
 * RDNS_MAX_NAMES of them) has an A (IPv4 client) or AAAA (IPv6 client)
 * record equal to the client address; its forward lookups are a second
 * round within the stage's deadline. A temporary failure anywhere in the
 * chain that leaves the answer open is temporary; it is never a pass.
 * The FCrDNS outcome is kept in the connection for the iprev result of
 * Authentication-Results.
 */
#include <stdio.h>
#include <sys/socket.h>

#include "checks/check.h"
#include "base/hostname.h"
#include "base/log.h"
#include "base/util.h"

#define RDNS_MAX_NAMES 10

static void ptr_query(struct rp_eval *ev, enum rp_check id)
{
	char rev[80], name[100];
	if (!ev->c->has_addr || ev->c->dnsbl_allow)
		return;
	if (netaddr_reverse(&ev->c->addr, rev, sizeof rev) != 0)
		return;
	snprintf(name, sizeof name, "%s.%s", rev,
		ev->c->addr.family == AF_INET6 ? "ip6.arpa" : "in-addr.arpa");
	eval_query(ev, id, name, RP_DNS_PTR);
}

void prepare_client_ptr(struct rp_eval *ev)
{
	ptr_query(ev, RP_CHK_CLIENT_PTR);
}

void prepare_client_fcrdns(struct rp_eval *ev)
{
	ptr_query(ev, RP_CHK_CLIENT_FCRDNS);
}

/* PTR outcome: PASS (some valid name), FAIL (none), TEMP. */
static enum rp_result ptr_outcome(const struct rp_dns_result *r)
{
	if (!r)
		return RP_RES_TEMP;
	switch (r->ans->outcome) {
	case RP_DNS_FOUND:
		for (size_t i = 0; i < r->ans->n; i++)
			if (hostname_valid(r->ans->rr[i].name))
				return RP_RES_PASS;
		return RP_RES_FAIL;
	case RP_DNS_NOTFOUND:
		return RP_RES_FAIL;
	default:
		return RP_RES_TEMP;
	}
}

enum rp_result check_client_ptr(struct rp_eval *ev, struct rp_reply *out)
{
	enum rp_result res;
	if (!ev->c->has_addr || ev->c->dnsbl_allow)
		return RP_RES_NONE;
	res = ptr_outcome(eval_result(ev, RP_CHK_CLIENT_PTR, 0));
	if (res != RP_RES_PASS)
		reply_set(out, RP_CHK_CLIENT_PTR, 450, "4.7.1",
			"Client host rejected: cannot find your reverse hostname, [%s]",
			ev->c->client_addr);
	return res;
}

/* Forward-confirm the PTR names: PASS with the name, FAIL, or TEMP. */
static enum rp_result forward_confirm(struct rp_eval *ev, const struct rp_dns_answer *ptr)
{
	struct rp_conn *c = ev->c;
	enum rp_dns_type t = c->addr.family == AF_INET6 ? RP_DNS_AAAA : RP_DNS_A;
	struct rp_dns_batch *b = dns_batch_new(c->eng->dns);
	const char *names[RDNS_MAX_NAMES];
	size_t n = 0;
	enum rp_result res = RP_RES_FAIL;

	for (size_t i = 0; i < ptr->n && n < RDNS_MAX_NAMES; i++)
		if (hostname_valid(ptr->rr[i].name)) {
			names[n++] = ptr->rr[i].name;
			dns_batch_add(b, ptr->rr[i].name, t);
		}
	dns_batch_run(b, eval_deadline(ev));
	for (size_t i = 0; i < n && res != RP_RES_PASS; i++) {
		const struct rp_dns_answer *a = dns_batch_result(b, i)->ans;
		if (a->outcome == RP_DNS_FOUND) {
			for (size_t k = 0; k < a->n; k++)
				if (netaddr_equal(&a->rr[k].addr, &c->addr)) {
					rp_strlcpy(c->iprev_name, names[i], sizeof c->iprev_name);
					res = RP_RES_PASS;
					break;
				}
		} else if (a->outcome != RP_DNS_NOTFOUND) {
			res = RP_RES_TEMP;
		}
	}
	if (res == RP_RES_FAIL && n)
		log_msg(RP_LOG_INFO, "%s[%s]: hostname %s does not resolve to address %s",
			c->client_name, c->client_addr, names[0], c->client_addr);
	dns_batch_free(b);
	return res;
}

enum rp_result check_client_fcrdns(struct rp_eval *ev, struct rp_reply *out)
{
	const struct rp_dns_result *r;
	enum rp_result res;

	if (!ev->c->has_addr || ev->c->dnsbl_allow)
		return RP_RES_NONE;
	r = eval_result(ev, RP_CHK_CLIENT_FCRDNS, 0);
	res = ptr_outcome(r);
	if (res == RP_RES_PASS)
		res = forward_confirm(ev, r->ans);
	ev->c->iprev = res;
	if (res != RP_RES_PASS)
		reply_set(out, RP_CHK_CLIENT_FCRDNS, 450, "4.7.25",
			"Client host rejected: cannot find your hostname, [%s]", ev->c->client_addr);
	return res;
}
