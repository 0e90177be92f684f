/*
 * hostname - validity of host names, HELO arguments and address literals
 * (see hostname.h for the contract).
 *
 * Owns no state: every function is pure and may be called from any thread.
 * Predicates return true for "valid" (or, for helo_non_fqdn, for "must be
 * refused"); helo_validity returns which Postfix reply applies.
 *
 * Rules, as in Postfix valid_hostname.c / valid_mailhost_addr.c:
 *   - names: ASCII letters, digits, '-', '_', '.'; labels 1..63 octets,
 *     whole name <= 255 octets, no empty label (so no leading, trailing or
 *     doubled dot), no '-' at either end of a label, not only digits and
 *     dots;
 *   - IPv4: four decimal fields, each <= 255, no empty field; a first
 *     field of 0 only in an address made only of zeros and dots;
 *   - IPv6: hex fields of at most 4 digits, 2..7 colons, at most one "::",
 *     an optional dotted quad after field 2..6 and no empty first or last
 *     field unless it is part of "::". Postfix stops there, so it lets
 *     "1:2:3" through; we also require inet_pton() to accept the address,
 *     which makes such short forms invalid.
 *
 * UTF-8 (only where the caller says the client sent SMTPUTF8): a well-formed
 * UTF-8 sequence (no overlong forms, no surrogates, <= U+10FFFF) counts as
 * one letter of its label; label and name lengths are counted in octets of
 * the UTF-8 form. This is a simplification of Postfix, which converts the
 * name to its A-label form first; no IDNA rules are applied here.
 */
#include "base/hostname.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#define LABEL_MAX 63
#define NAME_MAX_LEN 255
#define ADDR_TEXT_MAX 64 /* longer text is no address of any kind */

size_t hostname_utf8_char(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0];
	size_t len, i;
	unsigned cp;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0; /* ASCII, continuation byte, 0xc0/0xc1, 0xf5.. */
	}
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
		return 0; /* overlong */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0; /* surrogate */
	if (cp > 0x10ffff)
		return 0;
	return len;
}

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/* The valid_hostname() walk, with UTF-8 letters when utf8 is true. */
static bool name_valid(const char *name, bool utf8)
{
	size_t label = 0, total = 0;
	bool non_numeric = false;
	const char *p;

	if (!name || !*name)
		return false;
	for (p = name; *p; ) {
		unsigned char c = (unsigned char)*p;
		size_t n = 1;

		if (is_alnum(c) || c == '_') {
			if (c < '0' || c > '9')
				non_numeric = true;
		} else if (c == '.') {
			if (label == 0 || p[1] == '\0')
				return false; /* empty label or trailing dot */
			label = 0;
			p++;
			if (++total > NAME_MAX_LEN)
				return false;
			continue;
		} else if (c == '-') {
			non_numeric = true;
			if (label == 0 || p[1] == '\0' || p[1] == '.')
				return false; /* hyphen at a label's end */
		} else if (c >= 0x80 && utf8 && (n = hostname_utf8_char(p)) > 0) {
			non_numeric = true;
		} else {
			return false;
		}
		label += n;
		total += n;
		p += n;
		if (label > LABEL_MAX || total > NAME_MAX_LEN)
			return false;
	}
	return non_numeric;
}

bool hostname_valid(const char *name)
{
	return name_valid(name, false);
}

bool hostname_valid_utf8(const char *name)
{
	return name_valid(name, true);
}

bool domain_syntax_ok(const char *name)
{
	size_t len = strlen(name), label = 0;
	if (len == 0 || len > 253)
		return false;
	for (; *name; name++) {
		unsigned char c = (unsigned char)*name;
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (isalnum(c) || c == '-' || c == '_') {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0;
}

bool hostaddr_valid_v4(const char *s)
{
	unsigned fields = 0, val = 0;
	bool in_field = false;
	const char *p;

	if (!s || *s == '.')
		return false;
	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (!in_field) {
				in_field = true;
				val = 0;
				if (++fields > 4)
					return false;
			}
			val = val * 10 + (unsigned)(*p - '0');
			if (val > 255)
				return false;
		} else if (*p == '.') {
			if (!in_field || p[1] == '\0')
				return false;
			/* 0.x.y.z is not an address, but 0.0.0.0 is */
			if (fields == 1 && val == 0 && s[strspn(s, "0.")] != '\0')
				return false;
			in_field = false;
		} else {
			return false;
		}
	}
	return fields == 4;
}

