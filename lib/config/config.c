/*
 * config - rampart.conf (SPEC §10): an immutable reference-counted
 * snapshot (see config.h) built from the key table (config_keys.c), the
 * value parsers (config_parse.c) and the file as config_read.c reads it.
 *
 * Owns each snapshot it builds. config_load may be called from any thread;
 * loads are serialised internally because iniparser's error callback is
 * process-global. A returned snapshot is never modified; config_ref and
 * config_unref are atomic and may be called from any thread.
 * config_load returns a snapshot with one reference, or NULL with every
 * problem in errs (one complete line each).
 */
#define _GNU_SOURCE
#include "config/config_int.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/hostname.h"
#include "base/util.h"
#include "dns/dns.h"
#include "greylist/whitelist.h"

#define RESOLV_CONF "/etc/resolv.conf"

/* ------------------------------------------------------------------ */
/* building, freeing, sharing                                          */

static void config_free(struct rp_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < cf_nkeys; i++)
		cf_field_free(&cf_keys[i], c);
	table_close(c->policy.access);
	table_close(c->policy.sql);
	whitelist_free(c->greylist.whitelist);
	free(c->path);
	free(c);
}

struct rp_config *config_ref(struct rp_config *c)
{
	if (c)
		__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

void config_unref(struct rp_config *c)
{
	if (c && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0)
		config_free(c);
}

/* A snapshot holding every default of the table (computed ones not yet). */
static struct rp_config *config_new(void)
{
	struct rp_config *c = xcalloc(1, sizeof *c);
	char form[512];
	c->refs = 1;
	for (size_t i = 0; i < cf_nkeys; i++)
		if (cf_key_set(&cf_keys[i], cf_keys[i].def, c, form, sizeof form) < 0) {
			fprintf(stderr, "rampart: bad built-in default [%s] %s = %s: %s\n",
				cf_keys[i].section, cf_keys[i].name, cf_keys[i].def, form);
			abort();
		}
	return c;
}

/* This host's name: the canonical name of gethostname(), else that name. */
static char *host_fqdn(void)
{
	char name[256];
	struct addrinfo hints, *res = NULL;
	char *out = NULL;

	if (gethostname(name, sizeof name) != 0 || !name[0])
		rp_strlcpy(name, "localhost", sizeof name);
	name[sizeof name - 1] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_CANONNAME;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) == 0 && res) {
		if (res->ai_canonname && strchr(res->ai_canonname, '.') && cf_name_valid(res->ai_canonname))
			out = xstrdup(res->ai_canonname);
		freeaddrinfo(res);
	}
	if (!out)
		out = xstrdup(cf_name_valid(name) ? name : "localhost");
	return out;
}

/* The nameserver lines of resolv.conf; 127.0.0.1 when there are none. */
static void resolv_nameservers(struct rp_strlist *l)
{
	FILE *f = fopen(RESOLV_CONF, "r");
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		char kw[16], addr[128];
		struct rp_netaddr na;
		/* The resolver takes RP_DNS_MAX_NS; the C library uses 3. */
		if (l->n < RP_DNS_MAX_NS
		    && sscanf(line, "%15s %127s", kw, addr) == 2 && strcmp(kw, "nameserver") == 0
		    && netaddr_parse(addr, &na) == 0) {
			char a[RP_ADDRSTRLEN];
			netaddr_format(&na, a, sizeof a);
			strlist_add(l, a);
		}
	}
	if (f)
		fclose(f);
	if (l->n == 0)
		strlist_add(l, "127.0.0.1");
}

/* Fill the computed defaults and the derived action entries. */
static void config_finish(struct rp_config *c)
{
	enum rp_action spf = RP_ACT_OFF;

	if (!c->milter.hostname)
		c->milter.hostname = host_fqdn();
	if (!c->spf.authserv_id)
		c->spf.authserv_id = xstrdup(c->milter.hostname);
	if (c->dns.nameservers.n == 0)
		resolv_nameservers(&c->dns.nameservers);
	c->spf.result[RP_SPF_PASS] = RP_ACT_OFF;
	for (int r = 0; r < RP_SPF__COUNT; r++)
		if (c->spf.result[r] > spf)
			spf = c->spf.result[r];
	c->action[RP_CHK_SPF] = spf;
	c->action[RP_CHK_ACCESS] = RP_ACT_REJECT;
	c->action[RP_CHK_GREYLIST] = c->greylist.mode == RP_GREY_OFF ? RP_ACT_OFF : RP_ACT_GREYLIST;
}

