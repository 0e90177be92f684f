/* store_lmdb - see store_lmdb.h; the sweeper and stats are in store_lmdb_sweep.c */
#define _GNU_SOURCE
#include "greylist/store_lmdb_int.h"

#include <errno.h>
#include <libgen.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"

#define GIB ((size_t)1 << 30)
#define MARKER_KEY "rampart-greylist-format"
#define WALK_CHUNK 1000
#define MAX_RETRIES 16

/* Open environments of this process (LMDB: never open one file twice). */
static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct greydb *reg[16];

static bool reg_has(dev_t dev, ino_t ino)
{
	bool found = false;
	pthread_mutex_lock(&reg_mu);
	for (size_t i = 0; i < RP_ARRAY_LEN(reg); i++)
		if (reg[i] && reg[i]->dev == dev && reg[i]->ino == ino)
			found = true;
	pthread_mutex_unlock(&reg_mu);
	return found;
}

static void reg_set(struct greydb *db, bool add)
{
	pthread_mutex_lock(&reg_mu);
	for (size_t i = 0; i < RP_ARRAY_LEN(reg); i++) {
		if (add && !reg[i]) {
			reg[i] = db;
			break;
		}
		if (!add && reg[i] == db)
			reg[i] = NULL;
	}
	pthread_mutex_unlock(&reg_mu);
}

const char *greydb_strerror(int rc)
{
	if (rc == GREYDB_AMBIGUOUS)
		return "ambiguous prefix";
	return mdb_strerror(rc);
}

const char *greydb_path(const struct greydb *db)
{
	return db ? db->path : "";
}

/* ---- records ---- */

size_t greyrec_encode(const struct grey_record *r, unsigned char *buf, size_t size)
{
	uint16_t lc = (uint16_t)strnlen(r->client, sizeof r->client - 1);
	uint16_t ls = (uint16_t)strnlen(r->sender, sizeof r->sender - 1);
	uint16_t lr = (uint16_t)strnlen(r->rcpt, sizeof r->rcpt - 1);
	size_t len = GREY_REC_HEADER + (size_t)lc + ls + lr;

	if (size < len)
		return 0;
	buf[0] = GREY_REC_VERSION;
	buf[1] = r->state;
	buf[2] = r->flags;
	buf[3] = 0;
	memcpy(buf + 4, &r->first_seen, 8);
	memcpy(buf + 12, &r->last_seen, 8);
	memcpy(buf + 20, &r->pass_time, 8);
	memcpy(buf + 28, &r->count, 4);
	memcpy(buf + 32, &lc, 2);
	memcpy(buf + 34, &ls, 2);
	memcpy(buf + 36, &lr, 2);
	memcpy(buf + GREY_REC_HEADER, r->client, lc);
	memcpy(buf + GREY_REC_HEADER + lc, r->sender, ls);
	memcpy(buf + GREY_REC_HEADER + lc + ls, r->rcpt, lr);
	return len;
}

int greyrec_decode(const void *data, size_t len, struct grey_record *r)
{
	const unsigned char *b = data;
	uint16_t lc, ls, lr;

	if (len < 1)
		return -1;
	if (b[0] != GREY_REC_VERSION)
		return -2;
	if (len < GREY_REC_HEADER)
		return -1;
	memset(r, 0, sizeof *r);
	r->state = b[1];
	r->flags = b[2];
	memcpy(&r->first_seen, b + 4, 8);
	memcpy(&r->last_seen, b + 12, 8);
	memcpy(&r->pass_time, b + 20, 8);
	memcpy(&r->count, b + 28, 4);
	memcpy(&lc, b + 32, 2);
	memcpy(&ls, b + 34, 2);
	memcpy(&lr, b + 36, 2);
	if (r->state < GREY_ST_PENDING || r->state > GREY_ST_CLIENT ||
	    lc >= sizeof r->client || ls >= sizeof r->sender || lr >= sizeof r->rcpt ||
	    (size_t)GREY_REC_HEADER + lc + ls + lr != len)
		return -1;
	memcpy(r->client, b + GREY_REC_HEADER, lc);
	memcpy(r->sender, b + GREY_REC_HEADER + lc, ls);
	memcpy(r->rcpt, b + GREY_REC_HEADER + lc + ls, lr);
	return 0;
}

