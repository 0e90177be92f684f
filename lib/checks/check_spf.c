/*
 * check_spf - SPF at MAIL (SPEC §7) through spf.h: HELO identity first,
 * then MAIL FROM, within the stage's DNS budget. The outcome stays in the
 * message for the headers at end of message and for greylisting's
 * spf-domain key; the action is the one [spf] sets for the result. When the
 * refusal is held for RCPT (delay_reject), policy.c renders it again with
 * the recipient's domain (policyd-spf's "r=").
 */
#include "checks/check.h"
#include "base/log.h"
#include "spf/spf.h"
#include "base/util.h"

enum rp_result check_spf(struct rp_eval *ev, struct rp_reply *out)
{
	struct rp_conn *c = ev->c;
	struct rp_msg *m = ev->m;
	const struct rp_config *cfg = c->cfg;
	enum rp_spf_result res;
	enum rp_action act;

	if (!c->has_addr || !c->eng->spf)
		return RP_RES_NONE;
	res = spf_check(c->eng->spf, &c->addr, c->helo, m->sender, cfg->spf.helo, ev->deadline, &m->spf);
	m->spf_done = true;
	/* the identity actually checked: the HELO name, or the sender as
	 * given with the domain looked up (not libspf2's postmaster@ form) */
	char shown[RP_SPF_IDENT_MAX];
	rp_printable(shown, sizeof shown, m->spf.identity == RP_SPF_ID_HELO ? m->spf.domain
		: m->spf.envelope_from);
	log_msg(RP_LOG_INFO, "%s: spf: %s for %s%s%s (identity %s, domain %s%s%s)",
		m->queue_id[0] ? m->queue_id : "NOQUEUE", spf_result_name(res),
		m->spf.identity == RP_SPF_ID_HELO ? "" : "<", shown,
		m->spf.identity == RP_SPF_ID_HELO ? "" : ">",
		m->spf.identity == RP_SPF_ID_HELO ? "helo" : "mailfrom", m->spf.domain,
		m->spf.problem[0] ? "; " : "", m->spf.problem);
	if (res == RP_SPF_PASS) {
		if (m->spf.identity == RP_SPF_ID_MAILFROM && !m->null_sender)
			rp_strlcpy(m->spf_pass_domain, m->spf.domain, sizeof m->spf_pass_domain);
		return RP_RES_PASS;
	}
	act = cfg->spf.result[res];
	if (act == RP_ACT_OFF)
		return RP_RES_NONE;
	spf_reply(&m->spf, c->client_addr, NULL, act == RP_ACT_DEFER, out);
	out->check = RP_CHK_SPF;
	return res == RP_SPF_TEMPERROR ? RP_RES_TEMP : RP_RES_FAIL;
}
