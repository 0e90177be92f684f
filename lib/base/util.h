/*
 * util - small helpers shared by every module: checked allocation, bounded
 * string copies, an error list for config and file loaders.
 *
 * Threads: all functions are reentrant; an rp_errlist belongs to one caller.
 * Allocation failure is fatal (the process cannot do anything sensible).
 */
#ifndef RAMPART_UTIL_H
#define RAMPART_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define RP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* strlcpy semantics: always NUL-terminates when size > 0, returns strlen(src). */
size_t rp_strlcpy(char *dst, const char *src, size_t size);
/* Lower-case ASCII copy, bounded like rp_strlcpy. */
size_t rp_strlcpy_lower(char *dst, const char *src, size_t size);
/* Case-insensitive ASCII suffix test: does name end with suffix? */
bool rp_ends_with_ci(const char *name, const char *suffix);

/*
 * Copy outside text so it is safe in an SMTP reply, a header or a log line:
 * every byte outside printable ASCII (0x20..0x7e) becomes '?', and the copy is
 * cut to fit size (NUL included). Returns the length written.
 */
size_t rp_printable(char *dst, size_t size, const char *src);

/* A list of error messages, for loaders that report every problem at once. */
struct rp_errlist {
	size_t n;
	char **msg;
};
void errlist_add(struct rp_errlist *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void errlist_clear(struct rp_errlist *e);

/* A comma-separated list of strings, as the config holds them. */
struct rp_strlist {
	size_t n;
	char **v;
};
void strlist_add(struct rp_strlist *l, const char *s);
void strlist_free(struct rp_strlist *l);
bool strlist_contains_ci(const struct rp_strlist *l, const char *s);

#endif
