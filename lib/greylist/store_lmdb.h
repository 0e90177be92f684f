/*
 * store_lmdb - the embedded greylist store (the default backend behind
 * greylist/store.h, as greystore_lmdb_ops): one LMDB environment per process
 * holding two databases, "triplets" and "clients" (auto-allow counters),
 * keyed by the 32-byte SHA-256 of the normalised triplet / client part
 * (greylist.h), plus a background sweeper that deletes expired entries.
 *
 * File: the path is the data file itself (MDB_NOSUBDIR); LMDB keeps its
 * lock table next to it in PATH-lock. Both must be readable and writable
 * by the daemon and by rampartctl (even for reads: readers register in the
 * lock table). The directory must exist; the file is created when
 * greydb_options.create is set. A format marker in the main database names
 * the record version; a file without it (another LMDB file) is refused.
 *
 * Record value, version GREY_REC_VERSION, host byte order, read with memcpy
 * (values in the map are not aligned):
 *     0 u8 version  1 u8 state  2 u8 flags  3 u8 0
 *     4 i64 first_seen  12 i64 last_seen  20 i64 pass_time  28 u32 count
 *    32 u16 client len  34 u16 sender len  36 u16 rcpt len  38 the texts
 * A record of another version is treated as absent by decisions (it is
 * rewritten in the current format) and deleted by the sweeper.
 *
 * Durability: the environment is opened with MDB_NOSYNC and without
 * MDB_WRITEMAP. A committed write transaction has been written to the file
 * with write(2), so it is in the kernel's page cache: a crash or kill -9 of
 * the process loses no committed entry (tested by t/greylist/killtest.sh).
 * The sweeper thread calls mdb_env_sync every GREYDB_SYNC_SECS (30 s) and
 * greydb_free syncs too, so a power loss or kernel crash may lose the
 * commits of up to the last 30 seconds (those triplets are greylisted
 * again); if the file system did not keep the write order, the file may be
 * damaged, greydb_open then reports it, and the file can be deleted:
 * greylist state is soft state.
 *
 * Transactions: a decision is one short read transaction, plus one short
 * write transaction only when state changes (a new or pending triplet, a
 * first pass, a last_seen older than grey_params.refresh, an auto-allow
 * count); passed triplets are read-only on the hot path. No transaction is
 * held across calls. Every transaction holds a process-wide rwlock for
 * reading; the map is grown (doubled, up to map_max) under the write lock
 * on MDB_MAP_FULL, and MDB_MAP_RESIZED (another process grew it) is taken
 * up the same way. mdb_reader_check runs at open and with every sweep.
 *
 * Faults: a failed write (disk full, EPERM, EIO) aborts its transaction
 * and the decision is GREY_TEMP; the environment stays usable. One that
 * LMDB marks fatal (a failed meta page write: every later transaction gets
 * MDB_PANIC) is closed and opened again by greydb_txn_begin under the
 * write lock (greydb_reopen), as is a database file removed or replaced
 * under the running store (greydb_check_path, from the sweeper). Reopens
 * are logged; a failed one is retried at most every GREYDB_REOPEN_RETRY_MS.
 * MDB_BAD_TXN concerns one transaction only (it is aborted) and needs no
 * reopen.
 *
 * Threads: every function may be called from any thread at the same time,
 * except greydb_free and the sweeper start/stop (the owner's thread).
 * Return values: 0 on success; MDB_NOTFOUND where a lookup finds nothing;
 * GREYDB_AMBIGUOUS for a prefix that matches several keys; any other
 * non-zero value is an LMDB or errno code for greydb_strerror.
 */
#ifndef RAMPART_STORE_LMDB_H
#define RAMPART_STORE_LMDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "greylist/greylist.h"
#include "greylist/store.h"

#define GREY_REC_VERSION 1
#define GREY_REC_HEADER 38
#define GREY_REC_MAX (GREY_REC_HEADER + GREY_CLIENT_MAX + 2 * GREY_ADDR_MAX)
#define GREYDB_FORMAT 1          /* format marker in the main database */
#define GREYDB_SYNC_SECS 30
#define GREYDB_CHECK_SECS 5        /* sweeper: is the path still our file? */
#define GREYDB_REOPEN_RETRY_MS 1000 /* after a failed reopen */
#define GREYDB_SWEEP_BATCH 500   /* entries scanned per sweeper read txn */
#define GREYDB_AMBIGUOUS GREY_STORE_AMBIGUOUS
#define GREYDB_ERRLEN 512


struct greydb;

struct greydb_options {
	size_t map_size;         /* initial map (address space); 0 = 1 GiB */
	size_t map_max;          /* growth limit; 0 = 64 GiB */
	unsigned max_readers;    /* 0 = 1024 (the first opener's value wins) */
	bool read_only;          /* MDB_RDONLY: rampartctl list/show/stats */
	bool create;             /* create the file when it does not exist */
};

