/* policy - see policy.h */
#include "policy/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tables/table.h"
#include "checks/check.h"
#include "base/clock.h"
#include "dns/dns.h"
#include "base/log.h"
#include "base/util.h"

/* Longest outside string quoted in a log line. */
#define LOG_ARG_MAX 300

void policy_conn_init(struct rp_conn *c, struct rp_engine *eng, const char *name,
	const char *addr)
{
	memset(c, 0, sizeof *c);
	c->eng = engine_ref(eng);
	c->cfg = eng->cfg;
	if (!name || !name[0] || name[0] == '[')
		name = "unknown";
	rp_printable(c->client_name, sizeof c->client_name, name);
	if (addr && netaddr_parse(addr, &c->addr) == 0) {
		c->has_addr = true;
		netaddr_format(&c->addr, c->client_addr, sizeof c->client_addr);
	} else {
		rp_strlcpy(c->client_addr, "unknown", sizeof c->client_addr);
	}
}

void policy_conn_free(struct rp_conn *c)
{
	if (!c)
		return;
	free(c->helo);
	c->helo = NULL;
	engine_unref(c->eng);
	c->eng = NULL;
	c->cfg = NULL;
}

void policy_msg_reset(struct rp_msg *m)
{
	memset(m, 0, sizeof *m);
}

/* --- logging ------------------------------------------------------------ */

/*
 * One Postfix-style line: "QUEUEID: KIND: STAGE from NAME[ADDR]: REPLY;
 * from=<S> to=<R> helo=<H> check=ID". Outside strings are bounded here and
 * made printable by log_msg.
 */
static void log_refusal(const struct rp_conn *c, const struct rp_msg *m, const char *kind,
	enum rp_stage stage, const char *rcpt, const char *queue_id, const struct rp_reply *r)
{
	char line[640], from[LOG_ARG_MAX + 16] = "", to[LOG_ARG_MAX + 16] = "",
		helo[LOG_ARG_MAX + 16] = "", arg[LOG_ARG_MAX + 1];

	reply_format_line(r, line, sizeof line);
	if (m && m->active) {
		reply_arg(arg, sizeof arg, m->sender, LOG_ARG_MAX);
		snprintf(from, sizeof from, " from=<%s>", arg);
	}
	if (rcpt) {
		reply_arg(arg, sizeof arg, rcpt, LOG_ARG_MAX);
		snprintf(to, sizeof to, " to=<%s>", arg);
	}
	if (c->helo) {
		reply_arg(arg, sizeof arg, c->helo, LOG_ARG_MAX);
		snprintf(helo, sizeof helo, " helo=<%s>", arg);
	}
	log_msg(RP_LOG_INFO, "%s: %s: %s from %s[%s]: %s;%s%s%s check=%s",
		queue_id && queue_id[0] ? queue_id : "NOQUEUE", kind, stage_name(stage),
		c->client_name, c->client_addr, line, from, to, helo, check_name(r->check));
}

/* --- the stage engine --------------------------------------------------- */

/* The action configured for a check; SPF's depends on its result. */
static enum rp_action configured_action(const struct rp_config *cfg, const struct rp_msg *m,
	enum rp_check id)
{
	/* The access file and greylisting refuse by nature: their "action" is
	 * whether they run at all. */
	if (id == RP_CHK_ACCESS)
		return RP_ACT_REJECT;
	if (id == RP_CHK_GREYLIST)
		return cfg->greylist.mode == RP_GREY_OFF ? RP_ACT_OFF : RP_ACT_REJECT;
	if (id == RP_CHK_SPF && m && m->spf_done)
		return cfg->spf.result[m->spf.result];
	return cfg->action[id];
}

static enum rp_action effective_action(const struct rp_config *cfg, const struct rp_msg *m,
	enum rp_check id)
{
	enum rp_action a = configured_action(cfg, m, id);
	if (cfg->policy.dry_run && (a == RP_ACT_REJECT || a == RP_ACT_DEFER || a == RP_ACT_GREYLIST))
		a = RP_ACT_LOG;
	return a;
}