/* ---- transactions under the resize lock ---- */

/* The real monotonic clock (reopen retries; clock_set_fake stops
 * clock_mono_ms, and a fake clock must not stop them). */
static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int greydb_txn_begin(struct greydb *db, unsigned flags, MDB_txn **t)
{
	unsigned long gen;
	int rc, dead;

	for (int tries = 0;; tries++) {
		pthread_rwlock_rdlock(&db->lock);
		gen = db->gen;
		if (!db->env) {
			/* A reopen failed: try again, at most once per interval. */
			bool again = mono_ms() >= db->retry_ms;
			rc = db->env_error ? db->env_error : EIO;
			pthread_rwlock_unlock(&db->lock);
			if (!again || tries >= 3 || (rc = greydb_reopen(db, gen, "retry")) != 0)
				return rc;
			continue;
		}
		rc = mdb_txn_begin(db->env, NULL, flags, t);
		if (rc == 0)
			return 0;
		pthread_rwlock_unlock(&db->lock);
		if (tries >= 3)
			return rc;
		if (rc == MDB_MAP_RESIZED) {
			/* Another process grew the map: adopt its size. */
			pthread_rwlock_wrlock(&db->lock);
			rc = db->env ? mdb_env_set_mapsize(db->env, 0) : 0;
			pthread_rwlock_unlock(&db->lock);
			if (rc)
				return rc;
		} else if (rc == MDB_READERS_FULL) {
			pthread_rwlock_rdlock(&db->lock);
			if (db->env)
				mdb_reader_check(db->env, &dead);
			pthread_rwlock_unlock(&db->lock);
		} else if (rc == MDB_PANIC) {
			/* A failed write left the environment unusable (LMDB
			 * refuses every transaction until it is closed): open
			 * the file again. Committed data is on the file. */
			if ((rc = greydb_reopen(db, gen, "environment unusable (MDB_PANIC)")) != 0)
				return rc;
		} else {
			return rc;
		}
	}
}

void greydb_txn_abort(struct greydb *db, MDB_txn *t)
{
	mdb_txn_abort(t);
	pthread_rwlock_unlock(&db->lock);
}

int greydb_txn_commit(struct greydb *db, MDB_txn *t)
{
	int rc = mdb_txn_commit(t);
	pthread_rwlock_unlock(&db->lock);
	if (rc == 0 && __atomic_load_n(&db->reopen_quiet, __ATOMIC_RELAXED))
		__atomic_store_n(&db->reopen_quiet, 0, __ATOMIC_RELAXED);
	return rc;
}

size_t greydb_map_size(struct greydb *db)
{
	MDB_envinfo i;
	mdb_env_info(db->env, &i);
	return i.me_mapsize;
}

/* Called with no transaction open in this thread: double the map unless
 * another thread already grew it past seen. */
int greydb_map_grow(struct greydb *db, size_t seen)
{
	int rc = 0;
	size_t cur, next;

	pthread_rwlock_wrlock(&db->lock);
	if (!db->env) {
		rc = db->env_error ? db->env_error : EIO;
		pthread_rwlock_unlock(&db->lock);
		return rc;
	}
	cur = greydb_map_size(db);
	if (cur <= seen) {
		if (cur >= db->map_max) {
			rc = MDB_MAP_FULL;
		} else {
			next = cur * 2 > db->map_max ? db->map_max : cur * 2;
			rc = mdb_env_set_mapsize(db->env, next);
			if (rc == 0) {
				__atomic_add_fetch(&db->grown, 1, __ATOMIC_RELAXED);
				log_msg(RP_LOG_INFO, "greylist: %s: map grown to %zu KiB",
					db->path, next >> 10);
			}
		}
	}
	pthread_rwlock_unlock(&db->lock);
	return rc;
}

/* ---- open / close ---- */

