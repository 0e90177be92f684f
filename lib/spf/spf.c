/*
 * spf - the SPF evaluator: one SPF_server_t per engine on rampart's DNS
 * layer (spf_dns.c), the per-check flow (HELO identity, then MAIL FROM),
 * the mapping of libspf2's answers to RFC 7208 results, and the texts
 * (Received-SPF, Authentication-Results fragment, SMTP reply).
 *
 * Threads: see spf.h. libspf2's log handlers are process globals, set
 * once; its fatal handler (SPF_error, declared noreturn) logs and jumps
 * back to the spf_check running on this thread, whose identity then ends
 * as temperror (the half-built request and response are left alone, not
 * freed: their state is unknown). Outside a check it aborts with a log
 * line, as the house rule for bugs says.
 *
 * Results: see spf.h; every libspf2 outcome is mapped, including its
 * "invalid": a DNS error -> temperror, a record error -> permerror, no
 * SPF record -> none.
 */
#include <sys/types.h>
#include <stddef.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <spf2/spf.h>
#include <spf2/spf_dns.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/hostname.h"
#include "base/log.h"
#include "spf/spf.h"
#include "base/util.h"

struct rp_spf {
	SPF_server_t *srv;
	SPF_dns_server_t *layer;   /* not owned by srv in Debian's 1.2.10 */
	struct rp_dns *dns;
	char receiver[RP_SPF_DOMAIN_MAX];
};

/* ---- libspf2 log handlers ---------------------------------------------- */

static __thread jmp_buf *tls_jmp;
static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;

static const char *base(const char *file)
{
	const char *p = file ? strrchr(file, '/') : NULL;
	return p ? p + 1 : file ? file : "?";
}

static void __attribute__((noreturn)) h_error(const char *file, int line, const char *msg)
{
	log_msg(RP_LOG_ERR, "spf: libspf2 error at %s:%d: %s", base(file), line, msg ? msg : "");
	if (tls_jmp) {
		jmp_buf *j = tls_jmp;
		tls_jmp = NULL;
		longjmp(*j, 1);
	}
	log_msg(RP_LOG_ERR, "spf: libspf2 error outside a check, aborting");
	abort();
}

static void h_warning(const char *file, int line, const char *msg)
{
	log_msg(RP_LOG_NOTICE, "spf: libspf2 warning at %s:%d: %s", base(file), line, msg ? msg : "");
}

static void h_info(const char *file, int line, const char *msg)
{
	log_msg(RP_LOG_DEBUG, "spf: libspf2: %s", msg ? msg : "");
}

static void h_debug(const char *file, int line, const char *msg)
{
	log_msg(RP_LOG_DEBUG, "spf: libspf2 debug %s:%d: %s", base(file), line, msg ? msg : "");
}

static void install_handlers(void)
{
	SPF_error_handler = h_error;
	SPF_warning_handler = h_warning;
	SPF_info_handler = h_info;
	SPF_debug_handler = h_debug;
}

/* ---- construction ------------------------------------------------------ */

struct rp_spf *spf_new(struct rp_dns *dns, const char *receiver, char *err, size_t errsize)
{
	pthread_once(&handlers_once, install_handlers);
	if (!dns) {
		snprintf(err, errsize, "spf: no resolver");
		return NULL;
	}
	SPF_dns_server_t *layer = spf_dns_layer_new();
	SPF_server_t *srv = SPF_server_new_dns(layer, 0);
	if (!srv) {
		SPF_dns_free(layer);
		snprintf(err, errsize, "spf: cannot create the libspf2 server");
		return NULL;
	}
	struct rp_spf *s = xcalloc(1, sizeof(*s));
	s->srv = srv;
	s->layer = layer;
	s->dns = dns;
	rp_printable(s->receiver, sizeof(s->receiver),
		receiver && *receiver ? receiver : "localhost");
	SPF_response_t *resp = NULL;
	if (SPF_server_set_rec_dom(srv, s->receiver) != SPF_E_SUCCESS
		|| SPF_server_set_sanitize(srv, 1) != SPF_E_SUCCESS
		/* no default explanation: a non-empty one is the domain's exp= */
		|| SPF_server_set_explanation(srv, "", &resp) != SPF_E_SUCCESS) {
		if (resp)
			SPF_response_free(resp);
		spf_free(s);
		snprintf(err, errsize, "spf: cannot configure the libspf2 server");
		return NULL;
	}
	if (resp)
		SPF_response_free(resp);
	return s;
}

