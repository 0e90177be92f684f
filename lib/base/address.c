/*
 * address - RFC 5321 MAIL/RCPT paths and Postfix's view of the address
 * inside them (see address.h for the contract).
 *
 * Owns no state: every function is pure and may be called from any thread.
 * path_parse_strict returns PATH_OK or the first problem found, reading
 * left to right; the predicates return true for the condition they name.
 *
 * Strict grammar (RFC 5321 §4.1.2, RFC 6531 for SMTPUTF8):
 *   Path = "<" [ At-domain *( "," At-domain ) ":" ] Mailbox ">"
 *   Mailbox = Local-part "@" ( Domain / address-literal )
 *   Local-part = Dot-string (atext atoms) / Quoted-string (qtextSMTP and
 *   quoted-pairSMTP, i.e. printable ASCII with '\' escaping any of it).
 * Choices made where the RFC leaves room or Postfix differs:
 *   - the 64-octet local-part limit counts the local part's content, i.e.
 *     without the surrounding quotes and without the '\' of quoted pairs;
 *   - the 254-octet limit counts the Mailbox as sent between the angle
 *     brackets, without the source route (quotes, '\' and the brackets of
 *     an address literal included);
 *   - route domains may be names or address literals; the route is
 *     checked, then dropped;
 *   - the domain must pass hostname_valid() (hostname_valid_utf8() with
 *     SMTPUTF8) after one trailing dot is taken off, so an all-numeric
 *     domain is refused and "user@example.com." is not (Postfix's
 *     strict_rfc821_envelopes accepts it too);
 *   - an empty quoted local part ("<\"\"@example.com>") is refused, as
 *     Postfix refuses it;
 *     literals must be "[IPv4]" or "[IPv6:...]";
 *   - "<postmaster>" (any case) without a domain is accepted for RCPT
 *     only (RFC 5321 §4.1.1.3), and "<>" for MAIL only;
 *   - octets >= 0x80 are accepted only with SMTPUTF8, and then only as
 *     well-formed UTF-8.
 */
#include "base/address.h"

#include "base/hostname.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define PATH_MAILBOX_MAX 254

static bool is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* A domain of len octets at s: a name, or an "[...]" literal if allowed. */
static bool domain_ok(const char *s, size_t len, bool smtputf8)
{
	char buf[RP_DOMAIN_MAX + 1];

	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] == '[') {
		if (len < 3 || buf[len - 1] != ']')
			return false;
		buf[len - 1] = '\0';
		return hostaddr_literal_valid(buf + 1);
	}
	if (len > 1 && buf[len - 1] == '.')
		buf[len - 1] = '\0';    /* one trailing dot: the root */
	return smtputf8 ? hostname_valid_utf8(buf) : hostname_valid(buf);
}

/*
 * Source route "@a,@b:" at *pp (which points at the first '@'). On
 * PATH_OK, *pp points just after the ':'.
 */
static enum path_status parse_route(const char **pp, bool smtputf8)
{
	const char *p = *pp;

	for (bool first = true;; first = false) {
		const char *start;
		bool ok;

		if (*p != '@')
			return PATH_BAD_ROUTE;
		start = ++p;
		if (*p == '[') {
			const char *q = strchr(p, ']');
			p = q ? q + 1 : p + strlen(p);
		} else {
			p += strcspn(p, ",:>");
		}
		ok = domain_ok(start, (size_t)(p - start), smtputf8);
		if (first && *p == '>' && ok)
			return PATH_BAD_LOCAL; /* "<@x>": empty local part */
		if ((*p != ',' && *p != ':') || !ok)
			return PATH_BAD_ROUTE;
		if (*p++ == ':')
			break;
	}
	*pp = p;
	return PATH_OK;
}

/*
 * Local part at *pp, Quoted-string or Dot-string. On PATH_OK, *pp points
 * just after it and *content holds its length without quotes and escapes.
 */
