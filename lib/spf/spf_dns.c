/*
 * spf_dns - libspf2's DNS layer on top of rampart's resolver (dns.h).
 *
 * Owns the SPF_dns_server_t that SPF_server_new_dns() is built on, the
 * per-thread pointer to the state of the check in progress, the RFC 7208
 * §4.6.4 limits libspf2 lacks or counts per record only, and the guard
 * against CVE-2023-42118.
 *
 * Threads: the lookup callback runs on the thread that called spf_check,
 * inside libspf2; spf_dns_begin/spf_dns_end bracket a check on that thread
 * (thread-local pointer to a state on spf_check's stack). A lookup outside
 * a check answers TRY_AGAIN.
 *
 * Answers: never NULL (libspf2 aborts on NULL). Outcomes map FOUND ->
 * NETDB_SUCCESS with the records (TXT: the character-strings of one record
 * joined, one string per record; MX/PTR: names without the trailing dot),
 * NOTFOUND -> HOST_NOT_FOUND (NXDOMAIN) or NO_DATA, a name that cannot be
 * queried -> HOST_NOT_FOUND, everything else -> TRY_AGAIN (libspf2's only
 * temperror trigger). TRY_AGAIN is also how the layer stops an evaluation
 * early: the reason (limit, deadline, unsafe record) is kept in the state
 * and spf_check turns it into the right result.
 *
 * Limits: a DNS-querying term is an MX or PTR lookup, an A/AAAA lookup for
 * a name that was not just returned by the last MX/PTR answer (a, exists),
 * and every TXT answer holding a v=spf1 record after the first one
 * (include, redirect); the 11th term is not looked up (permerror). A void
 * lookup is a term whose A/AAAA/MX/PTR lookup found nothing; the 3rd one
 * stops the check (permerror). Lookups for the %{p} macro count as a ptr
 * term (conservative). The deadline is checked before every lookup.
 *
 * CVE-2023-42118 (ZDI-23-1472; fixed upstream in libspf2 d14abff, not in
 * Debian 12's 1.2.10-7.2): in spf_compile.c, SPF_c_parse_macro() starts a
 * string literal with SPF_INIT_STRING_LITERAL(data_avail - *data_used),
 * which sets ds_avail = _avail - sizeof(SPF_data_t) (4) with size_t
 * arithmetic. It runs at the start of every macro-string and again after
 * each %{...} variable. Each variable takes 4 bytes of the compile buffer,
 * each literal run align4(4 + length); the buffer holds data_avail = 511
 * bytes (SPF_MAX_MECH_LEN for a mechanism's domain-spec, SPF_MAX_MOD_LEN
 * for a modifier value and for an explanation text). When the variables
 * and literals before a variable bring *data_used to 508, the next
 * INIT computes 3 - 4 and ds_avail wraps to SIZE_MAX, so the bounds check
 * on the following literal never fires and its bytes are copied past the
 * end of the stack buffer (mechanisms and modifiers: buf[4096]; an exp=
 * text in SPF_record_compile_macro: only sizeof(SPF_macro_t) + 511). The
 * smallest trigger is one term holding 127 variables and then a literal,
 * e.g. "v=spf1 a:%{d}%{d}...(127 times)...AAAA...", or an exp= TXT of the
 * same shape. The upstream fix refuses the literal when _avail < 4.
 * Mitigation here: before libspf2 sees any TXT text, spf_txt_unsafe()
 * replays the compiler's accounting for the whole text (how an exp= text
 * is compiled) and for every term of a v=spf1 record (with and without a
 * CIDR block in front), and refuses the text when a variable would leave
 * fewer than 8 bytes of the 511 (a margin of one variable). The lookup
 * then answers TRY_AGAIN, the check result is permerror and the refusal
 * is logged. Non-SPF TXT texts (only ever compiled as exp= texts) are also
 * cut to 250 bytes, below libspf2's 255-byte literal limit, which alone
 * keeps the explanation path away from the underflow.
 *
 * Record syntax: every v=spf1 TXT text goes through spf_syntax_check()
 * (RFC 7208 §12, spf_syntax.c) before libspf2 sees it; one that fails it
 * makes the lookup answer TRY_AGAIN and the check a permerror, with the
 * reason as the problem. libspf2 evaluates many records the grammar
 * refuses (empty or numeric top labels, bad macro letters, exp= twice...).
 *
 * Rewrites (spf_record_rewrite), for valid records libspf2 mis-evaluates:
 *  - redirect= is dropped when the record has an "all" mechanism (RFC
 *    7208 §6.1: it MUST then be ignored; libspf2 follows it);
 *  - unknown modifiers are dropped (RFC 7208 §6: they are ignored; libspf2
 *    refuses names with "_" or ".");
 *  - the half of an a/mx dual-cidr-length that does not apply to the
 *    client's address family is dropped (it cannot change the result);
 *  - libspf2 refuses a prefix of 0 ("Invalid CIDR length"): ip4:N/0 is
 *    written as ip4:0.0.0.0/1 ip4:128.0.0.0/1 (ip6: ::/1 and 8000::/1),
 *    same qualifier, the same set of addresses; a or mx with /0 for the
 *    client's family (which matches when the name, or any MX host, has
 *    an address of that family) gets RP_SPF_CIDR0_MARK appended to its
 *    domain and a prefix of 1: the layer strips the mark before the
 *    lookup, appends it to the MX host names it returns, and answers the
 *    A/AAAA lookups of marked names with the client's own address in
 *    place of each address found, so the /1 matches exactly when /0
 *    would. The names and the count of lookups stay those of the record.
 *    A name can only carry the mark when the record's owner wrote it, or
 *    wrote a domain-spec ending in a macro the sender controls (a:%{l}),
 *    which already lets the sender pick a name with its own address: the
 *    mark grants no match the record did not already grant.
 *
 * Explanation texts: libspf2 1.2.10 treats a space in an exp= TXT as the
 * start of a %-escape (the text came back as "not%allowed"); the layer
 * hands non-SPF TXT texts over with each space written as the macro
 * escape "%_", which expands to one space (RFC 7208 §7.1).
 */