void spf_free(struct rp_spf *s)
{
	if (!s)
		return;
	if (s->srv)
		SPF_server_free(s->srv);
	if (s->layer)
		SPF_dns_free(s->layer);    /* calls the layer's destroy */
	free(s);
}

/* ---- evaluation -------------------------------------------------------- */

const char *spf_result_name(enum rp_spf_result r)
{
	switch (r) {
	case RP_SPF_PASS: return "pass";
	case RP_SPF_FAIL: return "fail";
	case RP_SPF_SOFTFAIL: return "softfail";
	case RP_SPF_NEUTRAL: return "neutral";
	case RP_SPF_NONE: return "none";
	case RP_SPF_PERMERROR: return "permerror";
	case RP_SPF_TEMPERROR: return "temperror";
	default: return "temperror";
	}
}

/* Does the response carry an error other than "no SPF record"? */
static SPF_errcode_t record_error(SPF_response_t *rs)
{
	int n = SPF_response_messages(rs);
	for (int i = 0; i < n; i++) {
		SPF_error_t *e = SPF_response_message(rs, i);
		if (e && SPF_error_errorp(e) && SPF_error_code(e) != SPF_E_NOT_SPF
			&& SPF_error_code(e) != SPF_E_SUCCESS)
			return SPF_error_code(e);
	}
	return SPF_E_SUCCESS;
}

static enum rp_spf_result map_result(SPF_response_t *rs, SPF_errcode_t err,
	struct rp_spf_outcome *o)
{
	SPF_errcode_t rec;

	switch (SPF_response_result(rs)) {
	case SPF_RESULT_PASS: return RP_SPF_PASS;
	case SPF_RESULT_FAIL: return RP_SPF_FAIL;
	case SPF_RESULT_SOFTFAIL: return RP_SPF_SOFTFAIL;
	case SPF_RESULT_NEUTRAL: return RP_SPF_NEUTRAL;
	case SPF_RESULT_NONE: return RP_SPF_NONE;
	case SPF_RESULT_TEMPERROR:
		snprintf(o->problem, sizeof(o->problem), "%s",
			SPF_strerror(SPF_response_errcode(rs)));
		return RP_SPF_TEMPERROR;
	case SPF_RESULT_PERMERROR:
		snprintf(o->problem, sizeof(o->problem), "%s",
			SPF_strerror(SPF_response_errcode(rs)));
		return RP_SPF_PERMERROR;
	case SPF_RESULT_INVALID:
	default:
		if (err == SPF_E_DNS_ERROR) {
			rp_strlcpy(o->problem, "DNS lookup failure", sizeof(o->problem));
			return RP_SPF_TEMPERROR;
		}
		rec = record_error(rs);
		if (rec != SPF_E_SUCCESS || err == SPF_E_MULTIPLE_RECORDS) {
			snprintf(o->problem, sizeof(o->problem), "%s",
				SPF_strerror(rec != SPF_E_SUCCESS ? rec : err));
			return RP_SPF_PERMERROR;
		}
		return RP_SPF_NONE;
	}
}

/*
 * SPF_request_query_mailfrom() without its loopback short-cut: libspf2
 * 1.2.10 answers pass (SPF_REASON_LOCALHOST) for any 127.0.0.0/8 or ::1
 * client before it looks anything up. This is the same sequence
 * (spf_request.c: prepare, get the record, interpret it) over the
 * functions spf_request.h, spf_server.h and spf_record.h declare, so a
 * loopback client is evaluated like every other one (see spf.h). libspf2
 * has no loopback test below this point (SPF_record_interpret's is
 * compiled out, include/redirect recurse through SPF_record_interpret).
 */