static void add_tag(struct rp_tag *tags, unsigned *n, enum rp_check id, enum rp_result res,
	const char *detail)
{
	for (unsigned i = 0; i < *n; i++)
		if (tags[i].check == id)
			return;
	if (*n < RP_CHK__COUNT)
		tags[(*n)++] = (struct rp_tag){ id, res, detail };
}

static void held_add(struct rp_held *h, const struct rp_reply *r)
{
	if (h->n < RP_HELD_MAX)
		h->r[h->n++] = *r;
}

static bool delayed(const struct rp_eval *ev)
{
	return ev->c->cfg->policy.delay_reject && ev->stage != RP_STAGE_RCPT;
}

static struct rp_held *held_for(struct rp_eval *ev)
{
	switch (ev->stage) {
	case RP_STAGE_CONNECT: return &ev->c->held_connect;
	case RP_STAGE_HELO: return &ev->c->held_helo;
	default: return &ev->m->held_mail;
	}
}

/*
 * Apply a failed or temporary check result according to its action.
 * Returns RP_REFUSE with *out set when the client is to be refused now.
 */
static int apply(struct rp_eval *ev, enum rp_check id, enum rp_result res, struct rp_reply *r,
	const char *queue_id, struct rp_reply *out)
{
	struct rp_conn *c = ev->c;
	bool msg_level = ev->stage >= RP_STAGE_MAIL;

	/* The reply is the one the configured action would send, also when
	 * dry_run only logs it. */
	const char *detail = id == RP_CHK_SPF && ev->m && ev->m->spf_done
		? spf_result_name(ev->m->spf.result) : NULL;

	if (res == RP_RES_TEMP || configured_action(c->cfg, ev->m, id) == RP_ACT_DEFER)
		reply_tempify(r);
	switch (effective_action(c->cfg, ev->m, id)) {
	case RP_ACT_OFF:
		return RP_CONTINUE;
	case RP_ACT_LOG:
		log_refusal(c, ev->m, "reject_warning", ev->stage, ev->rcpt, queue_id, r);
		return RP_CONTINUE;
	case RP_ACT_TAG:
		if (msg_level)
			add_tag(ev->m->tags, &ev->m->ntags, id, res, detail);
		else
			add_tag(c->tags, &c->ntags, id, res, detail);
		return RP_CONTINUE;
	case RP_ACT_GREYLIST:
		if (msg_level)
			ev->m->suspicious = true;
		else
			c->suspicious = true;
		log_msg(RP_LOG_DEBUG, "%s[%s]: %s marks the transaction for greylisting",
			c->client_name, c->client_addr, check_name(id));
		return RP_CONTINUE;
	case RP_ACT_DEFER:
		reply_tempify(r);
		break;
	case RP_ACT_REJECT:
	case RP_ACT__COUNT:
		break;
	}
	if (delayed(ev)) {
		held_add(held_for(ev), r);
		return RP_CONTINUE;
	}
	log_refusal(c, ev->m, "reject", ev->stage, ev->rcpt, queue_id, r);
	*out = *r;
	return RP_REFUSE;
}

static rp_checkset skip_set(const struct rp_eval *ev, rp_checkset extra)
{
	rp_checkset s = ev->c->skip | extra;
	if (ev->m)
		s |= ev->m->skip;
	return s;
}

void eval_query(struct rp_eval *ev, enum rp_check id, const char *name, enum rp_dns_type t)
{
	size_t i;
	if (!ev->batch)
		return;
	i = dns_batch_add(ev->batch, name, t);
	if (!ev->count[id])
		ev->first[id] = i;
	ev->count[id]++;
}

const struct rp_dns_result *eval_result(const struct rp_eval *ev, enum rp_check id, size_t k)
{
	if (!ev->batch || k >= ev->count[id])
		return NULL;
	return dns_batch_result(ev->batch, ev->first[id] + k);
}

uint64_t eval_deadline(const struct rp_eval *ev)
{
	return ev->deadline;
}

static bool check_active(const struct rp_eval *ev, const struct rp_check_def *d, rp_checkset skip)
{
	return d->stage == ev->stage && !(skip & RP_CHKBIT(d->id)) &&
	       effective_action(ev->c->cfg, ev->m, d->id) != RP_ACT_OFF;
}