static void open_error(char *err, size_t errsize, const char *path, int rc, bool read_only)
{
	char dir[4096];
	struct stat st;

	switch (rc) {
	case ENOENT:
		rp_strlcpy(dir, path, sizeof dir);
		if (stat(dirname(dir), &st) != 0 && errno == ENOENT) {
			rp_strlcpy(dir, path, sizeof dir);
			snprintf(err, errsize, "%s: directory %s does not exist", path, dirname(dir));
		} else {
			snprintf(err, errsize, "%s: database does not exist", path);
		}
		break;
	case EACCES:
	case EPERM:
		snprintf(err, errsize, "%s: permission denied", path);
		break;
	case EROFS:
		snprintf(err, errsize, "%s: read-only file system", path);
		break;
	case MDB_INVALID:
		snprintf(err, errsize, "%s: not an LMDB database, or damaged", path);
		break;
	case MDB_VERSION_MISMATCH:
		snprintf(err, errsize, "%s: written by another LMDB version", path);
		break;
	default:
		snprintf(err, errsize, "%s: %s%s", path, mdb_strerror(rc),
			read_only ? " (read-only open)" : "");
		break;
	}
}

/* Open or create the two tables and check the format marker. */
static int open_tables(struct greydb *db, char *err, size_t errsize)
{
	MDB_txn *t;
	MDB_val k = { sizeof MARKER_KEY - 1, (void *)MARKER_KEY }, v;
	MDB_cursor *c;
	unsigned flags = db->read_only ? 0 : MDB_CREATE;
	unsigned char fmt = GREYDB_FORMAT;
	MDB_dbi main;
	int rc;

	rc = mdb_txn_begin(db->env, NULL, db->read_only ? MDB_RDONLY : 0, &t);
	if (rc) {
		open_error(err, errsize, db->path, rc, db->read_only);
		return -1;
	}
	rc = mdb_dbi_open(t, NULL, 0, &main);
	if (rc)
		goto lmdb_fail;
	rc = mdb_get(t, main, &k, &v);
	if (rc == MDB_NOTFOUND && !db->read_only) {
		/* A fresh file has nothing in its main database. */
		MDB_val ck, cv;
		rc = mdb_cursor_open(t, main, &c);
		if (rc == 0) {
			rc = mdb_cursor_get(c, &ck, &cv, MDB_FIRST);
			mdb_cursor_close(c);
		}
		if (rc != MDB_NOTFOUND) {
			snprintf(err, errsize, "%s: not a rampart greylist database", db->path);
			goto fail;
		}
		v.mv_size = 1;
		v.mv_data = &fmt;
		rc = mdb_put(t, main, &k, &v, 0);
		if (rc)
			goto lmdb_fail;
	} else if (rc == MDB_NOTFOUND) {
		snprintf(err, errsize, "%s: not a rampart greylist database", db->path);
		goto fail;
	} else if (rc) {
		goto lmdb_fail;
	} else if (v.mv_size != 1 || *(unsigned char *)v.mv_data != GREYDB_FORMAT) {
		snprintf(err, errsize, "%s: greylist format %u, expected %u", db->path,
			v.mv_size == 1 ? *(unsigned char *)v.mv_data : 0u, GREYDB_FORMAT);
		goto fail;
	}
	rc = mdb_dbi_open(t, "triplets", flags, &db->dbi[GREY_TAB_TRIPLETS]);
	if (rc == 0)
		rc = mdb_dbi_open(t, "clients", flags, &db->dbi[GREY_TAB_CLIENTS]);
	if (rc == MDB_NOTFOUND) {
		snprintf(err, errsize, "%s: not a rampart greylist database", db->path);
		goto fail;
	}
	if (rc)
		goto lmdb_fail;
	rc = mdb_txn_commit(t);   /* also for read-only: keeps the handles */
	if (rc) {
		open_error(err, errsize, db->path, rc, db->read_only);
		return -1;
	}
	return 0;
lmdb_fail:
	open_error(err, errsize, db->path, rc, db->read_only);
fail:
	mdb_txn_abort(t);
	return -1;
}

/* Create db->env from db->opt and open db->path in it, with the tables;
 * 0, or a code with one line in err (db->env NULL then). Called by open
 * and, under the write lock, by greydb_reopen. */
