/*
 * check_table - which checks exist and at which stage they run. The order
 * of rows is the order of evaluation within a stage. Adding a check is
 * adding a row here and a function in a check_*.c file.
 */
#include "check.h"

const struct rp_check_def rp_check_table[] = {
	{ RP_CHK_HELO_INVALID, RP_STAGE_HELO, check_helo_invalid },
	{ RP_CHK_HELO_NON_FQDN, RP_STAGE_HELO, check_helo_non_fqdn },
	{ RP_CHK_HELO_REQUIRED, RP_STAGE_MAIL, check_helo_required },
	{ RP_CHK_ENVELOPE_STRICT, RP_STAGE_MAIL, check_mail_strict },
	{ RP_CHK_SENDER_NON_FQDN, RP_STAGE_MAIL, check_sender_non_fqdn },
	{ RP_CHK_ENVELOPE_STRICT, RP_STAGE_RCPT, check_rcpt_strict },
	{ RP_CHK_RECIPIENT_NON_FQDN, RP_STAGE_RCPT, check_recipient_non_fqdn },
};
const size_t rp_check_table_len = sizeof rp_check_table / sizeof rp_check_table[0];
