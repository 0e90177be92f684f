/*
 * config_int - what the four files of the config module share (config.c:
 * snapshots, load, dump; config_keys.c: the key table; config_parse.c:
 * value parsers and text helpers; config_read.c: reading and the problem
 * list). Nothing outside lib/config/ includes it.
 */
#ifndef RAMPART_CONFIG_INT_H
#define RAMPART_CONFIG_INT_H

#include <iniparser.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"

#define ECHO_MAX 80                 /* values echoed in messages are cut here */
#define FILE_MAX (256 * 1024)       /* larger config files are refused */
#define PROBLEMS_MAX 100            /* messages reported at most */
/* durations, in milliseconds */
#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

/* ---- the key table (config_keys.c) ---- */

enum ktype {
	K_WORD,        /* a user or group name */
	K_PATH,        /* an absolute path */
	K_PATH_OPT,    /* an absolute path, or empty for none (NULL) */
	K_HOST_OPT,    /* a host name, or empty for the computed default (NULL) */
	K_SOCKET,      /* milter socket spec */
	K_BOOL,        /* bool */
	K_UINT,        /* unsigned, bounds min..max */
	K_INT,         /* int, bounds min..max */
	K_DUR_S,       /* unsigned seconds; bounds in ms */
	K_DUR_MS,      /* unsigned milliseconds; bounds in ms */
	K_ACTION,      /* enum rp_action; max = bit mask of allowed actions */
	K_ENUM,        /* int from an enumval table (extra) */
	K_LEVEL,       /* enum rp_log_level */
	K_FACILITY,    /* syslog facility */
	K_NAMES,       /* strlist of host names or addresses, lower case */
	K_ZONES,       /* strlist of DNS zones, lower case */
	K_CIDRS,       /* rp_cidrlist */
	K_LOCALPARTS,  /* strlist of local parts, lower case */
	K_WORDS,       /* strlist of words [a-z0-9._-], lower case */
	K_PATHS,       /* strlist of absolute paths */
	K_GREYTEXT,    /* a greylist reply template (greylist_text_check) */
	K_NAMESERVERS, /* strlist of addresses; empty = from resolv.conf */
	K_DNSBL,       /* the dnsbl sites (n, sites) */
	K_TARGETS,     /* RP_RHSBL_* bits */
	K_TEXT,        /* printable text, or empty for none (NULL) */
	K_SQLQUERY,    /* an SQL query template (sql_query_check), or empty */
	K_SQLHOSTS,    /* strlist of SQL host specs (sql_host_parse) */
};

struct enumval {
	const char *name;
	int value;
};

struct key {
	const char *section, *name;
	enum ktype type;
	const char *def;           /* default as text */
	long long min, max;        /* bounds (ms for durations); action mask */
	size_t off;                /* field in struct rp_config */
	const struct enumval *extra;
};

#define FIELD(c, k, T) ((T *)(void *)((char *)(c) + (k)->off))

#define CFIELD(c, k, T) ((const T *)(const void *)((const char *)(c) + (k)->off))

/* Where each section and key was seen: a light line scan of the file for
 * messages only (values are read through iniparser). */
struct seen {
	char *section, *key;     /* lower case; key NULL for a section line */
	unsigned line;
	char *value;             /* raw text after '=', for messages */
};

struct scan {
	struct seen *v;
	size_t n;
};

/* Problems found, each with its line for sorting. */
struct problem {
	unsigned line;
	size_t seq;
	char *msg;
};

struct problems {
	struct problem *v;
	size_t n;
};

extern const struct key cf_keys[];
extern const size_t cf_nkeys;
/* Parse text for key k into c. Returns 0, or -1 with the expected form in
 * form (and, for lists, the offending item quoted in front of it). */
int cf_key_set(const struct key *k, const char *text, struct rp_config *c,
	char *form, size_t formsize);
/* Free what field k of c owns (strings, lists, sites); the field is left
 * empty. */
void cf_field_free(const struct key *k, struct rp_config *c);
/* The value of k in c as rampart.conf text. */
void cf_key_format(const struct key *k, const struct rp_config *c, char *buf, size_t size);
bool cf_section_known(const char *s);
const struct key *cf_key_find(const char *section, const char *name);
/* The key whose name is nearest to name (at most 2 edits), preferring
 * section; NULL when none is near. For "did you mean" hints. */
const struct key *cf_key_nearest(const char *section, const char *name);

/* ---- text helpers (config_parse.c) ---- */

void cf_format_duration(unsigned long long ms, char *buf, size_t size);
void cf_enum_list(const struct enumval *e, char *buf, size_t size);
const char *cf_enum_name(const struct enumval *e, int v);
bool cf_word_valid(const char *s);
bool cf_path_valid(const char *s);
bool cf_name_valid(const char *s);
char *cf_name_dup(const char *s, bool lower);
char *cf_lower_dup(const char *s);
int cf_split_list(const char *s, struct rp_strlist *out);
void cf_cidr_format(const struct rp_cidr *c, char *buf, size_t size);

/* ---- reading (config_read.c) ---- */

void cf_problem_add(struct problems *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int cf_problem_cmp(const void *a, const void *b);
char *cf_strip_dup(const char *s, size_t len, bool lower);
void cf_echo_value(char *dst, size_t size, const char *v);
/* Scan text line by line as iniparser reads it, recording where each
 * section and key appears and reporting duplicate keys. */
void cf_scan_text(const char *path, const char *text, struct scan *sc, struct problems *pb);
void cf_scan_free(struct scan *sc);
unsigned cf_line_of(const struct scan *sc, const char *section, const char *key);
/* "FILE:LINE:" (or "FILE:" for line 0) into buf. */
void cf_where(char *buf, size_t size, const char *path, unsigned line);
/* iniparser's messages go to cf_ini_msgs while cf_ini_lock is held. */
extern pthread_mutex_t cf_ini_lock;
extern struct rp_strlist *cf_ini_msgs;
int cf_ini_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Add iniparser's message as a problem; returns the line it names when the
 * line itself is unreadable (syntax error, too long), else 0. */
unsigned cf_ini_problem(const char *path, const char *msg, const struct scan *sc,
	const char *text, struct problems *pb);
/* text with the given lines emptied (their newlines kept, so line numbers
 * stay), for reading the rest of a file past its syntax errors. */
char *cf_blank_lines(const char *text, const unsigned *lines, size_t n);
char *cf_read_file(const char *path, struct problems *pb);
void cf_check_names(const char *path, dictionary *d, const struct scan *sc, struct problems *pb);

#endif
