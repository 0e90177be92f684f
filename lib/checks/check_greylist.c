/*
 * check_greylist - the greylist check at RCPT (SPEC §8): decides one
 * triplet per recipient in the shared greylist store (greylist/store.h) and
 * answers with postgrey's behaviour in Postfix's words.
 *
 * Who is greylisted: [greylist] mode = always, every transaction that got
 * this far; mode = suspicious, only a connection or message that some check
 * marked (action greylist, or the DNSBL score at greylist_threshold). Never
 * a client allow-listed by DNSBL score, nor (handled by the engine before
 * any check) trusted, authenticated, access OK, SKIP greylist or exempt
 * recipients. A store error defers (TEMP), it never passes.
 */
#include <stdio.h>

#include "checks/check.h"
#include "base/clock.h"
#include "greylist/greylist.h"
#include "greylist/store.h"
#include "greylist/whitelist.h"
#include "base/address.h"
#include "base/log.h"

/* The deferral, built only when the triplet is deferred (not per RCPT):
 * [greylist] text with %s = secs, the seconds until a retry can pass. */
static enum rp_result greylist_reply(const struct rp_eval *ev, struct rp_reply *out,
	enum rp_result res, unsigned long secs)
{
	char a[RP_REPLY_ARG_MAX + 1], text[GREY_TEXT_MAX + 160];
	const char *dom = address_domain(ev->rcpt);
	reply_arg(a, sizeof a, ev->rcpt, RP_REPLY_ARG_MAX);
	greylist_text(ev->c->cfg->greylist.text, secs, dom ? dom : "", text, sizeof text);
	reply_set(out, RP_CHK_GREYLIST, 451, "4.7.1", "<%s>: Recipient address rejected: %s", a, text);
	return res;
}

enum rp_result check_greylist(struct rp_eval *ev, struct rp_reply *out)
{
	struct rp_conn *c = ev->c;
	struct rp_msg *m = ev->m;
	const struct rp_config *cfg = c->cfg;
	struct grey_store *db = c->eng->shared ? c->eng->shared->greylist : NULL;
	struct grey_params p;
	struct grey_key k;
	struct grey_verdict v;
	const char *qid = m->queue_id[0] ? m->queue_id : "NOQUEUE";

	if (cfg->greylist.mode == RP_GREY_OFF || !c->has_addr || c->dnsbl_allow || !ev->rcpt[0])
		return RP_RES_NONE;
	if (cfg->greylist.mode == RP_GREY_SUSPICIOUS && !c->suspicious && !m->suspicious)
		return RP_RES_NONE;

	/* postgrey's whitelists: the client (name or address), then the
	 * recipient; logged, as postgrey logs its "pass" */
	const char *wl = whitelist_client(cfg->greylist.whitelist, c->client_name, &c->addr);
	const char *why = "client";
	if (!wl) {
		wl = whitelist_recipient(cfg->greylist.whitelist, ev->rcpt);
		why = "recipient";
	}
	if (wl) {
		char to[RP_REPLY_ARG_MAX + 1];
		reply_arg(to, sizeof to, ev->rcpt, RP_REPLY_ARG_MAX);
		log_msg(RP_LOG_INFO, "%s: greylist: skipped, %s whitelisted by %s: client=%s[%s] to=<%s>",
			qid, why, wl, c->client_name, c->client_addr, to);
		return RP_RES_NONE;
	}

	if (!db) {
		log_msg(RP_LOG_ERR, "%s: greylist: no database open; deferring", qid);
		return greylist_reply(ev, out, RP_RES_TEMP, cfg->greylist.delay);
	}
	greylist_params_from_config(&cfg->greylist, &p);
	if (greylist_key_make(&cfg->greylist, &c->addr, m->spf_pass_domain[0] ? m->spf_pass_domain : NULL,
		    m->sender, ev->rcpt, &k) != 0)
		return RP_RES_NONE;
	greystore_decide(db, &p, &k, clock_now(), &v);
	switch (v.result) {
	case GREY_PASS_FIRST:
		if (v.delayed > m->grey_delayed)
			m->grey_delayed = v.delayed;
		log_msg(RP_LOG_INFO, "%s: greylist: pass after %lu seconds: client=%s from=<%s> to=<%s>",
			qid, v.delayed, k.client, k.sender, k.rcpt);
		return RP_RES_PASS;
	case GREY_PASSED:
	case GREY_ALLOWED_CLIENT:
		log_msg(RP_LOG_DEBUG, "%s: greylist: %s: client=%s from=<%s> to=<%s>", qid,
			greylist_result_name(v.result), k.client, k.sender, k.rcpt);
		return RP_RES_PASS;
	case GREY_TEMP:
		/* the store logs the change of state; the refusal has its line */
		log_msg(RP_LOG_DEBUG, "%s: greylist: %s; deferring", qid, v.error);
		return greylist_reply(ev, out, RP_RES_TEMP, cfg->greylist.delay);
	default:
		log_msg(RP_LOG_INFO, "%s: greylist: %s triplet, retry in %lu seconds: client=%s from=<%s> to=<%s>",
			qid, greylist_result_name(v.result), v.wait, k.client, k.sender, k.rcpt);
		return greylist_reply(ev, out, RP_RES_FAIL, v.wait);
	}
}
