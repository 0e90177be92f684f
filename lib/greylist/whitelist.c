/*
 * whitelist - postgrey's whitelist files; see whitelist.h.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <ctype.h>
#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "greylist/whitelist.h"

/* A regex may not backtrack without bound on a hostile name: postgrey's
 * Perl has no such limit, but a name is at most 255 octets and an address
 * 256, so a well-formed pattern never comes near these. */
#define WL_MATCH_LIMIT 100000
#define WL_DEPTH_LIMIT 10000

enum wl_type {
	WL_REGEX,      /* re searched in the whole text */
	WL_NET,        /* net: the client address */
	WL_SUFFIX,     /* s: the name, or a name ending in "." s */
	WL_USER_DOM,   /* s user, s2 domain: user[+ext]@domain */
	WL_USER,       /* s user: user[+ext]@anything */
	WL_DOMAIN,     /* s domain: ...@domain or ....domain */
	WL_AT_DOMAIN,  /* s domain: ...@domain only */
};

struct wl_entry {
	enum wl_type type;
	pcre2_code *re;
	struct rp_cidr net;
	char *s, *s2;
	char *where;
};

struct wl_list {
	size_t n, cap;
	struct wl_entry *v;
};

struct grey_whitelist {
	struct wl_list clients, recipients;
	pcre2_match_context *mctx;
};

struct grey_whitelist *whitelist_new(void)
{
	struct grey_whitelist *w = xcalloc(1, sizeof *w);
	w->mctx = pcre2_match_context_create(NULL);
	if (!w->mctx) {
		fputs("rampart: out of memory\n", stderr);
		abort();
	}
	pcre2_set_match_limit(w->mctx, WL_MATCH_LIMIT);
	pcre2_set_depth_limit(w->mctx, WL_DEPTH_LIMIT);
	return w;
}

static void list_free(struct wl_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		pcre2_code_free(l->v[i].re);
		free(l->v[i].s);
		free(l->v[i].s2);
		free(l->v[i].where);
	}
	free(l->v);
}

void whitelist_free(struct grey_whitelist *w)
{
	if (!w)
		return;
	list_free(&w->clients);
	list_free(&w->recipients);
	pcre2_match_context_free(w->mctx);
	free(w);
}

size_t whitelist_count(const struct grey_whitelist *w, enum grey_wl_kind kind)
{
	if (!w)
		return 0;
	return kind == GREY_WL_CLIENTS ? w->clients.n : w->recipients.n;
}

static struct wl_entry *list_push(struct wl_list *l, enum wl_type type, const char *where)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	struct wl_entry *e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->type = type;
	e->where = xstrdup(where ? where : "");
	return e;
}

/* "/REGEX/" with no white space (postgrey: ^/(\S+)/$): compiled caseless
 * into re, or -1 with PCRE2's message. Returns 0 when the line is not of
 * that form. */
static int regex_line(const char *line, size_t len, pcre2_code **re, char *err, size_t errsize)
{
	int code;
	PCRE2_SIZE off;

	if (len < 3 || line[0] != '/' || line[len - 1] != '/')
		return 0;
	for (size_t i = 1; i + 1 < len; i++)
		if (isspace((unsigned char)line[i]))
			return 0;
	*re = pcre2_compile((PCRE2_SPTR)line + 1, len - 2, PCRE2_CASELESS, &code, &off, NULL);
	if (!*re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(err, errsize, "regular expression: %s at offset %zu", (const char *)msg, (size_t)off);
		return -1;
	}
	/* JIT is an optimisation; without it the interpreter matches the same */
	(void)pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE);
	return 1;
}

/* n dot-separated groups of 1..3 digits, the whole of s[0..len) */
static bool digit_groups(const char *s, size_t len, int n)
{
	size_t i = 0;
	for (int g = 0; g < n; g++) {
		size_t d = 0;
		if (g > 0) {
			if (i >= len || s[i] != '.')
				return false;
			i++;
		}
		while (i < len && isdigit((unsigned char)s[i]) && d < 4) {
			i++;
			d++;
		}
		if (d == 0 || d > 3)
			return false;
	}
	return i == len;
}

