/*
 * session - rampart's state, by kind (ARCHITECTURE rule 4).
 *
 * (a) Immutable after load: struct rp_config snapshots. The current one is
 *     held by reload.c behind a mutex; each connection takes a reference at
 *     CONNECT (config_current()) and keeps that snapshot until it closes,
 *     so a reload never changes a connection half way.
 * (b) Owned by one connection: struct session below, reached only through
 *     smfi_getpriv(). libmilter runs one connection's callbacks on different
 *     threads of its pool, one at a time, so this needs no lock and must
 *     never live in thread-local storage.
 * (c) Shared and mutable: the log (its own mutex), the config pointer
 *     (reload.c's mutex); later the DNS cache and the greylist store, each
 *     with the lock its module names.
 */
#ifndef RAMPART_SESSION_H
#define RAMPART_SESSION_H

#include "config.h"
#include "policy.h"

struct session {
	struct rp_conn conn;
	struct rp_msg msg;
};

/* reload.c: the current snapshot, with a new reference for the caller. */
struct rp_config *config_current(void);
/* reload.c: install the first snapshot (takes over the caller's reference). */
void config_install(struct rp_config *cfg);
/* reload.c: start the thread that reloads on SIGUSR1 (signals must already
 * be blocked in the calling thread). config_path is kept. */
int reload_start(const char *config_path);

/* callbacks.c */
extern struct smfiDesc rampart_milter;

#endif
