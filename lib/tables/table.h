/*
 * table - the lookup-table seam for access rules (SPEC §4): one small table
 * of operations per backend (the access file today: access_table.c), in the
 * way of Postfix's dict layer and OpenSMTPD's table backends. The policy
 * engine asks "what does this table say about this client, HELO, sender or
 * recipient?" and gets an action and a text, never a backend's details.
 *
 * A backend is one file with a `const struct rp_table_ops` and one row in
 * table.c's backend list. A table is opened with its config snapshot and is
 * immutable for that snapshot's life: a reload opens it anew (ops->reload,
 * which a backend holding connections may use to share them), so a
 * connection sees one version of the rules from start to end.
 *
 * Threads: lookups on one table are safe from any number of threads at
 * once; open, reload and close belong to the thread that builds or frees
 * the snapshot.
 *
 * Lookup returns RP_TABLE_FOUND (res filled), RP_TABLE_NOTFOUND (no rule:
 * res->act is RP_ACC_NONE) or RP_TABLE_TEMP (the backend could not answer:
 * the caller defers, never passes).
 */
#ifndef RAMPART_TABLE_H
#define RAMPART_TABLE_H

#include <stdint.h>

#include "base/check_id.h"
#include "base/netaddr.h"
#include "base/util.h"

enum rp_access_kind { RP_ACC_CLIENT, RP_ACC_HELO, RP_ACC_SENDER, RP_ACC_RECIPIENT };
enum rp_access_act { RP_ACC_NONE, RP_ACC_OK, RP_ACC_REJECT, RP_ACC_DEFER, RP_ACC_SKIP };

/* Room for the text of an answer that does not live in the table itself
 * (a backend that asks a server copies it here; res->text points into it). */
#define RP_TABLE_TEXT_MAX 512

struct rp_access_result {
	enum rp_access_act act;  /* RP_ACC_NONE: no line matched */
	const char *text;        /* REJECT/DEFER text, NULL for the default */
	rp_checkset skip;        /* SKIP: the checks named */
	unsigned line;           /* line number of the match, for logs */
	char textbuf[RP_TABLE_TEXT_MAX];  /* see RP_TABLE_TEXT_MAX */
};

enum { RP_TABLE_FOUND, RP_TABLE_NOTFOUND, RP_TABLE_TEMP };

/* One question. client: addr (NULL when unknown) and name (the verified
 * client name, NULL or "unknown" when none); helo: name is the HELO
 * argument; sender/recipient: name is the extracted address (no brackets;
 * "" matches nothing). */
struct rp_table_query {
	enum rp_access_kind kind;
	const struct rp_netaddr *addr;
	const char *name;
	uint64_t deadline;       /* clock_mono_ms() by which to answer; 0: none */
};


struct rp_table_ops {
	const char *name;                        /* "file", "sql" */
	/* spec: the backend's source (file: a path; sql: a label for
	 * messages); settings: the backend's own settings (sql: struct
	 * rp_sql_conf), NULL for the file. NULL with one line per problem in
	 * errs ("SOURCE:LINE: ... expected ..."). */
	void *(*open)(const char *spec, const void *settings, struct rp_errlist *errs);
	int (*lookup)(const void *impl, const struct rp_table_query *q,
		struct rp_access_result *res);
	/* A new instance from the same source, for the next snapshot; NULL
	 * with errs filled when it cannot be had (the old one stays). */
	void *(*reload)(const void *impl, const char *spec, const void *settings,
		struct rp_errlist *errs);
	void (*close)(void *impl);
	/* Optional: can the source be reached now (rampart -t)? 0, or -1
	 * with why filled. */
	int (*probe)(const void *impl, char *why, size_t whysize);
};

struct rp_table;

/* Open a table of backend ("file", "sql") from spec and settings (see
 * struct rp_table_ops). NULL with errs filled (an unknown backend too). */
struct rp_table *table_open(const char *backend, const char *spec, const void *settings,
	struct rp_errlist *errs);
/* The same table read anew (reload) with settings. NULL with errs filled. */
struct rp_table *table_reload(const struct rp_table *t, const void *settings,
	struct rp_errlist *errs);
void table_close(struct rp_table *t);           /* NULL is fine */
/* "file:/etc/rampart/access", for log lines. */
const char *table_label(const struct rp_table *t);
/* t NULL: RP_TABLE_NOTFOUND. res is always filled. */
int table_lookup(const struct rp_table *t, const struct rp_table_query *q,
	struct rp_access_result *res);

/* rampart -t: 0 when the source answers (or the backend cannot tell), -1
 * with why filled when it cannot be reached. */
int table_probe(const struct rp_table *t, char *why, size_t whysize);

#endif
