/*
 * session - rampart's state, by kind (ARCHITECTURE rule 4).
 *
 * (a) Immutable after load: struct rp_config snapshots and the struct
 *     rp_engine built on each (resolver, own addresses). The current engine
 *     is held by reload.c behind a mutex; each connection takes a reference
 *     at CONNECT (engine_current()) and keeps it until it closes, so a
 *     reload never changes a connection half way.
 * (b) Owned by one connection: struct session below, reached only through
 *     smfi_getpriv(). libmilter runs one connection's callbacks on different
 *     threads of its pool, one at a time, so this needs no lock and must
 *     never live in thread-local storage.
 * (c) Shared and mutable: the log (its own mutex), the engine pointer
 *     (reload.c's mutex), the DNS cache (striped mutexes, dns_cache.h) and
 *     the greylist store (greylist/store.h: any thread; LMDB has its own
 *     locking, store_lmdb.h), reached
 *     through struct rp_shared.
 */
#ifndef RAMPART_SESSION_H
#define RAMPART_SESSION_H

#include "config/config.h"
#include "engine/engine.h"
#include "policy/policy.h"

/* Arriving headers that claim this host's verdict (policy_header_forged),
 * removed at end of message: which name and its 1-based index among the
 * headers of that name, as smfi_chgheader counts them. */
#define SESSION_FORGED_MAX 16
struct forged {
	bool ar;                 /* Authentication-Results, else Received-SPF */
	unsigned idx;
};

struct session {
	struct rp_conn conn;
	struct rp_msg msg;
	unsigned n_ar, n_spf;    /* headers seen of each name, this message */
	unsigned nforged;
	struct forged forged[SESSION_FORGED_MAX];
	unsigned long nr;        /* SMFIP_NR_* negotiated: steps the MTA takes no reply to */
	struct rp_engine *eng;   /* the engine the negotiation was decided on, or NULL */
};

/* reload.c: the current engine, with a new reference for the caller. */
struct rp_engine *engine_current(void);
/* reload.c: install an engine (takes over the caller's reference). */
void engine_install(struct rp_engine *e);
/* reload.c: start the thread that reloads on SIGUSR1 (signals must already
 * be blocked in the calling thread). The path and shared state are kept. */
int reload_start(const char *config_path, const struct rp_shared *shared);

/* wake.c: make the calling thread's libmilter listener see a stop within
 * 200 ms (call just before smfi_main). 0, or -1 when it cannot. */
int listener_wake_start(void);

/* reload.c: log the DNS cache's counters (at reload and at stop). */
void log_dns_cache_stats(const struct rp_shared *shared);

/* callbacks.c */
extern struct smfiDesc rampart_milter;

#endif