static enum path_status parse_local(const char **pp, bool smtputf8,
	size_t *content)
{
	const char *p = *pp;
	size_t n = 0, u;

	if (*p == '"') {
		for (p++;; ) {
			unsigned char c = (unsigned char)*p;
			if (c == '"') {
				if (n == 0)
					return PATH_BAD_LOCAL; /* "": Postfix refuses it */
				p++;
				break;
			}
			if (c == '\\') {
				unsigned char e = (unsigned char)p[1];
				if (e < 0x20 || e > 0x7e)
					return PATH_BAD_LOCAL;
				p += 2;
				n++;
			} else if (c >= 0x20 && c <= 0x7e) {
				p++;
				n++;
			} else if (c >= 0x80 && smtputf8 &&
				   (u = hostname_utf8_char(p)) > 0) {
				p += u;
				n += u;
			} else {
				return PATH_BAD_LOCAL; /* control, NUL, bad UTF-8 */
			}
		}
	} else {
		bool in_atom = false;
		for (;; ) {
			unsigned char c = (unsigned char)*p;
			if (is_atext(c)) {
				p++;
				n++;
				in_atom = true;
			} else if (c >= 0x80 && smtputf8 &&
				   (u = hostname_utf8_char(p)) > 0) {
				p += u;
				n += u;
				in_atom = true;
			} else if (c == '.' && in_atom) {
				p++;
				n++;
				in_atom = false;
			} else {
				break;
			}
		}
		if (!in_atom)
			return PATH_BAD_LOCAL; /* empty, or ends in a dot */
	}
	*pp = p;
	*content = n;
	return PATH_OK;
}

static void fill_out(struct rp_path *out, const char *local, size_t llen,
	const char *dom, size_t dlen)
{
	size_t n;

	n = llen < sizeof out->local ? llen : sizeof out->local - 1;
	memcpy(out->local, local, n);
	out->local[n] = '\0';
	n = dlen < sizeof out->domain ? dlen : sizeof out->domain - 1;
	memcpy(out->domain, dom, n);
	out->domain[n] = '\0';
	out->literal = dlen > 0 && dom[0] == '[';
	if (dlen > 0)
		snprintf(out->addr, sizeof out->addr, "%s@%s", out->local,
			out->domain);
	else
		rp_strlcpy(out->addr, out->local, sizeof out->addr);
}

enum path_status path_parse_strict(const char *arg, bool is_mail, bool smtputf8,
	struct rp_path *out)
{
	const char *p, *mbox, *local_end, *dom, *gt;
	bool routed = false;
	size_t content = 0;
	enum path_status st;

	memset(out, 0, sizeof *out);
	if (!arg || arg[0] != '<' || !strchr(arg + 1, '>'))
		return PATH_NO_BRACKETS;
	p = arg + 1;
	if (*p == '>') {
		if (p[1] != '\0')
			return PATH_TRAILING;
		if (!is_mail)
			return PATH_EMPTY_RCPT;
		out->null = true;
		return PATH_OK;
	}
	if (*p == '@') {
		if ((st = parse_route(&p, smtputf8)) != PATH_OK)
			return st;
		if (*p == '>')
			return PATH_BAD_ROUTE; /* a route and no mailbox */
		routed = true;
	}

	mbox = p;
	if ((st = parse_local(&p, smtputf8, &content)) != PATH_OK)
		return st;
	local_end = p;
	if (content > RP_LOCAL_MAX)
		return PATH_LOCAL_TOO_LONG;
	if (*p == '>') {
		/* RFC 5321 §4.1.1.3: RCPT TO:<Postmaster> has no domain */
		if (is_mail || routed || local_end - mbox != 10 ||
		    strncasecmp(mbox, "postmaster", 10) != 0)
			return PATH_NO_DOMAIN;
		if (p[1] != '\0')
			return PATH_TRAILING;
		fill_out(out, mbox, 10, "", 0);
		return PATH_OK;
	}
	if (*p != '@')
		return PATH_BAD_LOCAL;

	dom = p + 1;
	gt = strchr(dom, '>');
	if (!gt)
		return PATH_NO_BRACKETS; /* the only '>' was inside quotes */
	if (gt[1] != '\0')
		return PATH_TRAILING;
	if ((size_t)(gt - mbox) > PATH_MAILBOX_MAX)
		return PATH_TOO_LONG;
	if (!domain_ok(dom, (size_t)(gt - dom), smtputf8))
		return PATH_BAD_DOMAIN;
	fill_out(out, mbox, (size_t)(local_end - mbox), dom, (size_t)(gt - dom));
	return PATH_OK;
}

