/*
 * hostname - validity of host names, HELO arguments and address literals,
 * with the semantics of Postfix's valid_hostname(), valid_hostaddr() and
 * the HELO restrictions (SPEC §6, postfix-semantics A.1/A.2).
 * Pure functions; safe from any thread.
 */
#ifndef RAMPART_HOSTNAME_H
#define RAMPART_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Postfix valid_hostname(): ASCII letters, digits, '-', '_' and '.'; labels
 * 1..63, total <= 255, no leading/trailing/adjacent dots (no trailing dot:
 * callers strip one first where Postfix does), no '-' at either end of a
 * label, not all digits and dots.
 */
bool hostname_valid(const char *name);
/* hostname_valid() where a well-formed UTF-8 character also counts as a
 * letter (for SMTPUTF8 clients); lengths are counted in octets. */
bool hostname_valid_utf8(const char *name);
/* Length (2..4) of the well-formed UTF-8 sequence of one non-ASCII
 * character at s, or 0 when there is none (ASCII, NUL, malformed). */
size_t hostname_utf8_char(const char *s);
/* Looser than hostname_valid, for names in configuration (DNS zones,
 * access-file domains): letters, digits, '-', '_' and '.', labels 1..63,
 * at most 253 octets, no empty label; numeric labels and hyphens anywhere
 * are allowed. */
bool domain_syntax_ok(const char *name);
/* Postfix valid_ipv4_hostaddr(): exactly four decimal octets 0..255, no
 * empty parts; first octet 0 only for 0.0.0.0. */
bool hostaddr_valid_v4(const char *s);
/* Postfix valid_ipv6_hostaddr() (no "IPv6:" prefix). */
bool hostaddr_valid_v6(const char *s);
/* An address literal body: "IPv6:..." (case-insensitive tag) or IPv4. */
bool hostaddr_literal_valid(const char *inside_brackets);

/* Result of reject_invalid_helo_hostname. */
enum helo_validity {
	HELO_VALID,              /* passes */
	HELO_INVALID_NAME,       /* "Invalid name" */
	HELO_INVALID_LITERAL,    /* "invalid ip address" ([...] form) */
};

/*
 * reject_invalid_helo_hostname: "[...]" (ending in ']') is an address
 * literal; otherwise one trailing dot is stripped (not when the name ends
 * in "..") and the name must be a valid hostname or a valid bare address.
 */
enum helo_validity helo_validity(const char *helo);
/*
 * reject_non_fqdn_helo_hostname: true when the HELO must be refused as
 * non-FQDN: a valid "[...]" literal is fine; otherwise after stripping one
 * trailing dot the name must be a valid hostname (utf8 allowed when
 * smtputf8) containing a dot. A bare IPv4 address is non-FQDN.
 */
bool helo_non_fqdn(const char *helo, bool smtputf8);
/* A domain is an FQDN in Postfix's reject_non_fqdn_* sense (one trailing
 * dot stripped, valid hostname, contains a dot). Literals are not. */
bool domain_is_fqdn(const char *domain, bool smtputf8);

#endif
