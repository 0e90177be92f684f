/* store_lmdb_sweep - expiry, the sweeper thread and statistics of the
 * LMDB greylist store; see store_lmdb.h. */
#define _GNU_SOURCE
#include "greylist/store_lmdb_int.h"

#include <errno.h>
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

/* ---- expiry ---- */

/* Sleep ms unless the sweeper is told to stop; true when it must stop. */
static bool sweeper_pause(struct greydb *db, unsigned long ms)
{
	struct timespec ts;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)(ms / 1000);
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&db->smu);
	while (!db->stop && pthread_cond_timedwait(&db->scond, &db->smu, &ts) == 0)
		;
	stop = db->stop;
	pthread_mutex_unlock(&db->smu);
	return stop;
}

/* Delete the expired among keys (n of them) in one write transaction,
 * each read again first: a record refreshed since the scan stays. */
static int delete_expired(struct greydb *db, enum grey_table tb, const struct grey_params *p,
	time_t now, unsigned char (*keys)[GREY_HASH_LEN], int n, unsigned long *deleted)
{
	struct grey_record r;
	MDB_txn *t;
	MDB_val k, v;
	unsigned long del;
	size_t seen;
	int rc;

	for (;;) {
		if ((rc = greydb_txn_begin(db, 0, &t)) != 0)
			return rc;
		seen = greydb_map_size(db);
		del = 0;
		for (int i = 0; i < n && rc == 0; i++) {
			k.mv_size = GREY_HASH_LEN;
			k.mv_data = keys[i];
			rc = mdb_get(t, db->dbi[tb], &k, &v);
			if (rc == MDB_NOTFOUND) {
				rc = 0;
				continue;
			}
			if (rc == 0 && (greyrec_decode(v.mv_data, v.mv_size, &r) != 0 ||
				    greylist_expired(p, now, &r))) {
				rc = mdb_del(t, db->dbi[tb], &k, NULL);
				if (rc == 0)
					del++;
			}
		}
		if (rc) {
			greydb_txn_abort(db, t);
		} else if ((rc = greydb_txn_commit(db, t)) == 0) {
			*deleted += del;
			return 0;
		}
		if (rc != MDB_MAP_FULL)
			return rc;
		if ((rc = greydb_map_grow(db, seen)) != 0)
			return rc;
	}
}

/*
 * One table, batch by batch: each batch of GREYDB_SWEEP_BATCH entries is
 * scanned in a read transaction, and only a batch holding expired entries
 * takes a write transaction, for those entries alone (an hourly sweep of a
 * database where nothing expires writes nothing). pause_ms 0: no pauses
 * (purge).
 */
static int sweep_table(struct greydb *db, enum grey_table tb, const struct grey_params *p,
	time_t now, unsigned long pause_ms, struct grey_sweep_stats *st)
{
	static __thread unsigned char expired[GREYDB_SWEEP_BATCH][GREY_HASH_LEN];
	unsigned char resume[GREY_HASH_LEN];
	struct grey_record r;
	bool have = false, done = false;
	unsigned long deleted;
	MDB_txn *t;
	MDB_cursor *c;
	MDB_val k, v;
	int rc, n, nexp;

	while (!done) {
		if ((rc = greydb_txn_begin(db, MDB_RDONLY, &t)) != 0)
			return rc;
		if ((rc = mdb_cursor_open(t, db->dbi[tb], &c)) != 0) {
			greydb_txn_abort(db, t);
			return rc;
		}
		nexp = 0;
		k.mv_size = GREY_HASH_LEN;
		k.mv_data = resume;
		rc = mdb_cursor_get(c, &k, &v, have ? MDB_SET_RANGE : MDB_FIRST);
		for (n = 0; rc == 0 && n < GREYDB_SWEEP_BATCH; n++) {
			if (k.mv_size == GREY_HASH_LEN && (greyrec_decode(v.mv_data, v.mv_size, &r) != 0 ||
				    greylist_expired(p, now, &r)))
				memcpy(expired[nexp++], k.mv_data, GREY_HASH_LEN);
			rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
		}
		if (rc == 0) {
			memcpy(resume, k.mv_data, k.mv_size < GREY_HASH_LEN ? k.mv_size : GREY_HASH_LEN);
			if (k.mv_size < GREY_HASH_LEN)
				memset(resume + k.mv_size, 0, GREY_HASH_LEN - k.mv_size);
			have = true;
		} else if (rc == MDB_NOTFOUND) {
			done = true;
			rc = 0;
		}
		mdb_cursor_close(c);
		greydb_txn_abort(db, t);
		if (rc)
			return rc;
		deleted = 0;
		if (nexp && (rc = delete_expired(db, tb, p, now, expired, nexp, &deleted)) != 0)
			return rc;
		if (st) {
			st->examined += (unsigned long)n;
			st->deleted += deleted;
			st->writes += nexp > 0;
		}
		if (!done && pause_ms && sweeper_pause(db, pause_ms))
			return 0;
	}
	return 0;
}

int greydb_purge(struct greydb *db, const struct grey_params *p, time_t now,
	struct grey_sweep_stats *st)
{
	int rc;

	if (db->read_only)
		return EROFS;
	rc = sweep_table(db, GREY_TAB_TRIPLETS, p, now, 0, st);
	if (rc == 0)
		rc = sweep_table(db, GREY_TAB_CLIENTS, p, now, 0, st);
	return rc;
}

