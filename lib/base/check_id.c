/* checks - see checks.h */
#include "base/check_id.h"

#include <string.h>

#include "base/util.h"

static const char *const check_names[RP_CHK__COUNT] = {
	[RP_CHK_ACCESS] = "access",
	[RP_CHK_CLIENT_PTR] = "client_ptr",
	[RP_CHK_CLIENT_FCRDNS] = "client_fcrdns",
	[RP_CHK_DNSBL] = "dnsbl",
	[RP_CHK_HELO_INVALID] = "helo_invalid",
	[RP_CHK_HELO_NON_FQDN] = "helo_non_fqdn",
	[RP_CHK_HELO_FORGED] = "helo_forged",
	[RP_CHK_HELO_UNKNOWN] = "helo_unknown",
	[RP_CHK_RHSBL] = "rhsbl",
	[RP_CHK_HELO_REQUIRED] = "helo_required",
	[RP_CHK_ENVELOPE_STRICT] = "envelope_strict",
	[RP_CHK_SENDER_NON_FQDN] = "sender_non_fqdn",
	[RP_CHK_SENDER_UNKNOWN_DOMAIN] = "sender_unknown_domain",
	[RP_CHK_SPF] = "spf",
	[RP_CHK_RECIPIENT_NON_FQDN] = "recipient_non_fqdn",
	[RP_CHK_RECIPIENT_UNKNOWN_DOMAIN] = "recipient_unknown_domain",
	[RP_CHK_GREYLIST] = "greylist",
};

static const char *const stage_names[RP_STAGE__COUNT] = {
	"CONNECT", "HELO", "MAIL", "RCPT", "END-OF-MESSAGE",
};

static const char *const action_names[RP_ACT__COUNT] = {
	"off", "log", "tag", "greylist", "defer", "reject",
};

const char *check_name(enum rp_check id)
{
	return (unsigned)id < RP_CHK__COUNT ? check_names[id] : "?";
}

int check_from_name(const char *name)
{
	for (int i = 0; i < RP_CHK__COUNT; i++)
		if (strcmp(check_names[i], name) == 0)
			return i;
	return -1;
}

const char *stage_name(enum rp_stage s)
{
	return (unsigned)s < RP_STAGE__COUNT ? stage_names[s] : "?";
}

const char *action_name(enum rp_action a)
{
	return (unsigned)a < RP_ACT__COUNT ? action_names[a] : "?";
}

int action_from_name(const char *name)
{
	for (int i = 0; i < RP_ACT__COUNT; i++)
		if (strcmp(action_names[i], name) == 0)
			return i;
	return -1;
}