static SPF_errcode_t query_mailfrom(SPF_request_t *rq, SPF_response_t **rsp)
{
	SPF_record_t *rec = NULL;
	SPF_response_t *rs = SPF_response_new(rq);

	*rsp = rs;
	if (!rs)
		return SPF_E_NO_MEMORY;
	rq->cur_dom = rq->use_helo ? rq->helo_dom : rq->env_from_dp;
	SPF_errcode_t err = SPF_server_get_record(rq->spf_server, rq, rs, &rec);
	if (err != SPF_E_SUCCESS) {
		if (rec)
			SPF_record_free(rec);
		SPF_i_done(rs, rs->result, rs->reason, rs->err);
		return err;
	}
	rs->spf_record_exp = rec;
	err = SPF_record_interpret(rec, rq, rs, 0);
	SPF_record_free(rec);
	rs->spf_record_exp = NULL;
	return err;
}

/* One check_host() for one identity, in a fresh request/response. */
static void check_one(struct rp_spf *s, struct rp_spf_dnsstate *st,
	const struct rp_netaddr *client, const char *helo, const char *sender,
	enum rp_spf_identity id, struct rp_spf_outcome *o)
{
	SPF_request_t *rq = SPF_request_new(s->srv);
	if (!rq) {
		log_msg(RP_LOG_ERR, "spf: out of memory");
		abort();
	}
	if (client->family == AF_INET6) {
		struct in6_addr a6;
		memcpy(&a6, client->a, 16);
		SPF_request_set_ipv6(rq, a6);
	} else {
		struct in_addr a4;
		memcpy(&a4, client->a, 4);
		SPF_request_set_ipv4(rq, a4);
	}
	if (helo && *helo)
		SPF_request_set_helo_dom(rq, helo);
	if (id == RP_SPF_ID_MAILFROM) {
		SPF_request_set_env_from(rq, sender);
		rq->use_helo = 0;
	} else {
		rq->use_helo = 1;
	}
	o->identity = id;
	rp_printable(o->ident, sizeof(o->ident), rq->env_from ? rq->env_from : "");
	rp_printable(o->domain, sizeof(o->domain),
		id == RP_SPF_ID_HELO ? (helo ? helo : "")
		: (rq->env_from_dp ? rq->env_from_dp : ""));

	spf_dns_reset(st);
	st->client = *client;
	SPF_response_t *rs = NULL;
	jmp_buf jb;
	tls_jmp = &jb;
	if (setjmp(jb) != 0) {
		/* libspf2 called SPF_error: its state is unknown, leave it */
		o->result = RP_SPF_TEMPERROR;
		rp_strlcpy(o->problem, "internal error in libspf2", sizeof(o->problem));
		return;
	}
	SPF_errcode_t err = query_mailfrom(rq, &rs);
	tls_jmp = NULL;

	if (!rs) {
		o->result = RP_SPF_TEMPERROR;
		rp_strlcpy(o->problem, "out of memory", sizeof(o->problem));
	} else if (st->unsafe) {
		o->result = RP_SPF_PERMERROR;
		rp_strlcpy(o->problem, "record refused as unsafe (CVE-2023-42118)",
			sizeof(o->problem));
	} else if (st->syntax) {
		o->result = RP_SPF_PERMERROR;
		snprintf(o->problem, sizeof(o->problem), "SPF record syntax: %s",
			st->syntax_detail);
	} else if (st->too_long) {
		o->result = RP_SPF_PERMERROR;
		rp_strlcpy(o->problem, "SPF record longer than 4096 bytes", sizeof(o->problem));
	} else if (st->over_terms) {
		o->result = RP_SPF_PERMERROR;
		rp_strlcpy(o->problem, "more than 10 DNS-querying terms", sizeof(o->problem));
	} else if (st->over_voids) {
		o->result = RP_SPF_PERMERROR;
		rp_strlcpy(o->problem, "more than 2 void lookups", sizeof(o->problem));
	} else if (st->deadline) {
		o->result = RP_SPF_TEMPERROR;
		rp_strlcpy(o->problem, "time limit reached", sizeof(o->problem));
	} else {
		o->result = map_result(rs, err, o);
		if (o->result == RP_SPF_TEMPERROR && st->temp)
			snprintf(o->problem, sizeof(o->problem), "DNS %s", st->temp_detail);
	}
	if (rs) {
		const char *c = SPF_response_get_header_comment(rs);
		rp_printable(o->comment, sizeof(o->comment), c ? c : "");
		if (SPF_response_reason(rs) == SPF_REASON_DEFAULT
			&& o->result != RP_SPF_PERMERROR && o->result != RP_SPF_TEMPERROR)
			rp_strlcpy(o->mechanism, "default", sizeof(o->mechanism));
		const char *e = SPF_response_get_explanation(rs);
		if (o->result == RP_SPF_FAIL && e && *e)
			rp_printable(o->explanation, sizeof(o->explanation), e);
		SPF_response_free(rs);
	}
	{
		char tmp[RP_SPF_PROBLEM_MAX];
		rp_printable(tmp, sizeof(tmp), o->problem);
		memcpy(o->problem, tmp, sizeof(tmp));
	}
	o->terms = st->terms;
	o->voids = st->voids;
	SPF_request_free(rq);
}

