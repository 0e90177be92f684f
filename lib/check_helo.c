/*
 * check_helo - HELO checks that need no DNS: helo_required, helo_invalid,
 * helo_non_fqdn, with Postfix's replies (SPEC §2, §6).
 */
#include "check.h"
#include "hostname.h"

enum rp_result check_helo_required(struct rp_eval *ev, struct rp_reply *out)
{
	if (ev->c->helo)
		return RP_RES_PASS;
	reply_set(out, RP_CHK_HELO_REQUIRED, 503, "5.5.1", "Error: send HELO/EHLO first");
	return RP_RES_FAIL;
}

enum rp_result check_helo_invalid(struct rp_eval *ev, struct rp_reply *out)
{
	char h[RP_REPLY_ARG_MAX + 1];
	enum helo_validity v = helo_validity(ev->arg);

	if (v == HELO_VALID)
		return RP_RES_PASS;
	reply_arg(h, sizeof h, ev->arg, RP_REPLY_ARG_MAX);
	reply_set(out, RP_CHK_HELO_INVALID, 501, "5.5.2", "<%s>: Helo command rejected: %s", h,
		v == HELO_INVALID_LITERAL ? "invalid ip address" : "Invalid name");
	return RP_RES_FAIL;
}

enum rp_result check_helo_non_fqdn(struct rp_eval *ev, struct rp_reply *out)
{
	char h[RP_REPLY_ARG_MAX + 1];

	if (!helo_non_fqdn(ev->arg, false))
		return RP_RES_PASS;
	reply_arg(h, sizeof h, ev->arg, RP_REPLY_ARG_MAX);
	reply_set(out, RP_CHK_HELO_NON_FQDN, 504, "5.5.2",
		"<%s>: Helo command rejected: need fully-qualified hostname", h);
	return RP_RES_FAIL;
}