/* An address with an optional /prefix; host bits are cleared. */
static int parse_net(const char *s, struct rp_cidr *out, char *err, size_t errsize)
{
	char addr[RP_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long prefix = 0;

	if (alen == 0 || alen >= sizeof addr) {
		snprintf(err, errsize, "not an IP address");
		return -1;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (netaddr_parse(addr, &out->net) != 0 || strncasecmp(addr, "ipv6:", 5) == 0) {
		snprintf(err, errsize, "not an IP address");
		return -1;
	}
	unsigned bits = out->net.family == AF_INET ? 32 : 128;
	if (strchr(addr, ':') && out->net.family == AF_INET)
		bits = 128; /* ::ffff:a.b.c.d, stored as IPv4 */
	if (slash) {
		char *end;
		errno = 0;
		if (!isdigit((unsigned char)slash[1]) || strlen(slash + 1) > 3
		    || (prefix = strtoul(slash + 1, &end, 10), *end) || prefix > bits) {
			snprintf(err, errsize, "bad prefix length (expected /0 to /%u)", bits);
			return -1;
		}
		if (bits == 128 && out->net.family == AF_INET) {
			if (prefix < 96) {
				snprintf(err, errsize, "prefix /%lu is wider than an IPv4-mapped address", prefix);
				return -1;
			}
			prefix -= 96;
		}
	} else {
		prefix = out->net.family == AF_INET ? 32 : 128;
	}
	out->prefix = (unsigned)prefix;
	netaddr_mask(&out->net, out->prefix);
	return 0;
}

static size_t colons(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == ':';
	return n;
}

static int client_line(struct grey_whitelist *w, const char *t, size_t len, const char *where,
	char *err, size_t errsize)
{
	pcre2_code *re = NULL;
	struct rp_cidr net;
	const char *slash = memchr(t, '/', len);
	size_t alen = slash ? (size_t)(slash - t) : len;
	int r = regex_line(t, len, &re, err, errsize);

	if (r < 0)
		return -1;
	if (r > 0) {
		list_push(&w->clients, WL_REGEX, where)->re = re;
		return 1;
	}
	if (digit_groups(t, alen, 4)) {
		if (parse_net(t, &net, err, errsize) < 0)
			return -1;
	} else if (!slash && (digit_groups(t, len, 3) || digit_groups(t, len, 2))) {
		char full[32];
		bool three = digit_groups(t, len, 3);
		snprintf(full, sizeof full, "%.*s%s/%d", (int)len, t, three ? ".0" : ".0.0", three ? 24 : 16);
		if (parse_net(full, &net, err, errsize) < 0)
			return -1;
	} else if (colons(t, len) >= 2) {
		/* two colons: postgrey's IPv6 form */
		if (parse_net(t, &net, err, errsize) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < len; i++)
			if (isspace((unsigned char)t[i]) || !isprint((unsigned char)t[i])) {
				snprintf(err, errsize, "doesn't look like a host name");
				return -1;
			}
		struct wl_entry *e = list_push(&w->clients, WL_SUFFIX, where);
		e->s = xstrndup(t, len);
		return 1;
	}
	list_push(&w->clients, WL_NET, where)->net = net;
	return 1;
}

static int recipient_line(struct grey_whitelist *w, const char *t, size_t len, const char *where,
	char *err, size_t errsize)
{
	pcre2_code *re = NULL;
	int r = regex_line(t, len, &re, err, errsize);

	if (r < 0)
		return -1;
	if (r > 0) {
		list_push(&w->recipients, WL_REGEX, where)->re = re;
		return 1;
	}
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)t[i]) || !isprint((unsigned char)t[i])) {
			snprintf(err, errsize, "doesn't look like an address");
			return -1;
		}
	const char *at = memchr(t, '@', len);
	struct wl_entry *e;
	if (at == t && len > 1) {
		/* "@domain": every address at the domain (access(5)); postgrey
		 * would match only an empty local part */
		e = list_push(&w->recipients, WL_AT_DOMAIN, where);
		e->s = xstrndup(t + 1, len - 1);
	} else if (at && at + 1 < t + len) {
		e = list_push(&w->recipients, WL_USER_DOM, where);
		e->s = xstrndup(t, (size_t)(at - t));
		e->s2 = xstrndup(at + 1, len - (size_t)(at + 1 - t));
	} else if (at) {
		e = list_push(&w->recipients, WL_USER, where);
		e->s = xstrndup(t, (size_t)(at - t));
	} else {
		e = list_push(&w->recipients, WL_DOMAIN, where);
		e->s = xstrndup(t, len);
	}
	return 1;
}

int whitelist_add_line(struct grey_whitelist *w, enum grey_wl_kind kind, const char *line,
	const char *where, char *err, size_t errsize)
{
	const char *t = line, *hash = strchr(line, '#');
	size_t len = hash ? (size_t)(hash - line) : strlen(line);

	err[0] = '\0';
	while (len && isspace((unsigned char)*t)) {
		t++;
		len--;
	}
	while (len && isspace((unsigned char)t[len - 1]))
		len--;
	if (!len)
		return 0;
	if (len > GREY_WL_LINE_MAX) {
		snprintf(err, errsize, "line longer than %d octets", GREY_WL_LINE_MAX);
		return -1;
	}
	/* the entry alone, terminated: the parsers below may use string
	 * functions on it */
	char one[GREY_WL_LINE_MAX + 1];
	memcpy(one, t, len);
	one[len] = '\0';
	return kind == GREY_WL_CLIENTS ? client_line(w, one, len, where, err, errsize)
				       : recipient_line(w, one, len, where, err, errsize);
}