enum rp_spf_result spf_check(struct rp_spf *s, const struct rp_netaddr *client,
	const char *helo, const char *sender, bool check_helo, uint64_t deadline_ms,
	struct rp_spf_outcome *out)
{
	struct rp_spf_dnsstate st;
	char h[RP_SPF_DOMAIN_MAX];

	memset(out, 0, sizeof(*out));
	out->result = RP_SPF_NONE;
	if (!sender)
		sender = "";
	out->null_sender = *sender == '\0';
	rp_printable(out->envelope_from, sizeof(out->envelope_from), sender);

	/* the HELO name as SPF uses it: one trailing dot stripped */
	h[0] = '\0';
	if (helo && strlen(helo) < sizeof(h)) {
		rp_strlcpy(h, helo, sizeof(h));
		size_t l = strlen(h);
		if (l > 1 && h[l - 1] == '.' && h[l - 2] != '.')
			h[l - 1] = '\0';
	}
	bool helo_ok = h[0] != '\0' && domain_is_fqdn(h, false);

	spf_dns_begin(&st, s->dns, deadline_ms);
	if (check_helo && helo_ok) {
		check_one(s, &st, client, h, "", RP_SPF_ID_HELO, out);
		out->helo_checked = true;
		out->helo_result = out->result;
		/* a HELO fail is final; with the null sender the MAIL FROM
		 * identity is postmaster@HELO, the same check again */
		if (out->result == RP_SPF_FAIL || out->null_sender) {
			spf_dns_end();
			return out->result;
		}
	}
	struct rp_spf_outcome mf;
	memset(&mf, 0, sizeof(mf));
	/* the HELO as given for the %{h} macro even when it is no host name
	 * (RFC 7208 §7.3: it expands to what the client sent; libspf2 fails
	 * the record with "Uninitialized variable" without one) */
	check_one(s, &st, client, h, sender, RP_SPF_ID_MAILFROM, &mf);
	spf_dns_end();

	mf.helo_checked = out->helo_checked;
	mf.helo_result = out->helo_result;
	mf.null_sender = out->null_sender;
	memcpy(mf.envelope_from, out->envelope_from, sizeof(mf.envelope_from));
	*out = mf;
	return out->result;
}

/* ---- texts ------------------------------------------------------------- */

static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		|| (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool is_dot_atom(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (p[1] == '.' || p[1] == '\0')
				return false;
		} else if (!is_atext((unsigned char)*p)) {
			return false;
		}
	}
	return true;
}

/* An RFC 7208 key-value value: dot-atom as it is, otherwise a quoted
 * string; printable, at most max octets of src. */
