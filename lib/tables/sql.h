/*
 * sql - the pure parts of the SQL table backend (sql_table.c), apart so
 * that unit tests and fuzz targets reach them without a server:
 *
 *   - the settings of [sql] (struct rp_sql_conf), filled by the config;
 *   - host specs in the style of Postfix mysql_table(5): "host",
 *     "host:port", "inet:host:port", "[v6addr]:port", "unix:/path";
 *   - the keys one question asks for, in order (sql_keys_make);
 *   - query templates: %s (the key), %u (its local part), %d (its domain),
 *     %% (a '%'), each value escaped by a callback (the library's
 *     mysql_real_escape_string in production);
 *   - a TTL cache of answers, positive and negative (sql_cache_*).
 *
 * Threads: everything here is reentrant; a struct sql_cache has its own
 * mutex and may be used from any thread.
 */
#ifndef RAMPART_SQL_H
#define RAMPART_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"
#include "tables/table.h"

enum { RP_SQL_ON_ERROR_CONTINUE, RP_SQL_ON_ERROR_DEFER };

/* [sql] as the config holds it (config/config.h embeds it). */
struct rp_sql_conf {
	struct rp_strlist hosts;         /* empty: no SQL table */
	char *user, *password;           /* NULL: none */
	char *password_file;             /* NULL: none */
	char *dbname;                    /* NULL: none */
	char *query[4];                  /* per enum rp_access_kind; NULL: none */
	unsigned cache_ttl, negative_ttl;  /* seconds; 0: not cached */
	unsigned timeout;                /* seconds: connect, read and write */
	unsigned connections;            /* pool size */
	int on_error;                    /* RP_SQL_ON_ERROR_* */
};

#define SQL_HOST_MAX 256
struct sql_host {
	char host[SQL_HOST_MAX];         /* "" for a unix socket */
	unsigned port;                   /* 0: the library's default (3306) */
	char socket[108];                /* "" for TCP */
};

/* Parse one entry of [sql] hosts. 0, or -1 when it is not of a form above. */
int sql_host_parse(const char *spec, struct sql_host *h);

/* Check a query template: only %s %u %d %% and at least one of the first
 * three. 0, or -1 with why filled ("expected ..."). */
int sql_query_check(const char *tmpl, char *why, size_t whysize);

/* The keys of one question, each lower case, in the order they are asked:
 *   client    the address; for IPv4 its /24, /16, /8 parents as "a.b.c",
 *             "a.b", "a"; then the client name (not "unknown") and its
 *             parent domains ("example.com", "com");
 *   helo      the name and its parent domains (an address literal alone);
 *   sender,
 *   recipient "user@domain", "domain", its parent domains, "user@"
 *             (an address without '@': itself, then "itself@").
 * Names lose one trailing dot; keys with control characters, empty keys
 * and keys longer than SQL_KEY_MAX - 1 are left out; at most SQL_KEYS_MAX
 * keys (the first ones) are kept. */
#define SQL_KEY_MAX 512
#define SQL_KEYS_MAX 32
struct sql_keys {
	size_t n;
	char v[SQL_KEYS_MAX][SQL_KEY_MAX];
};
void sql_keys_make(const struct rp_table_query *q, struct sql_keys *out);

/* Escape n bytes of src into dst (room for 2n+1), returning the length
 * written: the contract of mysql_real_escape_string. */
typedef size_t (*sql_escape_fn)(void *arg, char *dst, const char *src, size_t n);

/* Expand tmpl for key into out. %u: the local part of "user@domain", the
 * whole key when it has no '@'; %d: the domain of "user@domain". Returns
 * 1, 0 when the query is suppressed as Postfix does (%u of an empty local
 * part, %d of a key without a domain), -1 when out is too small. */
int sql_expand(const char *tmpl, const char *key, sql_escape_fn esc, void *arg,
	char *out, size_t outsize);

/* The answer cache: key -> answer text (or "no row"), each entry with its
 * expiry in clock_mono_ms() milliseconds. At most max entries: a full
 * cache drops its expired entries, then, if still full, all of them. */
struct sql_cache;
struct sql_cache *sql_cache_new(size_t max);
void sql_cache_free(struct sql_cache *c);      /* NULL is fine */
/* 1 on a live entry (*found: a row was there, its answer copied into
 * answer), 0 when there is none (or it expired at now). */
int sql_cache_get(struct sql_cache *c, const char *key, uint64_t now, bool *found,
	char *answer, size_t size);
/* answer NULL: no row. Replaces an existing entry; now is for the sweep
 * of a full cache. */
void sql_cache_put(struct sql_cache *c, const char *key, const char *answer, uint64_t now,
	uint64_t expires);
size_t sql_cache_count(struct sql_cache *c);

#endif
