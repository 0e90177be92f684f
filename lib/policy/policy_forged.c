/*
 * policy_forged - which arriving headers claim to be rampart's own results
 * and must go (RFC 8601 §5: a border MTA removes Authentication-Results
 * headers that carry its authserv-id; likewise Received-SPF headers naming
 * this host as receiver=, RFC 7208 §9.1). Pure; any thread. See policy.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "policy/policy.h"

/* Skip white space and RFC 5322 comments (nested, with quoted-pairs). */
static const char *skip_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		int depth = 0;
		for (; *p; p++) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
		}
	}
}

/* Does the token at p (a dot-atom or quoted string, up to a delimiter)
 * equal id, without case? */
static bool token_is(const char *p, const char *id, const char **end)
{
	size_t n = strlen(id);
	if (*p == '"') {
		const char *q = strchr(p + 1, '"');
		if (end)
			*end = q ? q + 1 : p + strlen(p);
		return q && (size_t)(q - p - 1) == n && strncasecmp(p + 1, id, n) == 0;
	}
	const char *t = p;
	while (*t && !strchr(" \t\r\n;()\"", *t))
		t++;
	if (end)
		*end = t;
	return (size_t)(t - p) == n && strncasecmp(p, id, n) == 0;
}

bool policy_header_forged(const struct rp_config *cfg, const char *name, const char *value)
{
	if (!name || !value)
		return false;
	if (strcasecmp(name, "Authentication-Results") == 0) {
		/* authres-header = authserv-id [ CFWS authres-version ] ... ";" */
		const char *p = skip_cfws(value);
		return cfg->spf.authserv_id && token_is(p, cfg->spf.authserv_id, NULL);
	}
	if (strcasecmp(name, "Received-SPF") == 0) {
		/* key-value-list: look for "receiver=" outside comments */
		const char *host = cfg->milter.hostname;
		for (const char *p = value; host && *p;) {
			p = skip_cfws(p);
			bool start = p == value || strchr(" \t\r\n;)", p[-1]);
			if (start && strncasecmp(p, "receiver", 8) == 0) {
				const char *q = skip_cfws(p + 8);
				if (*q == '=') {
					q = skip_cfws(q + 1);
					if (token_is(q, host, NULL))
						return true;
				}
			}
			if (*p == '"') {
				token_is(p, "", &p);
				continue;
			}
			if (*p)
				p++;
		}
		return false;
	}
	return false;
}
