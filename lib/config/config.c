/*
 * config - rampart.conf (SPEC §10): one typed key table, iniparser to read
 * the file, strict parsers for every value, an immutable reference-counted
 * snapshot (see config.h).
 *
 * Owns the key table below (every key, its type, default, bounds and field)
 * and each snapshot it builds. config_load may be called from any thread;
 * loads are serialised internally because iniparser's error callback is
 * process-global. A returned snapshot is never modified; config_ref and
 * config_unref are atomic and may be called from any thread.
 * config_load returns a snapshot with one reference, or NULL with every
 * problem in errs (one complete line each). The config_parse_* helpers
 * return 0, or -1 when the text is not of the expected form.
 */
#include "config/config.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "base/hostname.h"

#define ECHO_MAX 80                 /* values echoed in messages are cut here */
#define FILE_MAX (256 * 1024)       /* larger config files are refused */
#define PROBLEMS_MAX 100            /* messages reported at most */
#define RESOLV_CONF "/etc/resolv.conf"

/* ------------------------------------------------------------------ */
/* value parsers                                                       */

int config_parse_duration_ms(const char *s, unsigned long long *ms)
{
	static const struct { const char *unit; unsigned long long mult; } units[] = {
		{ "", 1000ULL }, { "ms", 1ULL }, { "s", 1000ULL }, { "m", 60000ULL },
		{ "h", 3600000ULL }, { "d", 86400000ULL },
	};
	unsigned long long v = 0;
	const char *p = s;

	if (!s || !isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (ULLONG_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(units); i++)
		if (strcmp(p, units[i].unit) == 0) {
			if (v > ULLONG_MAX / units[i].mult)
				return -1;
			*ms = v * units[i].mult;
			return 0;
		}
	return -1;
}

int config_parse_bool(const char *s, bool *b)
{
	static const char *const yes[] = { "yes", "true", "on" }, *const no[] = { "no", "false", "off" };
	if (!s)
		return -1;
	for (size_t i = 0; i < RP_ARRAY_LEN(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*b = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*b = false;
			return 0;
		}
	}
	return -1;
}

int config_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *v)
{
	char *end;
	unsigned long n;
	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

int config_parse_int(const char *s, long min, long max, long *v)
{
	char *end;
	long n;
	if (!s || !isdigit((unsigned char)(*s == '-' ? s[1] : s[0])))
		return -1;
	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || *end || n < min || n > max)
		return -1;
	*v = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* the key table                                                       */

enum ktype {
	K_WORD,        /* a user or group name */
	K_PATH,        /* an absolute path */
	K_PATH_OPT,    /* an absolute path, or empty for none (NULL) */
	K_HOST_OPT,    /* a host name, or empty for the computed default (NULL) */
	K_SOCKET,      /* milter socket spec */
	K_BOOL,        /* bool */
	K_UINT,        /* unsigned, bounds min..max */
	K_INT,         /* int, bounds min..max */
	K_DUR_S,       /* unsigned seconds; bounds in ms */
	K_DUR_MS,      /* unsigned milliseconds; bounds in ms */
	K_ACTION,      /* enum rp_action; max = bit mask of allowed actions */
	K_ENUM,        /* int from an enumval table (extra) */
	K_LEVEL,       /* enum rp_log_level */
	K_FACILITY,    /* syslog facility */
	K_NAMES,       /* strlist of host names or addresses, lower case */
	K_ZONES,       /* strlist of DNS zones, lower case */
	K_CIDRS,       /* rp_cidrlist */
	K_LOCALPARTS,  /* strlist of local parts, lower case */
	K_NAMESERVERS, /* strlist of addresses; empty = from resolv.conf */
	K_DNSBL,       /* the dnsbl sites (n, sites) */
	K_TARGETS,     /* RP_RHSBL_* bits */
};

struct enumval {
	const char *name;
	int value;
};

struct key {
	const char *section, *name;
	enum ktype type;
	const char *def;           /* default as text */
	long long min, max;        /* bounds (ms for durations); action mask */
	size_t off;                /* field in struct rp_config */
	const struct enumval *extra;
};

static const struct enumval e_target[] = {
	{ "syslog", RP_LOG_SYSLOG }, { "stderr", RP_LOG_STDERR }, { NULL, 0 } };
static const struct enumval e_spf_header[] = {
	{ "received-spf", RP_SPFH_RECEIVED_SPF }, { "authentication-results", RP_SPFH_AUTH_RESULTS },
	{ "both", RP_SPFH_BOTH }, { "none", RP_SPFH_NONE }, { NULL, 0 } };
static const struct enumval e_grey_mode[] = {
	{ "off", RP_GREY_OFF }, { "always", RP_GREY_ALWAYS }, { "suspicious", RP_GREY_SUSPICIOUS },
	{ NULL, 0 } };
static const struct enumval e_grey_key[] = {
	{ "subnet", RP_GREYKEY_SUBNET }, { "spf-domain", RP_GREYKEY_SPF_DOMAIN }, { NULL, 0 } };

#define F(member) offsetof(struct rp_config, member)
#define ACT(member) offsetof(struct rp_config, action[member])
#define SPFR(r) offsetof(struct rp_config, spf.result[r])
#define ALL_ACTS ((1LL << RP_ACT__COUNT) - 1)
#define NO_REJECT (ALL_ACTS & ~(1LL << RP_ACT_REJECT))
#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define DAY (24 * HOUR)

static const struct key keys[] = {
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

	{ "dnsbl", "action", K_ACTION, "reject", 0, ALL_ACTS, ACT(RP_CHK_DNSBL), NULL },
	{ "dnsbl", "zones", K_DNSBL, "", 0, 0, F(dnsbl), NULL },
	{ "dnsbl", "threshold", K_INT, "1", 1, 1000, F(dnsbl.threshold), NULL },
	{ "dnsbl", "greylist_threshold", K_INT, "0", 0, 1000, F(dnsbl.greylist_threshold), NULL },
	{ "dnsbl", "allow_threshold", K_INT, "0", -1000, 0, F(dnsbl.allow_threshold), NULL },

	{ "rhsbl", "action", K_ACTION, "reject", 0, ALL_ACTS, ACT(RP_CHK_RHSBL), NULL },
	{ "rhsbl", "zones", K_ZONES, "", 0, 0, F(rhsbl.zones), NULL },
	{ "rhsbl", "targets", K_TARGETS, "helo, sender", 0, 0, F(rhsbl.targets), NULL },
};

static const char *const sections[] = {
	"milter", "log", "policy", "dns", "helo", "client", "envelope", "spf", "greylist",
	"dnsbl", "rhsbl",
};

static const struct enumval e_targets[] = {
	{ "helo", RP_RHSBL_HELO }, { "sender", RP_RHSBL_SENDER }, { "client", RP_RHSBL_CLIENT },
	{ NULL, 0 } };

#define FIELD(c, k, T) ((T *)(void *)((char *)(c) + (k)->off))
#define CFIELD(c, k, T) ((const T *)(const void *)((const char *)(c) + (k)->off))

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

static void format_duration(unsigned long long ms, char *buf, size_t size)
{
	if (ms % 1000)
		snprintf(buf, size, "%llums", ms);
	else if (ms == 0)
		snprintf(buf, size, "0s");
	else if (ms % DAY == 0)
		snprintf(buf, size, "%llud", ms / DAY);
	else if (ms % HOUR == 0)
		snprintf(buf, size, "%lluh", ms / HOUR);
	else if (ms % MIN == 0)
		snprintf(buf, size, "%llum", ms / MIN);
	else
		snprintf(buf, size, "%llus", ms / SEC);
}

static void enum_list(const struct enumval *e, char *buf, size_t size)
{
	size_t pos = 0;
	buf[0] = '\0';
	for (size_t i = 0; e[i].name; i++) {
		int n = snprintf(buf + pos, size - pos, "%s%s", i ? ", " : "", e[i].name);
		if (n < 0 || (size_t)n >= size - pos)
			return;
		pos += (size_t)n;
	}
}

static const char *enum_name(const struct enumval *e, int v)
{
	for (size_t i = 0; e[i].name; i++)
		if (e[i].value == v)
			return e[i].name;
	return "?";
}

static bool word_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32 || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

static bool path_valid(const char *s)
{
	if (s[0] != '/' || strlen(s) > 4000)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* A host name as Postfix checks it, one trailing dot allowed. */
static bool name_valid(const char *s)
{
	char buf[256];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n + 1);
	if (n > 1 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return hostname_valid(buf);
}

/* A copy of a valid name without its one trailing dot, lower case if asked. */
static char *name_dup(const char *s, bool lower)
{
	char *d = xstrdup(s);
	size_t n = strlen(d);
	if (n > 1 && d[n - 1] == '.')
		d[n - 1] = '\0';
	for (char *p = d; lower && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

static char *lower_dup(const char *s)
{
	char *d = xstrdup(s);
	for (char *p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Split a comma-separated list into trimmed items. Returns -1 (and *bad
 * names the reason) for an empty item; an empty or blank list is 0 items. */
static int split_list(const char *s, struct rp_strlist *out)
{
	const char *p = s;
	memset(out, 0, sizeof *out);
	if (s[strspn(s, " \t")] == '\0')
		return 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		while (len && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len) {
			strlist_free(out);
			return -1;
		}
		char *item = xstrndup(p, len);
		strlist_add(out, item);
		free(item);
		if (!e)
			return 0;
		p = e + 1;
	}
}

static void cidr_format(const struct rp_cidr *c, char *buf, size_t size)
{
	char a[RP_ADDRSTRLEN];
	netaddr_format(&c->net, a, sizeof a);
	snprintf(buf, size, "%s/%u", a, c->prefix);
}

/* ------------------------------------------------------------------ */
/* setting one key from text                                           */

/*
 * Parse text for key k into c. Returns 0, or -1 with the expected form in
 * form (and, for lists, the offending item quoted in front of it).
 */
static int key_set(const struct key *k, const char *text, struct rp_config *c,
	char *form, size_t formsize)
{
	char lo[64], hi[64], list[256];
	struct rp_strlist items = { 0 };

	switch (k->type) {
	case K_WORD:
		if (!word_valid(text)) {
			snprintf(form, formsize, "expected a name of letters, digits, '.', '_' or '-'");
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = xstrdup(text);
		return 0;
	case K_PATH:
	case K_PATH_OPT:
		if (k->type == K_PATH_OPT && !*text) {
			free(*FIELD(c, k, char *));
			*FIELD(c, k, char *) = NULL;
			return 0;
		}
		if (!path_valid(text)) {
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
		if (!name_valid(text)) {
			snprintf(form, formsize, "expected a host name, or nothing for the default");
			return -1;
		}
		free(*FIELD(c, k, char *));
		*FIELD(c, k, char *) = name_dup(text, false);
		return 0;
	case K_SOCKET: {
		const char *rest = NULL;
		bool ok = false;
		if (strncmp(text, "unix:", 5) == 0 || strncmp(text, "local:", 6) == 0) {
			rest = strchr(text, ':') + 1;
			ok = path_valid(rest) && strlen(rest) < 108 && !strpbrk(rest, " ");
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
			format_duration((unsigned long long)k->min, lo, sizeof lo);
			format_duration((unsigned long long)k->max, hi, sizeof hi);
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
		enum_list(k->extra, list, sizeof list);
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
	case K_NAMESERVERS: what = "expected a comma-separated list of IPv4/IPv6 addresses"; break;
	case K_DNSBL: what = "expected a comma-separated list of zone[=a.b.c.d][*weight]"; break;
	default: what = "expected a comma-separated list of helo, sender, client"; break;
	}
	if (split_list(text, &items) < 0) {
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
			ok = name_valid(it) || netaddr_parse(it, &na) == 0;
			if (ok) {
				char *l = name_dup(it, true);
				strlist_add(&out, l);
				free(l);
			}
			break;
		case K_ZONES:
			ok = name_valid(it);
			if (ok) {
				char *l = name_dup(it, true);
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
				char *l = lower_dup(it);
				strlist_add(&out, l);
				free(l);
			}
			break;
		case K_NAMESERVERS:
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
		for (size_t j = 0; j < i; j++)
			dnsbl_site_free(&sites[j]);
		free(sites);
		return -1;
	}
	switch (k->type) {
	case K_CIDRS:
		cidrlist_free(FIELD(c, k, struct rp_cidrlist));
		*FIELD(c, k, struct rp_cidrlist) = cidrs;
		break;
	case K_DNSBL:
		for (size_t j = 0; j < c->dnsbl.n; j++)
			dnsbl_site_free(&c->dnsbl.sites[j]);
		free(c->dnsbl.sites);
		c->dnsbl.sites = sites;
		c->dnsbl.n = nitems;
		break;
	case K_TARGETS:
		*FIELD(c, k, unsigned) = bits;
		break;
	default:
		strlist_free(FIELD(c, k, struct rp_strlist));
		*FIELD(c, k, struct rp_strlist) = out;
		break;
	}
	return 0;
}

/* The effective value of key k as config text. */
static void key_format(const struct key *k, const struct rp_config *c, char *buf, size_t size)
{
	size_t pos = 0;
	char item[600];

	buf[0] = '\0';
	switch (k->type) {
	case K_WORD: case K_PATH: case K_PATH_OPT: case K_HOST_OPT: case K_SOCKET: {
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
		format_duration(*CFIELD(c, k, unsigned) * 1000ULL, buf, size);
		return;
	case K_DUR_MS:
		format_duration(*CFIELD(c, k, unsigned), buf, size);
		return;
	case K_ACTION:
		rp_strlcpy(buf, action_name((enum rp_action)*CFIELD(c, k, int)), size);
		return;
	case K_ENUM:
		rp_strlcpy(buf, enum_name(k->extra, *CFIELD(c, k, int)), size);
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
			cidr_format(&l->v[i], item, sizeof item);
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

/* ------------------------------------------------------------------ */
/* building, freeing, sharing                                          */

static void config_free(struct rp_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < RP_ARRAY_LEN(keys); i++) {
		const struct key *k = &keys[i];
		switch (k->type) {
		case K_WORD: case K_PATH: case K_PATH_OPT: case K_HOST_OPT: case K_SOCKET:
			free(*FIELD(c, k, char *));
			break;
		case K_NAMES: case K_ZONES: case K_LOCALPARTS: case K_NAMESERVERS:
			strlist_free(FIELD(c, k, struct rp_strlist));
			break;
		case K_CIDRS:
			cidrlist_free(FIELD(c, k, struct rp_cidrlist));
			break;
		case K_DNSBL:
			for (size_t j = 0; j < c->dnsbl.n; j++)
				dnsbl_site_free(&c->dnsbl.sites[j]);
			free(c->dnsbl.sites);
			break;
		default:
			break;
		}
	}
	access_free(c->policy.access);
	free(c->path);
	free(c);
}

struct rp_config *config_ref(struct rp_config *c)
{
	if (c)
		__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

void config_unref(struct rp_config *c)
{
	if (c && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0)
		config_free(c);
}

/* A snapshot holding every default of the table (computed ones not yet). */
static struct rp_config *config_new(void)
{
	struct rp_config *c = xcalloc(1, sizeof *c);
	char form[512];
	c->refs = 1;
	for (size_t i = 0; i < RP_ARRAY_LEN(keys); i++)
		if (key_set(&keys[i], keys[i].def, c, form, sizeof form) < 0) {
			fprintf(stderr, "rampart: bad built-in default [%s] %s = %s: %s\n",
				keys[i].section, keys[i].name, keys[i].def, form);
			abort();
		}
	return c;
}

/* This host's name: the canonical name of gethostname(), else that name. */
static char *host_fqdn(void)
{
	char name[256];
	struct addrinfo hints, *res = NULL;
	char *out = NULL;

	if (gethostname(name, sizeof name) != 0 || !name[0])
		rp_strlcpy(name, "localhost", sizeof name);
	name[sizeof name - 1] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_CANONNAME;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) == 0 && res) {
		if (res->ai_canonname && strchr(res->ai_canonname, '.') && name_valid(res->ai_canonname))
			out = xstrdup(res->ai_canonname);
		freeaddrinfo(res);
	}
	if (!out)
		out = xstrdup(name_valid(name) ? name : "localhost");
	return out;
}

/* The nameserver lines of resolv.conf; 127.0.0.1 when there are none. */
static void resolv_nameservers(struct rp_strlist *l)
{
	FILE *f = fopen(RESOLV_CONF, "r");
	char line[512];
	while (f && fgets(line, sizeof line, f)) {
		char kw[16], addr[128];
		struct rp_netaddr na;
		if (sscanf(line, "%15s %127s", kw, addr) == 2 && strcmp(kw, "nameserver") == 0
		    && netaddr_parse(addr, &na) == 0) {
			char a[RP_ADDRSTRLEN];
			netaddr_format(&na, a, sizeof a);
			strlist_add(l, a);
		}
	}
	if (f)
		fclose(f);
	if (l->n == 0)
		strlist_add(l, "127.0.0.1");
}

/* Fill the computed defaults and the derived action entries. */
static void config_finish(struct rp_config *c)
{
	enum rp_action spf = RP_ACT_OFF;

	if (!c->milter.hostname)
		c->milter.hostname = host_fqdn();
	if (!c->spf.authserv_id)
		c->spf.authserv_id = xstrdup(c->milter.hostname);
	if (c->dns.nameservers.n == 0)
		resolv_nameservers(&c->dns.nameservers);
	c->spf.result[RP_SPF_PASS] = RP_ACT_OFF;
	for (int r = 0; r < RP_SPF__COUNT; r++)
		if (c->spf.result[r] > spf)
			spf = c->spf.result[r];
	c->action[RP_CHK_SPF] = spf;
	c->action[RP_CHK_ACCESS] = RP_ACT_REJECT;
	c->action[RP_CHK_GREYLIST] = c->greylist.mode == RP_GREY_OFF ? RP_ACT_OFF : RP_ACT_GREYLIST;
}

struct rp_config *config_defaults(void)
{
	struct rp_config *c = config_new();
	config_finish(c);
	return c;
}

/* ------------------------------------------------------------------ */
/* loading                                                             */

/* Where each section and key was seen: a light line scan of the file for
 * messages only (values are read through iniparser). */
struct seen {
	char *section, *key;     /* lower case; key NULL for a section line */
	unsigned line;
	char *value;             /* raw text after '=', for messages */
};

struct scan {
	struct seen *v;
	size_t n;
};

/* Problems found, each with its line for sorting. */
struct problem {
	unsigned line;
	size_t seq;
	char *msg;
};

struct problems {
	struct problem *v;
	size_t n;
};

static void problem_add(struct problems *p, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem_add(struct problems *p, unsigned line, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	if (p->n > PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (p->n == PROBLEMS_MAX) {
		line = UINT_MAX;
		snprintf(buf, sizeof buf, "too many problems, the rest are not shown");
	}
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	p->v[p->n].line = line;
	p->v[p->n].seq = p->n;
	p->v[p->n].msg = xstrdup(buf);
	p->n++;
}

static int problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static char *strip_dup(const char *s, size_t len, bool lower)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	char *d = xstrndup(s, len);
	if (lower)
		for (char *p = d; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Order: section, the section line before its keys, key, line. */
static int seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->section, y->section);
	if (c)
		return c;
	if (!x->key || !y->key) {
		if (x->key != y->key)
			return x->key ? 1 : -1;
	} else if ((c = strcmp(x->key, y->key)) != 0) {
		return c;
	}
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool seen_same(const struct seen *x, const char *section, const char *key)
{
	if (strcmp(x->section, section) != 0)
		return false;
	return key ? x->key && strcmp(x->key, key) == 0 : !x->key;
}

/* After scan_text (sorted): a section's first line, or a key's last line
 * (the one iniparser keeps). */
static const struct seen *scan_find(const struct scan *sc, const char *section, const char *key)
{
	struct seen probe = { (char *)(uintptr_t)section, (char *)(uintptr_t)key, 0, NULL };
	size_t lo = 0, hi = sc->n;
	while (lo < hi) {                        /* first entry not below probe */
		size_t mid = lo + (hi - lo) / 2;
		if (seen_cmp(&sc->v[mid], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= sc->n || !seen_same(&sc->v[lo], section, key))
		return NULL;
	if (key)
		while (lo + 1 < sc->n && seen_same(&sc->v[lo + 1], section, key))
			lo++;
	return &sc->v[lo];
}

static void seen_add(struct scan *sc, size_t *cap, struct seen s)
{
	if (sc->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		sc->v = xrealloc(sc->v, *cap * sizeof *sc->v);
	}
	sc->v[sc->n++] = s;
}

static void echo_value(char *dst, size_t size, const char *v)
{
	char tmp[ECHO_MAX + 1];
	size_t n = rp_printable(tmp, sizeof tmp, v ? v : "");
	snprintf(dst, size, "%s%s", tmp, v && strlen(v) > n ? "..." : "");
}

/*
 * Scan text line by line as iniparser reads it (comments, "\" line
 * continuations, [section] lines, key = value lines), recording where each
 * section and key appears and reporting duplicate keys.
 */
static void scan_text(const char *path, const char *text, struct scan *sc, struct problems *pb)
{
	const char *p = text;
	unsigned lineno = 0;
	size_t cap_seen = 0;
	char *section = xstrdup("");

	while (*p) {
		/* one logical line, joined over continuations */
		size_t cap = 256, len = 0;
		char *line = xmalloc(cap);
		unsigned first = lineno + 1;
		for (;;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			lineno++;
			if (len + n + 1 > cap) {
				cap = len + n + 1;
				line = xrealloc(line, cap);
			}
			memcpy(line + len, p, n);
			len += n;
			line[len] = '\0';
			p = e ? e + 1 : p + n;
			while (len && isspace((unsigned char)line[len - 1]))
				line[--len] = '\0';
			if (len && line[len - 1] == '\\' && *p) {
				line[--len] = '\0';
				continue;
			}
			break;
		}
		const char *s = line + strspn(line, " \t\r");
		size_t slen = strlen(s);
		if (slen == 0 || *s == '#' || *s == ';') {
			free(line);
			continue;
		}
		if (*s == '[' && s[slen - 1] == ']') {
			const char *close = strchr(s, ']');
			free(section);
			section = strip_dup(s + 1, (size_t)(close - s - 1), true);
			seen_add(sc, &cap_seen, (struct seen){ xstrdup(section), NULL, first, NULL });
		} else if (strchr(s, '=')) {
			const char *eq = strchr(s, '=');
			char *key = strip_dup(s, (size_t)(eq - s), true);
			char *val = strip_dup(eq + 1, strlen(eq + 1), false);
			seen_add(sc, &cap_seen, (struct seen){ xstrdup(section), key, first, val });
		}
		/* anything else is a syntax error that iniparser reports */
		free(line);
	}
	free(section);

	/* sorted, a key's occurrences are adjacent: every one after the first
	 * is a duplicate (iniparser would silently keep the last) */
	if (sc->n)
		qsort(sc->v, sc->n, sizeof *sc->v, seen_cmp);
	for (size_t i = 1, first = 0; i < sc->n; i++) {
		const struct seen *x = &sc->v[i];
		if (!x->key || !seen_same(&sc->v[first], x->section, x->key)) {
			first = i;
			continue;
		}
		char ev[ECHO_MAX + 8];
		echo_value(ev, sizeof ev, x->value);
		if (*x->section)
			problem_add(pb, x->line, "%s:%u: [%s] %s = \"%s\": duplicate key, first set at line %u",
				path, x->line, x->section, x->key, ev, sc->v[first].line);
		else
			problem_add(pb, x->line, "%s:%u: %s = \"%s\": duplicate key, first set at line %u",
				path, x->line, x->key, ev, sc->v[first].line);
	}
}

static void scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		free(sc->v[i].section);
		free(sc->v[i].key);
		free(sc->v[i].value);
	}
	free(sc->v);
}

/* iniparser's error callback is process-global: loads take this lock, and
 * the callback appends to ini_msgs. */
static pthread_mutex_t ini_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rp_strlist *ini_msgs;

static int ini_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int ini_error(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (ini_msgs)
		strlist_add(ini_msgs, buf);
	return 0;
}

/* Turn one iniparser message ("iniparser: syntax error in F (N):\n-> L")
 * into "FILE:N: ...: expected ...". */
static void ini_problem(const char *path, const char *msg, const struct scan *sc,
	const char *text, struct problems *pb)
{
	/* the message names the file, then " (LINE)" */
	const char *at = strstr(msg, path);
	unsigned line = 0;
	char clean[ECHO_MAX + 8];

	(void)sc;
	if (at && strncmp(at + strlen(path), " (", 2) == 0)
		line = (unsigned)strtoul(at + strlen(path) + 2, NULL, 10);
	if (strstr(msg, "too long")) {
		problem_add(pb, line, "%s:%u: line too long: expected at most 1023 bytes per line", path, line);
		return;
	}
	if (strstr(msg, "syntax error") && line) {
		/* the text of that line, from the file itself */
		const char *p = text;
		for (unsigned i = 1; i < line && p; i++) {
			p = strchr(p, '\n');
			if (p)
				p++;
		}
		char *l = p ? strip_dup(p, strcspn(p, "\n"), false) : xstrdup("");
		echo_value(clean, sizeof clean, l);
		free(l);
		problem_add(pb, line, "%s:%u: \"%s\": syntax error: expected [section], key = value or a # comment",
			path, line, clean);
		return;
	}
	char flat[ECHO_MAX * 2];
	rp_printable(flat, sizeof flat, msg);
	problem_add(pb, line, "%s: %s", path, flat);
}

static char *read_file(const char *path, struct problems *pb)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	if (!f) {
		problem_add(pb, 0, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(FILE_MAX + 1);
	n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f)) {
		problem_add(pb, 0, "%s: cannot read: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (n > FILE_MAX) {
		problem_add(pb, 0, "%s: file too large: expected at most %d bytes", path, FILE_MAX);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		problem_add(pb, 0, "%s: NUL byte in file: expected text", path);
		free(buf);
		return NULL;
	}
	return buf;
}

static bool section_known(const char *s)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(sections); i++)
		if (strcmp(s, sections[i]) == 0)
			return true;
	return false;
}

static const struct key *key_find(const char *section, const char *name)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(keys); i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static unsigned line_of(const struct scan *sc, const char *section, const char *key)
{
	const struct seen *s = scan_find(sc, section, key);
	return s ? s->line : 0;
}

static void prefix(char *buf, size_t size, const char *path, unsigned line)
{
	if (line)
		snprintf(buf, size, "%s:%u:", path, line);
	else
		snprintf(buf, size, "%s:", path);
}

/* Report unknown sections, unknown keys and keys before any section. */
static void check_names(const char *path, dictionary *d, const struct scan *sc, struct problems *pb)
{
	char where[512], ev[ECHO_MAX + 8];
	int nsec = iniparser_getnsec(d);

	for (int i = 0; i < nsec; i++) {
		const char *sec = iniparser_getsecname(d, i);
		if (!sec)
			continue;
		if (!section_known(sec)) {
			unsigned line = line_of(sc, sec, NULL);
			char es[ECHO_MAX + 8];
			echo_value(es, sizeof es, sec);
			prefix(where, sizeof where, path, line);
			problem_add(pb, line, "%s [%s]: unknown section: expected one of milter, log, policy, dns, helo, client, envelope, spf, greylist, dnsbl, rhsbl",
				where, es);
			continue;
		}
		int nk = iniparser_getsecnkeys(d, sec);
		if (nk <= 0)
			continue;
		const char **names = xcalloc((size_t)nk, sizeof *names);
		if (iniparser_getseckeys(d, sec, names)) {
			size_t plen = strlen(sec) + 1;
			for (int j = 0; j < nk; j++) {
				const char *full = names[j];
				if (pb->n > PROBLEMS_MAX)
					break;
				if (!full || strlen(full) < plen || key_find(sec, full + plen))
					continue;
				unsigned line = line_of(sc, sec, full + plen);
				echo_value(ev, sizeof ev, iniparser_getstring(d, full, ""));
				prefix(where, sizeof where, path, line);
				problem_add(pb, line, "%s [%s] %s = \"%s\": unknown key", where, sec, full + plen, ev);
			}
		}
		free(names);
	}
	for (ssize_t j = 0; j < d->size; j++) {
		const char *full = d->key[j];
		if (!full || full[0] != ':')
			continue;
		unsigned line = line_of(sc, "", full + 1);
		echo_value(ev, sizeof ev, d->val[j]);
		prefix(where, sizeof where, path, line);
		problem_add(pb, line, "%s %s = \"%s\": key outside any section: expected a [section] line before it",
			where, full + 1, ev);
	}
}

struct rp_config *config_load(const char *path, struct rp_errlist *errs)
{
	struct problems pb = { 0 };
	struct scan sc = { 0 };
	struct rp_strlist msgs = { 0 };
	struct rp_config *c = NULL;
	dictionary *d = NULL;
	char *text;
	bool failed;
	struct rp_errlist own = { 0 };

	if (!errs)
		errs = &own;       /* the caller only wants the verdict */
	if (!path)
		path = RP_DEFAULT_CONFIG;
	text = read_file(path, &pb);
	if (text) {
		scan_text(path, text, &sc, &pb);
		pthread_mutex_lock(&ini_lock);
		ini_msgs = &msgs;
		iniparser_set_error_callback(ini_error);
		d = iniparser_load(path);
		iniparser_set_error_callback(NULL);
		ini_msgs = NULL;
		pthread_mutex_unlock(&ini_lock);
		for (size_t i = 0; i < msgs.n; i++)
			ini_problem(path, msgs.v[i], &sc, text, &pb);
		if (!d && msgs.n == 0)
			problem_add(&pb, 0, "%s: cannot be read as an INI file", path);
		strlist_free(&msgs);
	}
	if (d) {
		char form[512], where[512], ev[ECHO_MAX + 8], full[128];
		check_names(path, d, &sc, &pb);
		c = config_new();
		c->path = xstrdup(path);
		for (size_t i = 0; i < RP_ARRAY_LEN(keys); i++) {
			const struct key *k = &keys[i];
			snprintf(full, sizeof full, "%s:%s", k->section, k->name);
			const char *v = iniparser_getstring(d, full, NULL);
			if (!v)
				continue;
			char *val = strip_dup(v, strlen(v), false);
			if (key_set(k, val, c, form, sizeof form) < 0) {
				unsigned line = line_of(&sc, k->section, k->name);
				echo_value(ev, sizeof ev, val);
				prefix(where, sizeof where, path, line);
				problem_add(&pb, line, "%s [%s] %s = \"%s\": %s", where, k->section, k->name, ev, form);
			}
			free(val);
		}
		iniparser_freedict(d);
		config_finish(c);
		if (c->greylist.retry_window <= c->greylist.delay) {
			unsigned line = line_of(&sc, "greylist", "retry_window");
			prefix(where, sizeof where, path, line);
			problem_add(&pb, line, "%s [greylist] retry_window = %us: expected more than "
				"[greylist] delay (%us)", where, c->greylist.retry_window, c->greylist.delay);
		}
	}
	scan_free(&sc);
	free(text);

	failed = pb.n > 0;
	if (pb.n)
		qsort(pb.v, pb.n, sizeof *pb.v, problem_cmp);
	for (size_t i = 0; i < pb.n; i++) {
		errlist_add(errs, "%s", pb.v[i].msg);
		free(pb.v[i].msg);
	}
	free(pb.v);

	if (c && c->policy.access_file) {
		c->policy.access = access_load(c->policy.access_file, errs);
		if (!c->policy.access)
			failed = true;
	}
	if (failed && c) {
		config_unref(c);
		c = NULL;
	}
	errlist_clear(&own);
	return c;
}

/* ------------------------------------------------------------------ */
/* dumping                                                             */

static void dump_value(FILE *out, const char *v)
{
	size_t n = strlen(v);
	bool quote = strpbrk(v, ";#\"'") || (n && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1])));
	if (!quote)
		fprintf(out, "%s", v);
	else if (!strchr(v, '"'))
		fprintf(out, "\"%s\"", v);
	else
		fprintf(out, "'%s'", v);
}

void config_dump(const struct rp_config *c, FILE *out)
{
	size_t size = 64 * 1024;
	char *buf = xmalloc(size);
	const char *section = NULL;

	fprintf(out, "# rampart effective configuration%s%s\n", c->path ? " of " : "",
		c->path ? c->path : "");
	for (size_t i = 0; i < RP_ARRAY_LEN(keys); i++) {
		const struct key *k = &keys[i];
		if (!section || strcmp(section, k->section) != 0) {
			section = k->section;
			fprintf(out, "\n[%s]\n", section);
		}
		key_format(k, c, buf, size);
		fprintf(out, "%s =%s", k->name, *buf ? " " : "");
		dump_value(out, buf);
		fputc('\n', out);
	}
	free(buf);
}
