/*
 * access - the access file of SPEC §4: lines "KIND PATTERN ACTION [TEXT]".
 *
 *   KIND     client | helo | sender | recipient
 *   PATTERN  client: IPv4/IPv6 address or CIDR, hostname, or ".domain"
 *            suffix of the verified client name;
 *            helo: hostname or ".domain" suffix (case-insensitive);
 *            sender/recipient: "user@domain", "user@", "@domain",
 *            ".domain" (suffix of the domain), all case-insensitive
 *   ACTION   OK | REJECT [text] | DEFER [text] | SKIP check[,check...]
 *
 * '#' starts a comment line; blank lines are ignored. First match per KIND
 * wins, in file order. Loaded once per config snapshot, immutable after,
 * so lookups are safe from any thread. It is the "file" backend of the
 * table seam (tables/table.h, access_table.c); the engine reaches it only
 * through that seam.
 */
#ifndef RAMPART_ACCESS_H
#define RAMPART_ACCESS_H

#include "base/netaddr.h"
#include "base/util.h"
#include "tables/table.h"

struct rp_access;

/* Load and validate; NULL with one message per bad line ("FILE:LINE: ...
 * expected ...") added to errs. A file with no rules is valid. */
struct rp_access *access_load(const char *path, struct rp_errlist *errs);
void access_free(struct rp_access *a);

/* client: addr may be NULL (unknown address); name is the verified client
 * name or NULL/"unknown". */
void access_match_client(const struct rp_access *a, const struct rp_netaddr *addr,
	const char *name, struct rp_access_result *res);
void access_match_helo(const struct rp_access *a, const char *helo,
	struct rp_access_result *res);
/* kind is RP_ACC_SENDER or RP_ACC_RECIPIENT; addr is the extracted address
 * (no brackets); "" (null sender) matches nothing. */
void access_match_address(const struct rp_access *a, enum rp_access_kind kind,
	const char *addr, struct rp_access_result *res);

/*
 * The ACTION [TEXT] part of a rule, shared by every table backend: act is
 * the action word, text what follows it (blanks trimmed; may be ""). With
 * dunno_ok, DUNNO (no decision, RP_ACC_NONE) is accepted too. Returns 0
 * with *out and *skip set, or -1 with why filled ("REJECT text contains
 * ...: expected ..."); *out then names the action recognised, if any.
 */
int access_action_parse(const char *act, const char *text, bool dunno_ok,
	enum rp_access_act *out, rp_checkset *skip, char *why, size_t whysize);

/*
 * One answer of a table that returns rule text (an SQL result column):
 * "ACTION [TEXT]" with blanks around, DUNNO allowed. Pure, for any input
 * (the fuzz hook of the answer syntax). Returns 0 with res filled (text
 * copied into textbuf, res->text pointing at it; act RP_ACC_NONE for
 * DUNNO), or -1 with why filled and res->act RP_ACC_NONE.
 */
int access_answer_parse(const char *answer, struct rp_access_result *res,
	char *textbuf, size_t textsize, char *why, size_t whysize);

#endif
