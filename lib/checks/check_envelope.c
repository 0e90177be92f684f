/*
 * check_envelope - envelope checks that need no DNS: envelope_strict for
 * MAIL and RCPT, sender_non_fqdn, recipient_non_fqdn (SPEC §2, §6).
 */
#include "checks/check.h"

enum rp_result check_mail_strict(struct rp_eval *ev, struct rp_reply *out)
{
	struct rp_path p;
	enum path_status st = path_parse_strict(ev->arg, true, ev->m->smtputf8, &p);
	if (st == PATH_OK || st == PATH_NO_DOMAIN)
		return RP_RES_PASS;
	reply_set(out, RP_CHK_ENVELOPE_STRICT, 501, "5.1.7", "Bad sender address syntax");
	return RP_RES_FAIL;
}

enum rp_result check_rcpt_strict(struct rp_eval *ev, struct rp_reply *out)
{
	struct rp_path p;
	enum path_status st = path_parse_strict(ev->arg, false, ev->m->smtputf8, &p);
	if (st == PATH_OK || st == PATH_NO_DOMAIN)
		return RP_RES_PASS;
	reply_set(out, RP_CHK_ENVELOPE_STRICT, 501, "5.1.3", "Bad recipient address syntax");
	return RP_RES_FAIL;
}

enum rp_result check_sender_non_fqdn(struct rp_eval *ev, struct rp_reply *out)
{
	char a[RP_REPLY_ARG_MAX + 1];
	if (ev->m->null_sender || !address_non_fqdn(ev->m->sender, ev->m->smtputf8))
		return RP_RES_PASS;
	reply_arg(a, sizeof a, ev->m->sender, RP_REPLY_ARG_MAX);
	reply_set(out, RP_CHK_SENDER_NON_FQDN, 504, "5.5.2",
		"<%s>: Sender address rejected: need fully-qualified address", a);
	return RP_RES_FAIL;
}

enum rp_result check_recipient_non_fqdn(struct rp_eval *ev, struct rp_reply *out)
{
	char a[RP_REPLY_ARG_MAX + 1];
	if (!ev->rcpt[0] || !address_non_fqdn(ev->rcpt, ev->m->smtputf8))
		return RP_RES_PASS;
	reply_arg(a, sizeof a, ev->rcpt, RP_REPLY_ARG_MAX);
	reply_set(out, RP_CHK_RECIPIENT_NON_FQDN, 504, "5.5.2",
		"<%s>: Recipient address rejected: need fully-qualified address", a);
	return RP_RES_FAIL;
}
