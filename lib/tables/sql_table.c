/*
 * sql_table - SQL lookup tables through libmariadb ("sql" backend of the
 * table seam, see table.h; the settings are [sql], struct rp_sql_conf in
 * sql.h). The only file that includes <mysql.h>.
 *
 * A table holds the queries, the TTLs and on_error, and shares a pool: the
 * connection settings (hosts, user, password, dbname, timeout,
 * connections), a few MYSQL handles each used by one thread at a time
 * (mutex + condvar; a thread waits for a free handle no longer than the
 * question's deadline), the up/down state with its reconnect backoff, and
 * the answer cache (keyed by query template and key, so a changed query
 * never sees another's answers). Pools live in a registry: a table opened
 * with the same connection settings (a reload that did not change them)
 * takes the running pool, connections and cache included.
 *
 * A question asks the keys of sql_keys_make in order; the first row
 * decides (its first column, parsed by access_answer_parse as the access
 * file's actions are); DUNNO ends the search with no decision, as in
 * Postfix access(5). A server that is down, slow or answers nonsense gives
 * on_error: continue (no decision) or defer (RP_TABLE_TEMP), one log line
 * when the state changes (down, up again), and a backoff of 1s doubling
 * to 30s before the next connection attempt.
 *
 * Threads: lookups from any thread; open/reload/close from the thread
 * that builds or frees the snapshot (the registry has its own lock).
 */
#include "tables/table.h"

#include <errno.h>
#include <mysql.h>
#include <errmsg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "tables/access.h"
#include "tables/sql.h"

#define CACHE_MAX 50000
#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define QUERY_MAX 4096
#define ANSWER_MAX 4096

struct slot {
	MYSQL *db;                       /* NULL: not connected */
	bool busy;
};

struct pool {
	struct pool *next;               /* the registry */
	int refs;                        /* under reg_lock */
	char *ident;                     /* the connection settings, as text */
	struct sql_host *hosts;
	size_t nhosts;
	char *user, *password, *dbname;
	unsigned timeout;                /* seconds */

	pthread_mutex_t lock;            /* slots, state */
	pthread_cond_t freed;            /* a slot became free */
	struct slot *slots;
	size_t nslots;
	bool down;
	uint64_t retry_at;               /* no connection attempt before */
	unsigned backoff_ms;
	struct sql_cache *cache;
};

struct sql_table {
	struct pool *pool;
	char *query[4];
	unsigned cache_ttl, negative_ttl, timeout;
	int on_error;
	char label[300];
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pool *registry;
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
	/* not thread-safe inside mysql_init: once, before any handle */
	mysql_library_init(0, NULL, NULL);
}

static const char *const kind_names[] = { "client", "helo", "sender", "recipient" };

/* ------------------------------------------------------------------ */
/* the pool                                                            */

static void pool_free(struct pool *p)
{
	for (size_t i = 0; i < p->nslots; i++)
		if (p->slots[i].db)
			mysql_close(p->slots[i].db);
	free(p->slots);
	sql_cache_free(p->cache);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	free(p->hosts);
	free(p->user);
	free(p->password);
	free(p->dbname);
	free(p->ident);
	free(p);
}

static void ident_add(char **s, size_t *len, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	*s = xrealloc(*s, *len + n + 2);
	if (n)
		memcpy(*s + *len, v, n);
	(*s)[*len + n] = '\x01';
	(*s)[*len + n + 1] = '\0';
	*len += n + 1;
}

static char *pool_ident(const struct rp_sql_conf *c, const char *password)
{
	char *s = xstrdup(""), num[32];
	size_t len = 0;
	for (size_t i = 0; i < c->hosts.n; i++)
		ident_add(&s, &len, c->hosts.v[i]);
	ident_add(&s, &len, c->user);
	ident_add(&s, &len, password);
	ident_add(&s, &len, c->dbname);
	snprintf(num, sizeof num, "%u/%u", c->timeout, c->connections);
	ident_add(&s, &len, num);
	return s;
}

