/* sql - see sql.h: host specs, query templates, lookup keys. Pure. */
#include "tables/sql.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "base/netaddr.h"

int sql_host_parse(const char *spec, struct sql_host *h)
{
	const char *host = spec, *colon;
	size_t hlen;

	memset(h, 0, sizeof *h);
	if (strncmp(spec, "unix:", 5) == 0) {
		const char *p = spec + 5;
		if (p[0] != '/' || strlen(p) >= sizeof h->socket || strpbrk(p, " \t,"))
			return -1;
		rp_strlcpy(h->socket, p, sizeof h->socket);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) == 0)
		host = spec + 5;
	if (host[0] == '[') {                    /* [v6]:port */
		const char *end = strchr(host, ']');
		if (!end || end == host + 1)
			return -1;
		hlen = (size_t)(end - host - 1);
		if (hlen >= sizeof h->host)
			return -1;
		memcpy(h->host, host + 1, hlen);
		h->host[hlen] = '\0';
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon)
			return -1;
		for (const char *p = h->host; *p; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
				return -1;
	} else {
		colon = strchr(host, ':');
		hlen = colon ? (size_t)(colon - host) : strlen(host);
		if (!hlen || hlen >= sizeof h->host)
			return -1;
		memcpy(h->host, host, hlen);
		h->host[hlen] = '\0';
		for (const char *p = h->host; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr(".-_", *p))
				return -1;
	}
	if (colon) {
		char *end;
		unsigned long port;
		if (!isdigit((unsigned char)colon[1]))
			return -1;
		port = strtoul(colon + 1, &end, 10);
		if (*end || port < 1 || port > 65535)
			return -1;
		h->port = (unsigned)port;
	}
	return 0;
}

int sql_query_check(const char *tmpl, char *why, size_t whysize)
{
	bool key = false;

	for (const char *p = tmpl; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
			snprintf(why, whysize, "control character in the query: expected printable text");
			return -1;
		}
		if (*p != '%')
			continue;
		switch (p[1]) {
		case 's': case 'u': case 'd':
			key = true;
			/* fall through */
		case '%':
			p++;
			break;
		default:
			snprintf(why, whysize, "%%%c: expected %%s (the key), %%u (its local part), "
				"%%d (its domain) or %%%% (a %%)", p[1] ? p[1] : ' ');
			return -1;
		}
	}
	if (!key) {
		snprintf(why, whysize, "expected a query that uses %%s, %%u or %%d, like "
			"SELECT access FROM mail_access WHERE source = '%%s'");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* keys                                                                */

static void key_add(struct sql_keys *k, const char *s, size_t len)
{
	if (k->n >= SQL_KEYS_MAX || !len || len >= SQL_KEY_MAX)
		return;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return;
	for (size_t i = 0; i < len; i++)
		k->v[k->n][i] = (char)tolower((unsigned char)s[i]);
	k->v[k->n][len] = '\0';
	k->n++;
}

static size_t strip_dot_len(const char *s)
{
	size_t n = strlen(s);
	if (n > 1 && s[n - 1] == '.' && s[n - 2] != '.')
		n--;
	return n;
}

/* name (len bytes) and each parent domain: "a.b.c", "b.c", "c". */
static void add_domains(struct sql_keys *k, const char *name, size_t len)
{
	const char *end = name + len;
	if (!len)
		return;
	key_add(k, name, len);
	if (name[0] == '[')                      /* an address literal */
		return;
	for (const char *p = memchr(name, '.', len); p && p + 1 < end;
	     p = memchr(p + 1, '.', (size_t)(end - p - 1)))
		key_add(k, p + 1, (size_t)(end - p - 1));
}

void sql_keys_make(const struct rp_table_query *q, struct sql_keys *out)
{
	const char *name = q->name;

	out->n = 0;
	switch (q->kind) {
	case RP_ACC_CLIENT:
		if (q->addr) {
			char a[RP_ADDRSTRLEN];
			netaddr_format(q->addr, a, sizeof a);
			key_add(out, a, strlen(a));
			if (q->addr->family == AF_INET)
				for (char *dot = strrchr(a, '.'); dot; dot = strrchr(a, '.')) {
					*dot = '\0';
					key_add(out, a, strlen(a));
				}
		}
		if (name && strcasecmp(name, "unknown") != 0)
			add_domains(out, name, strip_dot_len(name));
		break;
	case RP_ACC_HELO:
		if (name)
			add_domains(out, name, strip_dot_len(name));
		break;
	case RP_ACC_SENDER:
	case RP_ACC_RECIPIENT: {
		const char *at;
		size_t len;
		if (!name || !*name)
			break;
		len = strip_dot_len(name);
		at = NULL;
		for (const char *p = name; p < name + len; p++)
			if (*p == '@')
				at = p;
		key_add(out, name, len);                          /* user@domain */
		if (at) {
			add_domains(out, at + 1, (size_t)(name + len - at - 1));
			if (at > name)
				key_add(out, name, (size_t)(at - name + 1));  /* user@ */
		} else {
			char buf[SQL_KEY_MAX];
			if (len + 1 < sizeof buf) {
				memcpy(buf, name, len);
				buf[len] = '@';
				key_add(out, buf, len + 1);
			}
		}
		break;
	}
	}
}

/* ------------------------------------------------------------------ */
/* query templates                                                     */

static int put_escaped(const char *s, size_t n, sql_escape_fn esc, void *arg,
	char *out, size_t outsize, size_t *pos)
{
	if (outsize - *pos < 2 * n + 1)
		return -1;
	*pos += esc(arg, out + *pos, s, n);
	return 0;
}

int sql_expand(const char *tmpl, const char *key, sql_escape_fn esc, void *arg,
	char *out, size_t outsize)
{
	const char *at = strrchr(key, '@');
	size_t pos = 0;

	if (!outsize)
		return -1;
	for (const char *p = tmpl; *p; p++) {
		const char *s = NULL;
		size_t n = 0;
		if (*p != '%' || !p[1]) {
			if (pos + 1 >= outsize)
				return -1;
			out[pos++] = *p;
			continue;
		}
		switch (*++p) {
		case 's':
			s = key;
			n = strlen(key);
			break;
		case 'u':
			s = key;
			n = at ? (size_t)(at - key) : strlen(key);
			if (!n)
				return 0;
			break;
		case 'd':
			if (!at || !at[1])
				return 0;
			s = at + 1;
			n = strlen(s);
			break;
		default:                            /* %% and anything else */
			if (pos + 1 >= outsize)
				return -1;
			out[pos++] = *p;
			continue;
		}
		if (put_escaped(s, n, esc, arg, out, outsize, &pos) < 0)
			return -1;
	}
	out[pos] = '\0';
	return 1;
}
