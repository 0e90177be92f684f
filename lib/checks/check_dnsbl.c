/*
 * check_dnsbl - dnsbl (client address, postscreen weights) and rhsbl
 * (HELO name, sender domain, verified client name), SPEC §9, Postfix
 * semantics A.6 and B.
 *
 * dnsbl: every zone is asked at CONNECT together with the rDNS queries.
 * Each site whose filter matches an answer adds its weight once (scoring in
 * dnsbl_site.c); answers in 127.255.255.0/24 are the list's way of saying "query refused" or "too
 * many queries" and are logged, never counted; a lookup error counts as not
 * listed and is logged (as Postfix does). The client is refused when the
 * score reaches [dnsbl] threshold, marked suspicious for greylisting at
 * greylist_threshold (> 0), and allow-listed at allow_threshold (< 0). The
 * reply names the matching site with the largest weight; its TXT record,
 * fetched in a second round only then, is appended (printable, bounded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "checks/check.h"
#include "base/hostname.h"
#include "base/log.h"
#include "base/util.h"

#define TXT_REASON_MAX 500

/* 127.255.255.0/24: a DNSBL's error answer */
static bool dnsbl_error_answer(const struct rp_netaddr *a)
{
	return a->family == AF_INET && a->a[0] == 127 && a->a[1] == 255 && a->a[2] == 255;
}

/* Fetch the TXT records of name within the stage's deadline; joined with
 * " / " as Postfix does, made printable and bounded. "" when none. */
static void txt_reason(struct rp_eval *ev, const char *name, char *out, size_t size)
{
	struct rp_dns_batch *b = dns_batch_new(ev->c->eng->dns);
	const struct rp_dns_answer *a;
	size_t o = 0;
	char clean[TXT_REASON_MAX + 1];

	out[0] = '\0';
	dns_batch_add(b, name, RP_DNS_TXT);
	dns_batch_run(b, eval_deadline(ev));
	a = dns_batch_result(b, 0)->ans;
	for (size_t i = 0; a->outcome == RP_DNS_FOUND && i < a->n && o + 4 < size; i++) {
		/* raw bytes, NUL included: every non-printable byte becomes '?' */
		size_t len = a->rr[i].text_len < TXT_REASON_MAX ? a->rr[i].text_len : TXT_REASON_MAX;
		for (size_t k = 0; k < len; k++) {
			unsigned char ch = (unsigned char)a->rr[i].text[k];
			clean[k] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : '?';
		}
		clean[len] = '\0';
		o += (size_t)snprintf(out + o, size - o, "%s%s", o ? " / " : "", clean);
		if (o >= size)
			o = size - 1;
	}
	dns_batch_free(b);
}

/* "left.zone"; a name too long for DNS is cut, and then answered
 * MALFORMED by the resolver without a query. */
static void query_name(char *buf, size_t size, const char *left, const char *zone)
{
	int n = snprintf(buf, size, "%s.%s", left, zone);
	if (n < 0 || (size_t)n >= size)
		buf[size - 1] = '\0';
}

void prepare_dnsbl(struct rp_eval *ev)
{
	const struct rp_config *cfg = ev->c->cfg;
	char rev[80], name[2 * RP_DNS_NAME_MAX];

	if (!ev->c->has_addr || netaddr_reverse(&ev->c->addr, rev, sizeof rev) != 0)
		return;
	for (size_t i = 0; i < cfg->dnsbl.n; i++) {
		query_name(name, sizeof name, rev, cfg->dnsbl.sites[i].zone);
		eval_query(ev, RP_CHK_DNSBL, name, RP_DNS_A);
	}
}

enum rp_result check_dnsbl(struct rp_eval *ev, struct rp_reply *out)
{
	struct rp_conn *c = ev->c;
	const struct rp_config *cfg = c->cfg;
	const struct rp_dns_answer **answers;
	int score, best;
	char reason[TXT_REASON_MAX + 1], zones[512] = "";
	size_t zl = 0;

	if (!c->has_addr || !cfg->dnsbl.n)
		return RP_RES_NONE;
	answers = xcalloc(cfg->dnsbl.n, sizeof *answers);
	for (size_t i = 0; i < cfg->dnsbl.n; i++) {
		const struct rp_dnsbl_site *s = &cfg->dnsbl.sites[i];
		const struct rp_dns_result *r = eval_result(ev, RP_CHK_DNSBL, i);

		if (!r)
			continue;
		answers[i] = r->ans;
		switch (dnsbl_site_classify(s, r->ans)) {
		case RP_DNSBL_LISTED:
			/* "zone*weight" of each listing, for the log line (zones are
			 * config, not outside input) */
			if (zl < sizeof zones) {
				int w = snprintf(zones + zl, sizeof zones - zl, " %s*%d", s->zone, s->weight);
				zl += w > 0 ? (size_t)w : 0;
			}
			break;
		case RP_DNSBL_LOOKUP_ERROR:
			log_msg(RP_LOG_WARNING, "dnsbl: lookup error for %s (zone %s): %s; not counted",
				r->name, s->zone, r->ans->detail ? r->ans->detail : "error");
			break;
		case RP_DNSBL_LIST_ERROR:
			for (size_t k = 0; k < r->ans->n; k++)
				if (dnsbl_error_answer(&r->ans->rr[k].addr)) {
					log_msg(RP_LOG_WARNING, "dnsbl: zone %s answered 127.255.255.%u for %s: "
						"query refused or limit exceeded, not a listing",
						s->zone, r->ans->rr[k].addr.a[3], c->client_addr);
					break;
				}
			break;
		default:
			break;
		}
	}
	score = dnsbl_score(cfg->dnsbl.sites, answers, cfg->dnsbl.n, &best);
	free(answers);
	c->dnsbl_score = score;
	if (score || zones[0])
		log_msg(RP_LOG_INFO, "%s[%s]: dnsbl score %d:%s", c->client_name, c->client_addr, score,
			zones);
	if (cfg->dnsbl.greylist_threshold > 0 && score >= cfg->dnsbl.greylist_threshold)
		c->suspicious = true;
	if (score < cfg->dnsbl.threshold || best < 0) {
		if (cfg->dnsbl.allow_threshold < 0 && score <= cfg->dnsbl.allow_threshold)
			c->dnsbl_allow = true;
		return RP_RES_PASS;
	}
	txt_reason(ev, eval_result(ev, RP_CHK_DNSBL, (size_t)best)->name, reason, sizeof reason);
	reply_set(out, RP_CHK_DNSBL, 554, "5.7.1",
		"Service unavailable; Client host [%s] blocked using %s%s%s", c->client_addr,
		cfg->dnsbl.sites[best].zone, reason[0] ? "; " : "", reason);
	return RP_RES_FAIL;
}

