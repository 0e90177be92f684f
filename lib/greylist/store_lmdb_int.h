/*
 * store_lmdb_int - what the two files of the LMDB greylist store share
 * (store_lmdb.c: records, open, decisions, admin; store_lmdb_sweep.c:
 * expiry, sweeper, stats). Nothing outside those files includes it.
 *
 * Locking: every transaction runs between greydb_txn_begin and
 * greydb_txn_abort/commit, which hold db->lock for reading; growing the
 * map (greydb_map_grow) takes it for writing, with no transaction open in
 * the calling thread, and so does replacing the environment
 * (greydb_reopen: env, dbi, dev and ino change only under the write lock).
 * smu guards the sweeper fields.
 */
#ifndef RAMPART_STORE_LMDB_INT_H
#define RAMPART_STORE_LMDB_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <sys/types.h>

#include "greylist/store_lmdb.h"

struct greydb {
	MDB_env *env;            /* NULL after a failed reopen (retried) */
	MDB_dbi dbi[2];
	pthread_rwlock_t lock;   /* read: any txn open; write: resize, reopen */
	char *path;
	bool read_only;
	size_t map_max;
	struct greydb_options opt;   /* as opened, for greydb_reopen */
	dev_t dev;
	ino_t ino;
	unsigned long gen;       /* environments opened (under the write lock) */
	int env_error;           /* why env is NULL: the failed reopen's code */
	uint64_t retry_ms;       /* no new reopen attempt before (monotonic) */
	bool reopen_failing;     /* a failed reopen was logged */
	int reopen_quiet;        /* atomic: a reopen was logged and no write
	                          * committed since (a fault that persists is
	                          * not logged at every reopen) */
	unsigned long reopened;  /* atomics */

	pthread_mutex_t smu;     /* sweeper state below */
	pthread_cond_t scond;
	pthread_t sweeper;
	bool sweeper_on, stop;
	struct grey_params sp;
	unsigned sweep_secs;

	unsigned long grown, sweeps, swept;   /* atomics */
};

int greydb_txn_begin(struct greydb *db, unsigned flags, MDB_txn **t);
void greydb_txn_abort(struct greydb *db, MDB_txn *t);
int greydb_txn_commit(struct greydb *db, MDB_txn *t);
/* The map size now. */
size_t greydb_map_size(struct greydb *db);
/* Double the map unless another thread already grew it past seen; no
 * transaction may be open in this thread. 0 or MDB_MAP_FULL / an error. */
int greydb_map_grow(struct greydb *db, size_t seen);
/*
 * Close the environment and open the file at db->path again (created if
 * it is gone), under the write lock, unless another thread already did so
 * since generation gen. why is logged ("panic", "file replaced"). 0, or the
 * code of the failed open (env stays NULL; greydb_txn_begin retries at most
 * every GREYDB_REOPEN_RETRY_MS). No transaction may be open in this thread.
 */
int greydb_reopen(struct greydb *db, unsigned long gen, const char *why);

#endif
