/*
 * greylist - greylisting policy (SPEC §8): the triplet key (client part,
 * normalised sender, recipient), and the timing state machine that turns a
 * stored record plus "now" into a decision and an updated record. Pure
 * logic: no I/O, no clock reads (the caller passes now, normally
 * clock_now()); a store behind greylist/store.h runs it inside its
 * transactions.
 *
 * Threads: every function is reentrant; safe from any thread.
 *
 * Typical use from the RCPT stage:
 *     struct grey_params p;  greylist_params_from_config(cfg, &p);
 *     struct grey_key k;     greylist_key_make(cfg, &client_addr,
 *                                spf_passed ? spf_domain : NULL,
 *                                sender, rcpt, &k);
 *     struct grey_verdict v; greystore_decide(st, &p, &k, clock_now(), &v);
 *     greylist_result_accepts(v.result) ? accept (X-Greylist with
 *         v.delayed when v.result == GREY_PASS_FIRST) : defer (450 4.2.0,
 *         v.wait seconds left; GREY_TEMP: log v.error and defer)
 */
#ifndef RAMPART_GREYLIST_H
#define RAMPART_GREYLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/netaddr.h"
#include "base/util.h"

struct grey_whitelist;

#define GREY_HASH_LEN 32         /* SHA-256 (ldns_sha256) */
#define GREY_CLIENT_MAX 264      /* "spf:" + 255-octet domain, or "a.b.c.d/nn" */
#define GREY_ADDR_MAX 320        /* a normalised address; longer input is cut */
#define GREY_HOUR 3600           /* auto-allow counts at most one pass per hour */
#define GREY_REFRESH_DEFAULT 600 /* see grey_params.refresh */

enum rp_grey_mode { RP_GREY_OFF, RP_GREY_ALWAYS, RP_GREY_SUSPICIOUS };
enum rp_grey_key { RP_GREYKEY_SUBNET, RP_GREYKEY_SPF_DOMAIN };

/* The [greylist] section of a config snapshot (config/config.h embeds it). */
struct grey_conf {
	enum rp_grey_mode mode;
	enum rp_grey_key key;
	unsigned delay, retry_window, max_age;   /* seconds */
	unsigned auto_allow_clients, netmask4, netmask6;
	bool header;
	char *database;
	char *text;              /* the deferral's text after "Recipient address
	                          * rejected: ", with %s and %r (greylist_text) */
	struct rp_strlist whitelist_clients, whitelist_recipients; /* file paths */
	struct grey_whitelist *whitelist;  /* those files, read with the snapshot
	                                    * (greylist/whitelist.h); NULL: none */
};

#define GREY_TEXT_DEFAULT "Greylisting in effect, please come back later"
#define GREY_TEXT_MAX 256        /* octets of the template */

/*
 * The deferral text from the [greylist] text template, postgrey's
 * --greylist-text: %s the seconds left until a retry can pass, %r the
 * recipient's domain (made printable and cut at 64 octets, as every
 * outside text in a reply), %% a percent sign. out is always terminated.
 */
void greylist_text(const char *tmpl, unsigned long secs, const char *rdomain,
	char *out, size_t size);
/* 0 when tmpl is a valid template (printable ASCII, at most GREY_TEXT_MAX
 * octets, only %s %r %%); -1 with the reason in err otherwise. */
int greylist_text_check(const char *tmpl, char *err, size_t errsize);

enum grey_result {
	GREY_NEW,            /* first seen: defer; record created */
	GREY_EARLY,          /* retry before delay: defer, wait = seconds left */
	GREY_PASS_FIRST,     /* first retry in [delay, retry_window]: accept */
	GREY_PASSED,         /* passed before, seen within max_age: accept */
	GREY_RESTART,        /* first retry after retry_window: starts over, defer */
	GREY_ALLOWED_CLIENT, /* client part auto-allowed (or by rampartctl): accept */
	GREY_TEMP,           /* store error: defer and log; never a pass */
};