/* mdb_env_sync or mdb_reader_check on the current environment, if any. */
static void env_chore(struct greydb *db, bool sync)
{
	int dead;

	pthread_rwlock_rdlock(&db->lock);
	if (db->env) {
		if (sync)
			mdb_env_sync(db->env, 1);
		else
			mdb_reader_check(db->env, &dead);
	}
	pthread_rwlock_unlock(&db->lock);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *sweeper_main(void *arg)
{
	struct greydb *db = arg;
	struct grey_sweep_stats st;
	struct grey_params p;
	uint64_t next_sweep = 0, next_sync = 0, now_ms, wake;
	unsigned secs;
	int rc;

	for (;;) {
		now_ms = mono_ms();
		pthread_mutex_lock(&db->smu);
		p = db->sp;
		secs = db->sweep_secs;
		pthread_mutex_unlock(&db->smu);
		/* a removed or replaced file is reopened (store_lmdb.h) */
		greydb_check_path(db);
		if (now_ms >= next_sweep) {
			memset(&st, 0, sizeof st);
			rc = sweep_table(db, GREY_TAB_TRIPLETS, &p, clock_now(), 2, &st);
			if (rc == 0)
				rc = sweep_table(db, GREY_TAB_CLIENTS, &p, clock_now(), 2, &st);
			if (rc)
				log_msg(RP_LOG_WARNING, "greylist: %s: sweep: %s", db->path,
					mdb_strerror(rc));
			else if (st.deleted)
				log_msg(RP_LOG_INFO, "greylist: %s: swept %lu of %lu entries",
					db->path, st.deleted, st.examined);
			__atomic_add_fetch(&db->swept, st.deleted, __ATOMIC_RELAXED);
			__atomic_add_fetch(&db->sweeps, 1, __ATOMIC_RELEASE);
			env_chore(db, false);
			next_sweep = now_ms + (uint64_t)secs * 1000;
		}
		if (now_ms >= next_sync) {
			env_chore(db, true);
			next_sync = now_ms + GREYDB_SYNC_SECS * 1000UL;
		}
		wake = next_sweep < next_sync ? next_sweep : next_sync;
		if (wake > now_ms + GREYDB_CHECK_SECS * 1000UL)
			wake = now_ms + GREYDB_CHECK_SECS * 1000UL;
		if (sweeper_pause(db, wake > now_ms ? wake - now_ms : 1))
			break;
	}
	return NULL;
}

int greydb_sweeper_start(struct greydb *db, const struct grey_params *p, unsigned sweep_secs)
{
	int rc;

	if (db->read_only || db->sweeper_on)
		return EINVAL;
	db->sp = *p;
	db->sweep_secs = sweep_secs ? sweep_secs : 1;
	db->stop = false;
	rc = pthread_create(&db->sweeper, NULL, sweeper_main, db);
	if (rc == 0)
		db->sweeper_on = true;
	return rc;
}

void greydb_sweeper_stop(struct greydb *db)
{
	if (!db || !db->sweeper_on)
		return;
	pthread_mutex_lock(&db->smu);
	db->stop = true;
	pthread_cond_broadcast(&db->scond);
	pthread_mutex_unlock(&db->smu);
	pthread_join(db->sweeper, NULL);
	db->sweeper_on = false;
}

void greydb_set_params(struct greydb *db, const struct grey_params *p)
{
	pthread_mutex_lock(&db->smu);
	db->sp = *p;
	pthread_mutex_unlock(&db->smu);
}

/* ---- stats ---- */

static int count_reader(const char *msg, void *ctx)
{
	(void)msg;
	(*(unsigned *)ctx)++;
	return 0;
}

int greydb_stat(struct greydb *db, struct greydb_stats *s)
{
	MDB_envinfo ei;
	MDB_stat ms;
	MDB_txn *t;
	struct stat st;
	mdb_filehandle_t fd;
	unsigned lines = 0;
	int rc;

	memset(s, 0, sizeof *s);
	if ((rc = greydb_txn_begin(db, MDB_RDONLY, &t)) != 0)
		return rc;
	if ((rc = mdb_stat(t, db->dbi[GREY_TAB_TRIPLETS], &ms)) == 0) {
		s->triplets = ms.ms_entries;
		s->page_size = ms.ms_psize;
		rc = mdb_stat(t, db->dbi[GREY_TAB_CLIENTS], &ms);
		s->clients = ms.ms_entries;
	}
	mdb_env_info(db->env, &ei);
	greydb_txn_abort(db, t);
	if (rc)
		return rc;
	/* outside the transaction (its slot is not counted), on the current
	 * environment; mdb_reader_list prints a header line, then one line per
	 * slot in use */
	pthread_rwlock_rdlock(&db->lock);
	if (db->env) {
		mdb_reader_list(db->env, count_reader, &lines);
		if (mdb_env_get_fd(db->env, &fd) == 0 && fstat(fd, &st) == 0)
			s->file_size = (size_t)st.st_size;
	}
	pthread_rwlock_unlock(&db->lock);
	s->map_size = ei.me_mapsize;
	s->last_pgno = ei.me_last_pgno;
	s->last_txnid = ei.me_last_txnid;
	s->readers_max = ei.me_maxreaders;
	s->readers_used = lines > 0 ? lines - 1 : 0;
	s->grown = __atomic_load_n(&db->grown, __ATOMIC_RELAXED);
	s->reopened = __atomic_load_n(&db->reopened, __ATOMIC_RELAXED);
	s->sweeps = __atomic_load_n(&db->sweeps, __ATOMIC_ACQUIRE);
	s->swept = __atomic_load_n(&db->swept, __ATOMIC_RELAXED);
	return 0;
}

int greydb_sync(struct greydb *db)
{
	int rc = 0;

	if (db->read_only)
		return 0;
	pthread_rwlock_rdlock(&db->lock);
	rc = db->env ? mdb_env_sync(db->env, 1) : (db->env_error ? db->env_error : EIO);
	pthread_rwlock_unlock(&db->lock);
	return rc;
}