/*
 * Run every check of ev->stage. The DNS queries of all its checks go out
 * together first, in one batch with one deadline (the stage budget);
 * dependent second rounds use what is left of the same deadline.
 */
static int run_stage(struct rp_eval *ev, rp_checkset extra_skip, const char *queue_id,
	struct rp_reply *out)
{
	rp_checkset skip = skip_set(ev, extra_skip);
	int verdict = RP_CONTINUE;

	ev->deadline = clock_mono_ms() + ev->c->cfg->dns.stage_budget_ms;
	for (size_t i = 0; i < rp_check_table_len && ev->c->eng->dns; i++) {
		const struct rp_check_def *d = &rp_check_table[i];
		if (!d->prepare || !check_active(ev, d, skip))
			continue;
		if (!ev->batch)
			ev->batch = dns_batch_new(ev->c->eng->dns);
		d->prepare(ev);
	}
	if (ev->batch)
		dns_batch_run(ev->batch, ev->deadline);

	for (size_t i = 0; i < rp_check_table_len && verdict == RP_CONTINUE; i++) {
		const struct rp_check_def *d = &rp_check_table[i];
		struct rp_reply r;
		enum rp_result res;

		if (!check_active(ev, d, skip))
			continue;
		res = d->run(ev, &r);
		if (res == RP_RES_FAIL || res == RP_RES_TEMP)
			verdict = apply(ev, d->id, res, &r, queue_id, out);
	}
	dns_batch_free(ev->batch);
	ev->batch = NULL;
	return verdict;
}

/*
 * Ask the snapshot's tables: the access file first, then SQL when the file
 * has no rule. A backend that cannot answer (RP_TABLE_TEMP: SQL with
 * on_error = defer) gives a deferral of the access check, never a pass.
 * Each backend gets the stage budget as its deadline.
 */
static void access_lookup(const struct rp_config *cfg, enum rp_access_kind kind,
	const struct rp_netaddr *addr, const char *name, struct rp_access_result *ar)
{
	struct rp_table_query q = { .kind = kind, .addr = addr, .name = name,
		.deadline = clock_mono_ms() + cfg->dns.stage_budget_ms };
	int rc = table_lookup(cfg->policy.access, &q, ar);

	if (rc == RP_TABLE_NOTFOUND && cfg->policy.sql)
		rc = table_lookup(cfg->policy.sql, &q, ar);
	if (rc == RP_TABLE_TEMP) {
		ar->act = RP_ACC_DEFER;
		ar->text = "Temporary lookup failure";
	}
}

static bool has_tables(const struct rp_config *cfg)
{
	return cfg->policy.access || cfg->policy.sql;
}

/*
 * An access file answer. OK and SKIP are the caller's to apply; REJECT and
 * DEFER become the access check's refusal "<X>: CLASS rejected: TEXT".
 */
static int apply_access(struct rp_eval *ev, const struct rp_access_result *ar,
	const char *what, const char *klass, const char *queue_id, struct rp_reply *out)
{
	struct rp_reply r;
	char w[RP_REPLY_ARG_MAX + 1];

	if (ar->act != RP_ACC_REJECT && ar->act != RP_ACC_DEFER)
		return RP_CONTINUE;
	reply_arg(w, sizeof w, what, RP_REPLY_ARG_MAX);
	if (ar->act == RP_ACC_REJECT)
		reply_set(&r, RP_CHK_ACCESS, 554, "5.7.1", "<%s>: %s rejected: %s", w, klass,
			ar->text ? ar->text : "Access denied");
	else
		reply_set(&r, RP_CHK_ACCESS, 450, "4.7.1", "<%s>: %s rejected: %s", w, klass,
			ar->text ? ar->text : "Access denied");
	return apply(ev, RP_CHK_ACCESS, RP_RES_FAIL, &r, queue_id, out);
}

static void trust(struct rp_conn *c, const char *reason)
{
	c->trusted = true;
	c->trust_reason = reason;
	/* info: the milter then accepts without seeing the rest, so this is
	 * the connection's (or message's) only line */
	log_msg(RP_LOG_INFO, "%s[%s]: trusted (%s)", c->client_name, c->client_addr, reason);
}

