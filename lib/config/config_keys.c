/*
 * config_keys - the key table of rampart.conf (SPEC §10): every key with
 * its section, type, default, bounds and field of struct rp_config, and the
 * two ways across it: cf_key_set (text -> field, strictly) and
 * cf_key_format (field -> text, for -d). Pure data and pure functions.
 */
#include "config/config_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "base/hostname.h"
#include "base/util.h"
#include "dns/dns.h"
#include "greylist/greylist.h"
#include "greylist/store.h"
#include "tables/sql.h"

/* ------------------------------------------------------------------ */
/* the key table                                                       */




static const struct enumval e_target[] = {
	{ "syslog", RP_LOG_SYSLOG }, { "stderr", RP_LOG_STDERR }, { NULL, 0 } };
static const struct enumval e_spf_header[] = {
	{ "received-spf", RP_SPFH_RECEIVED_SPF }, { "authentication-results", RP_SPFH_AUTH_RESULTS },
	{ "both", RP_SPFH_BOTH }, { "none", RP_SPFH_NONE }, { NULL, 0 } };
static const struct enumval e_grey_mode[] = {
	{ "off", RP_GREY_OFF }, { "always", RP_GREY_ALWAYS }, { "suspicious", RP_GREY_SUSPICIOUS },
	{ NULL, 0 } };
static const struct enumval e_sql_on_error[] = {
	{ "continue", RP_SQL_ON_ERROR_CONTINUE }, { "defer", RP_SQL_ON_ERROR_DEFER }, { NULL, 0 } };
static const struct enumval e_grey_key[] = {
	{ "subnet", RP_GREYKEY_SUBNET }, { "spf-domain", RP_GREYKEY_SPF_DOMAIN }, { NULL, 0 } };

#define F(member) offsetof(struct rp_config, member)
#define ACT(member) offsetof(struct rp_config, action[member])
#define SPFR(r) offsetof(struct rp_config, spf.result[r])
#define ALL_ACTS ((1LL << RP_ACT__COUNT) - 1)
#define NO_REJECT (ALL_ACTS & ~(1LL << RP_ACT_REJECT))