/*
 * Open path. On failure returns NULL and err holds one line naming the
 * path and the problem: "PATH: directory DIR does not exist", "PATH:
 * database does not exist", "PATH: permission denied", "PATH: not an LMDB
 * database, or damaged", "PATH: written by another LMDB version", "PATH:
 * not a rampart greylist database", "PATH: greylist format N, expected M",
 * "PATH: is a directory", "PATH: already open in this process". o may be
 * NULL (defaults, read-write, create).
 */
struct greydb *greydb_open(const char *path, const struct greydb_options *o, char *err,
	size_t errsize);
/* Stop the sweeper, sync, close. NULL is fine. */
void greydb_free(struct greydb *db);
const char *greydb_path(const struct greydb *db);
const char *greydb_strerror(int rc);

/*
 * One greylisting decision for key k at now (greylist_decide inside the
 * store's transactions). Returns v->result. A store error gives GREY_TEMP
 * with v->error set ("PATH: problem"); never a pass. db NULL is TEMP.
 */
enum grey_result greydb_decide(struct greydb *db, const struct grey_params *p,
	const struct grey_key *k, time_t now, struct grey_verdict *v);

/* Record (en|de)coding. encode returns the length, 0 if size is too small;
 * decode returns 0, -1 for a malformed value, -2 for another version. */
size_t greyrec_encode(const struct grey_record *r, unsigned char *buf, size_t size);
int greyrec_decode(const void *data, size_t len, struct grey_record *r);

/* Lookup, store, delete by hash. get: 0, MDB_NOTFOUND, or an error (a
 * record of another version is an error: MDB_INCOMPATIBLE). */
int greydb_get(struct greydb *db, enum grey_table t, const unsigned char hash[GREY_HASH_LEN],
	struct grey_record *r);
int greydb_put(struct greydb *db, enum grey_table t, const unsigned char hash[GREY_HASH_LEN],
	const struct grey_record *r);
/* n records in one write transaction (bulk loads; growth as for put). */
int greydb_put_batch(struct greydb *db, enum grey_table t,
	const unsigned char (*hashes)[GREY_HASH_LEN], const struct grey_record *recs, size_t n);
int greydb_delete(struct greydb *db, enum grey_table t,
	const unsigned char hash[GREY_HASH_LEN]);
/* The single key starting with prefix (plen bytes): 0 and hash/r filled,
 * MDB_NOTFOUND, GREYDB_AMBIGUOUS, or an error. */
int greydb_find_prefix(struct greydb *db, enum grey_table t, const unsigned char *prefix,
	size_t plen, unsigned char hash[GREY_HASH_LEN], struct grey_record *r);

/*
 * Visit every entry of table t in key order, in short read transactions of
 * at most 1000 entries each (resuming by key), so a long listing never pins
 * old pages. r is NULL for a record that does not decode. A non-zero return
 * from cb stops the walk and is returned.
 */

int greydb_walk(struct greydb *db, enum grey_table t, grey_walk_fn cb, void *arg);


/* Delete every entry expired at now (greylist_expired) or undecodable, in
 * batches of GREYDB_SWEEP_BATCH entries scanned in a read transaction; a
 * write transaction only for a batch holding expired entries. Adds to st. */
int greydb_purge(struct greydb *db, const struct grey_params *p, time_t now,
	struct grey_sweep_stats *st);

/*
 * Background sweeper: every sweep_secs (first pass at once) a purge at
 * clock_now(), pausing 2 ms between batches so decisions are never stalled;
 * every GREYDB_SYNC_SECS mdb_env_sync. Returns 0 or an errno. stop joins
 * the thread; set_params updates the timing (config reload).
 */
int greydb_sweeper_start(struct greydb *db, const struct grey_params *p, unsigned sweep_secs);
void greydb_sweeper_stop(struct greydb *db);
void greydb_set_params(struct greydb *db, const struct grey_params *p);
/*
 * Is the path still the file that is open? The sweeper asks every
 * GREYDB_CHECK_SECS; a file removed (the open one lives on, unlinked) or
 * replaced (another inode at the path) is closed and the path opened again
 * (created when gone: a new, empty database), logged. A failed reopen
 * leaves decisions TEMP and is retried by the next transaction at most
 * every GREYDB_REOPEN_RETRY_MS.
 */
void greydb_check_path(struct greydb *db);

struct greydb_stats {
	size_t triplets, clients;        /* entries (mdb_stat) */
	size_t map_size, file_size, page_size, last_pgno;
	unsigned readers_used, readers_max;
	size_t last_txnid;
	unsigned long grown;             /* map growths by this process */
	unsigned long reopened;          /* environments reopened (greydb_reopen) */
	unsigned long sweeps;            /* completed sweeper passes */
	unsigned long swept;             /* entries deleted by the sweeper */
};
int greydb_stat(struct greydb *db, struct greydb_stats *s);
/* Flush committed transactions to disk (mdb_env_sync, forced). */
int greydb_sync(struct greydb *db);

/* The backend row for greylist/store.c: the calls above behind the seam
 * (MDB_NOTFOUND becomes GREY_STORE_NOTFOUND; target is the file path). */
extern const struct grey_store_ops greystore_lmdb_ops;

#endif
