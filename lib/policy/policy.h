/*
 * policy - the decision engine. The milter turns libmilter events into the
 * facts below and asks, at each stage, for a verdict; policy runs the
 * check table of checks.c/policy.c for that stage and applies trust, the
 * access file, per-check actions, dry run and delayed rejection
 * (SPEC §3, §4).
 *
 * State: struct rp_conn is owned by one connection and struct rp_msg by
 * its current message; the caller keeps them (smfi_setpriv) and never
 * shares them between connections, so no locking is needed here. The
 * config snapshot a connection holds is immutable.
 *
 * Stage functions return RP_CONTINUE, or RP_REFUSE with *out filled: a 5xx
 * reply means reject, a 4xx reply means tempfail. Each refusal is logged
 * once, in Postfix's form (SPEC §11), when it is given.
 *
 * How results combine (ARCHITECTURE rule 3): each check answers pass, fail,
 * temporary or none. fail and temporary carry the check's reply (temporary
 * turned 4xx); the check's action decides what happens to it. Within a
 * stage checks run in table order; at RCPT the held refusals are looked at
 * in the order client, HELO, sender, and the first one not skipped for that
 * recipient is the answer, then the recipient's own checks.
 */
#ifndef RAMPART_POLICY_H
#define RAMPART_POLICY_H

#include <stdbool.h>

#include "base/address.h"
#include "base/check_id.h"
#include "config/config.h"
#include "engine/engine.h"
#include "base/netaddr.h"
#include "spf/spf.h"
#include "base/verdict.h"

enum { RP_CONTINUE = 0, RP_REFUSE = 1 };

enum rp_result { RP_RES_NONE, RP_RES_PASS, RP_RES_FAIL, RP_RES_TEMP };

#define RP_HELD_MAX 8
#define RP_NAME_MAX 256

/* Refusals held for delayed rejection (delay_reject = yes). */
struct rp_held {
	unsigned n;
	struct rp_reply r[RP_HELD_MAX];
};

/* A check result kept for the headers (action tag) */
struct rp_tag {
	enum rp_check check;
	enum rp_result result;
	const char *detail;              /* static result name, or NULL */
};

struct rp_conn {
	struct rp_engine *eng;           /* the engine this connection uses */
	struct rp_config *cfg;           /* eng->cfg, for brevity */
	char client_name[RP_NAME_MAX];   /* verified name from the MTA, or "unknown" */
	char client_addr[RP_ADDRSTRLEN]; /* text form, "unknown" when none */
	struct rp_netaddr addr;
	bool has_addr;
	char *helo;                      /* raw HELO argument; NULL before HELO */
	bool trusted;                    /* skip everything from here on */
	const char *trust_reason;        /* "trusted_networks", "sasl", "access" */
	rp_checkset skip;                /* access SKIP from client and HELO lines */
	bool suspicious;                 /* some check used action greylist */
	struct rp_held held_connect, held_helo;
	unsigned ntags;
	struct rp_tag tags[RP_CHK__COUNT];
	unsigned long messages;
	/* DNS results of CONNECT */
	enum rp_result iprev;            /* FCrDNS: NONE when not checked */
	char iprev_name[RP_NAME_MAX];    /* the confirmed name on pass */
	int dnsbl_score;
	bool dnsbl_allow;                /* score <= allow_threshold: rDNS and
	                                  * greylisting skipped */
};

struct rp_msg {
	bool active;                     /* MAIL seen */
	char sender[RP_ADDR_MAX * 2];    /* extracted, "" for <> */
	bool null_sender;
	bool smtputf8;
	bool ok;                         /* access sender OK: skip all checks */
	rp_checkset skip;                /* access sender SKIP */
	bool suspicious;
	struct rp_held held_mail;
	unsigned ntags;
	struct rp_tag tags[RP_CHK__COUNT];
	char queue_id[32];
	bool spf_done;                   /* SPF evaluated for this message */
	struct rp_spf_outcome spf;
	char spf_pass_domain[RP_DOMAIN_MAX + 1]; /* MAIL FROM domain when SPF passed */
	unsigned long grey_delayed;      /* seconds, for X-Greylist; 0: none */
	unsigned nrcpt;                  /* recipients accepted */
	char rcpts[512];                 /* "<a>,<b>" for the pass line, bounded */
};

/* A header to add at end of message. prepend: insert at the top. */
struct rp_header {
	char name[32];
	char value[1024];
	bool prepend;
};
#define RP_HEADERS_MAX 6

/* RFC 5322 date for headers, from clock_now(). */
void policy_header_date(char *buf, size_t size);

/*
 * Start a connection: name is what the MTA says (a verified name, or
 * "[ADDR]"/"unknown" when it has none), addr the client's address text
 * (NULL or unparsable: unknown). Takes a reference on eng.
 */
void policy_conn_init(struct rp_conn *c, struct rp_engine *eng, const char *name,
	const char *addr);
void policy_conn_free(struct rp_conn *c);
void policy_msg_reset(struct rp_msg *m);

int policy_connect(struct rp_conn *c, struct rp_reply *out);
int policy_helo(struct rp_conn *c, const char *helo, struct rp_reply *out);
/* arg: argv[0] of MAIL as the MTA passed it; esmtp: argv[1..], NULL-ended;
 * auth: {auth_authen} or NULL; queue_id: {i} or NULL. */
int policy_mail(struct rp_conn *c, struct rp_msg *m, const char *arg,
	char *const *esmtp, const char *auth, const char *queue_id, struct rp_reply *out);
int policy_rcpt(struct rp_conn *c, struct rp_msg *m, const char *arg,
	const char *queue_id, struct rp_reply *out);
/* End of message: fills up to max headers, returns how many; logs the
 * pass line. */
unsigned policy_eom(struct rp_conn *c, struct rp_msg *m, const char *queue_id,
	struct rp_header *hdrs, unsigned max);

#endif