#include <sys/types.h>
#include <stddef.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <spf2/spf.h>
#include <spf2/spf_dns.h>
#include <spf2/spf_dns_rr.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "dns/dns.h"
#include "base/log.h"
#include "spf/spf.h"
#include "spf/spf_syntax.h"
#include "base/util.h"

#define EXP_SRC_MAX   250   /* bytes of a non-SPF TXT text handed over */
#define CVE_AVAIL     511   /* SPF_MAX_MECH_LEN == SPF_MAX_MOD_LEN */
#define CVE_MARGIN    8     /* refuse when fewer bytes than this remain */

static __thread struct rp_spf_dnsstate *tls_state;

void spf_dns_begin(struct rp_spf_dnsstate *st, struct rp_dns *dns, uint64_t deadline_ms)
{
	memset(st, 0, sizeof(*st));
	st->dns = dns;
	st->deadline_ms = deadline_ms;
	tls_state = st;
}

void spf_dns_reset(struct rp_spf_dnsstate *st)
{
	struct rp_dns *dns = st->dns;
	uint64_t deadline = st->deadline_ms;
	bool deadline_hit = st->deadline;
	memset(st, 0, sizeof(*st));
	st->dns = dns;
	st->deadline_ms = deadline;
	st->deadline = deadline_hit;
}

void spf_dns_end(void)
{
	tls_state = NULL;
}

/* ---- CVE-2023-42118 guard ---------------------------------------------- */

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/*
 * Replay SPF_c_parse_macro()'s use of the compile buffer for src[0..n),
 * starting with used bytes already taken. True when a variable would leave
 * fewer than CVE_MARGIN bytes: the next literal would start with a wrapped
 * ds_avail. Paths on which libspf2 reports an error first are safe.
 */
static bool macro_unsafe(const char *src, size_t n, size_t used)
{
	size_t i = 0, lit = 0;

	while (i < n) {
		while (i < n && src[i] != ' ' && src[i] != '%') {
			lit++;
			i++;
		}
		if (i >= n)
			break;
		i++;                              /* the '%' (or ' ') */
		char f = i < n ? src[i] : '\0';
		if (f == '%' || f == '_') {
			lit++;
			i++;
		} else if (f == '-') {
			lit += 3;
			i++;
		} else if (f == '{') {
			if (lit > 0) {
				if (lit > 255)
					return false;     /* "String literal too long" */
				used += align4(4 + lit);
				if (used > CVE_AVAIL)
					return false;     /* "domainspec too long" */
				lit = 0;
			}
			i++;
			size_t j = i;
			while (j < n && src[j] != '}' && src[j] != ' ')
				j++;
			if (j < n && src[j] == ' ')
				return false;             /* "Unterminated variable" */
			i = j < n ? j + 1 : j;
			used += 4;
			if (used > CVE_AVAIL)
				return false;
			if (CVE_AVAIL - used < CVE_MARGIN)
				return true;
		} else {
			lit++;                        /* '%' kept, f not consumed */
		}
	}
	return false;
}

