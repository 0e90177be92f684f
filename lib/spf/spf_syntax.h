/*
 * spf_syntax - the RFC 7208 §12 grammar of an SPF record, checked before
 * libspf2 compiles it (libspf2 1.2.10 evaluates records the grammar
 * refuses: empty or numeric top labels, bad macro letters, "exp=" or
 * "redirect=" twice, "redirect:" as a mechanism, leading-zero prefixes,
 * non-ASCII or control characters...). A record that fails the check is a
 * permerror (RFC 7208 §4.6).
 *
 * Pure functions, no state, any thread; the input is any octets.
 */
#ifndef RAMPART_SPF_SYNTAX_H
#define RAMPART_SPF_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Check record[0..len) (the TXT text as it was joined, which may hold
 * NULs) against RFC 7208 §12: "v=spf1" then terms separated by spaces,
 * each a directive (qualifier, mechanism, its domain-spec / network /
 * dual-cidr-length, prefixes in range and without leading zeros) or a
 * modifier (redirect= and exp= at most once each, unknown-modifier names
 * ALPHA *(ALPHA / DIGIT / "-" / "_" / ".")); domain-specs are
 * macro-strings ending in a toplabel or a macro-expand, macro letters
 * slodiphv (c, r and t only in exp text, never in a domain-spec).
 * Returns true when the record is valid; otherwise false with why in err
 * (printable, bounded by errsize; err may be NULL).
 */
bool spf_syntax_check(const char *record, size_t len, char *err, size_t errsize);

/* Where the dual-cidr-length ("/N", "//N", "/N//M") at the end of the
 * a/mx term text s[0..n) begins, or n when it has none. */
size_t spf_syntax_cidr_start(const char *s, size_t n);

#endif