/*
 * The first refusal held for delay_reject from a stage before `before`
 * (client, then HELO, then sender) that skip does not excuse; NULL when
 * none. m NULL: the connection's alone.
 */
static const struct rp_reply *held_before(const struct rp_conn *c, const struct rp_msg *m,
	enum rp_stage before, rp_checkset skip)
{
	const struct rp_held *held[] = { &c->held_connect, &c->held_helo,
		m ? &m->held_mail : NULL };
	const enum rp_stage stage[] = { RP_STAGE_CONNECT, RP_STAGE_HELO, RP_STAGE_MAIL };

	for (size_t h = 0; h < RP_ARRAY_LEN(held); h++) {
		if (!held[h] || stage[h] >= before)
			continue;
		for (unsigned i = 0; i < held[h]->n; i++)
			if (!(skip & RP_CHKBIT(held[h]->r[i].check)))
				return &held[h]->r[i];
	}
	return NULL;
}

/* Give a held refusal at RCPT (SPF's text re-rendered for the recipient). */
static int give_held(struct rp_conn *c, struct rp_msg *m, const char *rcpt,
	const struct rp_reply *held, struct rp_reply *out)
{
	*out = *held;
	if (out->check == RP_CHK_SPF && m->spf_done)
		spf_reply(&m->spf, c->client_addr, address_domain(rcpt), reply_is_temp(out), out);
	log_refusal(c, m, "reject", RP_STAGE_RCPT, rcpt, m->queue_id, out);
	return RP_REFUSE;
}

bool policy_stage_answers(const struct rp_config *cfg, enum rp_stage stage)
{
	if (stage >= RP_STAGE_RCPT || !cfg->policy.delay_reject)
		return true;
	if (cfg->policy.trusted_networks.n > 0 || cfg->policy.access_file)
		return true;
	return stage == RP_STAGE_MAIL && cfg->policy.trust_authenticated;
}

bool policy_msg_accepted(const struct rp_conn *c, const struct rp_msg *m)
{
	rp_checkset skip = c->skip | m->skip;
	return c->trusted || (m->ok && !held_before(c, m, m->ok_stage, skip));
}

/* --- stages ------------------------------------------------------------- */

int policy_connect(struct rp_conn *c, struct rp_reply *out)
{
	struct rp_eval ev = { .c = c, .stage = RP_STAGE_CONNECT };
	const struct rp_config *cfg = c->cfg;

	if (c->has_addr && cidrlist_match(&cfg->policy.trusted_networks, &c->addr)) {
		trust(c, "trusted_networks");
		return RP_CONTINUE;
	}
	if (has_tables(cfg)) {
		struct rp_access_result ar;
		char what[RP_NAME_MAX + RP_ADDRSTRLEN + 2];
		access_lookup(cfg, RP_ACC_CLIENT, c->has_addr ? &c->addr : NULL,
			c->client_name, &ar);
		if (ar.act == RP_ACC_OK) {
			trust(c, "access");
			return RP_CONTINUE;
		}
		if (ar.act == RP_ACC_SKIP)
			c->skip |= ar.skip;
		snprintf(what, sizeof what, "%s[%s]", c->client_name, c->client_addr);
		if (apply_access(&ev, &ar, what, "Client host", NULL, out) == RP_REFUSE)
			return RP_REFUSE;
	}
	return run_stage(&ev, 0, NULL, out);
}

