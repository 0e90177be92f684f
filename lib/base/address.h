/*
 * address - RFC 5321 MAIL/RCPT paths as the MTA hands them to a milter
 * (argv[0], with angle brackets as the client sent them), and Postfix's
 * view of the address inside (SPEC §6, postfix-semantics A.5).
 * Pure functions; safe from any thread.
 */
#ifndef RAMPART_ADDRESS_H
#define RAMPART_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define RP_LOCAL_MAX 64
#define RP_DOMAIN_MAX 255
#define RP_ADDR_MAX 256          /* 254 octets + NUL, and slack */

enum path_status {
	PATH_OK,
	PATH_NO_BRACKETS,        /* not "<...>" */
	PATH_EMPTY_RCPT,         /* "<>" where a recipient is required */
	PATH_BAD_ROUTE,          /* source route malformed */
	PATH_BAD_LOCAL,          /* local part not dot-atom / quoted-string */
	PATH_LOCAL_TOO_LONG,     /* > 64 octets */
	PATH_NO_DOMAIN,          /* no "@domain" */
	PATH_BAD_DOMAIN,         /* domain not a valid name or literal */
	PATH_TOO_LONG,           /* whole path > 254 octets */
	PATH_TRAILING,           /* text after '>' */
};

struct rp_path {
	bool null;                       /* "<>" */
	bool literal;                    /* domain is "[...]" */
	char local[RP_LOCAL_MAX * 2 + 3];/* local part as sent (quotes kept) */
	char domain[RP_DOMAIN_MAX + 1];  /* as sent, brackets kept for literals */
	char addr[RP_ADDR_MAX * 2];      /* local@domain without route/brackets */
};

/*
 * Strict RFC 5321 parse of argv[0] of MAIL (is_mail) or RCPT: "<" [route
 * ":"] mailbox ">" or, for MAIL, "<>". Source routes are accepted and
 * dropped. Non-ASCII octets are valid only when smtputf8. Fills out on
 * PATH_OK.
 */
enum path_status path_parse_strict(const char *arg, bool is_mail, bool smtputf8,
	struct rp_path *out);
/* Short text for a status, for logs ("missing angle brackets", ...). */
const char *path_status_text(enum path_status s);

/*
 * Lenient extraction, what Postfix does without strict_rfc821_envelopes:
 * strip surrounding "<>" if present and a source route; copy the address
 * into out (bounded, at most size-1 octets). Returns false for the null
 * address "<>" (or empty input), true otherwise.
 */
bool address_extract(const char *arg, char *out, size_t size);
/* Pointer to the domain part (after the last '@') or "" when none. */
const char *address_domain(const char *addr);
/* Local part copy (before the last '@'), bounded. */
void address_local(const char *addr, char *out, size_t size);

/*
 * reject_non_fqdn_sender/recipient on an extracted address: true when the
 * domain (after the last '@', "" if none) is not an address literal and is
 * empty, invalid or has no dot (one trailing dot stripped).
 */
bool address_non_fqdn(const char *addr, bool smtputf8);

#endif