static int env_open(struct greydb *db, char *err, size_t errsize)
{
	const struct greydb_options *o = &db->opt;
	unsigned flags = MDB_NOSUBDIR | MDB_NOTLS;
	struct stat st;
	int rc, dead;

	if ((rc = mdb_env_create(&db->env)) != 0) {
		db->env = NULL;
		open_error(err, errsize, db->path, rc, o->read_only);
		return rc;
	}
	if ((rc = mdb_env_set_maxreaders(db->env, o->max_readers ? o->max_readers : 1024)) != 0 ||
	    (rc = mdb_env_set_maxdbs(db->env, 4)) != 0 ||
	    (rc = mdb_env_set_mapsize(db->env, o->map_size ? o->map_size : GIB)) != 0) {
		open_error(err, errsize, db->path, rc, o->read_only);
		goto fail;
	}
	if (o->read_only)
		flags |= MDB_RDONLY;
	else
		flags |= MDB_NOSYNC;
	rc = mdb_env_open(db->env, db->path, flags, 0660);
	if (rc) {
		open_error(err, errsize, db->path, rc, o->read_only);
		goto fail;
	}
	if (stat(db->path, &st) == 0) {
		pthread_mutex_lock(&reg_mu);
		db->dev = st.st_dev;
		db->ino = st.st_ino;
		pthread_mutex_unlock(&reg_mu);
	}
	mdb_reader_check(db->env, &dead);
	if (dead)
		log_msg(RP_LOG_NOTICE, "greylist: %s: cleared %d stale reader slot(s)", db->path,
			dead);
	if (open_tables(db, err, errsize) < 0) {
		rc = MDB_INCOMPATIBLE;
		goto fail;
	}
	return 0;
fail:
	mdb_env_close(db->env);
	db->env = NULL;
	return rc ? rc : EIO;
}

struct greydb *greydb_open(const char *path, const struct greydb_options *o, char *err,
	size_t errsize)
{
	struct greydb_options def = { .create = true };
	struct greydb *db;
	struct stat st;
	pthread_rwlockattr_t ra;
	pthread_condattr_t ca;

	if (!o)
		o = &def;
	if (!path || !*path) {
		snprintf(err, errsize, "greylist database: no path configured");
		return NULL;
	}
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errsize, "%s: is a directory", path);
			return NULL;
		}
		if (reg_has(st.st_dev, st.st_ino)) {
			snprintf(err, errsize, "%s: already open in this process", path);
			return NULL;
		}
	} else if (errno == ENOENT && !o->create) {
		open_error(err, errsize, path, ENOENT, o->read_only);
		return NULL;
	} else if (errno != ENOENT) {
		open_error(err, errsize, path, errno, o->read_only);
		return NULL;
	}

	db = xcalloc(1, sizeof *db);
	db->path = xstrdup(path);
	db->read_only = o->read_only;
	db->map_max = o->map_max ? o->map_max : 64 * GIB;
	db->opt = *o;
	if (env_open(db, err, errsize) != 0) {
		free(db->path);
		free(db);
		return NULL;
	}
	/* reopens create the file again only where the first open could */
	db->opt.create = db->opt.create && !db->read_only;

	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&db->lock, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&db->smu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&db->scond, &ca);
	pthread_condattr_destroy(&ca);
	reg_set(db, true);
	return db;
}

int greydb_reopen(struct greydb *db, unsigned long gen, const char *why)
{
	char err[GREYDB_ERRLEN];
	int rc;

	pthread_rwlock_wrlock(&db->lock);
	if (db->gen != gen) {
		/* another thread reopened (or tried) since the caller looked */
		rc = db->env ? 0 : (db->env_error ? db->env_error : EIO);
		pthread_rwlock_unlock(&db->lock);
		return rc;
	}
	db->gen++;
	if (db->env) {
		/* Close first: LMDB's locks are per process, and a second
		 * handle on the same lock file would lose them on close. */
		if (!db->read_only)
			mdb_env_sync(db->env, 1);
		mdb_env_close(db->env);
		db->env = NULL;
	}
	rc = env_open(db, err, sizeof err);
	if (rc == 0) {
		__atomic_add_fetch(&db->reopened, 1, __ATOMIC_RELAXED);
		enum rp_log_level lv = __atomic_exchange_n(&db->reopen_quiet, 1, __ATOMIC_RELAXED)
			? RP_LOG_DEBUG : RP_LOG_NOTICE;
		if (db->reopen_failing)
			log_msg(RP_LOG_NOTICE, "greylist: %s: database reopened", db->path);
		else
			log_msg(lv, "greylist: %s: %s; database reopened", db->path, why);
		db->reopen_failing = false;
		db->env_error = 0;
	} else {
		db->env_error = rc;
		db->retry_ms = mono_ms() + GREYDB_REOPEN_RETRY_MS;
		if (!db->reopen_failing)
			log_msg(RP_LOG_ERR, "greylist: %s: %s; cannot reopen: %s; retrying every %u s",
				db->path, why, err, GREYDB_REOPEN_RETRY_MS / 1000);
		db->reopen_failing = true;
	}
	pthread_rwlock_unlock(&db->lock);
	return rc;
}

