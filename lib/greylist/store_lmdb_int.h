/*
 * store_lmdb_int - what the two files of the LMDB greylist store share
 * (store_lmdb.c: records, open, decisions, admin; store_lmdb_sweep.c:
 * expiry, sweeper, stats). Nothing outside those files includes it.
 *
 * Locking: every transaction runs between greydb_txn_begin and
 * greydb_txn_abort/commit, which hold db->lock for reading; growing the
 * map (greydb_map_grow) takes it for writing, with no transaction open in
 * the calling thread. smu guards the sweeper fields.
 */
#ifndef RAMPART_STORE_LMDB_INT_H
#define RAMPART_STORE_LMDB_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <sys/types.h>

#include "greylist/store_lmdb.h"

struct greydb {
	MDB_env *env;
	MDB_dbi dbi[2];
	pthread_rwlock_t lock;   /* read: any txn open; write: map resize */
	char *path;
	bool read_only;
	size_t map_max;
	dev_t dev;
	ino_t ino;

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

#endif
