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

#include "engine/conn.h"

enum { RP_CONTINUE = 0, RP_REFUSE = 1 };

/* A header to add at end of message. prepend: insert at the top. value:
 * at most RP_HEADER_LINE_MAX octets per line, folded as "\n\t" (what
 * smfi_insheader/smfi_addheader take); room for a whole folded
 * Received-SPF (spf.h). */
#define RP_HEADER_VALUE_MAX RP_SPF_HEADER_MAX
struct rp_header {
	char name[32];
	char value[RP_HEADER_VALUE_MAX];
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
/* mailer: {rcpt_mailer} (the MTA's delivery agent for it) or NULL. */
int policy_rcpt(struct rp_conn *c, struct rp_msg *m, const char *arg,
	const char *mailer, const char *queue_id, struct rp_reply *out);
/*
 * An arriving header that claims to be this host's own verdict, to be
 * removed before rampart adds its own: Authentication-Results whose
 * authserv-id is [spf] authserv_id (RFC 8601 §5), Received-SPF whose
 * receiver= is [milter] hostname. Comparisons ignore case; comments and
 * white space around the id are skipped.
 */
bool policy_header_forged(const struct rp_config *cfg, const char *name, const char *value);

/*
 * Whether stage (CONNECT, HELO or MAIL) may answer anything but "continue"
 * under cfg, i.e. whether the MTA must wait for its answer: a refusal
 * given at the stage itself ([policy] delay_reject = no), or an accept: a
 * client in trusted_networks, an access file OK (client, HELO, sender;
 * with an access file at all), a SASL login trusted at MAIL
 * (trust_authenticated). False: every refusal of the stage is held for
 * RCPT and nothing can be accepted there, so the event needs no reply.
 * An accept counts for the stages after its own too, for an MTA that goes
 * on sending them.
 */
bool policy_stage_answers(const struct rp_config *cfg, enum rp_stage stage);

/* After MAIL: true when nothing rampart may still say applies to this
 * message (trusted, or an access OK with no refusal held from before it),
 * so the milter can accept it without the RCPT events. */
bool policy_msg_accepted(const struct rp_conn *c, const struct rp_msg *m);
/* End of message: fills up to max headers, returns how many; logs the
 * pass line. */
unsigned policy_eom(struct rp_conn *c, struct rp_msg *m, const char *queue_id,
	struct rp_header *hdrs, unsigned max);

#endif