void greydb_check_path(struct greydb *db)
{
	const char *why = NULL;
	struct stat st;
	unsigned long gen;
	dev_t dev;
	ino_t ino;
	bool open;

	pthread_rwlock_rdlock(&db->lock);
	gen = db->gen;
	open = db->env != NULL;
	pthread_mutex_lock(&reg_mu);
	dev = db->dev;
	ino = db->ino;
	pthread_mutex_unlock(&reg_mu);
	pthread_rwlock_unlock(&db->lock);
	if (!open || db->read_only)
		return;   /* a failed reopen is retried by greydb_txn_begin */
	if (stat(db->path, &st) != 0) {
		if (errno != ENOENT)
			return;
		why = "database file removed";
	} else if (st.st_dev != dev || st.st_ino != ino) {
		why = "database file replaced";
	}
	if (why)
		greydb_reopen(db, gen, why);
}

void greydb_free(struct greydb *db)
{
	if (!db)
		return;
	greydb_sweeper_stop(db);
	if (db->env && !db->read_only)
		mdb_env_sync(db->env, 1);
	reg_set(db, false);
	if (db->env)
		mdb_env_close(db->env);
	pthread_rwlock_destroy(&db->lock);
	pthread_mutex_destroy(&db->smu);
	pthread_cond_destroy(&db->scond);
	free(db->path);
	free(db);
}

/* ---- decisions ---- */

/* Read one record inside t: 1 found, 0 absent or of another version, <0 -rc. */
static int load(MDB_txn *t, MDB_dbi dbi, const unsigned char *hash, struct grey_record *r)
{
	MDB_val k = { GREY_HASH_LEN, (void *)hash }, v;
	int rc = mdb_get(t, dbi, &k, &v);

	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return rc > 0 ? -rc : rc;
	return greyrec_decode(v.mv_data, v.mv_size, r) == 0;
}

static int store(MDB_txn *t, MDB_dbi dbi, const unsigned char *hash,
	const struct grey_record *r)
{
	unsigned char buf[GREY_REC_MAX];
	MDB_val k = { GREY_HASH_LEN, (void *)hash }, v;

	v.mv_size = greyrec_encode(r, buf, sizeof buf);
	v.mv_data = buf;
	return mdb_put(t, dbi, &k, &v, 0);
}

static enum grey_result temp(struct greydb *db, struct grey_verdict *v, const char *what,
	int rc)
{
	v->result = GREY_TEMP;
	v->wait = v->delayed = 0;
	snprintf(v->error, sizeof v->error, "%s: %s: %s", db ? db->path : "greylist database",
		what, db ? mdb_strerror(rc) : "not open");
	return GREY_TEMP;
}

