/*
 * config_parse - the strict value parsers of rampart.conf (durations,
 * booleans, numbers with bounds; config.h) and the small text helpers the
 * key table uses (names, paths, lists, formats). Pure: safe from any
 * thread. The parsers return 0, or -1 when the text is not of the form.
 */
#include "config/config_int.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hostname.h"
#include "base/util.h"

/* ------------------------------------------------------------------ */
/* value parsers                                                       */

int config_parse_duration_ms(const char *s, unsigned long long *ms)
{
	static const struct { const char *unit; unsigned long long mult; } units[] = {
		{ "", 1000ULL }, { "ms", 1ULL }, { "s", 1000ULL }, { "m", 60000ULL },
		{ "h", 3600000ULL }, { "d", 86400000ULL },
	};
	unsigned long long v = 0;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(units); i++)
		if (strcmp(p, units[i].unit) == 0) {
			if (v > ULLONG_MAX / units[i].mult)
				return -1;
			*ms = v * units[i].mult;
			return 0;
		}
	return -1;
}

int config_parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "yes", "true", "on" }, *const no[] = { "no", "false", "off" };
	if (!s)
		return -1;
	for (size_t i = 0; i < RP_ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*b = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*b = false;
			return 0;
		}
	}
	return -1;
}

int config_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *v)
{
	char *end;
	unsigned long n;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

int config_parse_int(const char *s, long min, long max, long *v)
{
	char *end;
	long n;
	if (!s || !isdigit((unsigned char)(*s == '-' ? s[1] : s[0])))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

void cf_format_duration(unsigned long long ms, char *buf, size_t size)
{
	if (ms % 1000)
		snprintf(buf, size, "%llums", ms);
	else if (ms == 0)
		snprintf(buf, size, "0s");
	else if (ms % DAY == 0)
		snprintf(buf, size, "%llud", ms / DAY);
	else if (ms % HOUR == 0)
		snprintf(buf, size, "%lluh", ms / HOUR);
	else if (ms % MIN == 0)
		snprintf(buf, size, "%llum", ms / MIN);
	else
		snprintf(buf, size, "%llus", ms / SEC);
}

void cf_enum_list(const struct enumval *e, char *buf, size_t size)
{
	size_t pos = 0;
	buf[0] = '\0';
	for (size_t i = 0; e[i].name; i++) {
		int n = snprintf(buf + pos, size - pos, "%s%s", i ? ", " : "", e[i].name);
		if (n < 0 || (size_t)n >= size - pos)
			return;
		pos += (size_t)n;
	}
}

const char *cf_enum_name(const struct enumval *e, int v)
{
	for (size_t i = 0; e[i].name; i++)
		if (e[i].value == v)
			return e[i].name;
	return "?";
}

bool cf_word_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32 || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

bool cf_path_valid(const char *s)
{
	if (s[0] != '/' || strlen(s) > 4000)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* A host name as Postfix checks it, one trailing dot allowed. */
bool cf_name_valid(const char *s)
{
	char buf[256];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n + 1);
	if (n > 1 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return hostname_valid(buf);
}

/* A copy of a valid name without its one trailing dot, lower case if asked. */
char *cf_name_dup(const char *s, bool lower)
{
	char *d = xstrdup(s);
	size_t n = strlen(d);
	if (n > 1 && d[n - 1] == '.')
		d[n - 1] = '\0';
	for (char *p = d; lower && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

char *cf_lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Split a comma-separated list into trimmed items. Returns -1 (and *bad
 * names the reason) for an empty item; an empty or blank list is 0 items. */
int cf_split_list(const char *s, struct rp_strlist *out)
{
	const char *p = s;
	memset(out, 0, sizeof *out);
	if (s[strspn(s, " \t")] == '\0')
		return 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len) {
			strlist_free(out);
			return -1;
		}
		char *item = xstrndup(p, len);
		strlist_add(out, item);
		free(item);
		if (!e)
			return 0;
		p = e + 1;
	}
}

void cf_cidr_format(const struct rp_cidr *c, char *buf, size_t size)
{
	char a[RP_ADDRSTRLEN];
	netaddr_format(&c->net, a, sizeof a);
	snprintf(buf, size, "%s/%u", a, c->prefix);
}