/* The registry's pool for these settings, or a new one; one reference. */
static struct pool *pool_get(const struct rp_sql_conf *c, const char *password)
{
	char *ident = pool_ident(c, password);
	struct pool *p;
	pthread_condattr_t ca;

	pthread_mutex_lock(&reg_lock);
	for (p = registry; p; p = p->next)
		if (strcmp(p->ident, ident) == 0) {
			p->refs++;
			pthread_mutex_unlock(&reg_lock);
			free(ident);
			return p;
		}
	p = xcalloc(1, sizeof *p);
	p->refs = 1;
	p->ident = ident;
	p->nhosts = c->hosts.n;
	p->hosts = xcalloc(p->nhosts, sizeof *p->hosts);
	for (size_t i = 0; i < p->nhosts; i++)
		sql_host_parse(c->hosts.v[i], &p->hosts[i]);    /* checked by the config */
	p->user = c->user ? xstrdup(c->user) : NULL;
	p->password = password ? xstrdup(password) : NULL;
	p->dbname = c->dbname ? xstrdup(c->dbname) : NULL;
	p->timeout = c->timeout ? c->timeout : 1;
	p->nslots = c->connections ? c->connections : 1;
	p->slots = xcalloc(p->nslots, sizeof *p->slots);
	p->cache = sql_cache_new(CACHE_MAX);
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->freed, &ca);
	pthread_condattr_destroy(&ca);
	p->next = registry;
	registry = p;
	pthread_mutex_unlock(&reg_lock);
	return p;
}

static void pool_put(struct pool *p)
{
	bool last;
	pthread_mutex_lock(&reg_lock);
	last = --p->refs == 0;
	if (last)
		for (struct pool **pp = &registry; *pp; pp = &(*pp)->next)
			if (*pp == p) {
				*pp = p->next;
				break;
			}
	pthread_mutex_unlock(&reg_lock);
	if (last)
		pool_free(p);
}