enum grey_result greydb_decide(struct greydb *db, const struct grey_params *p,
	const struct grey_key *k, time_t now, struct grey_verdict *v)
{
	struct grey_record trip, cli;
	bool tf, cf;
	MDB_txn *t;
	unsigned w;
	int rc, a, b;
	size_t seen;

	memset(v, 0, sizeof *v);
	if (!db)
		return temp(db, v, "open", 0);
	if (db->read_only)
		return temp(db, v, "decide", EROFS);

	/* Read phase: the hot path (passed triplets) ends here. */
	rc = greydb_txn_begin(db, MDB_RDONLY, &t);
	if (rc)
		return temp(db, v, "read txn", rc);
	a = load(t, db->dbi[GREY_TAB_TRIPLETS], k->triplet_hash, &trip);
	b = load(t, db->dbi[GREY_TAB_CLIENTS], k->client_hash, &cli);
	greydb_txn_abort(db, t);
	if (a < 0 || b < 0)
		return temp(db, v, "read", a < 0 ? -a : -b);
	tf = a == 1;
	cf = b == 1;
	w = greylist_decide(p, now, k, &trip, &tf, &cli, &cf, v);
	if (!w)
		return v->result;

	/* Write phase: decide again on fresh records, so that concurrent
	 * decisions on the same triplet lose no update. */
	for (int tries = 0; tries < MAX_RETRIES; tries++) {
		rc = greydb_txn_begin(db, 0, &t);
		if (rc)
			return temp(db, v, "write txn", rc);
		seen = greydb_map_size(db);
		a = load(t, db->dbi[GREY_TAB_TRIPLETS], k->triplet_hash, &trip);
		b = load(t, db->dbi[GREY_TAB_CLIENTS], k->client_hash, &cli);
		if (a < 0 || b < 0) {
			greydb_txn_abort(db, t);
			return temp(db, v, "read", a < 0 ? -a : -b);
		}
		tf = a == 1;
		cf = b == 1;
		w = greylist_decide(p, now, k, &trip, &tf, &cli, &cf, v);
		rc = 0;
		if (w & GREY_W_TRIPLET)
			rc = store(t, db->dbi[GREY_TAB_TRIPLETS], k->triplet_hash, &trip);
		if (rc == 0 && (w & GREY_W_CLIENT))
			rc = store(t, db->dbi[GREY_TAB_CLIENTS], k->client_hash, &cli);
		if (rc) {
			greydb_txn_abort(db, t);
		} else {
			rc = greydb_txn_commit(db, t);
			if (rc == 0)
				return v->result;
		}
		if (rc != MDB_MAP_FULL)
			return temp(db, v, "write", rc);
		rc = greydb_map_grow(db, seen);
		if (rc)
			return temp(db, v, "grow map", rc);
	}
	return temp(db, v, "write", MDB_MAP_FULL);
}

/* ---- admin and bulk operations ---- */

int greydb_get(struct greydb *db, enum grey_table tb, const unsigned char hash[GREY_HASH_LEN],
	struct grey_record *r)
{
	MDB_txn *t;
	MDB_val k = { GREY_HASH_LEN, (void *)hash }, v;
	int rc = greydb_txn_begin(db, MDB_RDONLY, &t);

	if (rc)
		return rc;
	rc = mdb_get(t, db->dbi[tb], &k, &v);
	if (rc == 0 && greyrec_decode(v.mv_data, v.mv_size, r) != 0)
		rc = MDB_INCOMPATIBLE;
	greydb_txn_abort(db, t);
	return rc;
}

/*
 * Run body in a write transaction and commit it; on MDB_MAP_FULL grow the
 * map (no transaction is open then) and run it again. Returns 0, or the
 * LMDB / errno code that stopped it.
 */
static int write_txn(struct greydb *db, int (*body)(MDB_txn *t, void *arg), void *arg)
{
	for (int tries = 0; tries < MAX_RETRIES; tries++) {
		MDB_txn *t;
		size_t seen;
		int rc = greydb_txn_begin(db, 0, &t);

		if (rc)
			return rc;
		seen = greydb_map_size(db);
		rc = body(t, arg);
		if (rc)
			greydb_txn_abort(db, t);
		else if ((rc = greydb_txn_commit(db, t)) == 0)
			return 0;
		if (rc != MDB_MAP_FULL)
			return rc;
		if ((rc = greydb_map_grow(db, seen)) != 0)
			return rc;
	}
	return MDB_MAP_FULL;
}

/* The table, not its handle: handles are read inside the transaction,
 * where a reopen (greydb_reopen) cannot change them. */
struct put_args {
	struct greydb *db;
	enum grey_table tb;
	const unsigned char (*hashes)[GREY_HASH_LEN];
	const struct grey_record *recs;
	size_t n;
};

static int put_body(MDB_txn *t, void *arg)
{
	const struct put_args *a = arg;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < a->n; i++)
		rc = store(t, a->db->dbi[a->tb], a->hashes[i], &a->recs[i]);
	return rc;
}

int greydb_put_batch(struct greydb *db, enum grey_table tb,
	const unsigned char (*hashes)[GREY_HASH_LEN], const struct grey_record *recs, size_t n)
{
	struct put_args a = { db, tb, hashes, recs, n };
	if (db->read_only)
		return EROFS;
	return write_txn(db, put_body, &a);
}

