/*
 * whitelist - postgrey's whitelist files (SPEC §8, [greylist]
 * whitelist_clients / whitelist_recipients): clients and recipients that
 * are never greylisted, in the formats of postgrey's whitelist_clients and
 * whitelist_recipients, so the files Debian's postgrey package ships (and
 * an admin's own .local files) are read as they are.
 *
 * One line is one entry; '#' starts a comment; blank lines are skipped;
 * leading and trailing white space is dropped. Every match ignores case.
 *
 * Client lines, matched against the client's verified name (the MTA's
 * name, "unknown" without one) or its address:
 *   /REGEX/             a PCRE2 regular expression (no white space inside,
 *                       as postgrey's Perl regex) searched in the name
 *   a.b.c.d[/n]         an IPv4 address or network (host bits allowed and
 *                       cleared, as postgrey's NetAddr::IP does)
 *   a.b.c               a partial IPv4 address: a.b.c.0/24
 *   a.b                 a partial IPv4 address: a.b.0.0/16 (postgrey's
 *                       comment says /16; its code builds a /24)
 *   x:y:...[/n]         an IPv6 address or network
 *   name                the host name and every name below it
 *                       (postgrey's (^|\.)name$)
 * Recipient lines, matched against the recipient address (no "<>"):
 *   /REGEX/             a PCRE2 regular expression searched in the address
 *   user@domain         that address, also user+extension@domain
 *   user@               that local part (and +extension) at any domain
 *   domain              every address at the domain and below it
 *                       (postgrey's (@|\.)domain$)
 *
 * A line that postgrey would skip with a warning, an address that does not
 * parse, a bad prefix or a regex that does not compile is an error naming
 * FILE:LINE. A missing file is an error, except a file whose name ends in
 * ".local" (postgrey's rule: the admin's additions may not exist yet).
 *
 * A loaded list is immutable: lookups may run from any thread at once.
 */
#ifndef RAMPART_GREYLIST_WHITELIST_H
#define RAMPART_GREYLIST_WHITELIST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/netaddr.h"
#include "base/util.h"

#define GREY_WL_LINE_MAX 1024    /* octets of one line, comment included */

struct grey_whitelist;

enum grey_wl_kind { GREY_WL_CLIENTS, GREY_WL_RECIPIENTS };

/* An empty list (no files), to add to. */
struct grey_whitelist *whitelist_new(void);
void whitelist_free(struct grey_whitelist *w);

/*
 * Add one line of a file of the given kind; where ("FILE:LINE") is kept to
 * name the entry that matched. Returns 1 when an entry was added, 0 for a
 * blank or comment line, -1 with the reason in err (the line is skipped).
 */
int whitelist_add_line(struct grey_whitelist *w, enum grey_wl_kind kind, const char *line,
	const char *where, char *err, size_t errsize);

/*
 * Read each file into w; every bad line is added to errs as
 * "FILE:LINE: reason" and the rest of the file is still read. Returns the
 * number of problems (0 when all is well).
 */
size_t whitelist_load_file(struct grey_whitelist *w, enum grey_wl_kind kind, const char *path,
	struct rp_errlist *errs);

/* The entry that lets the client skip greylisting ("FILE:LINE"), or NULL.
 * name may be NULL or "unknown" (only address entries can match then). */
const char *whitelist_client(const struct grey_whitelist *w, const char *name,
	const struct rp_netaddr *addr);
/* The entry that lets the recipient skip greylisting, or NULL. */
const char *whitelist_recipient(const struct grey_whitelist *w, const char *rcpt);

/* Entries held, of each kind. */
size_t whitelist_count(const struct grey_whitelist *w, enum grey_wl_kind kind);

#endif