int policy_helo(struct rp_conn *c, const char *helo, struct rp_reply *out)
{
	struct rp_eval ev = { .c = c, .stage = RP_STAGE_HELO, .arg = helo ? helo : "" };

	free(c->helo);
	c->helo = xstrdup(ev.arg);
	c->held_helo.n = 0;
	if (c->trusted)
		return RP_CONTINUE;
	if (has_tables(c->cfg)) {
		struct rp_access_result ar;
		access_lookup(c->cfg, RP_ACC_HELO, NULL, ev.arg, &ar);
		if (ar.act == RP_ACC_OK) {
			/* A HELO OK covers HELO and what comes after, never a
			 * client refusal held for delay_reject (SPEC §4). */
			if (!held_before(c, NULL, RP_STAGE_HELO, 0))
				trust(c, "access");
			else
				c->helo_ok = true;
			return RP_CONTINUE;
		}
		if (ar.act == RP_ACC_SKIP)
			c->skip |= ar.skip;
		if (apply_access(&ev, &ar, ev.arg, "Helo command", NULL, out) == RP_REFUSE)
			return RP_REFUSE;
	}
	return run_stage(&ev, 0, NULL, out);
}

static bool esmtp_has(char *const *esmtp, const char *name)
{
	for (; esmtp && *esmtp; esmtp++)
		if (strcasecmp(*esmtp, name) == 0)
			return true;
	return false;
}

int policy_mail(struct rp_conn *c, struct rp_msg *m, const char *arg, char *const *esmtp,
	const char *auth, const char *queue_id, struct rp_reply *out)
{
	struct rp_eval ev = { .c = c, .m = m, .stage = RP_STAGE_MAIL, .arg = arg ? arg : "" };

	policy_msg_reset(m);
	m->active = true;
	c->messages++;
	if (queue_id)
		rp_strlcpy(m->queue_id, queue_id, sizeof m->queue_id);
	m->smtputf8 = esmtp_has(esmtp, "SMTPUTF8");
	m->null_sender = !address_extract(ev.arg, m->sender, sizeof m->sender);
	if (m->null_sender)
		m->sender[0] = '\0';
	if (!c->trusted && auth && auth[0] && c->cfg->policy.trust_authenticated)
		trust(c, "sasl");
	if (c->trusted)
		return RP_CONTINUE;
	if (c->helo_ok) {
		m->ok = true;
		m->ok_stage = RP_STAGE_HELO;
		return RP_CONTINUE;
	}
	if (has_tables(c->cfg) && !m->null_sender) {
		struct rp_access_result ar;
		access_lookup(c->cfg, RP_ACC_SENDER, NULL, m->sender, &ar);
		if (ar.act == RP_ACC_OK) {
			m->ok = true;
			m->ok_stage = RP_STAGE_MAIL;
			return RP_CONTINUE;
		}
		if (ar.act == RP_ACC_SKIP)
			m->skip |= ar.skip;
		if (apply_access(&ev, &ar, m->sender, "Sender address", queue_id, out) == RP_REFUSE)
			return RP_REFUSE;
	}
	return run_stage(&ev, 0, queue_id, out);
}

/* RFC 5321 §4.5.1: a bare "postmaster" is always accepted; the configured
 * local parts receive mail even from a refused client. */
static bool exempt_recipient(const struct rp_config *cfg, const char *rcpt)
{
	char local[RP_LOCAL_MAX * 2 + 3];
	if (!strchr(rcpt, '@'))
		return strcasecmp(rcpt, "postmaster") == 0;
	address_local(rcpt, local, sizeof local);
	return strlist_contains_ci(&cfg->policy.exempt_recipients, local);
}

static void note_rcpt(struct rp_msg *m, const char *rcpt)
{
	size_t len = strlen(m->rcpts);
	m->nrcpt++;
	if (len + strlen(rcpt) + 4 < sizeof m->rcpts)
		snprintf(m->rcpts + len, sizeof m->rcpts - len, "%s<%s>", len ? "," : "", rcpt);
}

