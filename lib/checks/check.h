/*
 * check - the interface between the policy engine and the checks.
 *
 * A check is a row {id, stage, run} of check_table.c and a function in a
 * check_*.c file. run() looks at the facts in struct rp_eval and answers
 * RP_RES_PASS, RP_RES_NONE (did not apply), RP_RES_FAIL or RP_RES_TEMP;
 * for the last two it fills *out with its reply as SPEC §2 gives it
 * (the engine turns a TEMP reply temporary and applies the action).
 * Checks never log refusals themselves and never keep state of their own:
 * the engine does both. Called from the connection's callback thread.
 */
#ifndef RAMPART_CHECK_H
#define RAMPART_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "engine/conn.h"

struct rp_eval {
	struct rp_conn *c;
	struct rp_msg *m;       /* NULL before MAIL */
	enum rp_stage stage;
	const char *arg;        /* HELO argument, or MAIL/RCPT argv[0] as sent */
	const char *rcpt;       /* RCPT: the extracted recipient address */
	const char *rcpt_mailer; /* RCPT: the MTA's {rcpt_mailer}, NULL if not sent */
	/* DNS: the stage's batch (NULL when no active check queries), the
	 * stage's deadline (clock_mono_ms scale), and where each check's
	 * queries start in the batch (set by its prepare). */
	struct rp_dns_batch *batch;
	uint64_t deadline;
	size_t first[RP_CHK__COUNT];
	size_t count[RP_CHK__COUNT];
};

typedef enum rp_result (*rp_check_fn)(struct rp_eval *ev, struct rp_reply *out);
/* Add the check's DNS queries to ev->batch (sent together for the stage). */
typedef void (*rp_prepare_fn)(struct rp_eval *ev);

struct rp_check_def {
	enum rp_check id;
	enum rp_stage stage;
	rp_check_fn run;
	rp_prepare_fn prepare;  /* NULL: no DNS */
};

extern const struct rp_check_def rp_check_table[];
extern const size_t rp_check_table_len;

/* Queue a DNS query for check id in the stage's batch (from a prepare
 * function); the first call for id records where its queries start. */
void eval_query(struct rp_eval *ev, enum rp_check id, const char *name, enum rp_dns_type t);
/* Result k of check id's queries after the batch ran; NULL when the check
 * queued fewer (or DNS is not available). */
const struct rp_dns_result *eval_result(const struct rp_eval *ev, enum rp_check id, size_t k);
/* Milliseconds left of the stage's DNS budget, for dependent rounds. */
uint64_t eval_deadline(const struct rp_eval *ev);

/* check_helo.c */
enum rp_result check_helo_invalid(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_helo_non_fqdn(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_helo_required(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_helo_forged(struct rp_eval *ev, struct rp_reply *out);
/* check_rdns.c */
void prepare_client_ptr(struct rp_eval *ev);
enum rp_result check_client_ptr(struct rp_eval *ev, struct rp_reply *out);
void prepare_client_fcrdns(struct rp_eval *ev);
enum rp_result check_client_fcrdns(struct rp_eval *ev, struct rp_reply *out);
/* check_dnsbl.c */
void prepare_dnsbl(struct rp_eval *ev);
enum rp_result check_dnsbl(struct rp_eval *ev, struct rp_reply *out);
void prepare_rhsbl(struct rp_eval *ev);
enum rp_result check_rhsbl(struct rp_eval *ev, struct rp_reply *out);
/* check_domain.c */
void prepare_helo_unknown(struct rp_eval *ev);
enum rp_result check_helo_unknown(struct rp_eval *ev, struct rp_reply *out);
void prepare_sender_domain(struct rp_eval *ev);
enum rp_result check_sender_domain(struct rp_eval *ev, struct rp_reply *out);
void prepare_recipient_domain(struct rp_eval *ev);
enum rp_result check_recipient_domain(struct rp_eval *ev, struct rp_reply *out);
/* check_envelope.c */
enum rp_result check_mail_strict(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_rcpt_strict(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_sender_non_fqdn(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_recipient_non_fqdn(struct rp_eval *ev, struct rp_reply *out);

/* check_spf.c */
enum rp_result check_spf(struct rp_eval *ev, struct rp_reply *out);
/* check_greylist.c */
enum rp_result check_greylist(struct rp_eval *ev, struct rp_reply *out);

/* Bounds for outside text quoted inside replies ("<H>: ..."). */
#define RP_REPLY_ARG_MAX 300

#endif
