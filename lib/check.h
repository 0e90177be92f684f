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

#include "policy.h"

struct rp_eval {
	struct rp_conn *c;
	struct rp_msg *m;       /* NULL before MAIL */
	enum rp_stage stage;
	const char *arg;        /* HELO argument, or MAIL/RCPT argv[0] as sent */
	const char *rcpt;       /* RCPT: the extracted recipient address */
};

typedef enum rp_result (*rp_check_fn)(struct rp_eval *ev, struct rp_reply *out);

struct rp_check_def {
	enum rp_check id;
	enum rp_stage stage;
	rp_check_fn run;
};

extern const struct rp_check_def rp_check_table[];
extern const size_t rp_check_table_len;

/* check_helo.c */
enum rp_result check_helo_invalid(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_helo_non_fqdn(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_helo_required(struct rp_eval *ev, struct rp_reply *out);
/* check_envelope.c */
enum rp_result check_mail_strict(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_rcpt_strict(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_sender_non_fqdn(struct rp_eval *ev, struct rp_reply *out);
enum rp_result check_recipient_non_fqdn(struct rp_eval *ev, struct rp_reply *out);

/* Bounds for outside text quoted inside replies ("<H>: ..."). */
#define RP_REPLY_ARG_MAX 300

#endif