static bool is_spf_record(const char *t, size_t len)
{
	return len >= 6 && strncasecmp(t, "v=spf1", 6) == 0 && (len == 6 || t[6] == ' ');
}

bool spf_txt_unsafe(const char *txt, size_t len)
{
	size_t n = strnlen(txt, len);     /* libspf2 sees a C string */

	if (macro_unsafe(txt, n, 0))
		return true;
	if (!is_spf_record(txt, n))
		return false;
	size_t i = 6;
	while (i < n) {
		while (i < n && txt[i] == ' ')
			i++;
		size_t start = i;
		while (i < n && txt[i] != ' ')
			i++;
		/* one term txt[start..i): prefix, name, then ':' '=' or '/' */
		size_t p = start;
		while (p < i && strchr("+-~?", txt[p]))
			p++;
		while (p < i && txt[p] != ':' && txt[p] != '=' && txt[p] != '/')
			p++;
		if (p >= i)
			continue;
		size_t v = txt[p] == '/' ? p : p + 1;
		if (macro_unsafe(txt + v, i - v, 0) || macro_unsafe(txt + v, i - v, 4))
			return true;
	}
	return false;
}

/* ---- record rewrites (see the top of the file) ------------------------ */

struct wbuf {
	char *p;
	size_t size, len;
	bool over;
};

