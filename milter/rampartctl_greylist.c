/*
 * rampartctl_greylist - "rampartctl greylist ...": list, show, allow,
 * delete, purge and stats on the greylist database, also while the daemon
 * runs (LMDB: readers never block the writer; reads use a read-only
 * environment, every transaction is short). Single-threaded.
 *
 * Entries are named by their ID: the hex SHA-256 key; list prints its first
 * 16 digits and any unique prefix of 8 or more digits is accepted.
 * Returns CTL_OK, CTL_USAGE or CTL_RUNTIME (see rampartctl.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>


#include "base/address.h"
#include "base/clock.h"
#include "greylist/greylist.h"
#include "greylist/store.h"
#include "base/netaddr.h"
#include "rampartctl.h"
#include "base/util.h"

#define ID_SHOW 16   /* hex digits printed by list */

void ctl_greylist_usage(FILE *out)
{
	fputs("  greylist list [--pending|--passed|--clients]\n"
	      "  greylist show CLIENT|ID\n"
	      "  greylist allow CLIENT [SENDER RECIPIENT]\n"
	      "  greylist delete CLIENT [SENDER RECIPIENT] | ID\n"
	      "  greylist purge [--dry-run]\n"
	      "  greylist stats\n"
	      "  CLIENT: an address, a CIDR within one [greylist] netmask, or spf:DOMAIN\n", out);
}

static struct grey_store *open_db(struct ctl *c, bool write)
{
	struct grey_store_options o = { .read_only = !write, .create = false };
	char err[GREY_STORE_ERRLEN];
	struct grey_store *db = greystore_open(GREY_STORE_DEFAULT, c->db_path, &o, err, sizeof err);

	if (!db)
		ctl_error("%s", err);
	return db;
}

static void hex(const unsigned char *h, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[h[i] >> 4];
		out[2 * i + 1] = d[h[i] & 15];
	}
	out[2 * n] = '\0';
}

