/*
 * callbacks - libmilter's xxfi_* functions. Each one unpacks its arguments
 * and macros into plain facts, asks lib/policy for the stage's verdict and
 * turns the verdict into a libmilter reply. Nothing here decides.
 *
 * Threads: called from libmilter's worker pool; a connection's state is its
 * struct session (smfi_getpriv), see session.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include "base/log.h"
#include "session.h"
#include "tcp.h"
#include "base/util.h"

/* Macros asked for at each stage. Postfix empties every stage's list as
 * soon as any is set, so each stage we read from is listed. */
static const struct { int stage; const char *macros; } symlists[] = {
	{ SMFIM_CONNECT, "j {daemon_name} {client_addr} {client_name} {client_ptr} {client_resolve}" },
	{ SMFIM_HELO, "{tls_version}" },
	{ SMFIM_ENVFROM, "i {auth_type} {auth_authen} {mail_addr}" },
	{ SMFIM_ENVRCPT, "i {rcpt_addr} {rcpt_mailer}" },
	{ SMFIM_EOM, "i" },
};

static struct session *session_of(SMFICTX *ctx)
{
	return smfi_getpriv(ctx);
}

/* Give a refusal to the MTA: REJECT for 5xx, TEMPFAIL for 4xx. */
static sfsistat refuse(SMFICTX *ctx, const struct rp_reply *r)
{
	char code[4], text[2 * RP_REPLY_TEXT_MAX + 1];

	snprintf(code, sizeof code, "%03d", r->code);
	reply_format_milter_text(r, text, sizeof text);
	if (smfi_setreply(ctx, code, (char *)r->xcode, text) != MI_SUCCESS)
		log_msg(RP_LOG_WARNING, "smfi_setreply refused reply %s %s", code, r->xcode);
	return reply_is_temp(r) ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

/* The connection's session, made at negotiation (or at CONNECT when the
 * MTA did not negotiate); freed at close. */
static struct session *session_make(SMFICTX *ctx)
{
	struct session *s = smfi_getpriv(ctx);
	if (!s) {
		s = xcalloc(1, sizeof *s);
		smfi_setpriv(ctx, s);
	}
	return s;
}

/* The steps named in the negotiation's log line. */
static const struct { unsigned long bit; const char *name; } step_names[] = {
	{ SMFIP_NR_CONN, "connect" }, { SMFIP_NR_HELO, "helo" }, { SMFIP_NR_MAIL, "mail" },
	{ SMFIP_NR_HDR, "header" },
	{ SMFIP_NOUNKNOWN, "unknown" }, { SMFIP_NODATA, "data" }, { SMFIP_NOEOH, "eoh" },
	{ SMFIP_NOHDRS, "headers" }, { SMFIP_NOBODY, "body" },
};

static void log_negotiated(unsigned long f1, unsigned long pf0, unsigned long pf1)
{
	char nr[64] = "", skip[64] = "";
	for (size_t i = 0; i < RP_ARRAY_LEN(step_names); i++) {
		char *to = i < 4 ? nr : skip;
		if (pf1 & step_names[i].bit)
			snprintf(to + strlen(to), 64 - strlen(to), "%s%s", to[0] ? "," : "",
				step_names[i].name);
	}
	log_msg(RP_LOG_DEBUG, "milter negotiation: MTA offers steps 0x%06lx; we take actions "
		"0x%lx, no reply for %s, skipped %s", f1, pf0,
		nr[0] ? nr : "none", skip[0] ? skip : "none");
}

/*
 * Protocol economy. Steps rampart has no callback for are skipped; headers
 * are read only to remove forged Authentication-Results and Received-SPF
 * (RFC 8601 §5), without a reply where the MTA allows. CONNECT, HELO and
 * MAIL are sent without the MTA waiting for a reply (SMFIP_NR_*) when the
 * config leaves them nothing to answer but "continue" (policy_stage_answers:
 * delay_reject holds their refusals for RCPT, and nothing can be trusted
 * or accepted there), saving a round trip each. The engine this was
 * decided on is kept for the connection, so a reload between here and
 * CONNECT cannot bring an answer that no reply could carry.
 */
static sfsistat mlfi_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
	unsigned long f2, unsigned long f3, unsigned long *pf0, unsigned long *pf1,
	unsigned long *pf2, unsigned long *pf3)
{
	static const struct { enum rp_stage stage; unsigned long nr; } nr_stages[] = {
		{ RP_STAGE_CONNECT, SMFIP_NR_CONN }, { RP_STAGE_HELO, SMFIP_NR_HELO },
		{ RP_STAGE_MAIL, SMFIP_NR_MAIL },
	};
	struct session *s = session_make(ctx);

	(void)f2; (void)f3;
	tcp_session_track();
	engine_unref(s->eng);
	s->eng = engine_current();
	*pf0 = (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_SETSYMLIST) & f0;
	*pf1 = SMFIP_NOEOH | SMFIP_NOBODY | SMFIP_NOUNKNOWN | SMFIP_NODATA;
	if (!(f0 & SMFIF_CHGHDRS))
		*pf1 |= SMFIP_NOHDRS;
	else if (f1 & SMFIP_NR_HDR)
		*pf1 |= SMFIP_NR_HDR;
	for (size_t i = 0; i < RP_ARRAY_LEN(nr_stages) && s->eng; i++)
		if (!policy_stage_answers(s->eng->cfg, nr_stages[i].stage))
			*pf1 |= nr_stages[i].nr & f1;
	s->nr = *pf1 & (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_HDR);
	*pf2 = *pf3 = 0;
	if (f0 & SMFIF_SETSYMLIST)
		for (size_t i = 0; i < RP_ARRAY_LEN(symlists); i++)
			if (smfi_setsymlist(ctx, symlists[i].stage, (char *)symlists[i].macros) != MI_SUCCESS)
				log_msg(RP_LOG_WARNING, "smfi_setsymlist failed for stage %d", symlists[i].stage);
	log_negotiated(f1, *pf0, *pf1);
	return SMFIS_CONTINUE;
}