/* Postfix's syntactic walk over an IPv6 address. */
static bool v6_syntax(const char *s)
{
	const char *p = s;
	unsigned colons = 0, null_field = 0;
	size_t len = 0;

	for (;;) {
		switch (*p) {
		case '\0':
			if (colons < 2)
				return false;
			/* an empty last field must be the end of "::" */
			if (len == 0 && null_field != colons - 1)
				return false;
			return true;
		case '.':
			if (colons < 2 || colons > 6)
				return false;
			return hostaddr_valid_v4(p - len);
		case ':':
			if (colons == 0 && len == 0 && is_alnum((unsigned char)p[1]))
				return false; /* ":1..." */
			if (++colons > 7)
				return false;
			p++;
			len = 0;
			if (*p == ':') {
				if (null_field > 0)
					return false; /* second "::" */
				null_field = colons;
			}
			break;
		default:
			len = strspn(p, "0123456789abcdefABCDEF");
			if (len == 0 || len > 4)
				return false;
			p += len;
			break;
		}
	}
}

bool hostaddr_valid_v6(const char *s)
{
	unsigned char buf[16];

	if (!s || strlen(s) >= ADDR_TEXT_MAX || !v6_syntax(s))
		return false;
	return inet_pton(AF_INET6, s, buf) == 1;
}

bool hostaddr_literal_valid(const char *inside)
{
	if (!inside)
		return false;
	if (strncasecmp(inside, "IPv6:", 5) == 0)
		return hostaddr_valid_v6(inside + 5);
	return hostaddr_valid_v4(inside);
}

/* Postfix valid_hostaddr(): a bare IPv4 or IPv6 address. */
static bool hostaddr_valid(const char *s)
{
	if (!s || !*s)
		return false;
	return strchr(s, ':') ? hostaddr_valid_v6(s) : hostaddr_valid_v4(s);
}

/*
 * "[...]" literal check as Postfix's reject_invalid_hostaddr(): the
 * brackets are removed only when the text is longer than "[]" and ends in
 * ']'; what is left must be a valid literal body.
 */
static bool literal_valid(const char *s)
{
	char body[ADDR_TEXT_MAX];
	size_t len = strlen(s);

	if (len <= 2 || s[len - 1] != ']')
		return false; /* the '[' would stay and fail every rule */
	if (len - 2 >= sizeof body)
		return false;
	memcpy(body, s + 1, len - 2);
	body[len - 2] = '\0';
	return hostaddr_literal_valid(body);
}

/*
 * Copy name into buf without one trailing dot (kept when the name ends in
 * ".."). Returns false when the name cannot be valid because it is too long
 * for any hostname.
 */
static bool strip_one_dot(const char *name, char *buf, size_t size)
{
	size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.' && name[len - 2] != '.')
		len--;
	if (len >= size)
		return false;
	memcpy(buf, name, len);
	buf[len] = '\0';
	return true;
}

enum helo_validity helo_validity(const char *helo)
{
	char buf[NAME_MAX_LEN + 1];

	if (!helo)
		return HELO_INVALID_NAME;
	if (helo[0] == '[')
		return literal_valid(helo) ? HELO_VALID : HELO_INVALID_LITERAL;
	if (!strip_one_dot(helo, buf, sizeof buf))
		return HELO_INVALID_NAME;
	if (hostname_valid(buf) || hostaddr_valid(buf))
		return HELO_VALID;
	return HELO_INVALID_NAME;
}

bool domain_is_fqdn(const char *domain, bool smtputf8)
{
	char buf[NAME_MAX_LEN + 1];

	if (!domain || domain[0] == '[')
		return false;
	if (!strip_one_dot(domain, buf, sizeof buf))
		return false;
	return name_valid(buf, smtputf8) && strchr(buf, '.') != NULL;
}

bool helo_non_fqdn(const char *helo, bool smtputf8)
{
	if (!helo)
		return true;
	if (helo[0] == '[')
		return !literal_valid(helo);
	return !domain_is_fqdn(helo, smtputf8);
}
