/*
 * checks - the names of rampart's checks, their stages and actions.
 *
 * The ids are the ones of SPEC §2; they appear in the config, the access
 * file (SKIP), log lines and headers. The order of the enum is the order in
 * which checks run within a stage. Pure data: safe from any thread.
 */
#ifndef RAMPART_CHECKS_H
#define RAMPART_CHECKS_H

#include <stdint.h>

enum rp_check {
	RP_CHK_ACCESS,
	RP_CHK_CLIENT_PTR,
	RP_CHK_CLIENT_FCRDNS,
	RP_CHK_DNSBL,
	RP_CHK_HELO_INVALID,
	RP_CHK_HELO_NON_FQDN,
	RP_CHK_HELO_FORGED,
	RP_CHK_HELO_UNKNOWN,
	RP_CHK_RHSBL,
	RP_CHK_HELO_REQUIRED,
	RP_CHK_ENVELOPE_STRICT,
	RP_CHK_SENDER_NON_FQDN,
	RP_CHK_SENDER_UNKNOWN_DOMAIN,
	RP_CHK_SPF,
	RP_CHK_RECIPIENT_NON_FQDN,
	RP_CHK_RECIPIENT_UNKNOWN_DOMAIN,
	RP_CHK_GREYLIST,
	RP_CHK__COUNT
};

/* A set of checks, as a bit mask (1u << id). */
typedef uint32_t rp_checkset;
#define RP_CHKBIT(id) ((rp_checkset)1u << (id))

enum rp_stage {
	RP_STAGE_CONNECT,
	RP_STAGE_HELO,
	RP_STAGE_MAIL,
	RP_STAGE_RCPT,
	RP_STAGE_EOM,
	RP_STAGE__COUNT
};

/* Per-check action, SPEC §3. Ordered from weakest to strongest. */
enum rp_action {
	RP_ACT_OFF,
	RP_ACT_LOG,
	RP_ACT_TAG,
	RP_ACT_GREYLIST,
	RP_ACT_DEFER,
	RP_ACT_REJECT,
	RP_ACT__COUNT
};

/* Check id <-> name ("helo_invalid"); -1 when the name is unknown. */
const char *check_name(enum rp_check id);
int check_from_name(const char *name);
/* Stage <-> Postfix-style name ("CONNECT", "HELO", "MAIL", "RCPT", "END-OF-MESSAGE"). */
const char *stage_name(enum rp_stage s);
/* Action <-> name ("reject"); -1 when unknown. */
const char *action_name(enum rp_action a);
int action_from_name(const char *name);

#endif