/*
 * The answer to a step negotiated without reply (bit in s->nr): always
 * SMFIS_NOREPLY. A refusal there cannot happen (see mlfi_negotiate); were
 * one to come, it is logged as lost rather than sent against the protocol.
 */
static sfsistat noreply(const struct session *s, unsigned long bit, sfsistat r,
	const char *stage)
{
	if (!(s->nr & bit))
		return r;
	if (r == SMFIS_REJECT || r == SMFIS_TEMPFAIL)
		log_msg(RP_LOG_ERR, "%s refusal not given: the MTA takes no reply at %s", stage,
			stage);
	return SMFIS_NOREPLY;
}

/* The client address from the connect sockaddr, as text. */
static const char *addr_text(const struct sockaddr *sa, char *buf, size_t size)
{
	if (!sa)
		return NULL;
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
			(socklen_t)size);
	if (sa->sa_family == AF_INET6)
		return inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			buf, (socklen_t)size);
	return NULL;
}

static sfsistat mlfi_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	char abuf[RP_ADDRSTRLEN];
	struct session *s = session_make(ctx);
	struct rp_engine *eng = s->eng ? engine_ref(s->eng) : engine_current();
	struct rp_reply r;

	policy_conn_free(&s->conn);
	policy_conn_init(&s->conn, eng, hostname, addr_text(hostaddr, abuf, sizeof abuf));
	engine_unref(eng);
	if (policy_connect(&s->conn, &r) == RP_REFUSE)
		return noreply(s, SMFIP_NR_CONN, refuse(ctx, &r), "CONNECT");
	/* A trusted client needs nothing more from us on this connection. */
	return noreply(s, SMFIP_NR_CONN, s->conn.trusted ? SMFIS_ACCEPT : SMFIS_CONTINUE,
		"CONNECT");
}

static sfsistat mlfi_helo(SMFICTX *ctx, char *helo)
{
	struct session *s = session_of(ctx);
	struct rp_reply r;
	if (!s)
		return SMFIS_CONTINUE;
	if (policy_helo(&s->conn, helo, &r) == RP_REFUSE)
		return noreply(s, SMFIP_NR_HELO, refuse(ctx, &r), "HELO");
	return noreply(s, SMFIP_NR_HELO, s->conn.trusted ? SMFIS_ACCEPT : SMFIS_CONTINUE, "HELO");
}

static sfsistat mlfi_envfrom(SMFICTX *ctx, char **argv)
{
	struct session *s = session_of(ctx);
	struct rp_reply r;
	if (!s)
		return SMFIS_CONTINUE;
	if (policy_mail(&s->conn, &s->msg, argv[0], argv + 1, smfi_getsymval(ctx, "{auth_authen}"),
		    smfi_getsymval(ctx, "i"), &r) == RP_REFUSE)
		return noreply(s, SMFIP_NR_MAIL, refuse(ctx, &r), "MAIL");
	return noreply(s, SMFIP_NR_MAIL, policy_msg_accepted(&s->conn, &s->msg) ? SMFIS_ACCEPT
		: SMFIS_CONTINUE, "MAIL");
}