/* A free slot by deadline (mono ms; 0: wait as long as it takes), or NULL. */
static struct slot *slot_take(struct pool *p, uint64_t deadline)
{
	struct slot *s = NULL;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (size_t i = 0; i < p->nslots; i++)
			if (!p->slots[i].busy) {
				s = &p->slots[i];
				s->busy = true;
				break;
			}
		if (s)
			break;
		if (deadline) {
			uint64_t now = clock_mono_ms();
			struct timespec ts;
			if (now >= deadline)
				break;
			/* the condvar runs on CLOCK_MONOTONIC, clock_mono_ms
			 * may be a test's fake: wait the difference */
			clock_gettime(CLOCK_MONOTONIC, &ts);
			uint64_t wait = deadline - now;
			ts.tv_sec += (time_t)(wait / 1000);
			ts.tv_nsec += (long)(wait % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&p->freed, &p->lock, &ts);
		} else {
			pthread_cond_wait(&p->freed, &p->lock);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return s;
}

static void slot_give(struct pool *p, struct slot *s)
{
	pthread_mutex_lock(&p->lock);
	s->busy = false;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/* The state changes, logged once each. why NULL: up. */
static void pool_state(struct pool *p, const char *label, const char *why, bool connect_failed)
{
	char safe[300];
	bool was;

	pthread_mutex_lock(&p->lock);
	was = p->down;
	p->down = why != NULL;
	if (!why) {
		p->backoff_ms = 0;
		p->retry_at = 0;
	} else if (connect_failed) {
		p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : BACKOFF_MIN_MS;
		if (p->backoff_ms > BACKOFF_MAX_MS)
			p->backoff_ms = BACKOFF_MAX_MS;
		p->retry_at = clock_mono_ms() + p->backoff_ms;
	}
	pthread_mutex_unlock(&p->lock);
	if (why && !was) {
		rp_printable(safe, sizeof safe, why);
		log_msg(RP_LOG_WARNING, "%s: database unavailable: %s", label, safe);
	} else if (!why && was) {
		log_msg(RP_LOG_NOTICE, "%s: database available again", label);
	}
}

static bool pool_backing_off(struct pool *p)
{
	bool off;
	pthread_mutex_lock(&p->lock);
	off = p->retry_at && clock_mono_ms() < p->retry_at;
	pthread_mutex_unlock(&p->lock);
	return off;
}

/* Connect s to the first host that answers. 0, or -1 with why. */
static int slot_connect(struct pool *p, struct slot *s, char *why, size_t whysize)
{
	unsigned t = p->timeout;
	why[0] = '\0';
	for (size_t i = 0; i < p->nhosts; i++) {
		const struct sql_host *h = &p->hosts[i];
		MYSQL *db = mysql_init(NULL);
		unsigned proto = h->socket[0] ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
		my_bool no = 0;
		if (!db) {
			snprintf(why, whysize, "out of memory");
			return -1;
		}
		mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &t);
		mysql_options(db, MYSQL_OPT_READ_TIMEOUT, &t);
		mysql_options(db, MYSQL_OPT_WRITE_TIMEOUT, &t);
		mysql_options(db, MYSQL_OPT_PROTOCOL, &proto);
		mysql_options(db, MYSQL_OPT_RECONNECT, &no);
		mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
		if (mysql_real_connect(db, h->socket[0] ? "localhost" : h->host, p->user,
			    p->password, p->dbname, h->port, h->socket[0] ? h->socket : NULL, 0)) {
			s->db = db;
			return 0;
		}
		size_t len = strlen(why);
		if (h->socket[0])
			snprintf(why + len, whysize - len, "%sunix:%s: %s", len ? "; " : "", h->socket,
				mysql_error(db));
		else
			snprintf(why + len, whysize - len, "%s%s:%u: %s", len ? "; " : "", h->host,
				h->port ? h->port : 3306, mysql_error(db));
		mysql_close(db);
	}
	return -1;
}

static size_t escape(void *arg, char *dst, const char *src, size_t n)
{
	return (size_t)mysql_real_escape_string(arg, dst, src, (unsigned long)n);
}

enum { Q_ROW, Q_NOROW, Q_SUPPRESSED, Q_ERROR, Q_LOST };

/* One query on a connected slot. Q_ROW fills answer. */
static int run_query(struct slot *s, const char *tmpl, const char *key, char *answer,
	size_t size, char *why, size_t whysize)
{
	char q[QUERY_MAX];
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc, e;

	if ((rc = sql_expand(tmpl, key, escape, s->db, q, sizeof q)) <= 0) {
		if (rc == 0)
			return Q_SUPPRESSED;
		snprintf(why, whysize, "query too long for key");
		return Q_ERROR;
	}
	if (mysql_real_query(s->db, q, strlen(q)) != 0 || !(res = mysql_store_result(s->db))) {
		e = (int)mysql_errno(s->db);
		snprintf(why, whysize, "%s", e ? mysql_error(s->db) : "the query returned no result set");
		return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONN_HOST_ERROR
			|| e == CR_CONNECTION_ERROR ? Q_LOST : Q_ERROR;
	}
	rc = Q_NOROW;
	if ((row = mysql_fetch_row(res)) != NULL && mysql_num_fields(res) > 0 && row[0]) {
		unsigned long *len = mysql_fetch_lengths(res);
		if (len && len[0] < size && memchr(row[0], '\0', len[0]) == NULL) {
			rp_strlcpy(answer, row[0], size);
			rc = Q_ROW;
		} else {
			snprintf(why, whysize, "answer too long or with a NUL byte");
			rc = Q_ERROR;
		}
	}
	mysql_free_result(res);
	return rc;
}

/*
 * Ask tmpl for key through the pool: Q_ROW (answer filled), Q_NOROW,
 * Q_SUPPRESSED, or Q_ERROR with why (the state change logged).
 */
static int ask(const struct sql_table *t, const char *tmpl, const char *key, uint64_t deadline,
	char *answer, size_t size, char *why, size_t whysize)
{
	struct pool *p = t->pool;
	struct slot *s;
	int rc = Q_ERROR;

	if (pool_backing_off(p)) {
		snprintf(why, whysize, "waiting to reconnect");
		return Q_ERROR;
	}
	if (!(s = slot_take(p, deadline))) {
		snprintf(why, whysize, "no free connection before the deadline");
		return Q_ERROR;
	}
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!s->db) {
			if (slot_connect(p, s, why, whysize) < 0) {
				pool_state(p, t->label, why, true);
				rc = Q_ERROR;
				break;
			}
		}
		uint64_t start = clock_mono_ms();
		rc = run_query(s, tmpl, key, answer, size, why, whysize);
		if (rc != Q_LOST)
			break;
		/* a connection the server dropped (a restart) fails at once:
		 * once more on a fresh one, time allowing; one that timed out
		 * (a slow server) is not asked twice */
		mysql_close(s->db);
		s->db = NULL;
		rc = Q_ERROR;
		if (clock_mono_ms() - start >= p->timeout * 1000ULL / 2
		    || (deadline && clock_mono_ms() >= deadline))
			break;
	}
	slot_give(p, s);
	if (rc == Q_ERROR)
		pool_state(p, t->label, why, false);
	else if (rc != Q_SUPPRESSED)
		pool_state(p, t->label, NULL, false);
	return rc;
}