int greydb_put(struct greydb *db, enum grey_table tb, const unsigned char hash[GREY_HASH_LEN],
	const struct grey_record *r)
{
	return greydb_put_batch(db, tb, (const unsigned char (*)[GREY_HASH_LEN])hash, r, 1);
}

struct del_args {
	struct greydb *db;
	enum grey_table tb;
	const unsigned char *hash;
};

static int del_body(MDB_txn *t, void *arg)
{
	const struct del_args *a = arg;
	MDB_val k = { GREY_HASH_LEN, (void *)a->hash };
	return mdb_del(t, a->db->dbi[a->tb], &k, NULL);
}

int greydb_delete(struct greydb *db, enum grey_table tb,
	const unsigned char hash[GREY_HASH_LEN])
{
	struct del_args a = { db, tb, hash };
	if (db->read_only)
		return EROFS;
	return write_txn(db, del_body, &a);
}

int greydb_find_prefix(struct greydb *db, enum grey_table tb, const unsigned char *prefix,
	size_t plen, unsigned char hash[GREY_HASH_LEN], struct grey_record *r)
{
	MDB_txn *t;
	MDB_cursor *c;
	MDB_val k = { plen, (void *)prefix }, v;
	int rc;

	if (plen == 0 || plen > GREY_HASH_LEN)
		return MDB_NOTFOUND;
	if ((rc = greydb_txn_begin(db, MDB_RDONLY, &t)) != 0)
		return rc;
	if ((rc = mdb_cursor_open(t, db->dbi[tb], &c)) != 0) {
		greydb_txn_abort(db, t);
		return rc;
	}
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	if (rc == 0 && (k.mv_size != GREY_HASH_LEN || memcmp(k.mv_data, prefix, plen) != 0))
		rc = MDB_NOTFOUND;
	if (rc == 0) {
		memcpy(hash, k.mv_data, GREY_HASH_LEN);
		if (greyrec_decode(v.mv_data, v.mv_size, r) != 0)
			rc = MDB_INCOMPATIBLE;
		else if (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0 &&
			 memcmp(k.mv_data, prefix, plen) == 0)
			rc = GREYDB_AMBIGUOUS;
	}
	mdb_cursor_close(c);
	greydb_txn_abort(db, t);
	return rc;
}

int greydb_walk(struct greydb *db, enum grey_table tb, grey_walk_fn cb, void *arg)
{
	unsigned char resume[GREY_HASH_LEN], kb[WALK_CHUNK][GREY_HASH_LEN];
	struct grey_record *recs = xmalloc(WALK_CHUNK * sizeof *recs);
	bool ok[WALK_CHUNK], have = false, done = false;
	MDB_txn *t;
	MDB_cursor *c;
	MDB_val k, v;
	size_t n;
	int rc = 0;

	while (!done) {
		/* Copy a chunk out inside a short read txn, call back outside it. */
		if ((rc = greydb_txn_begin(db, MDB_RDONLY, &t)) != 0)
			break;
		if ((rc = mdb_cursor_open(t, db->dbi[tb], &c)) != 0) {
			greydb_txn_abort(db, t);
			break;
		}
		k.mv_size = GREY_HASH_LEN;
		k.mv_data = resume;
		rc = mdb_cursor_get(c, &k, &v, have ? MDB_SET_RANGE : MDB_FIRST);
		for (n = 0; rc == 0 && n < WALK_CHUNK; n++) {
			if (k.mv_size == GREY_HASH_LEN) {
				memcpy(kb[n], k.mv_data, GREY_HASH_LEN);
				ok[n] = greyrec_decode(v.mv_data, v.mv_size, &recs[n]) == 0;
			} else {
				n--;   /* not ours; skip */
			}
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		}
		if (rc == 0 && k.mv_size == GREY_HASH_LEN) {
			memcpy(resume, k.mv_data, GREY_HASH_LEN);
			have = true;
		} else {
			done = true;
		}
		mdb_cursor_close(c);
		greydb_txn_abort(db, t);
		if (rc != 0 && rc != MDB_NOTFOUND)
			break;
		rc = 0;
		for (size_t i = 0; i < n; i++)
			if ((rc = cb(kb[i], ok[i] ? &recs[i] : NULL, arg)) != 0) {
				done = true;
				break;
			}
	}
	free(recs);
	return rc;
}

