/*
 * dnsbl_site - parse, match and format one [dnsbl] zones entry in
 * postscreen's syntax "zone[=filter][*weight]" (see dnsbl_site.h).
 *
 * Owns nothing shared: a site is filled by dnsbl_site_parse and released
 * by dnsbl_site_free. Pure functions, safe from any thread.
 * dnsbl_site_parse returns 0, or -1 with a one-line reason in err.
 */
#include "dns/dnsbl_site.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/dns.h"
#include "base/hostname.h"
#include "base/util.h"

#define SITE_FORM "expected zone[=a.b.c.d][*weight], octets a number 0..255 or [n;n..m]"
#define WEIGHT_MAX 100000

static void set_err(char *err, size_t errsize, const char *what)
{
	if (err && errsize)
		snprintf(err, errsize, "%s: %s", what, SITE_FORM);
}

/* A DNS zone: labels of letters, digits, '-' and '_', 1..63 each, no
 * empty label, total <= 253 (one trailing dot already removed). */

/* A decimal number 0..255 of at most 3 digits at *pp; advances *pp. */
static int parse_octet_num(const char **pp, unsigned *v)
{
	const char *p = *pp;
	unsigned n = 0;
	int digits = 0;
	while (isdigit((unsigned char)*p) && digits < 4) {
		n = n * 10 + (unsigned)(*p - '0');
		p++;
		digits++;
	}
	if (digits == 0 || digits > 3 || n > 255)
		return -1;
	*v = n;
	*pp = p;
	return 0;
}

static void bit_set(unsigned char map[32], unsigned v)
{
	map[v / 8] |= (unsigned char)(1u << (v % 8));
}

static bool bit_test(const unsigned char map[32], unsigned v)
{
	return (map[v / 8] >> (v % 8)) & 1u;
}

/* One octet pattern: a number, or "[" item (";" item)* "]" where an item
 * is n or n..m with n <= m. */
static int parse_octet(const char **pp, unsigned char map[32])
{
	const char *p = *pp;
	unsigned a, b;
	if (*p != '[') {
		if (parse_octet_num(&p, &a) < 0)
			return -1;
		bit_set(map, a);
		*pp = p;
		return 0;
	}
	p++;
	for (;;) {
		if (parse_octet_num(&p, &a) < 0)
			return -1;
		b = a;
		if (p[0] == '.' && p[1] == '.') {
			p += 2;
			if (parse_octet_num(&p, &b) < 0 || b < a)
				return -1;
		}
		for (unsigned v = a; v <= b; v++)
			bit_set(map, v);
		if (*p == ';') {
			p++;
			continue;
		}
		if (*p == ']') {
			*pp = p + 1;
			return 0;
		}
		return -1;
	}
}

static int parse_filter(const char *s, unsigned char filter[4][32])
{
	const char *p = s;
	memset(filter, 0, 4 * 32);
	for (int i = 0; i < 4; i++) {
		if (i > 0 && *p++ != '.')
			return -1;
		if (parse_octet(&p, filter[i]) < 0)
			return -1;
	}
	return *p == '\0' ? 0 : -1;
}

static int parse_weight(const char *s, int *w)
{
	const char *p = s;
	char *end;
	long v;
	if (*p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end != '\0' || v < -WEIGHT_MAX || v > WEIGHT_MAX)
		return -1;
	*w = (int)v;
	return 0;
}

int dnsbl_site_parse(const char *spec, struct rp_dnsbl_site *out, char *err, size_t errsize)
{
	char buf[512];
	char *star, *eq;
	size_t len;

	memset(out, 0, sizeof *out);
	out->weight = 1;
	if (!spec || !*spec) {
		set_err(err, errsize, "empty entry");
		return -1;
	}
	if (strlen(spec) >= sizeof buf) {
		set_err(err, errsize, "entry too long");
		return -1;
	}
	rp_strlcpy_lower(buf, spec, sizeof buf);
	/* as postscreen: the weight is split off first, then the filter */
	if ((star = strrchr(buf, '*')) != NULL) {
		*star++ = '\0';
		if (parse_weight(star, &out->weight) < 0) {
			set_err(err, errsize, "bad weight (a whole number from -100000 to 100000)");
			return -1;
		}
	}
	if ((eq = strchr(buf, '=')) != NULL) {
		*eq++ = '\0';
		if (parse_filter(eq, out->filter) < 0) {
			set_err(err, errsize, "bad reply filter");
			return -1;
		}
		out->has_filter = true;
	}
	len = strlen(buf);
	if (len > 1 && buf[len - 1] == '.')
		buf[--len] = '\0';
	if (!domain_syntax_ok(buf)) {
		set_err(err, errsize, "bad zone name");
		return -1;
	}
	out->zone = xstrdup(buf);
	return 0;
}

