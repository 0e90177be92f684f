/*
 * store - the greylist store seam: one small table of operations that
 * every store backend fills (store_lmdb.c today), and the functions the
 * rest of rampart calls. The milter's RCPT check, the daemon's start-up and
 * reload, and rampartctl see only this header, never a backend's.
 *
 * A backend is one file with a `const struct grey_store_ops` and one row
 * in store.c's backend list. Its connection handling, locking, timeouts and
 * failure policy stay inside it; what it promises is written here.
 *
 * Threads: a store may be used by any number of threads at once, except
 * greystore_close and the sweeper start/stop (the owner's thread).
 *
 * Returns (every int below): 0 success; GREY_STORE_NOTFOUND where a lookup
 * finds nothing; GREY_STORE_AMBIGUOUS for a prefix matching several keys;
 * any other value is the backend's own error code, for greystore_strerror.
 * Decisions never fail open: a store error is GREY_TEMP with v->error set.
 * greystore_decide logs one line when decisions start failing ("greylist:
 * store failing: ERROR; ...") and one when a decision that writes (any
 * result but GREY_PASSED and GREY_ALLOWED_CLIENT, which may only read)
 * succeeds again ("greylist: store TARGET recovered"), not one per decision.
 */
#ifndef RAMPART_GREY_STORE_H
#define RAMPART_GREY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "greylist/greylist.h"

#define GREY_STORE_NOTFOUND  (-1)
#define GREY_STORE_AMBIGUOUS (-2)
#define GREY_STORE_ERRLEN    512
#define GREY_STORE_DEFAULT   "lmdb"   /* the embedded backend */

/* What a store keeps: triplets and client parts (auto-allow counters and
 * rampartctl's allowed clients), each keyed by its GREY_HASH_LEN hash. */
enum grey_table { GREY_TAB_TRIPLETS, GREY_TAB_CLIENTS };

struct grey_store_options {
	bool read_only;          /* rampartctl list/show/stats */
	bool create;             /* create the store when it does not exist */
};

struct grey_sweep_stats {
	unsigned long examined, deleted;
	unsigned long writes;            /* write transactions taken */
};

#define GREY_STORE_FACTS 8
struct grey_store_stats {
	size_t triplets, clients;        /* entries */
	unsigned long sweeps, swept;     /* sweeper passes, entries it deleted */
	/* The backend's own figures, in the order rampartctl prints them
	 * ("file size", "123"). */
	unsigned nfacts;
	struct { char name[24]; char value[48]; } facts[GREY_STORE_FACTS];
};

/* Visit one entry; r is NULL for a record that does not decode. A non-zero
 * return stops the walk and is returned by greystore_walk. */
typedef int (*grey_walk_fn)(const unsigned char hash[GREY_HASH_LEN],
	const struct grey_record *r, void *arg);

struct grey_store_ops {
	const char *name;                        /* "lmdb" */
	/* target: the backend's address of the store (LMDB: the file path).
	 * NULL with one line in err ("TARGET: problem") on failure. */
	void *(*open)(const char *target, const struct grey_store_options *o,
		char *err, size_t errsize);
	void (*close)(void *impl);               /* stop the sweeper, sync, close */
	const char *(*target)(const void *impl);
	const char *(*strerror)(int rc);
	enum grey_result (*decide)(void *impl, const struct grey_params *p,
		const struct grey_key *k, time_t now, struct grey_verdict *v);
	int (*get)(void *impl, enum grey_table t, const unsigned char hash[GREY_HASH_LEN],
		struct grey_record *r);
	int (*put)(void *impl, enum grey_table t, const unsigned char hash[GREY_HASH_LEN],
		const struct grey_record *r);
	int (*del)(void *impl, enum grey_table t, const unsigned char hash[GREY_HASH_LEN]);
	int (*find_prefix)(void *impl, enum grey_table t, const unsigned char *prefix,
		size_t plen, unsigned char hash[GREY_HASH_LEN], struct grey_record *r);
	/* Every entry of t, in bounded chunks (never one long snapshot). */
	int (*walk)(void *impl, enum grey_table t, grey_walk_fn cb, void *arg);
	/* Delete what greylist_expired says is expired at now. */
	int (*purge)(void *impl, const struct grey_params *p, time_t now,
		struct grey_sweep_stats *st);
	/* Background expiry every sweep_secs (a backend whose server expires
	 * entries itself may do nothing); set_params on reload. */
	int (*sweeper_start)(void *impl, const struct grey_params *p, unsigned sweep_secs);
	void (*sweeper_stop)(void *impl);
	void (*set_params)(void *impl, const struct grey_params *p);
	int (*stat)(void *impl, struct grey_store_stats *s);
};

struct grey_store;

/* The backend names, for config checks and messages ("lmdb"). */
bool greystore_backend_known(const char *name);
/*
 * Open the store of backend name at target. NULL with one line in err on
 * failure (an unknown backend included). o NULL: read-write, create.
 */
struct grey_store *greystore_open(const char *backend, const char *target,
	const struct grey_store_options *o, char *err, size_t errsize);
void greystore_close(struct grey_store *s);     /* NULL is fine */
const char *greystore_backend(const struct grey_store *s);
const char *greystore_target(const struct grey_store *s);
const char *greystore_strerror(const struct grey_store *s, int rc);

/* One decision (greylist_decide inside the backend's atomic update). s
 * NULL is GREY_TEMP ("no greylist store open"). */
enum grey_result greystore_decide(struct grey_store *s, const struct grey_params *p,
	const struct grey_key *k, time_t now, struct grey_verdict *v);
int greystore_get(struct grey_store *s, enum grey_table t,
	const unsigned char hash[GREY_HASH_LEN], struct grey_record *r);
int greystore_put(struct grey_store *s, enum grey_table t,
	const unsigned char hash[GREY_HASH_LEN], const struct grey_record *r);
int greystore_delete(struct grey_store *s, enum grey_table t,
	const unsigned char hash[GREY_HASH_LEN]);
int greystore_find_prefix(struct grey_store *s, enum grey_table t, const unsigned char *prefix,
	size_t plen, unsigned char hash[GREY_HASH_LEN], struct grey_record *r);
int greystore_walk(struct grey_store *s, enum grey_table t, grey_walk_fn cb, void *arg);
int greystore_purge(struct grey_store *s, const struct grey_params *p, time_t now,
	struct grey_sweep_stats *st);
int greystore_sweeper_start(struct grey_store *s, const struct grey_params *p,
	unsigned sweep_secs);
void greystore_sweeper_stop(struct grey_store *s);
void greystore_set_params(struct grey_store *s, const struct grey_params *p);
int greystore_stat(struct grey_store *s, struct grey_store_stats *st);

#endif