const struct key cf_keys[] = {
	{ "milter", "socket", K_SOCKET, "inet:8895@127.0.0.1", 0, 0, F(milter.socket), NULL },
	{ "milter", "hostname", K_HOST_OPT, "", 0, 0, F(milter.hostname), NULL },
	{ "milter", "user", K_WORD, "rampart", 0, 0, F(milter.user), NULL },
	{ "milter", "group", K_WORD, "rampart", 0, 0, F(milter.group), NULL },
	{ "milter", "pidfile", K_PATH, "/run/rampart/rampart.pid", 0, 0, F(milter.pidfile), NULL },
	{ "milter", "timeout", K_DUR_S, "2h", SEC, DAY, F(milter.timeout), NULL },

	{ "log", "target", K_ENUM, "syslog", 0, 0, F(log.target), e_target },
	{ "log", "facility", K_FACILITY, "mail", 0, 0, F(log.facility), NULL },
	{ "log", "level", K_LEVEL, "info", 0, 0, F(log.level), NULL },

	{ "policy", "delay_reject", K_BOOL, "yes", 0, 0, F(policy.delay_reject), NULL },
	{ "policy", "dry_run", K_BOOL, "no", 0, 0, F(policy.dry_run), NULL },
	{ "policy", "trusted_networks", K_CIDRS, "127.0.0.0/8, ::1/128", 0, 0, F(policy.trusted_networks), NULL },
	{ "policy", "trust_authenticated", K_BOOL, "yes", 0, 0, F(policy.trust_authenticated), NULL },
	{ "policy", "exempt_recipients", K_LOCALPARTS, "postmaster, abuse", 0, 0, F(policy.exempt_recipients), NULL },
	{ "policy", "access_file", K_PATH_OPT, "", 0, 0, F(policy.access_file), NULL },

	{ "dns", "nameservers", K_NAMESERVERS, "", 0, 0, F(dns.nameservers), NULL },
	{ "dns", "port", K_UINT, "53", 1, 65535, F(dns.port), NULL },
	{ "dns", "timeout", K_DUR_MS, "2s", 10, 60 * SEC, F(dns.timeout_ms), NULL },
	{ "dns", "attempts", K_UINT, "3", 1, 10, F(dns.attempts), NULL },
	{ "dns", "stage_budget", K_DUR_MS, "20s", 100, 10 * MIN, F(dns.stage_budget_ms), NULL },
	{ "dns", "cache_size", K_UINT, "20000", 0, 10000000, F(dns.cache_size), NULL },
	{ "dns", "cache_max_ttl", K_DUR_S, "1h", 0, 7 * DAY, F(dns.cache_max_ttl), NULL },

	{ "helo", "required", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_HELO_REQUIRED), NULL },
	{ "helo", "invalid", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_HELO_INVALID), NULL },
	{ "helo", "non_fqdn", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_HELO_NON_FQDN), NULL },
	{ "helo", "unknown", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_HELO_UNKNOWN), NULL },
	{ "helo", "forged", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_HELO_FORGED), NULL },
	{ "helo", "own_names", K_NAMES, "", 0, 0, F(helo.own_names), NULL },

	{ "client", "ptr", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_CLIENT_PTR), NULL },
	{ "client", "fcrdns", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_CLIENT_FCRDNS), NULL },

	{ "envelope", "strict", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_ENVELOPE_STRICT), NULL },
	{ "envelope", "sender_non_fqdn", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_SENDER_NON_FQDN), NULL },
	{ "envelope", "recipient_non_fqdn", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_RECIPIENT_NON_FQDN), NULL },
	{ "envelope", "sender_unknown_domain", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_SENDER_UNKNOWN_DOMAIN), NULL },
	{ "envelope", "recipient_unknown_domain", K_ACTION, "off", 0, ALL_ACTS, ACT(RP_CHK_RECIPIENT_UNKNOWN_DOMAIN), NULL },
	{ "envelope", "remote_mailers", K_WORDS, "smtp, esmtp, smtp8, dsmtp, relay", 0, 0, F(envelope.remote_mailers), NULL },

	{ "spf", "fail", K_ACTION, "reject", 0, ALL_ACTS, SPFR(RP_SPF_FAIL), NULL },
	{ "spf", "softfail", K_ACTION, "tag", 0, ALL_ACTS, SPFR(RP_SPF_SOFTFAIL), NULL },
	{ "spf", "neutral", K_ACTION, "tag", 0, ALL_ACTS, SPFR(RP_SPF_NEUTRAL), NULL },
	{ "spf", "none", K_ACTION, "tag", 0, ALL_ACTS, SPFR(RP_SPF_NONE), NULL },
	{ "spf", "permerror", K_ACTION, "tag", 0, ALL_ACTS, SPFR(RP_SPF_PERMERROR), NULL },
	/* a temporary error is never a permanent refusal (SPEC §2) */
	{ "spf", "temperror", K_ACTION, "tag", 0, NO_REJECT, SPFR(RP_SPF_TEMPERROR), NULL },
	{ "spf", "helo", K_BOOL, "yes", 0, 0, F(spf.helo), NULL },
	{ "spf", "header", K_ENUM, "received-spf", 0, 0, F(spf.header), e_spf_header },
	{ "spf", "authserv_id", K_HOST_OPT, "", 0, 0, F(spf.authserv_id), NULL },

	{ "greylist", "mode", K_ENUM, "off", 0, 0, F(greylist.mode), e_grey_mode },
	{ "greylist", "key", K_ENUM, "subnet", 0, 0, F(greylist.key), e_grey_key },
	{ "greylist", "delay", K_DUR_S, "5m", 0, 30 * DAY, F(greylist.delay), NULL },
	{ "greylist", "retry_window", K_DUR_S, "2d", SEC, 365 * DAY, F(greylist.retry_window), NULL },
	{ "greylist", "max_age", K_DUR_S, "35d", DAY, 3650 * DAY, F(greylist.max_age), NULL },
	{ "greylist", "auto_allow_clients", K_UINT, "5", 0, 1000, F(greylist.auto_allow_clients), NULL },
	{ "greylist", "netmask4", K_UINT, "24", 0, 32, F(greylist.netmask4), NULL },
	{ "greylist", "netmask6", K_UINT, "64", 0, 128, F(greylist.netmask6), NULL },
	{ "greylist", "header", K_BOOL, "yes", 0, 0, F(greylist.header), NULL },
	{ "greylist", "database", K_PATH, "/var/lib/rampart/greylist.lmdb", 0, 0, F(greylist.database), NULL },
	{ "greylist", "text", K_GREYTEXT, GREY_TEXT_DEFAULT, 0, 0, F(greylist.text), NULL },
	{ "greylist", "whitelist_clients", K_PATHS, "", 0, 0, F(greylist.whitelist_clients), NULL },
	{ "greylist", "whitelist_recipients", K_PATHS, "", 0, 0, F(greylist.whitelist_recipients), NULL },

	{ "dnsbl", "action", K_ACTION, "reject", 0, ALL_ACTS, ACT(RP_CHK_DNSBL), NULL },
	{ "dnsbl", "zones", K_DNSBL, "", 0, 0, F(dnsbl), NULL },
	{ "dnsbl", "threshold", K_INT, "1", 1, 1000, F(dnsbl.threshold), NULL },
	{ "dnsbl", "greylist_threshold", K_INT, "0", 0, 1000, F(dnsbl.greylist_threshold), NULL },
	{ "dnsbl", "allow_threshold", K_INT, "-1", -1000, 0, F(dnsbl.allow_threshold), NULL },

	{ "rhsbl", "action", K_ACTION, "reject", 0, ALL_ACTS, ACT(RP_CHK_RHSBL), NULL },
	{ "rhsbl", "zones", K_ZONES, "", 0, 0, F(rhsbl.zones), NULL },
	{ "rhsbl", "targets", K_TARGETS, "helo, sender", 0, 0, F(rhsbl.targets), NULL },

	{ "sql", "hosts", K_SQLHOSTS, "", 0, 0, F(sql.hosts), NULL },
	{ "sql", "user", K_TEXT, "", 0, 0, F(sql.user), NULL },
	{ "sql", "password", K_TEXT, "", 0, 0, F(sql.password), NULL },
	{ "sql", "password_file", K_PATH_OPT, "", 0, 0, F(sql.password_file), NULL },
	{ "sql", "dbname", K_TEXT, "", 0, 0, F(sql.dbname), NULL },
	{ "sql", "client_query", K_SQLQUERY, "", 0, 0, F(sql.query[RP_ACC_CLIENT]), NULL },
	{ "sql", "helo_query", K_SQLQUERY, "", 0, 0, F(sql.query[RP_ACC_HELO]), NULL },
	{ "sql", "sender_query", K_SQLQUERY, "", 0, 0, F(sql.query[RP_ACC_SENDER]), NULL },
	{ "sql", "recipient_query", K_SQLQUERY, "", 0, 0, F(sql.query[RP_ACC_RECIPIENT]), NULL },
	{ "sql", "cache_ttl", K_DUR_S, "60s", 0, DAY, F(sql.cache_ttl), NULL },
	{ "sql", "negative_ttl", K_DUR_S, "60s", 0, DAY, F(sql.negative_ttl), NULL },
	{ "sql", "timeout", K_DUR_S, "2s", SEC, 60 * SEC, F(sql.timeout), NULL },
	{ "sql", "connections", K_UINT, "4", 1, 64, F(sql.connections), NULL },
	{ "sql", "on_error", K_ENUM, "continue", 0, 0, F(sql.on_error), e_sql_on_error },
};
const size_t cf_nkeys = RP_ARRAY_LEN(cf_keys);

