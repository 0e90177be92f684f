/*
 * config - rampart.conf (SPEC §10) read with iniparser into an immutable,
 * reference-counted snapshot.
 *
 * Every key lives in one typed table in config.c {section, key, type,
 * default, bounds, field}; loading reads each value as a string and parses
 * it strictly (durations "30", "30s", "5m", "2h", "35d", "500ms"; booleans
 * yes/no; lists comma-separated; numbers decimal with bounds). Unknown
 * sections and keys and bad values are errors that name the file, the line,
 * the key and the expected form; config_load reports all of them.
 *
 * Threads: a snapshot is never modified after config_load returns; each
 * connection holds a reference (config_ref/config_unref, atomic), and the
 * reload thread swaps the current snapshot (see milter/session.h).
 */
#ifndef RAMPART_CONFIG_H
#define RAMPART_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "tables/table.h"
#include "base/check_id.h"
#include "dns/dnsbl_site.h"
#include "greylist/greylist.h"
#include "base/log.h"
#include "base/netaddr.h"
#include "base/util.h"
#include "spf/spf.h"
#include "tables/sql.h"

#define RP_DEFAULT_CONFIG "/etc/rampart/rampart.conf"

/* [rhsbl] targets, a bit set */
enum { RP_RHSBL_HELO = 1, RP_RHSBL_SENDER = 2, RP_RHSBL_CLIENT = 4 };

struct rp_config {
	int refs;                        /* atomic; see config_ref */
	char *path;

	struct {
		char *socket;            /* unix:PATH | inet:PORT@HOST | inet6:PORT@HOST */
		char *hostname;          /* default: the host's FQDN */
		char *user, *group, *pidfile;
		unsigned timeout;        /* seconds, smfi_settimeout */
	} milter;

	struct {
		enum rp_log_target target;
		int facility;            /* LOG_MAIL etc. */
		enum rp_log_level level;
	} log;

	struct {
		bool delay_reject, dry_run, trust_authenticated;
		struct rp_cidrlist trusted_networks;
		struct rp_strlist exempt_recipients;  /* local parts, lower case */
		char *access_file;       /* NULL: none */
		struct rp_table *access; /* the access_file table, opened with the
		                          * snapshot (tables/table.h); NULL: none */
		struct rp_table *sql;    /* the [sql] table, asked after the access
		                          * file; NULL: none */
	} policy;

	struct {
		struct rp_strlist nameservers;  /* addresses; from resolv.conf when unset */
		unsigned port;
		unsigned timeout_ms, attempts, stage_budget_ms;
		unsigned cache_size, cache_max_ttl;  /* entries; seconds */
	} dns;

	struct {
		struct rp_strlist own_names;     /* names and addresses, for helo_forged */
	} helo;

	struct {
		/* {rcpt_mailer} values that send mail on to another host: only
		 * those recipients get recipient_unknown_domain, as Postfix
		 * checks only the domains it is not the final destination for.
		 * Lower case. */
		struct rp_strlist remote_mailers;
	} envelope;

	struct {
		enum rp_action result[RP_SPF__COUNT];  /* pass is always RP_ACT_OFF */
		bool helo;
		enum rp_spf_header header;
		char *authserv_id;       /* default: milter.hostname */
	} spf;

	struct grey_conf greylist;       /* greylist/greylist.h */

	struct rp_sql_conf sql;          /* tables/sql.h; hosts empty: off */

	struct {
		size_t n;
		struct rp_dnsbl_site *sites;
		int threshold, greylist_threshold, allow_threshold;
	} dnsbl;

	struct {
		struct rp_strlist zones;
		unsigned targets;        /* RP_RHSBL_* bits */
	} rhsbl;

	/* Action of each check that has one key (helo_*, client_*, envelope
	 * checks, dnsbl, rhsbl). spf has per-result actions above; greylist
	 * has its mode; access always acts. */
	enum rp_action action[RP_CHK__COUNT];
};

/*
 * Load and validate path. On success returns a snapshot with one
 * reference. On failure returns NULL and errs holds every problem found,
 * each a complete line ("FILE:LINE: [section] key = value: expected FORM").
 * The access file named by [policy] access_file is loaded too.
 */
struct rp_config *config_load(const char *path, struct rp_errlist *errs);
/* The defaults alone (no file), for tests. Never NULL. */
struct rp_config *config_defaults(void);
struct rp_config *config_ref(struct rp_config *c);
void config_unref(struct rp_config *c);
/*
 * What the start would trip on outside the file (rampart -t): [milter]
 * user and group exist (when run as root), the directories of the socket,
 * pidfile and greylist database exist (the database's writable by the
 * user), the config and access file are readable by the user (reload reads
 * them after the privilege drop). Each problem goes to errs, one line
 * naming the file and key; budgets longer than the MTA's milter timeout go
 * to warns (may be NULL).
 */
void config_check_env(const struct rp_config *c, struct rp_errlist *errs,
	struct rp_errlist *warns);
/* Print the effective configuration, every key, as a valid rampart.conf. */
void config_dump(const struct rp_config *c, FILE *out);

/* Strict value parsers used by the table (exposed for unit tests).
 * Each returns 0, or -1 when the text is not of the expected form. */
int config_parse_duration_ms(const char *s, unsigned long long *ms);
int config_parse_bool(const char *s, bool *b);
int config_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *v);
int config_parse_int(const char *s, long min, long max, long *v);

#endif
