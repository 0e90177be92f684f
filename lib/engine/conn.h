/*
 * conn - the facts of one connection and of its current message, as the
 * policy engine (policy/policy.h) builds them from the MTA's events and the
 * checks (checks/check.h) read them; the four outcomes of a check.
 *
 * State: struct rp_conn is owned by one connection and struct rp_msg by
 * its current message; the milter keeps them (smfi_setpriv) and never
 * shares them between connections, so nothing here is locked. The engine
 * a connection points to is immutable (engine/engine.h).
 */
#ifndef RAMPART_CONN_H
#define RAMPART_CONN_H

#include <stdbool.h>

#include "base/address.h"
#include "base/check_id.h"
#include "base/netaddr.h"
#include "base/verdict.h"
#include "config/config.h"
#include "engine/engine.h"
#include "spf/spf.h"

/* What a check answers (ARCHITECTURE rule 3): did not apply, pass, fail,
 * temporary (undetermined: never a pass). */
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
	bool helo_ok;                    /* access HELO OK while a client refusal
	                                  * is held: checks skipped, the held
	                                  * refusal still given at RCPT */
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
	bool ok;                         /* access OK (HELO or sender): skip the
	                                  * checks of ok_stage and later */
	enum rp_stage ok_stage;          /* the stage of that OK */
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

#endif