size_t whitelist_load_file(struct grey_whitelist *w, enum grey_wl_kind kind, const char *path,
	struct rp_errlist *errs)
{
	FILE *f = fopen(path, "re");
	char buf[GREY_WL_LINE_MAX + 2], where[4200], err[256], echo[64];
	size_t problems = 0;
	unsigned long lineno = 0;
	size_t plen = strlen(path);

	if (!f) {
		if (errno == ENOENT && plen >= 6 && strcmp(path + plen - 6, ".local") == 0)
			return 0;
		errlist_add(errs, "%s: cannot open: %s", path, strerror(errno));
		return 1;
	}
	while (fgets(buf, sizeof buf, f)) {
		size_t n = strlen(buf);
		lineno++;
		snprintf(where, sizeof where, "%s:%lu", path, lineno);
		if (n == sizeof buf - 1 && buf[n - 1] != '\n') {
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			errlist_add(errs, "%s: line longer than %d octets", where, GREY_WL_LINE_MAX);
			problems++;
			continue;
		}
		if (whitelist_add_line(w, kind, buf, where, err, sizeof err) < 0) {
			size_t k = strcspn(buf, "\r\n");
			buf[k] = '\0';
			rp_printable(echo, sizeof echo, buf);
			errlist_add(errs, "%s: \"%s\": %s", where, echo, err);
			problems++;
		}
	}
	if (ferror(f)) {
		errlist_add(errs, "%s: read error: %s", path, strerror(errno));
		problems++;
	}
	fclose(f);
	return problems;
}

static bool re_search(const struct grey_whitelist *w, const pcre2_code *re, const char *s)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc;
	if (!md)
		return false;
	rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, md, w->mctx);
	pcre2_match_data_free(md);
	return rc >= 0;
}

/* s ends with suffix, preceded by sep (a char in seps) or at its start when
 * at_start: postgrey's (^|\.)suffix$ and (@|\.)suffix$ */
static bool ends_with(const char *s, const char *suffix, const char *seps, bool at_start)
{
	size_t n = strlen(s), m = strlen(suffix);
	if (m > n || strcasecmp(s + n - m, suffix) != 0)
		return false;
	if (n == m)
		return at_start;
	return strchr(seps, s[n - m - 1]) != NULL;
}

/* s starts with user, then an optional "+ext" (ext: no '@', not empty),
 * then '@'; returns what follows the '@', or NULL. */
static const char *user_part(const char *s, const char *user)
{
	size_t m = strlen(user);
	if (strncasecmp(s, user, m) != 0)
		return NULL;
	s += m;
	if (*s == '+') {
		const char *at = strchr(s, '@');
		if (!at || at == s + 1)
			return NULL;
		s = at;
	}
	return *s == '@' ? s + 1 : NULL;
}

const char *whitelist_client(const struct grey_whitelist *w, const char *name,
	const struct rp_netaddr *addr)
{
	if (!w)
		return NULL;
	for (size_t i = 0; i < w->clients.n; i++) {
		const struct wl_entry *e = &w->clients.v[i];
		bool hit = false;
		switch (e->type) {
		case WL_NET:
			hit = addr && cidr_match(&e->net, addr);
			break;
		case WL_REGEX:
			hit = name && re_search(w, e->re, name);
			break;
		case WL_SUFFIX:
			hit = name && ends_with(name, e->s, ".", true);
			break;
		default:
			break;
		}
		if (hit)
			return e->where;
	}
	return NULL;
}

const char *whitelist_recipient(const struct grey_whitelist *w, const char *rcpt)
{
	if (!w || !rcpt)
		return NULL;
	for (size_t i = 0; i < w->recipients.n; i++) {
		const struct wl_entry *e = &w->recipients.v[i];
		const char *rest;
		bool hit = false;
		switch (e->type) {
		case WL_REGEX:
			hit = re_search(w, e->re, rcpt);
			break;
		case WL_USER_DOM:
			rest = user_part(rcpt, e->s);
			hit = rest && strcasecmp(rest, e->s2) == 0;
			break;
		case WL_USER:
			hit = user_part(rcpt, e->s) != NULL;
			break;
		case WL_DOMAIN:
			hit = ends_with(rcpt, e->s, "@.", false);
			break;
		case WL_AT_DOMAIN:
			hit = ends_with(rcpt, e->s, "@", false);
			break;
		default:
			break;
		}
		if (hit)
			return e->where;
	}
	return NULL;
}