int policy_rcpt(struct rp_conn *c, struct rp_msg *m, const char *arg, const char *mailer,
	const char *queue_id, struct rp_reply *out)
{
	char rcpt[RP_ADDR_MAX * 2];
	struct rp_eval ev = { .c = c, .m = m, .stage = RP_STAGE_RCPT, .arg = arg ? arg : "",
		.rcpt = rcpt, .rcpt_mailer = mailer };
	rp_checkset rskip = 0;
	const struct rp_reply *held;

	if (!address_extract(ev.arg, rcpt, sizeof rcpt))
		rcpt[0] = '\0';
	if (queue_id && queue_id[0])
		rp_strlcpy(m->queue_id, queue_id, sizeof m->queue_id);
	if (c->trusted || (rcpt[0] && !strchr(rcpt, '@') && exempt_recipient(c->cfg, rcpt))) {
		note_rcpt(m, rcpt);
		return RP_CONTINUE;
	}
	if (m->ok) {
		/* HELO or sender OK: only refusals held from before it remain. */
		if (!exempt_recipient(c->cfg, rcpt)
		    && (held = held_before(c, m, m->ok_stage, skip_set(&ev, 0))) != NULL)
			return give_held(c, m, rcpt, held, out);
		note_rcpt(m, rcpt);
		return RP_CONTINUE;
	}
	if (has_tables(c->cfg) && rcpt[0]) {
		struct rp_access_result ar;
		access_lookup(c->cfg, RP_ACC_RECIPIENT, NULL, rcpt, &ar);
		if (ar.act == RP_ACC_OK) {
			/* A recipient OK covers this recipient's checks, never a
			 * refusal held from CONNECT, HELO or MAIL (SPEC §4). */
			if (!exempt_recipient(c->cfg, rcpt)
			    && (held = held_before(c, m, RP_STAGE_RCPT, skip_set(&ev, 0))) != NULL)
				return give_held(c, m, rcpt, held, out);
			note_rcpt(m, rcpt);
			return RP_CONTINUE;
		}
		if (ar.act == RP_ACC_SKIP)
			rskip = ar.skip;
		if (apply_access(&ev, &ar, rcpt, "Recipient address", m->queue_id, out) == RP_REFUSE)
			return RP_REFUSE;
	}
	if (exempt_recipient(c->cfg, rcpt)) {
		rskip |= RP_CHKBIT(RP_CHK_GREYLIST);
	} else {
		if ((held = held_before(c, m, RP_STAGE_RCPT, skip_set(&ev, rskip))) != NULL)
			return give_held(c, m, rcpt, held, out);
	}
	if (run_stage(&ev, rskip, m->queue_id, out) == RP_REFUSE)
		return RP_REFUSE;
	note_rcpt(m, rcpt);
	return RP_CONTINUE;
}

void policy_header_date(char *buf, size_t size)
{
	time_t now = clock_now();
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(buf, size, "%a, %d %b %Y %H:%M:%S %z", &tm);
}

static const char *result_name(enum rp_result r)
{
	return r == RP_RES_TEMP ? "temperror" : r == RP_RES_FAIL ? "fail" : "pass";
}

/* "helo_non_fqdn=fail; client_ptr=temperror" from connection and message tags */
static size_t format_tags(const struct rp_conn *c, const struct rp_msg *m, char *buf, size_t size,
	const char *sep)
{
	size_t o = 0;
	const struct rp_tag *lists[] = { c->tags, m->tags };
	unsigned counts[] = { c->ntags, m->ntags };
	buf[0] = '\0';
	for (int l = 0; l < 2; l++)
		for (unsigned i = 0; i < counts[l] && o < size; i++) {
			const struct rp_tag *t = &lists[l][i];
			int n = snprintf(buf + o, size - o, "%s%s=%s", o ? sep : "", check_name(t->check),
				t->detail ? t->detail : result_name(t->result));
			if (n < 0 || (size_t)n >= size - o)
				break;
			o += (size_t)n;
		}
	return o;
}

/*
 * Received-SPF (when [spf] header asks for it) and one Authentication-Results
 * carrying the iprev and spf results together, both at the top.
 */
static unsigned auth_headers(const struct rp_conn *c, const struct rp_msg *m,
	struct rp_header *hdrs, unsigned max)
{
	const struct rp_config *cfg = c->cfg;
	enum rp_spf_header sh = cfg->spf.header;
	bool spf_rs = m->spf_done && (sh == RP_SPFH_RECEIVED_SPF || sh == RP_SPFH_BOTH);
	bool spf_ar = m->spf_done && (sh == RP_SPFH_AUTH_RESULTS || sh == RP_SPFH_BOTH);
	unsigned n = 0;
	size_t o;