const char *path_status_text(enum path_status s)
{
	switch (s) {
	case PATH_OK:
		return "valid path";
	case PATH_NO_BRACKETS:
		return "missing angle brackets";
	case PATH_EMPTY_RCPT:
		return "empty recipient address";
	case PATH_BAD_ROUTE:
		return "malformed source route";
	case PATH_BAD_LOCAL:
		return "invalid local part";
	case PATH_LOCAL_TOO_LONG:
		return "local part longer than 64 octets";
	case PATH_NO_DOMAIN:
		return "missing domain";
	case PATH_BAD_DOMAIN:
		return "invalid domain";
	case PATH_TOO_LONG:
		return "address longer than 254 octets";
	case PATH_TRAILING:
		return "text after the closing angle bracket";
	}
	return "unknown path status";
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Lenient extraction. Outside quoted strings and RFC 822 comments, the last
 * "<...>" holds the address ("Joe <a@b>", "<\"Joe\" <a@b>>"); without one,
 * the whole text does. Comments are removed, blanks around the result
 * trimmed, and a source route "@a,@b:" before the mailbox dropped.
 */
bool address_extract(const char *arg, char *out, size_t size)
{
	const char *p, *start, *end, *lt = NULL, *gt = NULL;
	bool quoted = false;
	unsigned depth = 0;
	size_t n = 0, skip;

	if (!out || size == 0)
		return false;
	out[0] = '\0';
	if (!arg)
		return false;
	for (p = arg; *p; p++) {
		if (quoted || depth) {
			if (*p == '\\' && p[1])
				p++;
			else if (quoted && *p == '"')
				quoted = false;
			else if (!quoted && *p == '(')
				depth++;
			else if (!quoted && *p == ')')
				depth--;
			continue;
		}
		if (*p == '"')
			quoted = true;
		else if (*p == '(')
			depth = 1;
		else if (*p == '<')
			lt = p, gt = NULL;
		else if (*p == '>' && lt && !gt)
			gt = p;
	}
	start = lt ? lt + 1 : arg;
	end = gt ? gt : p;

	quoted = false;
	depth = 0;
	for (p = start; p < end && n < size - 1; p++) {
		if (depth) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			continue;
		}
		if (!quoted && *p == '(') {
			depth = 1;
			continue;
		}
		if (*p == '"')
			quoted = !quoted;
		else if (quoted && *p == '\\' && p + 1 < end && n + 1 < size - 1)
			out[n++] = *p++;
		out[n++] = *p;
	}
	while (n > 0 && is_blank(out[n - 1]))
		n--;
	out[n] = '\0';

	skip = 0;
	while (is_blank(out[skip]))
		skip++;
	if (out[skip] == '@') {
		/* source route: drop through the first ':' outside "[...]" */
		bool in_lit = false;
		for (size_t i = skip; out[i]; i++) {
			if (out[i] == '[')
				in_lit = true;
			else if (out[i] == ']')
				in_lit = false;
			else if (out[i] == ':' && !in_lit) {
				skip = i + 1;
				break;
			}
		}
	}
	while (is_blank(out[skip]))
		skip++;
	if (skip)
		memmove(out, out + skip, strlen(out + skip) + 1);
	return out[0] != '\0';
}

const char *address_domain(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	return at ? at + 1 : "";
}

void address_local(const char *addr, char *out, size_t size)
{
	const char *at;
	size_t len;

	if (!out || size == 0)
		return;
	if (!addr) {
		out[0] = '\0';
		return;
	}
	at = strrchr(addr, '@');
	len = at ? (size_t)(at - addr) : strlen(addr);
	if (len > size - 1)
		len = size - 1;
	memcpy(out, addr, len);
	out[len] = '\0';
}

bool address_non_fqdn(const char *addr, bool smtputf8)
{
	const char *d = address_domain(addr);
	size_t len = strlen(d);

	if (len >= 2 && d[0] == '[' && d[len - 1] == ']')
		return false; /* address literals are not checked */
	return !domain_is_fqdn(d, smtputf8);
}