static sfsistat mlfi_envrcpt(SMFICTX *ctx, char **argv)
{
	struct session *s = session_of(ctx);
	struct rp_reply r;
	if (!s)
		return SMFIS_CONTINUE;
	if (policy_rcpt(&s->conn, &s->msg, argv[0], smfi_getsymval(ctx, "{rcpt_mailer}"),
		    smfi_getsymval(ctx, "i"), &r) == RP_REFUSE)
		return refuse(ctx, &r);
	return SMFIS_CONTINUE;
}

static void forged_reset(struct session *s)
{
	s->n_ar = s->n_spf = s->nforged = 0;
}

static sfsistat mlfi_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *s = session_of(ctx);
	bool ar;

	if (!s || !name)
		goto out;
	if (strcasecmp(name, "Authentication-Results") == 0)
		ar = true;
	else if (strcasecmp(name, "Received-SPF") == 0)
		ar = false;
	else
		goto out;
	unsigned idx = ar ? ++s->n_ar : ++s->n_spf;
	if (s->nforged < SESSION_FORGED_MAX && policy_header_forged(s->conn.cfg, name, value))
		s->forged[s->nforged++] = (struct forged){ .ar = ar, .idx = idx };
out:
	return s && (s->nr & SMFIP_NR_HDR) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* Remove the forged headers, highest index first so that no removal moves
 * another one's index. */
static void forged_remove(SMFICTX *ctx, struct session *s)
{
	for (unsigned k = s->nforged; k-- > 0;) {
		const struct forged *f = &s->forged[k];
		const char *name = f->ar ? "Authentication-Results" : "Received-SPF";
		if (smfi_chgheader(ctx, (char *)name, (int)f->idx, NULL) != MI_SUCCESS)
			log_msg(RP_LOG_WARNING, "%s: could not remove header %s #%u",
				s->msg.queue_id, name, f->idx);
		else
			log_msg(RP_LOG_INFO, "%s: removed %s #%u claiming %s", s->msg.queue_id[0] ?
				s->msg.queue_id : "NOQUEUE", name, f->idx, f->ar ?
				s->conn.cfg->spf.authserv_id : s->conn.cfg->milter.hostname);
	}
	forged_reset(s);
}

static sfsistat mlfi_eom(SMFICTX *ctx)
{
	struct session *s = session_of(ctx);
	struct rp_header h[RP_HEADERS_MAX];
	unsigned n;
	if (!s)
		return SMFIS_CONTINUE;
	n = policy_eom(&s->conn, &s->msg, smfi_getsymval(ctx, "i"), h, RP_HEADERS_MAX);
	forged_remove(ctx, s);
	for (unsigned i = 0; i < n; i++) {
		int rc = h[i].prepend ? smfi_insheader(ctx, 0, h[i].name, h[i].value)
				      : smfi_addheader(ctx, h[i].name, h[i].value);
		if (rc != MI_SUCCESS)
			log_msg(RP_LOG_WARNING, "%s: could not add header %s", s->msg.queue_id, h[i].name);
	}
	policy_msg_reset(&s->msg);
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_abort(SMFICTX *ctx)
{
	struct session *s = session_of(ctx);
	if (s) {
		policy_msg_reset(&s->msg);
		forged_reset(s);
	}
	return SMFIS_CONTINUE;
}

static sfsistat mlfi_close(SMFICTX *ctx)
{
	struct session *s = session_of(ctx);
	if (s) {
		policy_conn_free(&s->conn);
		engine_unref(s->eng);
		free(s);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

struct smfiDesc rampart_milter = {
	.xxfi_name = "rampart",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS,
	.xxfi_connect = mlfi_connect,
	.xxfi_helo = mlfi_helo,
	.xxfi_envfrom = mlfi_envfrom,
	.xxfi_envrcpt = mlfi_envrcpt,
	.xxfi_header = mlfi_header,
	.xxfi_eom = mlfi_eom,
	.xxfi_abort = mlfi_abort,
	.xxfi_close = mlfi_close,
	.xxfi_negotiate = mlfi_negotiate,
};