struct rp_config *config_defaults(void)
{
	struct rp_config *c = config_new();
	config_finish(c);
	return c;
}

/* iniparser on text less the given lines, through a memory file; NULL if
 * that cannot be had (its messages are dropped: each was reported). */
static dictionary *load_without(const char *text, const unsigned *lines, size_t n)
{
	struct rp_strlist msgs = { 0 };
	char *t = cf_blank_lines(text, lines, n), fdpath[64];
	size_t len = strlen(t), off = 0;
	dictionary *d = NULL;
	int fd = memfd_create("rampart-conf", MFD_CLOEXEC);

	while (fd >= 0 && off < len) {
		ssize_t w = write(fd, t + off, len - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (fd >= 0 && off == len) {
		snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);
		pthread_mutex_lock(&cf_ini_lock);
		cf_ini_msgs = &msgs;
		iniparser_set_error_callback(cf_ini_error);
		d = iniparser_load(fdpath);
		iniparser_set_error_callback(NULL);
		cf_ini_msgs = NULL;
		pthread_mutex_unlock(&cf_ini_lock);
	}
	if (fd >= 0)
		close(fd);
	strlist_free(&msgs);
	free(t);
	return d;
}

/* [sql]: queries want hosts, hosts want a query. */
static void sql_check(const struct rp_config *c, const char *path, const struct scan *sc,
	struct problems *pb)
{
	static const char *const qkeys[] = { "client_query", "helo_query", "sender_query",
		"recipient_query" };
	char where[512];
	bool any = false;

	for (int k = 0; k < 4; k++) {
		if (!c->sql.query[k])
			continue;
		any = true;
		/* a hosts line that did not parse was reported already */
		if (!c->sql.hosts.n && !cf_line_of(sc, "sql", "hosts")) {
			unsigned line = cf_line_of(sc, "sql", qkeys[k]);
			cf_where(where, sizeof where, path, line);
			cf_problem_add(pb, line, "%s [sql] %s is set but [sql] hosts is empty: expected "
				"the database's host, host:port or unix:/path in hosts", where, qkeys[k]);
		}
	}
	if (c->sql.hosts.n && !any) {
		unsigned line = cf_line_of(sc, "sql", "hosts");
		cf_where(where, sizeof where, path, line);
		cf_problem_add(pb, line, "%s [sql] hosts is set but no query is: expected at least one "
			"of client_query, helo_query, sender_query, recipient_query", where);
	}
}

struct rp_config *config_load(const char *path, struct rp_errlist *errs)
{
	struct problems pb = { 0 };
	struct scan sc = { 0 };
	struct rp_strlist msgs = { 0 };
	struct rp_config *c = NULL;
	dictionary *d = NULL;
	char *text;
	bool failed;
	struct rp_errlist own = { 0 };

	if (!errs)
		errs = &own;       /* the caller only wants the verdict */
	if (!path)
		path = RP_DEFAULT_CONFIG;
	text = cf_read_file(path, &pb);
	if (text) {
		cf_scan_text(path, text, &sc, &pb);
		pthread_mutex_lock(&cf_ini_lock);
		cf_ini_msgs = &msgs;
		iniparser_set_error_callback(cf_ini_error);
		d = iniparser_load(path);
		iniparser_set_error_callback(NULL);
		cf_ini_msgs = NULL;
		pthread_mutex_unlock(&cf_ini_lock);
		unsigned *bad = xcalloc(msgs.n + 1, sizeof *bad);
		size_t nbad = 0;
		for (size_t i = 0; i < msgs.n; i++) {
			unsigned line = cf_ini_problem(path, msgs.v[i], &sc, text, &pb);
			if (line)
				bad[nbad++] = line;
		}
		if (!d && msgs.n == 0)
			cf_problem_add(&pb, 0, "%s: cannot be read as an INI file", path);
		strlist_free(&msgs);
		/* Unreadable lines make iniparser refuse the whole file: read the
		 * rest without them, so that one run reports every problem. */
		if (!d && nbad)
			d = load_without(text, bad, nbad);
		free(bad);
	}
	if (d) {
		char form[512], where[512], ev[ECHO_MAX + 8], full[128];
		cf_check_names(path, d, &sc, &pb);
		c = config_new();
		c->path = xstrdup(path);
		for (size_t i = 0; i < cf_nkeys; i++) {
			const struct key *k = &cf_keys[i];
			snprintf(full, sizeof full, "%s:%s", k->section, k->name);
			const char *v = iniparser_getstring(d, full, NULL);
			if (!v)
				continue;
			char *val = cf_strip_dup(v, strlen(v), false);
			if (cf_key_set(k, val, c, form, sizeof form) < 0) {
				unsigned line = cf_line_of(&sc, k->section, k->name);
				cf_echo_value(ev, sizeof ev, val);
				cf_where(where, sizeof where, path, line);
				cf_problem_add(&pb, line, "%s [%s] %s = \"%s\": %s", where, k->section, k->name, ev, form);
			}
			free(val);
		}
		iniparser_freedict(d);
		config_finish(c);
		sql_check(c, path, &sc, &pb);
		if (c->greylist.retry_window <= c->greylist.delay) {
			unsigned line = cf_line_of(&sc, "greylist", "retry_window");
			cf_where(where, sizeof where, path, line);
			cf_problem_add(&pb, line, "%s [greylist] retry_window = %us: expected more than "
				"[greylist] delay (%us)", where, c->greylist.retry_window, c->greylist.delay);
		}
	}
	cf_scan_free(&sc);
	free(text);

	failed = pb.n > 0;
	if (pb.n)
		qsort(pb.v, pb.n, sizeof *pb.v, cf_problem_cmp);
	for (size_t i = 0; i < pb.n; i++) {
		errlist_add(errs, "%s", pb.v[i].msg);
		free(pb.v[i].msg);
	}
	free(pb.v);

	if (c && c->policy.access_file) {
		c->policy.access = table_open("file", c->policy.access_file, NULL, errs);
		if (!c->policy.access)
			failed = true;
	}
	if (c && !failed && c->sql.hosts.n) {
		char spec[400];
		snprintf(spec, sizeof spec, "%s/%s", c->sql.hosts.v[0], c->sql.dbname ? c->sql.dbname : "");
		c->policy.sql = table_open("sql", spec, &c->sql, errs);
		if (!c->policy.sql)
			failed = true;
	}
	if (c && (c->greylist.whitelist_clients.n || c->greylist.whitelist_recipients.n)) {
		c->greylist.whitelist = whitelist_new();
		for (size_t i = 0; i < c->greylist.whitelist_clients.n; i++)
			if (whitelist_load_file(c->greylist.whitelist, GREY_WL_CLIENTS,
				    c->greylist.whitelist_clients.v[i], errs))
				failed = true;
		for (size_t i = 0; i < c->greylist.whitelist_recipients.n; i++)
			if (whitelist_load_file(c->greylist.whitelist, GREY_WL_RECIPIENTS,
				    c->greylist.whitelist_recipients.v[i], errs))
				failed = true;
	}
	if (failed && c) {
		config_unref(c);
		c = NULL;
	}
	errlist_clear(&own);
	return c;
}

/* ------------------------------------------------------------------ */
/* dumping                                                             */

static void dump_value(FILE *out, const char *v)
{
	size_t n = strlen(v);
	bool quote = strpbrk(v, ";#\"'") || (n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])));
	if (!quote)
		fprintf(out, "%s", v);
	else if (!strchr(v, '"'))
		fprintf(out, "\"%s\"", v);
	else
		fprintf(out, "'%s'", v);
}

void config_dump(const struct rp_config *c, FILE *out)
{
	size_t size = 64 * 1024;
	char *buf = xmalloc(size);
	const char *section = NULL;

	fprintf(out, "# rampart effective configuration%s%s\n", c->path ? " of " : "",
		c->path ? c->path : "");
	for (size_t i = 0; i < cf_nkeys; i++) {
		const struct key *k = &cf_keys[i];
		if (!section || strcmp(section, k->section) != 0) {
			section = k->section;
			fprintf(out, "\n[%s]\n", section);
		}
		cf_key_format(k, c, buf, size);
		fprintf(out, "%s =%s", k->name, *buf ? " " : "");
		dump_value(out, buf);
		fputc('\n', out);
	}
	free(buf);
}