/* Timing, in seconds. */
struct grey_params {
	unsigned delay;              /* [greylist] delay */
	unsigned retry_window;       /* [greylist] retry_window, from first seen */
	unsigned max_age;            /* [greylist] max_age, from last seen */
	unsigned auto_allow_clients; /* passes (one per hour) before a client part is allowed; 0 off */
	/* last_seen of a passed triplet / allowed client is rewritten only when
	 * it is at least this old, so that the hot path (passed triplets) is a
	 * read transaction alone. Expiry may thus come up to refresh seconds
	 * early relative to the true last use. */
	unsigned refresh;
};

/* The key of one decision. The strings are the readable forms (kept in the
 * stored record for rampartctl); the hashes are the LMDB keys. */
struct grey_key {
	char client[GREY_CLIENT_MAX];   /* "192.0.2.0/24", "2001:db8::/64", "spf:example.com" */
	char sender[GREY_ADDR_MAX];     /* normalised; "" for the null sender */
	char rcpt[GREY_ADDR_MAX];       /* lower case */
	unsigned char triplet_hash[GREY_HASH_LEN];
	unsigned char client_hash[GREY_HASH_LEN];
};

enum grey_state {
	GREY_ST_PENDING = 1,   /* triplet: deferred, waiting for a retry */
	GREY_ST_PASSED = 2,    /* triplet: passed */
	GREY_ST_CLIENT = 3,    /* client part: auto-allow counter */
};
#define GREY_F_MANUAL 0x01     /* client part allowed by rampartctl: allowed, never swept */

/*
 * A stored record, decoded. Triplets: first_seen = first attempt (reset on
 * RESTART), last_seen = last attempt (refreshed at most once per refresh
 * once passed), pass_time = time of the first accepted retry (0 while
 * pending), count = deferred attempts. Client parts: count = counted passes,
 * pass_time = when the last one was counted, last_seen = last use.
 */
struct grey_record {
	uint8_t state;                 /* enum grey_state */
	uint8_t flags;                 /* GREY_F_* */
	int64_t first_seen, last_seen, pass_time;
	uint32_t count;
	char client[GREY_CLIENT_MAX];
	char sender[GREY_ADDR_MAX];    /* "" for client records */
	char rcpt[GREY_ADDR_MAX];
};

struct grey_verdict {
	enum grey_result result;
	unsigned long wait;      /* NEW, EARLY, RESTART: seconds until a retry can pass */
	unsigned long delayed;   /* PASS_FIRST: seconds since the first attempt */
	char error[256];         /* TEMP: what went wrong (path and problem) */
};

/* What greylist_decide changed, so the store knows what to write. */
enum { GREY_W_TRIPLET = 1, GREY_W_CLIENT = 2 };

/* [greylist] timing from a config snapshot (refresh = GREY_REFRESH_DEFAULT). */
void greylist_params_from_config(const struct grey_conf *c, struct grey_params *p);

/*
 * Sender normalisation (SPEC §8), applied in this order:
 *  1. surrounding "<>" removed; ASCII lower case. The null sender is "".
 *  2. BATV: a local part "prvs=TAG=LOCAL" or "btv1==TAG==LOCAL" (TAG: 1..64
 *     letters/digits) becomes LOCAL.
 *  3. SRS: "srs0=HASH=TT=DOMAIN=LOCAL" (first separator '=', '+' or '-')
 *     becomes "srs0=#=#=DOMAIN=LOCAL"; "srs1=HASH=SRSDOMAIN=xHASH=TT=..."
 *     becomes "srs1=#=SRSDOMAIN=x#=#=..." (x: the kept separator). Rules 4
 *     and 5 are not applied to SRS local parts.
 *  4. "+extension": everything from the first '+' (not at the start of the
 *     local part) to the '@' is dropped.
 *  5. numbers: each run of digits that is a whole word in the local part
 *     (neither preceded nor followed by a letter, digit or '_') becomes
 *     one '#': "bounce-123-x" -> "bounce-#-x", "x.2024" -> "x.#", but
 *     "user42" and "a_1" stay.
 * The domain is only lower-cased. out is always NUL-terminated; returns the
 * length written.
 */
