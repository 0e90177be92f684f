/*
 * spf_syntax - RFC 7208 §12 record grammar, see spf_syntax.h. A hand-written
 * recognizer over (pointer, length): no allocation, no recursion, every
 * octet looked at once or a bounded number of times.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "spf/spf_syntax.h"

struct span {
	const char *p;
	size_t n;
};

static bool fail(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(char *err, size_t errsize, const char *fmt, ...)
{
	if (err && errsize) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errsize, fmt, ap);
		va_end(ap);
		/* the message quotes record octets: keep it printable */
		for (char *c = err; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e)
				*c = '?';
	}
	return false;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static bool word_is(struct span s, const char *w)
{
	return s.n == strlen(w) && strncasecmp(s.p, w, s.n) == 0;
}

/*
 * macro-string: *( macro-expand / macro-literal ). exp: the text of an
 * explanation (c, r, t allowed). *last_expand: the string ends with a
 * macro-expand (a domain-end of its own).
 */
static bool macro_string(struct span s, bool exp, bool *last_expand)
{
	size_t i = 0;
	*last_expand = false;
	while (i < s.n) {
		char c = s.p[i];
		if (c != '%') {
			if ((unsigned char)c < 0x21 || (unsigned char)c > 0x7e)
				return false;
			*last_expand = false;
			i++;
			continue;
		}
		if (i + 1 >= s.n)
			return false;
		char f = s.p[i + 1];
		if (f == '%' || f == '_' || f == '-') {
			i += 2;
			*last_expand = true;
			continue;
		}
		if (f != '{' || i + 2 >= s.n)
			return false;
		i += 2;
		char l = (char)(s.p[i] | 0x20);
		if (!strchr("slodiphv", l) && !(exp && strchr("crt", l)))
			return false;
		i++;
		while (i < s.n && is_digit(s.p[i]))
			i++;
		if (i < s.n && (s.p[i] == 'r' || s.p[i] == 'R'))
			i++;
		while (i < s.n && s.p[i] != '\0' && strchr(".-+,/_=", s.p[i]))
			i++;
		if (i >= s.n || s.p[i] != '}')
			return false;
		i++;
		*last_expand = true;
	}
	return true;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) /
 *            ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool toplabel(struct span s)
{
	if (s.n == 0 || s.n > 63)
		return false;
	bool alpha = false;
	for (size_t i = 0; i < s.n; i++) {
		if (is_alpha(s.p[i]))
			alpha = true;
		else if (s.p[i] == '-') {
			if (i == 0 || i == s.n - 1)
				return false;
			alpha = true;   /* the second form: a hyphen inside */
		} else if (!is_digit(s.p[i]))
			return false;
	}
	return alpha;
}

/* domain-spec = macro-string domain-end;
 * domain-end = ( "." toplabel [ "." ] ) / macro-expand */
static bool domain_spec(struct span s)
{
	bool last_expand;
	if (s.n == 0 || !macro_string(s, false, &last_expand))
		return false;
	if (last_expand)
		return true;
	size_t n = s.n;
	if (s.p[n - 1] == '.')
		n--;                      /* the optional trailing dot */
	size_t dot = n;
	while (dot > 0 && s.p[dot - 1] != '.')
		dot--;
	if (dot == 0)
		return false;             /* no "." before the toplabel */
	struct span top = { s.p + dot, n - dot };
	/* the toplabel must not be the tail of a macro-expand ("%{d}.x" is
	 * fine: the '.' ends the expand) */
	return toplabel(top);
}

/* "/" ( "0" / %x31-39 0*k DIGIT ), value at most max */
static bool cidr_len(const char *p, size_t n, unsigned max)
{
	if (n == 0 || n > 3 || (p[0] == '0' && n > 1))
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(p[i]))
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v <= max;
}

/* dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], s
 * starting at the first '/' (or empty) */
static bool dual_cidr(struct span s)
{
	if (s.n == 0)
		return true;
	if (s.p[0] != '/')
		return false;
	const char *p = s.p + 1, *end = s.p + s.n;
	const char *slash = memchr(p, '/', (size_t)(end - p));
	if (slash != p) {                /* an ip4-cidr-length */
		const char *e4 = slash ? slash : end;
		if (!cidr_len(p, (size_t)(e4 - p), 32))
			return false;
		if (!slash)
			return true;
		p = slash + 1;           /* the "/" before the ip6 length */
	}
	/* p at the "/" of "//ip6" */
	if (p + 1 >= end || p[0] != '/')
		return false;
	return cidr_len(p + 1, (size_t)(end - p - 1), 128);
}

/* Where the dual-cidr-length at the end of s begins ("/N", "//N",
 * "/N//M"), or s.n when there is none. */
static size_t cidr_start(struct span s)
{
	size_t end = s.n, i;
	/* "//digits" */
	i = end;
	while (i > 0 && is_digit(s.p[i - 1]))
		i--;
	if (i < end && i >= 2 && s.p[i - 1] == '/' && s.p[i - 2] == '/')
		end = i - 2;
	/* "/digits" */
	i = end;
	while (i > 0 && is_digit(s.p[i - 1]))
		i--;
	if (i < end && i >= 1 && s.p[i - 1] == '/')
		end = i - 1;
	return end;
}

size_t spf_syntax_cidr_start(const char *s, size_t n)
{
	struct span sp = { s, n };
	return cidr_start(sp);
}