/* The name an rhsbl check looks up at this stage, or NULL. Postfix skips
 * address literals, names whose last label is numeric, and invalid names. */
static const char *rhsbl_target(const struct rp_eval *ev, char *buf, size_t size,
	const char **klass, const char **what)
{
	unsigned targets = ev->c->cfg->rhsbl.targets;
	const char *name = NULL, *last;
	size_t len;

	switch (ev->stage) {
	case RP_STAGE_CONNECT:
		if ((targets & RP_RHSBL_CLIENT) && strcmp(ev->c->client_name, "unknown") != 0) {
			name = ev->c->client_name;
			*klass = "Client host";
			*what = ev->c->client_name;
		}
		break;
	case RP_STAGE_HELO:
		if (targets & RP_RHSBL_HELO) {
			name = ev->arg;
			*klass = "Helo command";
			*what = ev->arg;
		}
		break;
	case RP_STAGE_MAIL:
		if ((targets & RP_RHSBL_SENDER) && !ev->m->null_sender) {
			name = address_domain(ev->m->sender);
			*klass = "Sender address";
			*what = ev->m->sender;
		}
		break;
	default:
		break;
	}
	if (!name || !name[0] || name[0] == '[')
		return NULL;
	rp_strlcpy(buf, name, size);
	len = strlen(buf);
	if (len > 1 && buf[len - 1] == '.')
		buf[len - 1] = '\0';
	last = strrchr(buf, '.');
	last = last ? last + 1 : buf;
	if (strspn(last, "0123456789") == strlen(last) || !hostname_valid(buf))
		return NULL;
	return buf;
}

void prepare_rhsbl(struct rp_eval *ev)
{
	const struct rp_strlist *zones = &ev->c->cfg->rhsbl.zones;
	char target[RP_NAME_MAX], name[2 * RP_DNS_NAME_MAX];
	const char *klass, *what;

	if (!rhsbl_target(ev, target, sizeof target, &klass, &what))
		return;
	for (size_t i = 0; i < zones->n; i++) {
		query_name(name, sizeof name, target, zones->v[i]);
		eval_query(ev, RP_CHK_RHSBL, name, RP_DNS_A);
	}
}

enum rp_result check_rhsbl(struct rp_eval *ev, struct rp_reply *out)
{
	const struct rp_strlist *zones = &ev->c->cfg->rhsbl.zones;
	char target[RP_NAME_MAX], w[RP_REPLY_ARG_MAX + 1], reason[TXT_REASON_MAX + 1];
	const char *klass = "", *what = "";

	if (!rhsbl_target(ev, target, sizeof target, &klass, &what))
		return RP_RES_NONE;
	for (size_t i = 0; i < zones->n; i++) {
		const struct rp_dns_result *r = eval_result(ev, RP_CHK_RHSBL, i);
		bool hit = false;
		if (!r)
			continue;
		if (r->ans->outcome == RP_DNS_TEMP || r->ans->outcome == RP_DNS_MALFORMED) {
			log_msg(RP_LOG_WARNING, "rhsbl: lookup error for %s (zone %s): %s; not counted",
				r->name, zones->v[i], r->ans->detail ? r->ans->detail : "error");
			continue;
		}
		for (size_t k = 0; r->ans->outcome == RP_DNS_FOUND && k < r->ans->n; k++) {
			const struct rp_netaddr *a = &r->ans->rr[k].addr;
			if (a->family != AF_INET)
				continue;
			if (dnsbl_error_answer(a))
				log_msg(RP_LOG_WARNING, "rhsbl: zone %s answered 127.255.255.%u for %s: "
					"query refused or limit exceeded, not a listing",
					zones->v[i], a->a[3], target);
			else
				hit = true;
		}
		if (!hit)
			continue;
		txt_reason(ev, r->name, reason, sizeof reason);
		reply_arg(w, sizeof w, what, RP_REPLY_ARG_MAX);
		reply_set(out, RP_CHK_RHSBL, 554, "5.7.1",
			"Service unavailable; %s [%s] blocked using %s%s%s", klass, w, zones->v[i],
			reason[0] ? "; " : "", reason);
		return RP_RES_FAIL;
	}
	return RP_RES_PASS;
}
