/*
 * check_table - which checks exist and at which stage they run. The order
 * of rows is the order of evaluation within a stage (dnsbl before the rDNS
 * checks, so that an allow-listed client skips them). Adding a check is
 * adding a row here and a function in a check_*.c file.
 */
#include "checks/check.h"

const struct rp_check_def rp_check_table[] = {
	{ RP_CHK_DNSBL, RP_STAGE_CONNECT, check_dnsbl, prepare_dnsbl },
	{ RP_CHK_CLIENT_PTR, RP_STAGE_CONNECT, check_client_ptr, prepare_client_ptr },
	{ RP_CHK_CLIENT_FCRDNS, RP_STAGE_CONNECT, check_client_fcrdns, prepare_client_fcrdns },
	{ RP_CHK_RHSBL, RP_STAGE_CONNECT, check_rhsbl, prepare_rhsbl },

	{ RP_CHK_HELO_INVALID, RP_STAGE_HELO, check_helo_invalid, NULL },
	{ RP_CHK_HELO_NON_FQDN, RP_STAGE_HELO, check_helo_non_fqdn, NULL },
	{ RP_CHK_HELO_FORGED, RP_STAGE_HELO, check_helo_forged, NULL },
	{ RP_CHK_HELO_UNKNOWN, RP_STAGE_HELO, check_helo_unknown, prepare_helo_unknown },
	{ RP_CHK_RHSBL, RP_STAGE_HELO, check_rhsbl, prepare_rhsbl },

	{ RP_CHK_HELO_REQUIRED, RP_STAGE_MAIL, check_helo_required, NULL },
	{ RP_CHK_ENVELOPE_STRICT, RP_STAGE_MAIL, check_mail_strict, NULL },
	{ RP_CHK_SENDER_NON_FQDN, RP_STAGE_MAIL, check_sender_non_fqdn, NULL },
	{ RP_CHK_SENDER_UNKNOWN_DOMAIN, RP_STAGE_MAIL, check_sender_domain, prepare_sender_domain },
	{ RP_CHK_RHSBL, RP_STAGE_MAIL, check_rhsbl, prepare_rhsbl },
	{ RP_CHK_SPF, RP_STAGE_MAIL, check_spf, NULL },

	{ RP_CHK_ENVELOPE_STRICT, RP_STAGE_RCPT, check_rcpt_strict, NULL },
	{ RP_CHK_RECIPIENT_NON_FQDN, RP_STAGE_RCPT, check_recipient_non_fqdn, NULL },
	{ RP_CHK_RECIPIENT_UNKNOWN_DOMAIN, RP_STAGE_RCPT, check_recipient_domain,
	  prepare_recipient_domain },
	{ RP_CHK_GREYLIST, RP_STAGE_RCPT, check_greylist, NULL },
};
const size_t rp_check_table_len = sizeof rp_check_table / sizeof rp_check_table[0];