bool dnsbl_site_match(const struct rp_dnsbl_site *s, const unsigned char a[4])
{
	if (!s->has_filter)
		return true;
	for (int i = 0; i < 4; i++)
		if (!bit_test(s->filter[i], a[i]))
			return false;
	return true;
}

void dnsbl_site_free(struct rp_dnsbl_site *s)
{
	if (!s)
		return;
	free(s->zone);
	s->zone = NULL;
}

/* Append to buf at *pos, never past size; *pos keeps counting so the caller
 * can tell truncation. */
static void append(char *buf, size_t size, size_t *pos, const char *s)
{
	size_t n = strlen(s);
	if (*pos < size) {
		size_t room = size - *pos - 1;
		size_t k = n < room ? n : room;
		memcpy(buf + *pos, s, k);
		buf[*pos + k] = '\0';
	}
	*pos += n;
}

static void format_octet(const unsigned char map[32], char *buf, size_t size, size_t *pos)
{
	char num[16];
	unsigned count = 0, first = 0;
	bool sep = false;

	for (unsigned v = 0; v < 256; v++)
		if (bit_test(map, v)) {
			if (count == 0)
				first = v;
			count++;
		}
	if (count == 1) {
		snprintf(num, sizeof num, "%u", first);
		append(buf, size, pos, num);
		return;
	}
	append(buf, size, pos, "[");
	for (unsigned v = 0; v < 256; v++) {
		unsigned end = v;
		if (!bit_test(map, v))
			continue;
		while (end + 1 < 256 && bit_test(map, end + 1))
			end++;
		if (sep)
			append(buf, size, pos, ";");
		if (end > v)
			snprintf(num, sizeof num, "%u..%u", v, end);
		else
			snprintf(num, sizeof num, "%u", v);
		append(buf, size, pos, num);
		sep = true;
		v = end;
	}
	append(buf, size, pos, "]");
}

void dnsbl_site_format(const struct rp_dnsbl_site *s, char *buf, size_t size)
{
	size_t pos = 0;
	if (!size)
		return;
	buf[0] = '\0';
	append(buf, size, &pos, s->zone ? s->zone : "");
	if (s->has_filter) {
		append(buf, size, &pos, "=");
		for (int i = 0; i < 4; i++) {
			if (i)
				append(buf, size, &pos, ".");
			format_octet(s->filter[i], buf, size, &pos);
		}
	}
	if (s->weight != 1) {
		char w[24];
		snprintf(w, sizeof w, "*%d", s->weight);
		append(buf, size, &pos, w);
	}
}

enum rp_dnsbl_answer dnsbl_site_classify(const struct rp_dnsbl_site *s, const struct rp_dns_answer *a)
{
	bool list_error = false;

	if (!a || a->outcome == RP_DNS_TEMP || a->outcome == RP_DNS_MALFORMED)
		return RP_DNSBL_LOOKUP_ERROR;
	for (size_t k = 0; a->outcome == RP_DNS_FOUND && k < a->n; k++) {
		const struct rp_netaddr *ad = &a->rr[k].addr;
		if (ad->family != AF_INET)
			continue;
		if (ad->a[0] == 127 && ad->a[1] == 255 && ad->a[2] == 255)
			list_error = true;
		else if (dnsbl_site_match(s, ad->a))
			return RP_DNSBL_LISTED;
	}
	return list_error ? RP_DNSBL_LIST_ERROR : RP_DNSBL_NOT_LISTED;
}

int dnsbl_score(const struct rp_dnsbl_site *sites, const struct rp_dns_answer *const *answers,
	size_t n, int *best)
{
	int score = 0;

	*best = -1;
	for (size_t i = 0; i < n; i++) {
		if (!answers[i] || dnsbl_site_classify(&sites[i], answers[i]) != RP_DNSBL_LISTED)
			continue;
		score += sites[i].weight;
		if (sites[i].weight > 0 && (*best < 0 || sites[i].weight > sites[*best].weight))
			*best = (int)i;
	}
	return score;
}
