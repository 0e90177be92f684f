/*
 * test.h - the unit tests' tiny harness. A test program calls T_CHECK /
 * T_EQ_STR / T_EQ_INT any number of times and ends with
 * "return t_done();", which prints "N passed, N failed" and returns the
 * exit status ctest reads. t_errlist_has/_dump help with loader errors. Failures print the file, line and both values.
 */
#ifndef RAMPART_TEST_H
#define RAMPART_TEST_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

static int t_pass, t_fail;

#define T_CHECK(cond, ...) do { \
	if (cond) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } \
} while (0)

#define T_EQ_STR(got, want, ctx) do { \
	const char *t_g = (got), *t_w = (want); \
	if (t_g && t_w && strcmp(t_g, t_w) == 0) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", __FILE__, \
			__LINE__, (ctx), t_g ? t_g : "(null)", t_w ? t_w : "(null)"); } \
} while (0)

#define T_EQ_INT(got, want, ctx) do { \
	long long t_g = (long long)(got), t_w = (long long)(want); \
	if (t_g == t_w) { t_pass++; } else { t_fail++; \
		fprintf(stderr, "FAIL %s:%d: %s: got %lld, want %lld\n", __FILE__, \
			__LINE__, (ctx), t_g, t_w); } \
} while (0)

/* Does any message of an error list contain want? */
static inline bool t_errlist_has(const struct rp_errlist *e, const char *want)
{
	for (size_t i = 0; i < e->n; i++)
		if (strstr(e->msg[i], want))
			return true;
	return false;
}

/* Print an error list under a failure. */
static inline void t_errlist_dump(const struct rp_errlist *e)
{
	for (size_t i = 0; i < e->n; i++)
		fprintf(stderr, "    | %s\n", e->msg[i]);
}

static inline int t_done(void)
{
	printf("%d passed, %d failed\n", t_pass, t_fail);
	return t_fail ? 1 : 0;
}

#endif