	if ((c->iprev != RP_RES_NONE || spf_ar) && n < max) {
		struct rp_header *h = &hdrs[n++];
		/* authserv-id, iprev and spf are each bounded (host names, an
		 * address, a quoted domain): together they fit v, which is
		 * then folded when the line would pass 998 octets */
		char v[RP_HEADER_VALUE_MAX];
		int k;
		rp_strlcpy(h->name, "Authentication-Results", sizeof h->name);
		k = snprintf(v, sizeof v, "%s", cfg->spf.authserv_id);
		o = k < 0 ? 0 : (size_t)k < sizeof v ? (size_t)k : sizeof v - 1;
		if (c->iprev == RP_RES_PASS)
			k = snprintf(v + o, sizeof v - o, "; iprev=pass policy.iprev=%s (%s)",
				c->client_addr, c->iprev_name);
		else if (c->iprev != RP_RES_NONE)
			k = snprintf(v + o, sizeof v - o, "; iprev=%s policy.iprev=%s",
				result_name(c->iprev), c->client_addr);
		else
			k = 0;
		o += k < 0 ? 0 : (size_t)k < sizeof v - o ? (size_t)k : sizeof v - o - 1;
		if (spf_ar && o + 3 < sizeof v) {
			memcpy(v + o, "; ", 3);
			spf_ar_fragment(&m->spf, v + o + 2, sizeof v - o - 2);
		}
		spf_header_fold(strlen("Authentication-Results: "), v, h->value, sizeof h->value);
		h->prepend = true;
	}
	if (spf_rs && n < max) {
		struct rp_header *h = &hdrs[n++];
		rp_strlcpy(h->name, "Received-SPF", sizeof h->name);
		spf_received_header(&m->spf, c->client_addr, c->helo ? c->helo : "",
			cfg->milter.hostname, h->value, sizeof h->value);
		h->prepend = true;
	}
	return n;
}

unsigned policy_eom(struct rp_conn *c, struct rp_msg *m, const char *queue_id,
	struct rp_header *hdrs, unsigned max)
{
	unsigned n = 0;
	char tags[512], helo[LOG_ARG_MAX + 1], from[LOG_ARG_MAX + 1];

	if (queue_id && queue_id[0])
		rp_strlcpy(m->queue_id, queue_id, sizeof m->queue_id);
	if (c->trusted || m->ok) {
		log_msg(RP_LOG_INFO, "%s: pass: from=<%s> to=%s client=%s[%s] trusted=%s",
			m->queue_id[0] ? m->queue_id : "NOQUEUE", m->sender, m->rcpts,
			c->client_name, c->client_addr, c->trusted ? c->trust_reason : "access");
		return 0;
	}
	n += auth_headers(c, m, hdrs + n, max - n);
	if (m->grey_delayed && c->cfg->greylist.header && n < max) {
		struct rp_header *h = &hdrs[n++];
		char date[64];
		policy_header_date(date, sizeof date);
		rp_strlcpy(h->name, "X-Greylist", sizeof h->name);
		snprintf(h->value, sizeof h->value, "delayed %lu seconds by rampart-%s at %s; %s",
			m->grey_delayed, RAMPART_VERSION, c->cfg->milter.hostname, date);
		h->prepend = false;
	}
	format_tags(c, m, tags, sizeof tags, "; ");
	if (tags[0] && n < max) {
		struct rp_header *h = &hdrs[n++];
		rp_strlcpy(h->name, "X-Rampart", sizeof h->name);
		snprintf(h->value, sizeof h->value, "%s; %s", c->cfg->milter.hostname, tags);
		h->prepend = false;
	}
	reply_arg(helo, sizeof helo, c->helo ? c->helo : "", LOG_ARG_MAX);
	reply_arg(from, sizeof from, m->sender, LOG_ARG_MAX);
	format_tags(c, m, tags, sizeof tags, ",");
	log_msg(RP_LOG_INFO, "%s: pass: from=<%s> to=%s client=%s[%s] helo=<%s>%s%s",
		m->queue_id[0] ? m->queue_id : "NOQUEUE", from, m->rcpts, c->client_name,
		c->client_addr, helo, tags[0] ? " tags=" : "", tags);
	return n;
}