static bool ip4_network(struct span s)
{
	/* qnum "." qnum "." qnum "." qnum, qnum 0-255 without leading zeros */
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		size_t st = i;
		unsigned v = 0;
		while (i < s.n && is_digit(s.p[i]) && i - st < 3)
			v = v * 10 + (unsigned)(s.p[i++] - '0');
		if (i == st || v > 255 || (s.p[st] == '0' && i - st > 1))
			return false;
		if (part < 3) {
			if (i >= s.n || s.p[i] != '.')
				return false;
			i++;
		}
	}
	return i == s.n;
}

static bool ip6_network(struct span s)
{
	char buf[INET6_ADDRSTRLEN + 8];
	unsigned char a[16];
	if (s.n == 0 || s.n >= sizeof(buf) || memchr(s.p, '\0', s.n))
		return false;
	memcpy(buf, s.p, s.n);
	buf[s.n] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1;
}

static bool term(struct span t, bool *seen_redirect, bool *seen_exp, char *err, size_t errsize)
{
	size_t i = 0;
	while (i < t.n && (is_alnum(t.p[i]) || t.p[i] == '-' || t.p[i] == '_' || t.p[i] == '.'))
		i++;
	/* a modifier: name "=" */
	if (i > 0 && i < t.n && t.p[i] == '=' && is_alpha(t.p[0])) {
		struct span name = { t.p, i }, val = { t.p + i + 1, t.n - i - 1 };
		bool last;
		if (word_is(name, "redirect")) {
			if (*seen_redirect)
				return fail(err, errsize, "redirect= twice");
			*seen_redirect = true;
			if (!domain_spec(val))
				return fail(err, errsize, "bad domain-spec in redirect=");
		} else if (word_is(name, "exp")) {
			if (*seen_exp)
				return fail(err, errsize, "exp= twice");
			*seen_exp = true;
			if (!domain_spec(val))
				return fail(err, errsize, "bad domain-spec in exp=");
		} else if (!macro_string(val, false, &last)) {
			return fail(err, errsize, "bad macro-string in modifier %.*s=",
				(int)(name.n > 40 ? 40 : name.n), name.p);
		}
		return true;
	}
	/* a directive: [qualifier] mechanism */
	size_t q = 0;
	if (t.n && t.p[0] != '\0' && strchr("+-~?", t.p[0]))
		q = 1;
	struct span m = { t.p + q, t.n - q };
	i = 0;
	while (i < m.n && is_alnum(m.p[i]))
		i++;
	struct span name = { m.p, i }, rest = { m.p + i, m.n - i };
	if (word_is(name, "all")) {
		if (rest.n)
			return fail(err, errsize, "junk after all");
		return true;
	}
	if (word_is(name, "include") || word_is(name, "exists")) {
		if (rest.n < 1 || rest.p[0] != ':')
			return fail(err, errsize, "%.*s needs a domain-spec", (int)name.n, name.p);
		struct span d = { rest.p + 1, rest.n - 1 };
		if (!domain_spec(d))
			return fail(err, errsize, "bad domain-spec in %.*s", (int)name.n, name.p);
		return true;
	}
	if (word_is(name, "a") || word_is(name, "mx") || word_is(name, "ptr")) {
		bool ptr = word_is(name, "ptr");
		size_t c = ptr ? rest.n : cidr_start(rest);
		struct span d = { rest.p, c }, cidr = { rest.p + c, rest.n - c };
		if (d.n) {
			if (d.p[0] != ':')
				return fail(err, errsize, "junk after %.*s", (int)name.n, name.p);
			d.p++;
			d.n--;
			if (!domain_spec(d))
				return fail(err, errsize, "bad domain-spec in %.*s", (int)name.n, name.p);
		}
		if (!dual_cidr(cidr))
			return fail(err, errsize, "bad CIDR length in %.*s", (int)name.n, name.p);
		return true;
	}
	if (word_is(name, "ip4") || word_is(name, "ip6")) {
		bool v6 = word_is(name, "ip6");
		if (rest.n < 2 || rest.p[0] != ':')
			return fail(err, errsize, "%.*s needs a network", (int)name.n, name.p);
		struct span net = { rest.p + 1, rest.n - 1 };
		const char *sl = memchr(net.p, '/', net.n);
		size_t nl = sl ? (size_t)(sl - net.p) : net.n;
		struct span addr = { net.p, nl };
		if (v6 ? !ip6_network(addr) : !ip4_network(addr))
			return fail(err, errsize, "bad network in %.*s", (int)name.n, name.p);
		if (sl && !cidr_len(sl + 1, net.n - nl - 1, v6 ? 128 : 32))
			return fail(err, errsize, "bad CIDR length in %.*s", (int)name.n, name.p);
		return true;
	}
	return fail(err, errsize, "unknown mechanism %.*s",
		(int)(t.n > 40 ? 40 : t.n), t.p);
}

bool spf_syntax_check(const char *record, size_t len, char *err, size_t errsize)
{
	if (err && errsize)
		err[0] = '\0';
	if (!record)
		return fail(err, errsize, "no record");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)record[i];
		if (c < 0x20 || c > 0x7e)
			return fail(err, errsize, "octet 0x%02x at %zu: not printable ASCII", c, i);
	}
	if (len < 6 || strncasecmp(record, "v=spf1", 6) != 0 || (len > 6 && record[6] != ' '))
		return fail(err, errsize, "not a v=spf1 record");
	bool redirect = false, exp = false;
	size_t i = 6;
	while (i < len) {
		while (i < len && record[i] == ' ')
			i++;
		size_t st = i;
		while (i < len && record[i] != ' ')
			i++;
		if (i > st) {
			struct span t = { record + st, i - st };
			if (!term(t, &redirect, &exp, err, errsize))
				return false;
		}
	}
	return true;
}