size_t greylist_normalize_sender(const char *sender, char *out, size_t size);
/* Recipient: "<>" removed, lower case; +extension kept (as postgrey). */
size_t greylist_normalize_rcpt(const char *rcpt, char *out, size_t size);

/*
 * Client part: with spf_domain non-NULL and non-empty, "spf:" + the domain
 * in lower case (the caller passes it only when key = spf-domain and MAIL
 * FROM passed SPF). Otherwise the address masked to netmask4 / netmask6,
 * "192.0.2.0/24" or "2001:db8::/64". Returns 0, or -1 when a is NULL or not
 * AF_INET / AF_INET6 (out is then "").
 */
int greylist_client_part(const struct rp_netaddr *a, unsigned netmask4, unsigned netmask6,
	const char *spf_domain, char *out, size_t size);

/* Hash of a client part (the clients DBI key) and of a triplet. */
void greylist_hash_client(const char *client, unsigned char out[GREY_HASH_LEN]);
void greylist_hash_triplet(const char *client, const char *sender, const char *rcpt,
	unsigned char out[GREY_HASH_LEN]);

/* Fill k from already-normalised parts (rampartctl, tests). */
void greylist_key_from_parts(const char *client, const char *sender, const char *rcpt,
	struct grey_key *k);
/*
 * Build the key of one RCPT: client part from g (key,
 * netmask4, netmask6; spf_domain is used only when key = spf-domain),
 * normalised sender and recipient, hashes. Returns 0, or -1 when the client
 * address is unusable (k->client is then "").
 */
int greylist_key_make(const struct grey_conf *g, const struct rp_netaddr *client,
	const char *spf_domain, const char *sender, const char *rcpt, struct grey_key *k);

/*
 * The state machine. trip / cli are the stored records (found flags say
 * whether they exist; unknown-version records count as absent). On return
 * they hold the records as they must be stored, the found flags are true
 * for what now exists, v is filled, and the result is a mask of
 * GREY_W_TRIPLET / GREY_W_CLIENT for what changed. Deterministic: the store
 * runs it once in a read transaction and, if anything changed, again on
 * fresh records inside the write transaction.
 *
 * Rules (all comparisons in whole seconds, e = now - first_seen):
 *  - client part allowed (GREY_F_MANUAL, or auto_allow_clients > 0 and
 *    count >= auto_allow_clients): ALLOWED_CLIENT, triplet untouched.
 *  - no triplet, or a passed triplet with now - last_seen > max_age: NEW.
 *  - pending, e > retry_window: RESTART (first_seen = now).
 *  - pending, e < delay: EARLY, wait = delay - e.
 *  - pending, delay <= e <= retry_window: PASS_FIRST, delayed = e.
 *  - passed, now - last_seen <= max_age: PASSED.
 *  - every deferral counts one attempt; PASS_FIRST and PASSED count one
 *    pass for the client part when auto_allow_clients > 0 and the last
 *    counted pass is at least GREY_HOUR old.
 */
unsigned greylist_decide(const struct grey_params *p, time_t now, const struct grey_key *k,
	struct grey_record *trip, bool *trip_found, struct grey_record *cli, bool *cli_found,
	struct grey_verdict *v);

/* Is the record expired at now (the sweeper's and purge's rule)? Pending:
 * now - first_seen > retry_window; passed and client: now - last_seen >
 * max_age; manual client entries never expire. */
bool greylist_expired(const struct grey_params *p, time_t now, const struct grey_record *r);

/* Accept (PASS_FIRST, PASSED, ALLOWED_CLIENT) or defer (the rest). */
bool greylist_result_accepts(enum grey_result r);
/* "new", "early", "pass-first", "passed", "restart", "allowed-client", "temp". */
const char *greylist_result_name(enum grey_result r);

#endif