/* ------------------------------------------------------------------ */
/* the backend                                                         */

static int sql_lookup(const void *impl, const struct rp_table_query *q,
	struct rp_access_result *res)
{
	const struct sql_table *t = impl;
	const char *tmpl = t->query[q->kind];
	struct sql_keys keys;
	char answer[ANSWER_MAX], why[300], ckey[SQL_KEY_MAX + QUERY_MAX + 2];
	uint64_t deadline = q->deadline;

	if (!tmpl)
		return RP_TABLE_NOTFOUND;
	sql_keys_make(q, &keys);
	for (size_t i = 0; i < keys.n; i++) {
		const char *key = keys.v[i];
		uint64_t now = clock_mono_ms();
		bool found = false;
		int rc;

		snprintf(ckey, sizeof ckey, "%s\x01%s", tmpl, key);
		if (sql_cache_get(t->pool->cache, ckey, now, &found, answer, sizeof answer)) {
			rc = found ? Q_ROW : Q_NOROW;
		} else {
			if (deadline && now >= deadline) {
				snprintf(why, sizeof why, "stage budget spent");
				rc = Q_ERROR;
			} else {
				rc = ask(t, tmpl, key, deadline, answer, sizeof answer, why, sizeof why);
			}
			if (rc == Q_ROW && t->cache_ttl)
				sql_cache_put(t->pool->cache, ckey, answer, now,
					clock_mono_ms() + t->cache_ttl * 1000ULL);
			else if (rc == Q_NOROW && t->negative_ttl)
				sql_cache_put(t->pool->cache, ckey, NULL, now,
					clock_mono_ms() + t->negative_ttl * 1000ULL);
		}
		if (rc == Q_NOROW || rc == Q_SUPPRESSED)
			continue;
		if (rc == Q_ROW) {
			char ek[80], ea[81];
			if (access_answer_parse(answer, res, res->textbuf, sizeof res->textbuf,
				    why, sizeof why) == 0) {
				if (res->act == RP_ACC_NONE)          /* DUNNO */
					return RP_TABLE_NOTFOUND;
				log_msg(RP_LOG_DEBUG, "%s: %s %s: %s", t->label, kind_names[q->kind],
					(rp_printable(ek, sizeof ek, key), ek),
					(rp_printable(ea, sizeof ea, answer), ea));
				return RP_TABLE_FOUND;
			}
			rp_printable(ek, sizeof ek, key);
			rp_printable(ea, sizeof ea, answer);
			log_msg(RP_LOG_WARNING, "%s: %s %s: bad answer \"%s\": %s", t->label,
				kind_names[q->kind], ek, ea, why);
		}
		/* an error: the configured result */
		memset(res, 0, sizeof *res);
		res->act = RP_ACC_NONE;
		return t->on_error == RP_SQL_ON_ERROR_DEFER ? RP_TABLE_TEMP : RP_TABLE_NOTFOUND;
	}
	return RP_TABLE_NOTFOUND;
}