static const char *const sections[] = {
	"milter", "log", "policy", "dns", "helo", "client", "envelope", "spf", "greylist",
	"dnsbl", "rhsbl", "sql",
};

static const struct enumval e_targets[] = {
	{ "helo", RP_RHSBL_HELO }, { "sender", RP_RHSBL_SENDER }, { "client", RP_RHSBL_CLIENT },
	{ NULL, 0 } };


/* ------------------------------------------------------------------ */
/* setting one key from text                                           */

/*
 * Parse text for key k into c. Returns 0, or -1 with the expected form in
 * form (and, for lists, the offending item quoted in front of it).
 */
int cf_key_set(const struct key *k, const char *text, struct rp_config *c,
	char *form, size_t formsize)
{
	char lo[64], hi[64], list[256];
	struct rp_strlist items = { 0 };

	switch (k->type) {
	case K_WORD:
		if (!cf_word_valid(text)) {
			snprintf(form, formsize, "expected a name of letters, digits, '.', '_' or '-'");
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = xstrdup(text);
		return 0;
	case K_GREYTEXT: {
		char why[160];
		if (greylist_text_check(text, why, sizeof why) != 0) {
			snprintf(form, formsize, "%s", why);
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = xstrdup(text);
		return 0;
	}
	case K_TEXT:
	case K_SQLQUERY: {
		char why[200];
		for (const char *p = text; *p; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f) {
				snprintf(form, formsize, "expected printable text");
				return -1;
			}
		if (k->type == K_SQLQUERY && *text && sql_query_check(text, why, sizeof why) < 0) {
			snprintf(form, formsize, "%s", why);
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = *text ? xstrdup(text) : NULL;
		return 0;
	}
	case K_PATH:
	case K_PATH_OPT:
		if (k->type == K_PATH_OPT && !*text) {
			free(*FIELD(c, k, char *));
			*FIELD(c, k, char *) = NULL;
			return 0;
		}
		if (!cf_path_valid(text)) {
			snprintf(form, formsize, k->type == K_PATH ? "expected an absolute path"
				: "expected an absolute path, or nothing for none");
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = xstrdup(text);
		return 0;
	case K_HOST_OPT:
		if (!*text) {
			free(*FIELD(c, k, char *));
			*FIELD(c, k, char *) = NULL;
			return 0;
		}
		if (!cf_name_valid(text)) {
			snprintf(form, formsize, "expected a host name, or nothing for the default");
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = cf_name_dup(text, false);
		return 0;
	case K_SOCKET: {
		const char *rest = NULL;
		bool ok = false;
		if (strncmp(text, "unix:", 5) == 0 || strncmp(text, "local:", 6) == 0) {
			rest = strchr(text, ':') + 1;
			ok = cf_path_valid(rest) && strlen(rest) < 108 && !strpbrk(rest, " ");
		} else if (strncmp(text, "inet:", 5) == 0 || strncmp(text, "inet6:", 6) == 0) {
			char port[16];
			unsigned long pv;
			const char *at;
			rest = strchr(text, ':') + 1;
			at = strchr(rest, '@');
			if (at && (size_t)(at - rest) < sizeof port) {
				memcpy(port, rest, (size_t)(at - rest));
				port[at - rest] = '\0';
				ok = config_parse_uint(port, 1, 65535, &pv) == 0 && at[1]
					&& strspn(at + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]")
					   == strlen(at + 1);
			}
		}
		if (!ok) {
			snprintf(form, formsize, "expected unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST (PORT 1..65535)");
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = xstrdup(text);
		return 0;
	}
	case K_BOOL: {
		bool b;
		if (config_parse_bool(text, &b) < 0) {
			snprintf(form, formsize, "expected yes or no");
			return -1;
		}
		*FIELD(c, k, bool) = b;
		return 0;
	}
	case K_UINT: {
		unsigned long v;
		if (config_parse_uint(text, (unsigned long)k->min, (unsigned long)k->max, &v) < 0) {
			snprintf(form, formsize, "expected a whole number from %lld to %lld", k->min, k->max);
			return -1;
		}
		*FIELD(c, k, unsigned) = (unsigned)v;
		return 0;
	}
	case K_INT: {
		long v;
		if (config_parse_int(text, (long)k->min, (long)k->max, &v) < 0) {
			snprintf(form, formsize, "expected a whole number from %lld to %lld", k->min, k->max);
			return -1;
		}
		*FIELD(c, k, int) = (int)v;
		return 0;
	}
	case K_DUR_S:
	case K_DUR_MS: {
		unsigned long long ms;
		int rc = config_parse_duration_ms(text, &ms);
		if (rc < 0 || (k->type == K_DUR_S && ms % 1000)) {
			snprintf(form, formsize, k->type == K_DUR_S
				? "expected a duration like 30s, 5m, 2h or 35d"
				: "expected a duration like 500ms, 2s or 1m");
			return -1;
		}
		if (ms < (unsigned long long)k->min || ms > (unsigned long long)k->max) {
			cf_format_duration((unsigned long long)k->min, lo, sizeof lo);
			cf_format_duration((unsigned long long)k->max, hi, sizeof hi);
			snprintf(form, formsize, "expected a duration from %s to %s", lo, hi);
			return -1;
		}
		*FIELD(c, k, unsigned) = (unsigned)(k->type == K_DUR_S ? ms / 1000 : ms);
		return 0;
	}
	case K_ACTION: {
		char name[16];
		int a = -1;
		if (strlen(text) < sizeof name) {
			rp_strlcpy_lower(name, text, sizeof name);
			a = action_from_name(name);
		}
		if (a < 0 || !(k->max & (1LL << a))) {
			size_t pos = 0;
			list[0] = '\0';
			for (int i = 0; i < RP_ACT__COUNT; i++)
				if (k->max & (1LL << i)) {
					int n = snprintf(list + pos, sizeof list - pos, "%s%s", pos ? ", " : "",
						action_name((enum rp_action)i));
					if (n > 0 && (size_t)n < sizeof list - pos)
						pos += (size_t)n;
				}
			snprintf(form, formsize, "expected one of %s", list);
			return -1;
		}
		*FIELD(c, k, int) = a;
		return 0;
	}
	case K_ENUM:
		for (size_t i = 0; k->extra[i].name; i++)
			if (strcasecmp(text, k->extra[i].name) == 0) {
				*FIELD(c, k, int) = k->extra[i].value;
				return 0;
			}
		cf_enum_list(k->extra, list, sizeof list);
		snprintf(form, formsize, "expected one of %s", list);
		return -1;
	case K_LEVEL: {
		int v = log_level_from_name(text);
		if (v < 0) {
			snprintf(form, formsize, "expected one of err, warning, notice, info, debug");
			return -1;
		}
		*FIELD(c, k, int) = v;
		return 0;
	}
	case K_FACILITY: {
		int v = log_facility_from_name(text);
		if (v < 0) {
			snprintf(form, formsize, "expected one of mail, daemon, user, local0, local1, local2, local3, local4, local5, local6, local7");
			return -1;
		}
		*FIELD(c, k, int) = v;
		return 0;
	}
	default:
		break;
	}

	/* lists */
	const char *what;
	switch (k->type) {
	case K_NAMES: what = "expected a comma-separated list of host names or IP addresses"; break;
	case K_ZONES: what = "expected a comma-separated list of DNS zones"; break;
	case K_CIDRS: what = "expected a comma-separated list of addresses or networks like 192.0.2.0/24, 2001:db8::/32"; break;
	case K_LOCALPARTS: what = "expected a comma-separated list of local parts like postmaster, abuse"; break;
	case K_WORDS: what = "expected a comma-separated list of names like local, virtual, lmtp"; break;
	case K_PATHS: what = "expected a comma-separated list of absolute paths"; break;
	case K_NAMESERVERS: what = "expected a comma-separated list of IPv4/IPv6 addresses"; break;
	case K_DNSBL: what = "expected a comma-separated list of zone[=a.b.c.d][*weight]"; break;
	case K_SQLHOSTS: what = "expected a comma-separated list of host, host:port, [v6addr]:port or unix:/path"; break;
	default: what = "expected a comma-separated list of helo, sender, client"; break;
	}
	if (cf_split_list(text, &items) < 0) {
		snprintf(form, formsize, "empty list item: %s", what);
		return -1;
	}

	char echo[ECHO_MAX + 1];
	struct rp_strlist out = { 0 };
	struct rp_cidrlist cidrs = { 0 };
	struct rp_dnsbl_site *sites = NULL;
	unsigned bits = 0;
	size_t i;

	for (i = 0; i < items.n; i++) {
		const char *it = items.v[i];
		struct rp_netaddr na;
		struct rp_cidr cidr;
		char err[256];
		bool ok = true;

		switch (k->type) {
		case K_NAMES:
			ok = cf_name_valid(it) || netaddr_parse(it, &na) == 0;
			if (ok) {
				char *l = cf_name_dup(it, true);
				strlist_add(&out, l);
				free(l);
			}
			break;
		case K_ZONES:
			ok = cf_name_valid(it);
			if (ok) {
				char *l = cf_name_dup(it, true);
				strlist_add(&out, l);
				free(l);
			}
			break;
		case K_CIDRS:
			ok = cidr_parse(it, &cidr) == 0;
			if (ok)
				cidrlist_add(&cidrs, &cidr);
			break;
		case K_LOCALPARTS:
			ok = strlen(it) <= 64 && !strpbrk(it, "@ \t\"");
			for (const char *p = it; ok && *p; p++)
				ok = (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f;
			if (ok) {
				char *l = cf_lower_dup(it);
				strlist_add(&out, l);
				free(l);
			}
			break;
		case K_WORDS:
			ok = it[0] && strlen(it) <= 64 && strspn(it, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == strlen(it);
			if (ok) {
				char *l = cf_lower_dup(it);
				strlist_add(&out, l);
				free(l);
			}
			break;
		case K_PATHS:
			ok = cf_path_valid(it);
			if (ok)
				strlist_add(&out, it);
			break;
		case K_SQLHOSTS: {
			struct sql_host h;
			ok = sql_host_parse(it, &h) == 0;
			if (ok)
				strlist_add(&out, it);
			break;
		}
		case K_NAMESERVERS:
			if (i >= RP_DNS_MAX_NS) {
				snprintf(form, formsize, "%zu addresses: expected at most %d",
					items.n, RP_DNS_MAX_NS);
				strlist_free(&items);
				strlist_free(&out);
				return -1;
			}
			ok = netaddr_parse(it, &na) == 0;
			if (ok) {
				char a[RP_ADDRSTRLEN];
				netaddr_format(&na, a, sizeof a);
				strlist_add(&out, a);
			}
			break;
		case K_DNSBL:
			sites = xrealloc(sites, (i + 1) * sizeof *sites);
			if (dnsbl_site_parse(it, &sites[i], err, sizeof err) < 0) {
				rp_printable(echo, sizeof echo, it);
				snprintf(form, formsize, "\"%s\": %s", echo, err);
				ok = false;
			}
			break;
		default:
			ok = false;
			for (size_t j = 0; e_targets[j].name; j++)
				if (strcasecmp(it, e_targets[j].name) == 0) {
					bits |= (unsigned)e_targets[j].value;
					ok = true;
				}
			break;
		}
		if (!ok) {
			if (k->type != K_DNSBL) {
				rp_printable(echo, sizeof echo, it);
				snprintf(form, formsize, "\"%s\": %s", echo, what);
			}
			break;
		}
	}
	size_t nitems = items.n;
	strlist_free(&items);
	if (i < nitems) {
		strlist_free(&out);
		cidrlist_free(&cidrs);
		/* Only the dnsbl list has sites; the item that failed (i) was
		 * left empty by dnsbl_site_parse. */
		for (size_t j = 0; sites && j < i; j++)
			dnsbl_site_free(&sites[j]);
		free(sites);
		return -1;
	}
	cf_field_free(k, c);
	switch (k->type) {
	case K_CIDRS:
		*FIELD(c, k, struct rp_cidrlist) = cidrs;
		break;
	case K_DNSBL:
		c->dnsbl.sites = sites;
		c->dnsbl.n = nitems;
		break;
	case K_TARGETS:
		*FIELD(c, k, unsigned) = bits;
		break;
	default:
		*FIELD(c, k, struct rp_strlist) = out;
		break;
	}
	return 0;
}

void cf_field_free(const struct key *k, struct rp_config *c)
{
	switch (k->type) {
	case K_WORD: case K_PATH: case K_PATH_OPT: case K_HOST_OPT: case K_SOCKET: case K_GREYTEXT:
	case K_TEXT: case K_SQLQUERY:
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = NULL;
		break;
	case K_NAMES: case K_ZONES: case K_LOCALPARTS: case K_WORDS: case K_PATHS: case K_NAMESERVERS:
	case K_SQLHOSTS:
		strlist_free(FIELD(c, k, struct rp_strlist));
		break;
	case K_CIDRS:
		cidrlist_free(FIELD(c, k, struct rp_cidrlist));
		break;
	case K_DNSBL:
		for (size_t j = 0; j < c->dnsbl.n; j++)
			dnsbl_site_free(&c->dnsbl.sites[j]);
		free(c->dnsbl.sites);
		c->dnsbl.sites = NULL;
		c->dnsbl.n = 0;
		break;
	default:
		break;
	}
}

/* The effective value of key k as config text. */
void cf_key_format(const struct key *k, const struct rp_config *c, char *buf, size_t size)
{
	size_t pos = 0;
	char item[600];

	buf[0] = '\0';
	switch (k->type) {
	case K_WORD: case K_PATH: case K_PATH_OPT: case K_HOST_OPT: case K_SOCKET: case K_GREYTEXT:
	case K_TEXT: case K_SQLQUERY: {
		const char *s = *CFIELD(c, k, char *);
		rp_strlcpy(buf, s ? s : "", size);
		return;
	}
	case K_BOOL:
		rp_strlcpy(buf, *CFIELD(c, k, bool) ? "yes" : "no", size);
		return;
	case K_UINT:
		snprintf(buf, size, "%u", *CFIELD(c, k, unsigned));
		return;
	case K_INT:
		snprintf(buf, size, "%d", *CFIELD(c, k, int));
		return;
	case K_DUR_S:
		cf_format_duration(*CFIELD(c, k, unsigned) * 1000ULL, buf, size);
		return;
	case K_DUR_MS:
		cf_format_duration(*CFIELD(c, k, unsigned), buf, size);
		return;
	case K_ACTION:
		rp_strlcpy(buf, action_name((enum rp_action)*CFIELD(c, k, int)), size);
		return;
	case K_ENUM:
		rp_strlcpy(buf, cf_enum_name(k->extra, *CFIELD(c, k, int)), size);
		return;
	case K_LEVEL:
		rp_strlcpy(buf, log_level_name((enum rp_log_level)*CFIELD(c, k, int)), size);
		return;
	case K_FACILITY:
		rp_strlcpy(buf, log_facility_name(*CFIELD(c, k, int)), size);
		return;
	default:
		break;
	}
	size_t n = 0;
	for (size_t i = 0;; i++) {
		if (k->type == K_CIDRS) {
			const struct rp_cidrlist *l = CFIELD(c, k, struct rp_cidrlist);
			if (i >= l->n)
				break;
			cf_cidr_format(&l->v[i], item, sizeof item);
		} else if (k->type == K_DNSBL) {
			if (i >= c->dnsbl.n)
				break;
			dnsbl_site_format(&c->dnsbl.sites[i], item, sizeof item);
		} else if (k->type == K_TARGETS) {
			unsigned bits = *CFIELD(c, k, unsigned);
			while (e_targets[n].name && !(bits & (unsigned)e_targets[n].value))
				n++;
			if (!e_targets[n].name)
				break;
			rp_strlcpy(item, e_targets[n++].name, sizeof item);
		} else {
			const struct rp_strlist *l = CFIELD(c, k, struct rp_strlist);
			if (i >= l->n)
				break;
			rp_strlcpy(item, l->v[i], sizeof item);
		}
		int w = snprintf(buf + pos, size - pos, "%s%s", i ? ", " : "", item);
		if (w < 0 || (size_t)w >= size - pos)
			return;
		pos += (size_t)w;
	}
}


bool cf_section_known(const char *s)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(sections); i++)
		if (strcmp(s, sections[i]) == 0)
			return true;
	return false;
}

const struct key *cf_key_find(const char *section, const char *name)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(cf_keys); i++)
		if (strcmp(cf_keys[i].section, section) == 0 && strcmp(cf_keys[i].name, name) == 0)
			return &cf_keys[i];
	return NULL;
}

/* Levenshtein distance of a and b (both short: key names), capped. */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0], t;
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			t = row[j];
			unsigned sub = diag + (a[i - 1] != b[j - 1]);
			unsigned del = row[j] + 1, ins = row[j - 1] + 1;
			row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			diag = t;
		}
	}
	return row[lb];
}

const struct key *cf_key_nearest(const char *section, const char *name)
{
	const struct key *best = NULL;
	unsigned bd = 99;
	size_t n = strlen(name);
	/* a near miss: at most 2 edits (1 for names of 4 letters or less);
	 * the same section wins a tie, then table order */
	unsigned limit = n <= 4 ? 1 : 2;

	for (size_t i = 0; i < cf_nkeys; i++) {
		unsigned d = edit_distance(name, cf_keys[i].name);
		bool here = strcasecmp(cf_keys[i].section, section) == 0;
		if (d > limit)
			continue;
		if (d < bd || (d == bd && here && best && strcasecmp(best->section, section) != 0)) {
			best = &cf_keys[i];
			bd = d;
		}
	}
	/* the same name in another section: the admin put it under the
	 * wrong header */
	if (!best)
		for (size_t i = 0; i < cf_nkeys; i++)
			if (strcasecmp(cf_keys[i].name, name) == 0)
				return &cf_keys[i];
	return best;
}