/* "0123abcd..." -> bytes; even length 8..64. Returns the byte count or 0. */
static size_t parse_id(const char *s, unsigned char *out)
{
	size_t n = strlen(s);

	if (n < 8 || n > 2 * GREY_HASH_LEN || n % 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		sscanf(s + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
	return n / 2;
}

static void fmt_time(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0 || !gmtime_r(&tt, &tm))
		rp_strlcpy(buf, "-", size);
	else
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Client argument -> client part. 0, or -1 with the message printed. */
static int parse_client(const struct ctl *c, const char *arg, char *out, size_t size)
{
	const struct rp_config *cfg = c->cfg;
	struct rp_netaddr a;
	struct rp_cidr cidr;
	unsigned need;

	if (strncmp(arg, "spf:", 4) == 0) {
		const char *d = arg + 4;
		bool ok = *d != '\0' && strlen(d) <= RP_DOMAIN_MAX;
		for (const char *p = d; ok && *p; p++)
			ok = isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_';
		if (ok)
			return greylist_client_part(NULL, 0, 0, d, out, size);
	} else if (netaddr_parse(arg, &a) == 0) {
		return greylist_client_part(&a, cfg->greylist.netmask4, cfg->greylist.netmask6,
			NULL, out, size);
	} else if (cidr_parse(arg, &cidr) == 0) {
		need = cidr.net.family == AF_INET ? cfg->greylist.netmask4 : cfg->greylist.netmask6;
		if (cidr.prefix < need) {
			ctl_error("greylist: client %s is wider than the /%u [greylist] netmask%s: "
				"entries are kept per /%u network; give one address or a /%u in it",
				arg, need, cidr.net.family == AF_INET ? "4" : "6", need, need);
			return -1;
		}
		return greylist_client_part(&cidr.net, cfg->greylist.netmask4,
			cfg->greylist.netmask6, NULL, out, size);
	}
	const char *slash = strchr(arg, '/');
	char host[RP_ADDRSTRLEN + 1];
	if (slash && (size_t)(slash - arg) < sizeof host) {
		memcpy(host, arg, (size_t)(slash - arg));
		host[slash - arg] = '\0';
		if (netaddr_parse(host, &a) == 0) {
			need = a.family == AF_INET ? cfg->greylist.netmask4 : cfg->greylist.netmask6;
			ctl_error("greylist: client %s: the address has bits set below the /%s prefix; "
				"entries are kept per /%u network ([greylist] netmask%s): give one "
				"address or its /%u", arg, slash + 1, need,
				a.family == AF_INET ? "4" : "6", need);
			return -1;
		}
	}
	ctl_error("greylist: invalid client \"%s\" (expected an address, a CIDR or spf:DOMAIN)", arg);
	return -1;
}

static const char *shown(const char *s, char *buf, size_t size)
{
	if (!*s)
		return "<>";
	rp_printable(buf, size, s);
	for (char *p = buf; *p; p++)
		if (*p == ' ')
			*p = '?';   /* keep one field per word */
	return buf;
}

static bool client_allowed(const struct ctl *c, const struct grey_record *r)
{
	return (r->flags & GREY_F_MANUAL) ||
		(c->cfg->greylist.auto_allow_clients &&
		 r->count >= c->cfg->greylist.auto_allow_clients);
}

static void print_entry(const struct ctl *c, const unsigned char *hash,
	const struct grey_record *r, bool full_id)
{
	char id[2 * GREY_HASH_LEN + 1], t1[32], t2[32], t3[32];
	char cl[GREY_CLIENT_MAX], s[GREY_ADDR_MAX], rc[GREY_ADDR_MAX];

	hex(hash, GREY_HASH_LEN, id);
	if (!full_id)
		id[ID_SHOW] = '\0';
	if (!r) {
		printf("%s unreadable (another record version)\n", id);
		return;
	}
	fmt_time(r->first_seen, t1, sizeof t1);
	fmt_time(r->last_seen, t2, sizeof t2);
	fmt_time(r->pass_time, t3, sizeof t3);
	switch (r->state) {
	case GREY_ST_PENDING:
		/* a retry is accepted from first + delay until first + retry_window */
		fmt_time(r->first_seen + (int64_t)c->cfg->greylist.delay, t3, sizeof t3);
		printf("%s pending %s %s %s first=%s last=%s attempts=%u accept=%s\n", id,
			shown(r->client, cl, sizeof cl), shown(r->sender, s, sizeof s),
			shown(r->rcpt, rc, sizeof rc), t1, t2, (unsigned)r->count, t3);
		break;
	case GREY_ST_PASSED:
		printf("%s passed %s %s %s first=%s passed=%s last=%s\n", id,
			shown(r->client, cl, sizeof cl), shown(r->sender, s, sizeof s),
			shown(r->rcpt, rc, sizeof rc), t1, t3, t2);
		break;
	default:
		printf("%s client %s passes=%u last=%s %s\n", id, shown(r->client, cl, sizeof cl),
			(unsigned)r->count, t2,
			(r->flags & GREY_F_MANUAL) ? "manual" :
			client_allowed(c, r) ? "allowed" : "counting");
		break;
	}
}

struct walk_arg {
	const struct ctl *c;
	int want_state;          /* 0: any */
	const char *client;      /* show: only this client part */
	unsigned long n[4], unreadable, allowed;
};

static int walk_print(const unsigned char *hash, const struct grey_record *r, void *arg)
{
	struct walk_arg *w = arg;

	if (r && w->want_state && r->state != w->want_state)
		return 0;
	if (w->client && (!r || strcmp(r->client, w->client) != 0))
		return 0;
	print_entry(w->c, hash, r, false);
	return 0;
}

static int walk_count(const unsigned char *hash, const struct grey_record *r, void *arg)
{
	struct walk_arg *w = arg;

	(void)hash;
	if (!r)
		w->unreadable++;
	else {
		w->n[r->state & 3]++;
		if (r->state == GREY_ST_CLIENT && client_allowed(w->c, r))
			w->allowed++;
	}
	return 0;
}

static int walk_error(struct grey_store *db, int rc)
{
	ctl_error("%s: %s", greystore_target(db), greystore_strerror(db, rc));
	return CTL_RUNTIME;
}

static int cmd_list(struct ctl *c, int argc, char **argv)
{
	struct walk_arg w = { .c = c };
	bool trip = true, cli = true;
	struct grey_store *db;
	int rc;

	if (argc > 1) {
		ctl_error("greylist list: too many arguments");
		return CTL_USAGE;
	}
	if (argc == 1) {
		if (strcmp(argv[0], "--pending") == 0)
			w.want_state = GREY_ST_PENDING, cli = false;
		else if (strcmp(argv[0], "--passed") == 0)
			w.want_state = GREY_ST_PASSED, cli = false;
		else if (strcmp(argv[0], "--clients") == 0)
			trip = false;
		else {
			ctl_error("greylist list: unknown option \"%s\" (expected --pending, --passed or --clients)",
				argv[0]);
			return CTL_USAGE;
		}
	}
	if (!(db = open_db(c, false)))
		return CTL_RUNTIME;
	rc = trip ? greystore_walk(db, GREY_TAB_TRIPLETS, walk_print, &w) : 0;
	if (rc == 0 && cli)
		rc = greystore_walk(db, GREY_TAB_CLIENTS, walk_print, &w);
	rc = rc ? walk_error(db, rc) : CTL_OK;
	greystore_close(db);
	return rc;
}

/* Triplet or client entry by ID prefix: 0 found, else an error printed. */
static int find_id(struct grey_store *db, const char *arg, unsigned char *hash,
	struct grey_record *r, enum grey_table *tb)
{
	unsigned char prefix[GREY_HASH_LEN];
	size_t n = parse_id(arg, prefix);
	int rc;

	rc = greystore_find_prefix(db, GREY_TAB_TRIPLETS, prefix, n, hash, r);
	*tb = GREY_TAB_TRIPLETS;
	if (rc == GREY_STORE_NOTFOUND) {
		rc = greystore_find_prefix(db, GREY_TAB_CLIENTS, prefix, n, hash, r);
		*tb = GREY_TAB_CLIENTS;
	}
	if (rc == GREY_STORE_NOTFOUND)
		ctl_error("greylist: no entry with ID %s", arg);
	else if (rc == GREY_STORE_AMBIGUOUS)
		ctl_error("greylist: ID %s is ambiguous; give more digits", arg);
	else if (rc)
		ctl_error("%s: %s", greystore_target(db), greystore_strerror(db, rc));
	return rc;
}

static bool looks_like_id(const char *s)
{
	unsigned char b[GREY_HASH_LEN];
	return parse_id(s, b) != 0;
}

static int cmd_show(struct ctl *c, int argc, char **argv)
{
	unsigned char hash[GREY_HASH_LEN];
	struct grey_record r;
	enum grey_table tb;
	struct grey_store *db;
	char cp[GREY_CLIENT_MAX];
	int rc = CTL_OK;

	if (argc != 1) {
		ctl_error("greylist show: expected one CLIENT or ID");
		return CTL_USAGE;
	}
	if (looks_like_id(argv[0])) {
		if (!(db = open_db(c, false)))
			return CTL_RUNTIME;
		if (find_id(db, argv[0], hash, &r, &tb) == 0)
			print_entry(c, hash, &r, true);
		else
			rc = CTL_RUNTIME;
		greystore_close(db);
		return rc;
	}
	if (parse_client(c, argv[0], cp, sizeof cp) < 0)
		return CTL_USAGE;
	if (!(db = open_db(c, false)))
		return CTL_RUNTIME;
	struct walk_arg w = { .c = c, .client = cp };
	struct grey_key k;
	greylist_key_from_parts(cp, "", "", &k);
	int g = greystore_get(db, GREY_TAB_CLIENTS, k.client_hash, &r);
	if (g == 0)
		print_entry(c, k.client_hash, &r, false);
	else if (g != GREY_STORE_NOTFOUND)
		rc = walk_error(db, g);
	if (rc == CTL_OK && (g = greystore_walk(db, GREY_TAB_TRIPLETS, walk_print, &w)) != 0)
		rc = walk_error(db, g);
	greystore_close(db);
	return rc;
}

static int cmd_allow(struct ctl *c, int argc, char **argv)
{
	char cp[GREY_CLIENT_MAX], s[GREY_ADDR_MAX], rc_[GREY_ADDR_MAX];
	struct grey_record r;
	struct grey_key k;
	struct grey_store *db;
	time_t now = clock_now();
	int rc;

	if (argc != 1 && argc != 3) {
		ctl_error("greylist allow: expected CLIENT or CLIENT SENDER RECIPIENT");
		return CTL_USAGE;
	}
	if (parse_client(c, argv[0], cp, sizeof cp) < 0)
		return CTL_USAGE;
	if (argc == 3) {
		greylist_normalize_sender(argv[1], s, sizeof s);
		greylist_normalize_rcpt(argv[2], rc_, sizeof rc_);
		if (!*rc_) {
			ctl_error("greylist allow: empty recipient");
			return CTL_USAGE;
		}
	}
	if (!(db = open_db(c, true)))
		return CTL_RUNTIME;
	if (argc == 1) {
		greylist_key_from_parts(cp, "", "", &k);
		rc = greystore_get(db, GREY_TAB_CLIENTS, k.client_hash, &r);
		if (rc != 0) {
			memset(&r, 0, sizeof r);
			r.first_seen = now;
			rp_strlcpy(r.client, cp, sizeof r.client);
		}
		r.state = GREY_ST_CLIENT;
		r.flags |= GREY_F_MANUAL;
		r.last_seen = now;
		rc = greystore_put(db, GREY_TAB_CLIENTS, k.client_hash, &r);
	} else {
		greylist_key_from_parts(cp, s, rc_, &k);
		rc = greystore_get(db, GREY_TAB_TRIPLETS, k.triplet_hash, &r);
		if (rc != 0) {
			memset(&r, 0, sizeof r);
			r.first_seen = now;
			rp_strlcpy(r.client, k.client, sizeof r.client);
			rp_strlcpy(r.sender, k.sender, sizeof r.sender);
			rp_strlcpy(r.rcpt, k.rcpt, sizeof r.rcpt);
		}
		if (r.state != GREY_ST_PASSED)
			r.pass_time = now;
		r.state = GREY_ST_PASSED;
		r.last_seen = now;
		rc = greystore_put(db, GREY_TAB_TRIPLETS, k.triplet_hash, &r);
	}
	if (rc) {
		rc = walk_error(db, rc);
	} else {
		print_entry(c, argc == 1 ? k.client_hash : k.triplet_hash, &r, false);
		rc = CTL_OK;
	}
	greystore_close(db);
	return rc;
}

static int cmd_delete(struct ctl *c, int argc, char **argv)
{
	char cp[GREY_CLIENT_MAX], s[GREY_ADDR_MAX], rcpt[GREY_ADDR_MAX];
	unsigned char hash[GREY_HASH_LEN];
	struct grey_record r;
	enum grey_table tb;
	struct grey_key k;
	struct grey_store *db;
	int rc;

	if (argc != 1 && argc != 3) {
		ctl_error("greylist delete: expected CLIENT, CLIENT SENDER RECIPIENT, or ID");
		return CTL_USAGE;
	}
	bool by_id = argc == 1 && looks_like_id(argv[0]);
	if (!by_id && parse_client(c, argv[0], cp, sizeof cp) < 0)
		return CTL_USAGE;
	if (!(db = open_db(c, true)))
		return CTL_RUNTIME;
	if (by_id) {
		if (find_id(db, argv[0], hash, &r, &tb) != 0) {
			greystore_close(db);
			return CTL_RUNTIME;
		}
	} else if (argc == 1) {
		greylist_key_from_parts(cp, "", "", &k);
		memcpy(hash, k.client_hash, GREY_HASH_LEN);
		tb = GREY_TAB_CLIENTS;
	} else {
		greylist_normalize_sender(argv[1], s, sizeof s);
		greylist_normalize_rcpt(argv[2], rcpt, sizeof rcpt);
		greylist_key_from_parts(cp, s, rcpt, &k);
		memcpy(hash, k.triplet_hash, GREY_HASH_LEN);
		tb = GREY_TAB_TRIPLETS;
	}
	rc = greystore_delete(db, tb, hash);
	if (rc == GREY_STORE_NOTFOUND) {
		ctl_error("greylist delete: no such entry");
		rc = CTL_RUNTIME;
	} else if (rc) {
		rc = walk_error(db, rc);
	} else {
		char id[2 * GREY_HASH_LEN + 1];
		hex(hash, GREY_HASH_LEN, id);
		id[ID_SHOW] = '\0';
		printf("deleted %s\n", id);
		rc = CTL_OK;
	}
	greystore_close(db);
	return rc;
}

struct expiry_arg {
	const struct grey_params *p;
	time_t now;
	unsigned long examined, expired;
};

static int walk_expired(const unsigned char *hash, const struct grey_record *r, void *arg)
{
	struct expiry_arg *e = arg;
	(void)hash;
	e->examined++;
	if (!r || greylist_expired(e->p, e->now, r))
		e->expired++;
	return 0;
}

static int cmd_purge(struct ctl *c, int argc, char **argv)
{
	struct grey_sweep_stats st = { 0 };
	struct grey_params p;
	struct grey_store *db;
	bool dry = false;
	int rc;

	if (argc == 1 && strcmp(argv[0], "--dry-run") == 0) {
		dry = true;
	} else if (argc != 0) {
		ctl_error("greylist purge: expected nothing or --dry-run");
		return CTL_USAGE;
	}
	if (!(db = open_db(c, !dry)))
		return CTL_RUNTIME;
	greylist_params_from_config(&c->cfg->greylist, &p);
	if (dry) {
		struct expiry_arg e = { .p = &p, .now = clock_now() };
		rc = greystore_walk(db, GREY_TAB_TRIPLETS, walk_expired, &e);
		if (rc == 0)
			rc = greystore_walk(db, GREY_TAB_CLIENTS, walk_expired, &e);
		if (rc)
			rc = walk_error(db, rc);
		else
			printf("would purge %lu of %lu entries (dry run: nothing deleted)\n",
				e.expired, e.examined);
		greystore_close(db);
		return rc;
	}
	rc = greystore_purge(db, &p, clock_now(), &st);
	if (rc)
		rc = walk_error(db, rc);
	else
		printf("purged %lu of %lu entries\n", st.deleted, st.examined);
	greystore_close(db);
	return rc;
}

static int cmd_stats(struct ctl *c, int argc, char **argv)
{
	struct walk_arg w = { .c = c };
	struct grey_store_stats st;
	struct grey_store *db;
	int rc;

	(void)argv;
	if (argc != 0) {
		ctl_error("greylist stats: no arguments expected");
		return CTL_USAGE;
	}
	if (!(db = open_db(c, false)))
		return CTL_RUNTIME;
	rc = greystore_walk(db, GREY_TAB_TRIPLETS, walk_count, &w);
	if (rc == 0)
		rc = greystore_walk(db, GREY_TAB_CLIENTS, walk_count, &w);
	if (rc == 0)
		rc = greystore_stat(db, &st);
	if (rc) {
		rc = walk_error(db, rc);
	} else {
		char path[1024];
		rp_printable(path, sizeof path, greystore_target(db));
		printf("database: %s\n", path);
		printf("pending: %lu\n", w.n[GREY_ST_PENDING]);
		printf("passed: %lu\n", w.n[GREY_ST_PASSED]);
		printf("clients: %lu\n", w.n[GREY_ST_CLIENT]);
		printf("allowed clients: %lu\n", w.allowed);
		printf("unreadable: %lu\n", w.unreadable);
		for (unsigned i = 0; i < st.nfacts; i++)
			printf("%s: %s\n", st.facts[i].name, st.facts[i].value);
		rc = CTL_OK;
	}
	greystore_close(db);
	return rc;
}

int ctl_greylist(struct ctl *c, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(struct ctl *c, int argc, char **argv);
	} sub[] = {
		{ "list", cmd_list }, { "show", cmd_show }, { "allow", cmd_allow },
		{ "delete", cmd_delete }, { "purge", cmd_purge }, { "stats", cmd_stats },
	};

	if (argc < 1) {
		ctl_error("greylist: expected a command: list, show, allow, delete, purge, stats");
		return CTL_USAGE;
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(sub); i++)
		if (strcmp(argv[0], sub[i].name) == 0)
			return sub[i].run(c, argc - 1, argv + 1);
	ctl_error("greylist: unknown command \"%s\" (expected list, show, allow, delete, purge, stats)",
		argv[0]);
	return CTL_USAGE;
}