static void wput(struct wbuf *w, const char *s, size_t n)
{
	if (w->over || w->len + n + 1 > w->size) {
		w->over = true;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

static void wputs(struct wbuf *w, const char *s)
{
	wput(w, s, strlen(s));
}

/* An a/mx term (after the qualifier): name, ":domain", cidr; written for
 * the client's family. */
static void rewrite_amx(struct wbuf *w, const char *q, size_t ql, const char *t, size_t n,
	size_t nl, int af)
{
	size_t c = spf_syntax_cidr_start(t, n);
	const char *cidr = t + c, *end = t + n;
	const char *c4 = NULL, *c6 = NULL;
	size_t l4 = 0, l6 = 0;
	if (cidr < end) {
		const char *p = cidr + 1;         /* after the first '/' */
		if (*p != '/') {
			c4 = p;
			while (p < end && *p != '/')
				p++;
			l4 = (size_t)(p - c4);
			if (p < end)
				p++;                  /* the first '/' of "//" */
		}
		if (p < end && *p == '/') {
			c6 = p + 1;
			l6 = (size_t)(end - c6);
		}
	}
	const char *mine = af == AF_INET6 ? c6 : c4;
	size_t ml = af == AF_INET6 ? l6 : l4;
	bool zero = mine && ml == 1 && mine[0] == '0';
	wput(w, q, ql);
	wput(w, t, nl);
	if (c > nl)
		wput(w, t + nl, c - nl);          /* ":domain" */
	if (zero) {
		if (c == nl)
			wputs(w, ":%{d}");
		wputs(w, RP_SPF_CIDR0_MARK);
		wputs(w, af == AF_INET6 ? "//1" : "/1");
	} else if (mine) {
		wputs(w, af == AF_INET6 ? "//" : "/");
		wput(w, mine, ml);
	}
}

/* Does the record hold an "all" mechanism (any qualifier)? */
static bool has_all(const char *txt, size_t len)
{
	for (size_t i = 6; i < len;) {
		while (i < len && txt[i] == ' ')
			i++;
		size_t st = i;
		while (i < len && txt[i] != ' ')
			i++;
		if (i > st && strchr("+-~?", txt[st]))
			st++;
		if (i - st == 3 && strncasecmp(txt + st, "all", 3) == 0)
			return true;
	}
	return false;
}

size_t spf_record_rewrite(const char *txt, size_t len, int af, char *out, size_t size)
{
	struct wbuf w = { out, size, 0, size == 0 };
	bool all = has_all(txt, len);
	if (size)
		out[0] = '\0';
	wput(&w, txt, len < 6 ? len : 6);
	size_t i = len < 6 ? len : 6;
	while (i < len) {
		while (i < len && txt[i] == ' ')
			i++;
		size_t st = i;
		while (i < len && txt[i] != ' ')
			i++;
		if (i == st)
			break;
		const char *t = txt + st;
		size_t n = i - st, q = 0;
		if (strchr("+-~?", t[0]))
			q = 1;
		size_t nl = q;
		while (nl < n && ((t[nl] >= 'a' && t[nl] <= 'z') || (t[nl] >= 'A' && t[nl] <= 'Z')
			|| (t[nl] >= '0' && t[nl] <= '9') || strchr("-_.", t[nl])))
			nl++;
		if (q == 0 && nl < n && t[nl] == '=') {
			/* a modifier: keep redirect= and exp=, drop the others */
			if ((nl == 8 && strncasecmp(t, "redirect", 8) == 0 && !all)
				|| (nl == 3 && strncasecmp(t, "exp", 3) == 0)) {
				wputs(&w, " ");
				wput(&w, t, n);
			}
			continue;
		}
		size_t ml = nl - q;
		wputs(&w, " ");
		if ((ml == 1 && strncasecmp(t + q, "a", 1) == 0)
			|| (ml == 2 && strncasecmp(t + q, "mx", 2) == 0)) {
			rewrite_amx(&w, t, q, t + q, n - q, ml, af);
		} else if (ml == 3 && (strncasecmp(t + q, "ip4", 3) == 0
			|| strncasecmp(t + q, "ip6", 3) == 0) && n >= 2 && t[n - 2] == '/'
			&& t[n - 1] == '0') {
			bool v6 = t[q + 2] == '6';
			wput(&w, t, q);
			wputs(&w, v6 ? "ip6:::/1 " : "ip4:0.0.0.0/1 ");
			wput(&w, t, q);
			wputs(&w, v6 ? "ip6:8000::/1" : "ip4:128.0.0.0/1");
		} else {
			wput(&w, t, n);
		}
	}
	return w.over ? (size_t)-1 : w.len;
}

/* name without RP_SPF_CIDR0_MARK at its end, into buf; true when it had it */
static bool strip_mark(const char *name, char *buf, size_t size)
{
	size_t n = strlen(name), m = strlen(RP_SPF_CIDR0_MARK);
	if (n <= m || strcasecmp(name + n - m, RP_SPF_CIDR0_MARK) != 0 || n - m >= size)
		return false;
	memcpy(buf, name, n - m);
	buf[n - m] = '\0';
	return true;
}

/* ---- answers ----------------------------------------------------------- */

static SPF_dns_rr_t *rr_new(SPF_dns_server_t *srv, const char *domain, ns_type t,
	int ttl, SPF_dns_stat_t herrno)
{
	SPF_dns_rr_t *rr = SPF_dns_rr_new_init(srv, domain, t, ttl, herrno);
	if (!rr) {
		log_msg(RP_LOG_ERR, "spf: out of memory building a DNS answer");
		abort();
	}
	return rr;
}

static void rr_slot(SPF_dns_rr_t *rr, int idx, size_t len)
{
	if (SPF_dns_rr_buf_realloc(rr, idx, len) != SPF_E_SUCCESS) {
		log_msg(RP_LOG_ERR, "spf: out of memory building a DNS answer");
		abort();
	}
}

/* Is name one of the targets of the last MX/PTR answer? */
static bool is_sub(const struct rp_spf_dnsstate *st, const char *name)
{
	for (size_t i = 0; i < st->n_sub; i++)
		if (strcasecmp(st->sub[i], name) == 0)
			return true;
	return false;
}

static void set_temp(struct rp_spf_dnsstate *st, const char *detail)
{
	if (!st->temp) {
		st->temp = true;
		rp_strlcpy(st->temp_detail, detail ? detail : "error", sizeof(st->temp_detail));
	}
	if (detail && strcmp(detail, "deadline") == 0)
		st->deadline = true;
}

/* A non-SPF TXT text as libspf2 should compile it as an exp= text: cut to
 * EXP_SRC_MAX bytes (at a NUL too), each space written as "%_". */
static size_t exp_text(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0;
	for (size_t i = 0; i < len && i < EXP_SRC_MAX && src[i] != '\0'; i++) {
		if (src[i] == ' ') {
			if (o + 3 > size)
				break;
			dst[o++] = '%';
			dst[o++] = '_';
		} else {
			if (o + 2 > size)
				break;
			dst[o++] = src[i];
		}
	}
	dst[o] = '\0';
	return o;
}

/* Fill rr from a FOUND answer; returns the number of records put in. */
static int fill(SPF_dns_rr_t *rr, struct rp_spf_dnsstate *st, const char *domain,
	enum rp_dns_type rt, const struct rp_dns_answer *a, bool marked)
{
	int n = 0;
	bool spf_seen = false;

	if (rt == RP_DNS_MX || rt == RP_DNS_PTR)
		st->n_sub = 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct rp_dns_rr *r = &a->rr[i];
		switch (rt) {
		case RP_DNS_A:
			if (r->addr.family != AF_INET)
				continue;
			rr_slot(rr, n, sizeof(struct in_addr));
			memcpy(&rr->rr[n]->a, marked && st->client.family == AF_INET
				? st->client.a : r->addr.a, 4);
			n++;
			break;
		case RP_DNS_AAAA:
			if (r->addr.family != AF_INET6)
				continue;
			rr_slot(rr, n, sizeof(struct in6_addr));
			memcpy(&rr->rr[n]->aaaa, marked && st->client.family == AF_INET6
				? st->client.a : r->addr.a, 16);
			n++;
			break;
		case RP_DNS_MX:
		case RP_DNS_PTR: {
			const char *nm = r->name ? r->name : "";
			size_t l = strnlen(nm, RP_DNS_NAME_MAX);
			size_t ml = marked && rt == RP_DNS_MX ? strlen(RP_SPF_CIDR0_MARK) : 0;
			rr_slot(rr, n, l + ml + 1);
			memcpy(rr->rr[n]->mx, nm, l);
			memcpy(rr->rr[n]->mx + l, RP_SPF_CIDR0_MARK, ml);
			rr->rr[n]->mx[l + ml] = '\0';
			if (st->n_sub < RP_DNS_MAX_RR)
				rp_strlcpy(st->sub[st->n_sub++], rr->rr[n]->mx, sizeof(st->sub[0]));
			n++;
			break;
		}
		case RP_DNS_TXT: {
			const char *t = r->text ? r->text : "";
			size_t l = strnlen(t, r->text_len);
			if (is_spf_record(t, l)) {
				spf_seen = true;
				/* never evaluate the part of a record that was kept */
				if (r->text_cut)
					st->too_long = true;
				char why[80];
				if (!st->syntax && !r->text_cut
					&& !spf_syntax_check(t, r->text_len, why, sizeof(why))) {
					char shown[80];
					rp_printable(shown, sizeof(shown), t);
					log_msg(RP_LOG_INFO, "spf: %s: SPF record refused: %s: %s",
						domain, why, shown);
					st->syntax = true;
					rp_strlcpy(st->syntax_detail, why, sizeof(st->syntax_detail));
				}
				char rw[2 * RP_DNS_TXT_MAX + 256];
				size_t wl = spf_record_rewrite(t, l, st->client.family, rw, sizeof(rw));
				if (wl == (size_t)-1) {
					st->too_long = true;
					wl = 0;
					rw[0] = '\0';
				}
				l = wl;
				rr_slot(rr, n, l + 1);
				memcpy(rr->rr[n]->txt, rw, l + 1);
			} else {
				char buf[2 * EXP_SRC_MAX + 1];
				l = exp_text(buf, sizeof(buf), t, l);
				rr_slot(rr, n, l + 1);
				memcpy(rr->rr[n]->txt, buf, l + 1);
			}
			if (spf_txt_unsafe(rr->rr[n]->txt, l)) {
				char shown[80];
				rp_printable(shown, sizeof(shown), rr->rr[n]->txt);
				log_msg(RP_LOG_WARNING, "spf: %s: TXT record refused: its macros "
					"would reach the libspf2 compiler underflow (CVE-2023-42118): %s...",
					domain, shown);
				st->unsafe = true;
			}
			n++;
			break;
		}
		}
	}
	if (spf_seen && ++st->spf_txt > 1 && ++st->terms > RP_SPF_MAX_TERMS)
		st->over_terms = true;
	return n;
}

static SPF_dns_rr_t *layer_lookup(SPF_dns_server_t *srv, const char *domain,
	ns_type t, int should_cache)
{
	struct rp_spf_dnsstate *st = tls_state;
	const char *dom = domain ? domain : "";
	enum rp_dns_type rt;

	switch (t) {
	case ns_t_a: rt = RP_DNS_A; break;
	case ns_t_aaaa: rt = RP_DNS_AAAA; break;
	case ns_t_mx: rt = RP_DNS_MX; break;
	case ns_t_ptr: rt = RP_DNS_PTR; break;
	case ns_t_txt: rt = RP_DNS_TXT; break;
	default:
		/* type 99 (SPF) and anything else: RFC 7208 uses TXT only */
		return rr_new(srv, dom, t, 0, NO_DATA);
	}
	if (!st)
		return rr_new(srv, dom, t, 0, TRY_AGAIN);
	if (st->over_terms || st->over_voids || st->unsafe || st->too_long || st->syntax)
		return rr_new(srv, dom, t, 0, TRY_AGAIN);
	if (clock_mono_ms() >= st->deadline_ms) {
		set_temp(st, "deadline");
		return rr_new(srv, dom, t, 0, TRY_AGAIN);
	}

	bool term = rt == RP_DNS_MX || rt == RP_DNS_PTR
		|| ((rt == RP_DNS_A || rt == RP_DNS_AAAA) && !is_sub(st, dom));
	if (term && ++st->terms > RP_SPF_MAX_TERMS) {
		st->over_terms = true;
		return rr_new(srv, dom, t, 0, TRY_AGAIN);
	}

	char real[RP_DNS_NAME_MAX + 1];
	bool marked = strip_mark(dom, real, sizeof(real));
	struct rp_dns_batch *b = dns_batch_new(st->dns);
	dns_batch_add(b, marked ? real : dom, rt);
	dns_batch_run(b, st->deadline_ms);
	const struct rp_dns_result *res = dns_batch_result(b, 0);
	const struct rp_dns_answer *a = res->ans;
	int ttl = res->ttl > 86400 ? 86400 : (int)res->ttl;
	SPF_dns_rr_t *rr;

	switch (a->outcome) {
	case RP_DNS_FOUND:
		rr = rr_new(srv, dom, t, ttl, NETDB_SUCCESS);
		rr->num_rr = fill(rr, st, dom, rt, a, marked);
		if (rr->num_rr == 0)
			rr->herrno = NO_DATA;
		if (st->unsafe || st->over_terms || st->too_long || st->syntax)
			rr->herrno = TRY_AGAIN;
		break;
	case RP_DNS_NOTFOUND:
		rr = rr_new(srv, dom, t, ttl, a->rcode == 3 ? HOST_NOT_FOUND : NO_DATA);
		if (term && ++st->voids > RP_SPF_MAX_VOID) {
			st->over_voids = true;
			rr->herrno = TRY_AGAIN;
		}
		break;
	case RP_DNS_MALFORMED:
		if (a->rcode == -1 && a->detail && strcmp(a->detail, "bad query name") == 0) {
			rr = rr_new(srv, dom, t, 0, HOST_NOT_FOUND);
			break;
		}
		set_temp(st, a->detail);
		rr = rr_new(srv, dom, t, 0, TRY_AGAIN);
		break;
	case RP_DNS_TEMP:
	default:
		set_temp(st, a->detail);
		rr = rr_new(srv, dom, t, 0, TRY_AGAIN);
		break;
	}
	dns_batch_free(b);
	return rr;
}

static void layer_destroy(SPF_dns_server_t *srv)
{
	free(srv);
}

SPF_dns_server_t *spf_dns_layer_new(void)
{
	SPF_dns_server_t *srv = xcalloc(1, sizeof(*srv));
	srv->destroy = layer_destroy;
	srv->lookup = layer_lookup;
	srv->get_spf = NULL;
	srv->get_exp = NULL;
	srv->add_cache = NULL;
	srv->layer_below = NULL;
	srv->name = "rampart";
	srv->debug = 0;
	srv->hook = NULL;
	return srv;
}