static void kv_value(char *dst, size_t size, const char *src, size_t max)
{
	char clean[512];
	if (max >= sizeof(clean))
		max = sizeof(clean) - 1;
	rp_printable(clean, max + 1, src ? src : "");
	if (is_dot_atom(clean)) {
		rp_strlcpy(dst, clean, size);
		return;
	}
	size_t o = 0;
	if (size < 3) {
		if (size)
			dst[0] = '\0';
		return;
	}
	dst[o++] = '"';
	for (const char *p = clean; *p && o + 3 < size; p++) {
		if (*p == '"' || *p == '\\')
			dst[o++] = '\\';
		dst[o++] = *p;
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

/* Text for inside a comment: printable, no parentheses or backslashes. */
static void comment_text(char *dst, size_t size, const char *src, size_t max)
{
	char clean[512];
	if (max >= sizeof(clean))
		max = sizeof(clean) - 1;
	rp_printable(clean, max + 1, src ? src : "");
	for (char *p = clean; *p; p++)
		if (*p == '(' || *p == ')' || *p == '\\')
			*p = '?';
	rp_strlcpy(dst, clean, size);
}

struct out_buf {
	char *p;
	size_t size, len;
};

static void __attribute__((format(printf, 2, 3))) put(struct out_buf *b, const char *fmt, ...)
{
	if (b->len + 1 >= b->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len += (size_t)n;
	if (b->len >= b->size)
		b->len = b->size - 1;
}

/*
 * Fold points: a space outside a quoted string. Inside the comment a '"'
 * is plain text (comment_text leaves no parentheses of its own there), so
 * quotes count only outside parentheses; a backslash in a quoted string
 * escapes the next octet. The fold takes the place of the first space of
 * a run, before a token, so no line is whitespace only.
 */
void spf_header_fold(size_t first, const char *in, char *out, size_t size)
{
	size_t len = strlen(in), o = 0, col = first, run = 0;
	bool in_q = false, esc = false;
	int depth = 0;

	if (!size)
		return;
	if (first + len <= RP_HEADER_LINE_MAX) {
		rp_strlcpy(out, in, size);
		return;
	}
	for (const char *p = in;;) {
		/* the next token: up to a space outside a quoted string */
		const char *t = p;
		while (*p && (*p != ' ' || in_q)) {
			if (esc)
				esc = false;
			else if (in_q && *p == '\\')
				esc = true;
			else if (!depth && *p == '"')
				in_q = !in_q;
			else if (!in_q && *p == '(')
				depth++;
			else if (!in_q && *p == ')' && depth > 0)
				depth--;
			p++;
		}
		size_t tl = (size_t)(p - t);
		/* the run of spaces before it: the first one becomes the fold
		 * when the token would pass the goal */
		if (run && tl && col + run + tl > RP_HEADER_LINE_GOAL) {
			if (o + 2 >= size)
				break;
			out[o++] = '\n';
			out[o++] = '\t';
			col = 1;
			run--;
		}
		for (; run && o + 1 < size; run--, col++)
			out[o++] = ' ';
		if (o + tl >= size)
			tl = size - 1 - o;
		memcpy(out + o, t, tl);
		o += tl;
		col += tl;
		if (!*p || o + 1 >= size)
			break;
		while (*p == ' ') {
			run++;
			p++;
		}
	}
	out[o] = '\0';
}

void spf_received_header(const struct rp_spf_outcome *o, const char *client_addr,
	const char *helo, const char *receiver, char *buf, size_t size)
{
	char rcv[RP_SPF_DOMAIN_MAX], who[RP_SPF_IDENT_MAX], ip[RP_ADDRSTRLEN + 4];
	char v[2 * RP_SPF_IDENT_MAX + 4];      /* every octet escaped, quotes */
	char line[RP_SPF_HEADER_MAX];
	struct out_buf b = { line, sizeof(line), 0 };

	if (!size)
		return;
	buf[0] = '\0';
	line[0] = '\0';
	comment_text(rcv, sizeof(rcv), receiver && *receiver ? receiver : "localhost", 255);
	comment_text(who, sizeof(who), o->identity == RP_SPF_ID_HELO ? o->domain : o->ident,
		RP_SPF_IDENT_MAX - 1);
	comment_text(ip, sizeof(ip), client_addr ? client_addr : "", RP_ADDRSTRLEN);

	put(&b, "%s (%s: ", spf_result_name(o->result), rcv);
	switch (o->result) {
	case RP_SPF_PASS:
		put(&b, "domain of %s designates %s as permitted sender)", who, ip);
		break;
	case RP_SPF_FAIL:
		put(&b, "domain of %s does not designate %s as permitted sender)", who, ip);
		break;
	case RP_SPF_SOFTFAIL:
		put(&b, "domain of transitioning %s does not designate %s as permitted sender)",
			who, ip);
		break;
	case RP_SPF_NEUTRAL:
		put(&b, "%s is neither permitted nor denied by domain of %s)", ip, who);
		break;
	case RP_SPF_NONE:
		put(&b, "domain of %s does not designate permitted sender hosts)", who);
		break;
	case RP_SPF_PERMERROR:
		put(&b, "permanent error in processing domain of %s)", who);
		break;
	case RP_SPF_TEMPERROR:
	default:
		put(&b, "temporary error in processing domain of %s)", who);
		break;
	}
	kv_value(v, sizeof(v), client_addr ? client_addr : "", RP_ADDRSTRLEN);
	put(&b, " client-ip=%s;", v);
	if (!o->null_sender) {
		kv_value(v, sizeof(v), o->envelope_from, RP_SPF_IDENT_MAX - 1);
		put(&b, " envelope-from=%s;", v);
	}
	if (helo && *helo) {
		kv_value(v, sizeof(v), helo, RP_SPF_HELO_FIELD);
		put(&b, " helo=%s;", v);
	}
	if (o->problem[0] && (o->result == RP_SPF_PERMERROR || o->result == RP_SPF_TEMPERROR)) {
		kv_value(v, sizeof(v), o->problem, RP_SPF_PROBLEM_MAX);
		put(&b, " problem=%s;", v);
	}
	if (o->mechanism[0]) {
		kv_value(v, sizeof(v), o->mechanism, sizeof(o->mechanism));
		put(&b, " mechanism=%s;", v);
	}
	kv_value(v, sizeof(v), receiver && *receiver ? receiver : "localhost", 255);
	put(&b, " receiver=%s;", v);
	put(&b, " identity=%s", o->identity == RP_SPF_ID_HELO ? "helo" : "mailfrom");
	spf_header_fold(strlen("Received-SPF: "), line, buf, size);
}

/* An RFC 8601 value: a token when it is one, else a quoted string. */
static void ar_value(char *dst, size_t size, const char *src)
{
	char clean[300];
	rp_printable(clean, sizeof(clean), src ? src : "");
	bool token = clean[0] != '\0';
	for (const char *p = clean; *p && token; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
			|| (*p >= '0' && *p <= '9') || strchr("-._", *p)))
			token = false;
	if (token) {
		rp_strlcpy(dst, clean, size);
		return;
	}
	kv_value(dst, size, clean, sizeof(clean) - 1);
}

void spf_ar_fragment(const struct rp_spf_outcome *o, char *buf, size_t size)
{
	char v[2 * RP_SPF_DOMAIN_MAX + 4];     /* the whole domain, quoted */
	ar_value(v, sizeof(v), o->domain);
	snprintf(buf, size, "spf=%s smtp.%s=%s", spf_result_name(o->result),
		o->identity == RP_SPF_ID_HELO ? "helo" : "mailfrom", v);
}

void spf_reply(const struct rp_spf_outcome *o, const char *client_addr,
	const char *rcpt_domain, bool defer, struct rp_reply *out)
{
	char id[300], ip[RP_ADDRSTRLEN + 8], r[300], url[1024], what[RP_SPF_EXP_MAX + 40];
	const char *s = o->identity == RP_SPF_ID_HELO ? "helo" : "mfrom";

	memset(out, 0, sizeof(*out));
	if (o->result == RP_SPF_PASS)
		return;
	if (o->result == RP_SPF_TEMPERROR) {
		reply_set(out, RP_CHK_SPF, 451, "4.7.24",
			"Message deferred due to: SPF temperror. Please try again later");
		return;
	}
	reply_arg(id, sizeof(id), o->identity == RP_SPF_ID_HELO ? o->domain : o->ident, 254);
	reply_arg(ip, sizeof(ip), client_addr ? client_addr : "", RP_ADDRSTRLEN);
	reply_arg(r, sizeof(r), rcpt_domain ? rcpt_domain : "<UNKNOWN>", 255);
	snprintf(url, sizeof(url), "http://www.open-spf.org/Why?s=%s;id=%s;ip=%s;r=%s",
		s, id, ip, r);
	if (o->result == RP_SPF_PERMERROR)
		rp_strlcpy(what, "SPF permerror", sizeof(what));
	else if (o->result == RP_SPF_FAIL && o->explanation[0])
		rp_printable(what, RP_SPF_EXP_MAX + 1, o->explanation);
	else
		snprintf(what, sizeof(what), "SPF %s - not authorized", spf_result_name(o->result));
	const char *xcode = o->result == RP_SPF_PERMERROR ? "5.7.24" : "5.7.23";
	if (defer)
		reply_set(out, RP_CHK_SPF, 451, xcode, "Message deferred due to: %s. Please see %s",
			what, url);
	else
		reply_set(out, RP_CHK_SPF, 550, xcode, "Message rejected due to: %s. Please see %s",
			what, url);
}