/* The password of [sql] password_file: its first line. */
static char *read_password(const char *path, const char *label, struct rp_errlist *errs)
{
	struct stat st;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!(f = fopen(path, "r"))) {
		errlist_add(errs, "%s: [sql] password_file = %s: cannot open: %s", label, path,
			strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		errlist_add(errs, "%s: [sql] password_file = %s: expected a regular file", label, path);
		fclose(f);
		return NULL;
	}
	if (st.st_mode & S_IROTH) {
		errlist_add(errs, "%s: [sql] password_file = %s: readable by every user (mode %04o): "
			"expected a file only root and rampart's group can read (0600 or 0640)",
			label, path, (unsigned)(st.st_mode & 07777));
		fclose(f);
		return NULL;
	}
	n = getline(&line, &cap, f);
	fclose(f);
	if (n < 0) {
		free(line);
		return xstrdup("");
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

static void *sql_open(const char *spec, const void *settings, struct rp_errlist *errs)
{
	const struct rp_sql_conf *c = settings;
	struct sql_table *t;
	char *password = NULL;

	if (!c || !c->hosts.n) {
		errlist_add(errs, "%s: [sql] hosts is empty: expected host, host:port or unix:/path", spec);
		return NULL;
	}
	if (c->password && c->password_file) {
		errlist_add(errs, "%s: [sql] password and password_file are both set: expected one of them",
			spec);
		return NULL;
	}
	if (c->password_file && !(password = read_password(c->password_file, spec, errs)))
		return NULL;
	pthread_once(&lib_once, lib_init);
	t = xcalloc(1, sizeof *t);
	t->pool = pool_get(c, password ? password : c->password);
	if (password) {
		memset(password, 0, strlen(password));
		free(password);
	}
	for (int k = 0; k < 4; k++)
		t->query[k] = c->query[k] ? xstrdup(c->query[k]) : NULL;
	t->cache_ttl = c->cache_ttl;
	t->negative_ttl = c->negative_ttl;
	t->timeout = c->timeout;
	t->on_error = c->on_error;
	snprintf(t->label, sizeof t->label, "sql:%s", spec);
	return t;
}

static void *sql_reload(const void *impl, const char *spec, const void *settings,
	struct rp_errlist *errs)
{
	(void)impl;                      /* the registry shares the pool */
	return sql_open(spec, settings, errs);
}

static void sql_close(void *impl)
{
	struct sql_table *t = impl;
	if (!t)
		return;
	pool_put(t->pool);
	for (int k = 0; k < 4; k++)
		free(t->query[k]);
	free(t);
}

static int sql_probe(const void *impl, char *why, size_t whysize)
{
	const struct sql_table *t = impl;
	struct slot *s = slot_take(t->pool, clock_mono_ms() + t->timeout * 1000ULL + 1000);
	int rc = 0;

	if (!s) {
		snprintf(why, whysize, "no free connection");
		return -1;
	}
	if (!s->db && slot_connect(t->pool, s, why, whysize) < 0)
		rc = -1;
	slot_give(t->pool, s);
	return rc;
}

const struct rp_table_ops rp_table_sql_ops = {
	.name = "sql",
	.open = sql_open,
	.lookup = sql_lookup,
	.reload = sql_reload,
	.close = sql_close,
	.probe = sql_probe,
};
