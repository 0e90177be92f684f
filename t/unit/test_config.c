/* test_config - value parsers, bad config files (every message exact),
 * the shipped rampart.conf, defaults per SPEC §10, dump/reload round trip. */
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "config/config.h"
#include "tables/access.h"
#include "test.h"

#define D "data/config/"

static void test_durations(void)
{
	static const struct { const char *s; int rc; unsigned long long ms; } v[] = {
		{ "0", 0, 0 }, { "0s", 0, 0 }, { "30", 0, 30000 }, { "30s", 0, 30000 },
		{ "5m", 0, 300000 }, { "2h", 0, 7200000 }, { "35d", 0, 3024000000ULL },
		{ "500ms", 0, 500 }, { "1ms", 0, 1 }, { "007s", 0, 7000 },
		{ "18446744073709551615ms", 0, 18446744073709551615ULL },
		{ "5 m", -1, 0 }, { " 5m", -1, 0 }, { "5m ", -1, 0 }, { "-1", -1, 0 },
		{ "+1", -1, 0 }, { "1x", -1, 0 }, { "", -1, 0 }, { "m", -1, 0 },
		{ "5M", -1, 0 }, { "5mm", -1, 0 }, { "1.5s", -1, 0 }, { "5s5", -1, 0 },
		{ "18446744073709551616ms", -1, 0 }, { "18446744073709551615s", -1, 0 },
		{ "99999999999999999999999", -1, 0 }, { "213503982335d", -1, 0 },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		unsigned long long ms = 12345;
		T_EQ_INT(config_parse_duration_ms(v[i].s, &ms), v[i].rc, v[i].s);
		if (v[i].rc == 0)
			T_CHECK(ms == v[i].ms, "%s: got %llu, want %llu", v[i].s, ms, v[i].ms);
		else
			T_CHECK(ms == 12345, "%s: output untouched", v[i].s);
	}
	T_EQ_INT(config_parse_duration_ms(NULL, &(unsigned long long){ 0 }), -1, "NULL duration");
}

static void test_bools(void)
{
	static const struct { const char *s; int rc; bool b; } v[] = {
		{ "yes", 0, true }, { "no", 0, false }, { "YES", 0, true }, { "No", 0, false },
		{ "true", 0, true }, { "false", 0, false }, { "on", 0, true }, { "OFF", 0, false },
		{ "y", -1, false }, { "1", -1, false }, { "0", -1, false }, { "", -1, false },
		{ "yess", -1, false }, { " yes", -1, false }, { "nope", -1, false },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		bool b = !v[i].b;
		T_EQ_INT(config_parse_bool(v[i].s, &b), v[i].rc, v[i].s);
		if (v[i].rc == 0)
			T_EQ_INT(b, v[i].b, v[i].s);
	}
}

static void test_numbers(void)
{
	static const struct { const char *s; unsigned long min, max; int rc; unsigned long v; } u[] = {
		{ "0", 0, 10, 0, 0 }, { "10", 0, 10, 0, 10 }, { "11", 0, 10, -1, 0 },
		{ "0", 1, 65535, -1, 0 }, { "65535", 1, 65535, 0, 65535 }, { "65536", 1, 65535, -1, 0 },
		{ "08", 0, 10, 0, 8 }, { "0x10", 0, 100, -1, 0 }, { "-1", 0, 10, -1, 0 },
		{ "+1", 0, 10, -1, 0 }, { "", 0, 10, -1, 0 }, { "1 ", 0, 10, -1, 0 },
		{ "12abc", 0, 100, -1, 0 }, { "99999999999999999999999", 0, ULONG_MAX, -1, 0 },
		{ "18446744073709551615", 0, ULONG_MAX, 0, ULONG_MAX },
	};
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
		unsigned long v = 777;
		T_EQ_INT(config_parse_uint(u[i].s, u[i].min, u[i].max, &v), u[i].rc, u[i].s);
		if (u[i].rc == 0)
			T_CHECK(v == u[i].v, "%s: got %lu", u[i].s, v);
	}
	static const struct { const char *s; long min, max; int rc; long v; } n[] = {
		{ "0", -5, 5, 0, 0 }, { "-5", -5, 5, 0, -5 }, { "-6", -5, 5, -1, 0 },
		{ "5", -5, 5, 0, 5 }, { "6", -5, 5, -1, 0 }, { "--1", -5, 5, -1, 0 },
		{ "-", -5, 5, -1, 0 }, { "+3", -5, 5, -1, 0 }, { "", -5, 5, -1, 0 },
		{ "3x", -5, 5, -1, 0 }, { "9223372036854775808", LONG_MIN, LONG_MAX, -1, 0 },
		{ "-9223372036854775808", LONG_MIN, LONG_MAX, 0, LONG_MIN },
	};
	for (size_t i = 0; i < sizeof n / sizeof n[0]; i++) {
		long v = 777;
		T_EQ_INT(config_parse_int(n[i].s, n[i].min, n[i].max, &v), n[i].rc, n[i].s);
		if (n[i].rc == 0)
			T_EQ_INT(v, n[i].v, n[i].s);
	}
}

/* Each bad file gives exactly this message (and no other). */
static const struct { const char *file, *msg; } bad[] = {
	{ "bad_duration.conf", D "bad_duration.conf:2: [greylist] delay = \"5 m\": expected a duration like 30s, 5m, 2h or 35d" },
	{ "bad_duration_unit.conf", D "bad_duration_unit.conf:3: [milter] timeout = \"2x\": expected a duration like 30s, 5m, 2h or 35d" },
	{ "bad_retry_window.conf", D "bad_retry_window.conf:3: [greylist] retry_window = 300s: expected more than [greylist] delay (600s)" },
	{ "bad_duration_bound.conf", D "bad_duration_bound.conf:2: [greylist] retry_window = \"400d\": expected a duration from 1s to 365d" },
	{ "bad_ms_bound.conf", D "bad_ms_bound.conf:2: [dns] timeout = \"5ms\": expected a duration from 10ms to 1m" },
	{ "bad_ms_form.conf", D "bad_ms_form.conf:2: [dns] stage_budget = \"2.5s\": expected a duration like 500ms, 2s or 1m" },
	{ "bad_seconds_ms.conf", D "bad_seconds_ms.conf:2: [greylist] delay = \"1500ms\": expected a duration like 30s, 5m, 2h or 35d" },
	{ "bad_bool.conf", D "bad_bool.conf:2: [policy] dry_run = \"maybe\": expected yes or no" },
	{ "bad_uint.conf", D "bad_uint.conf:2: [dns] port = \"0\": expected a whole number from 1 to 65535" },
	{ "bad_uint_neg.conf", D "bad_uint_neg.conf:2: [dns] attempts = \"-1\": expected a whole number from 1 to 10" },
	{ "bad_uint_hex.conf", D "bad_uint_hex.conf:2: [dns] cache_size = \"0x10\": expected a whole number from 0 to 10000000" },
	{ "bad_uint_empty.conf", D "bad_uint_empty.conf:2: [dns] port = \"\": expected a whole number from 1 to 65535" },
	{ "bad_int.conf", D "bad_int.conf:2: [dnsbl] allow_threshold = \"5\": expected a whole number from -1000 to 0" },
	{ "bad_action.conf", D "bad_action.conf:2: [helo] invalid = \"deny\": expected one of off, log, tag, greylist, defer, reject" },
	{ "bad_temperror.conf", D "bad_temperror.conf:2: [spf] temperror = \"reject\": expected one of off, log, tag, greylist, defer" },
	{ "bad_sql_connections.conf", D "bad_sql_connections.conf:3: [sql] connections = \"0\": expected a whole number from 1 to 64" },
	{ "bad_sql_host.conf", D "bad_sql_host.conf:2: [sql] hosts = \"db.example.com, db:99999\": \"db:99999\": expected a comma-separated list of host, host:port, [v6addr]:port or unix:/path" },
	{ "bad_sql_nohosts.conf", D "bad_sql_nohosts.conf:2: [sql] sender_query is set but [sql] hosts is empty: expected the database's host, host:port or unix:/path in hosts" },
	{ "bad_sql_noquery.conf", D "bad_sql_noquery.conf:2: [sql] hosts is set but no query is: expected at least one of client_query, helo_query, sender_query, recipient_query" },
	{ "bad_sql_on_error.conf", D "bad_sql_on_error.conf:4: [sql] on_error = \"reject\": expected one of continue, defer" },
	{ "bad_sql_query.conf", D "bad_sql_query.conf:3: [sql] client_query = \"SELECT access FROM mail_access WHERE source = '%x'\": %x: expected %s (the key), %u (its local part), %d (its domain) or %% (a %)" },
	{ "bad_enum.conf", D "bad_enum.conf:2: [greylist] mode = \"sometimes\": expected one of off, always, suspicious" },
	{ "bad_spf_header.conf", D "bad_spf_header.conf:2: [spf] header = \"x-spf\": expected one of received-spf, authentication-results, both, none" },
	{ "bad_level.conf", D "bad_level.conf:2: [log] level = \"verbose\": expected one of err, warning, notice, info, debug" },
	{ "bad_facility.conf", D "bad_facility.conf:2: [log] facility = \"local8\": expected one of mail, daemon, user, local0, local1" },
	{ "bad_target.conf", D "bad_target.conf:2: [log] target = \"file\": expected one of syslog, stderr" },
	{ "bad_socket_port.conf", D "bad_socket_port.conf:2: [milter] socket = \"inet:99999@127.0.0.1\": expected unix:/path, local:/path, inet:PORT@HOST or inet6:PORT@HOST (PORT 1..65535)" },
	{ "bad_socket_path.conf", D "bad_socket_path.conf:2: [milter] socket = \"unix:relative/path\": expected unix:/path" },
	{ "bad_socket_kind.conf", D "bad_socket_kind.conf:2: [milter] socket = \"tcp:25\": expected unix:/path" },
	{ "bad_path.conf", D "bad_path.conf:2: [greylist] database = \"relative.lmdb\": expected an absolute path" },
	{ "bad_cidr.conf", D "bad_cidr.conf:2: [policy] trusted_networks = \"127.0.0.0/8, 10.0.0.1/8\": \"10.0.0.1/8\": expected a comma-separated list of addresses or networks like 192.0.2.0/24, 2001:db8::/32" },
	{ "bad_list_empty.conf", D "bad_list_empty.conf:2: [policy] trusted_networks = \"127.0.0.1,,::1\": empty list item: expected a comma-separated list of addresses or networks" },
	{ "bad_nameserver.conf", D "bad_nameserver.conf:2: [dns] nameservers = \"127.0.0.1, ns1.example\": \"ns1.example\": expected a comma-separated list of IPv4/IPv6 addresses" },
	{ "bad_dnsbl.conf", D "bad_dnsbl.conf:2: [dnsbl] zones = \"bl.example=127.0.0.[2..300]\": \"bl.example=127.0.0.[2..300]\": bad reply filter: expected zone[=a.b.c.d][*weight]" },
	{ "bad_dnsbl_weight.conf", D "bad_dnsbl_weight.conf:2: [dnsbl] zones = \"a.example*2, b.example*x\": \"b.example*x\": bad weight" },
	{ "bad_targets.conf", D "bad_targets.conf:2: [rhsbl] targets = \"helo, mailfrom\": \"mailfrom\": expected a comma-separated list of helo, sender, client" },
	{ "bad_localpart.conf", D "bad_localpart.conf:2: [policy] exempt_recipients = \"postmaster@example.com\": \"postmaster@example.com\": expected a comma-separated list of local parts like postmaster, abuse" },
	{ "bad_mailers.conf", D "bad_mailers.conf:2: [envelope] remote_mailers = \"smtp, lmtp:unix\": \"lmtp:unix\": expected a comma-separated list of names like local, virtual, lmtp" },
	{ "bad_whitelist_path.conf", D "bad_whitelist_path.conf:2: [greylist] whitelist_clients = \"/etc/postgrey/whitelist_clients, whitelist_clients.local\": \"whitelist_clients.local\": expected a comma-separated list of absolute paths" },
	{ "missing_whitelist.conf", "/nonexistent/rampart/whitelist_recipients: cannot open: No such file or directory" },
	{ "bad_greytext.conf", D "bad_greytext.conf:2: [greylist] text = \"wait %d seconds\": expected %s (seconds left), %r (recipient domain) or %% after %" },
	{ "bad_hostname.conf", D "bad_hostname.conf:2: [milter] hostname = \"bad_host!\": expected a host name, or nothing for the default" },
	{ "bad_user.conf", D "bad_user.conf:2: [milter] user = \"-root\": expected a name of letters, digits, '.', '_' or '-'" },
	{ "bad_own_names.conf", D "bad_own_names.conf:2: [helo] own_names = \"mx.example.com, 300.1.1.1\": \"300.1.1.1\": expected a comma-separated list of host names or IP addresses" },
	{ "bad_rhsbl_zone.conf", D "bad_rhsbl_zone.conf:2: [rhsbl] zones = \"dbl.example..org\": \"dbl.example..org\": expected a comma-separated list of DNS zones" },
	{ "bad_control.conf", D "bad_control.conf:2: [milter] hostname = \"a?b\": expected a host name" },
	{ "unknown_section.conf", D "unknown_section.conf:3: [smtp]: unknown section: expected one of milter, log, policy, dns, helo, client, envelope, spf, greylist, dnsbl, rhsbl" },
	{ "unknown_key.conf", D "unknown_key.conf:2: [helo] reject_invalid = \"yes\": unknown key" },
	{ "global_key.conf", D "global_key.conf:1: socket = \"unix:/run/x.sock\": key outside any section: expected a [section] line before it" },
	{ "duplicate_key.conf", D "duplicate_key.conf:4: [helo] invalid = \"off\": duplicate key, first set at line 2" },
	{ "long_line.conf", D "long_line.conf:2: line too long: expected at most 1023 bytes per line" },
	{ "syntax.conf", D "syntax.conf:2: \"this line has no equals\": syntax error: expected [section], key = value or a # comment" },
	{ "long_value.conf", D "long_value.conf:2: [milter] user = \"uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu...\": expected a name" },
	{ "missing.conf", D "missing.conf: cannot open: No such file or directory" },
	/* a bad item after good ones in a list without DNSBL sites (crashed the clean-up) */
	{ "bad_list_tail_localpart.conf", D "bad_list_tail_localpart.conf:2: [policy] exempt_recipients = \"postmaster, abuse, a@b\": \"a@b\": expected a comma-separated list of local parts like postmaster, abuse" },
	{ "bad_list_tail_ns.conf", D "bad_list_tail_ns.conf:2: [dns] nameservers = \"127.0.0.1, 127.0.0.2, dns.example\": \"dns.example\": expected a comma-separated list of IPv4/IPv6 addresses" },
	{ "bad_list_tail_targets.conf", D "bad_list_tail_targets.conf:2: [rhsbl] targets = \"helo, sender, bogus\": \"bogus\": expected a comma-separated list of helo, sender, client" },
	{ "bad_list_tail_names.conf", D "bad_list_tail_names.conf:2: [helo] own_names = \"a.example, b.example, -bad-\": \"-bad-\": expected a comma-separated list of host names or IP addresses" },
	{ "bad_list_tail_cidr.conf", D "bad_list_tail_cidr.conf:2: [policy] trusted_networks = \"127.0.0.0/8, ::1/128, 10.0.0.0/33\": \"10.0.0.0/33\": expected a comma-separated list of addresses or networks like 192.0.2.0/24, 2001:db8::/32" },
	/* more nameservers than the resolver takes (the start failed after -t said OK) */
	{ "too_many_ns.conf", D "too_many_ns.conf:2: [dns] nameservers = \"127.0.0.1, 127.0.0.2, 127.0.0.3, 127.0.0.4, 127.0.0.5, 127.0.0.6, 127.0.0.7, 127...\": 9 addresses: expected at most 8" },
};

static void test_bad_files(void)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rp_errlist errs = { 0 };
		char path[256];
		snprintf(path, sizeof path, D "%s", bad[i].file);
		struct rp_config *c = config_load(path, &errs);
		T_CHECK(c == NULL, "%s must be refused", path);
		T_EQ_INT(errs.n, 1, path);
		T_CHECK(t_errlist_has(&errs, bad[i].msg), "%s: want \"%s\"", path, bad[i].msg);
		if (errs.n != 1 || !t_errlist_has(&errs, bad[i].msg))
			t_errlist_dump(&errs);
		for (size_t j = 0; j < errs.n; j++) {
			T_CHECK(strchr(errs.msg[j], '\n') == NULL, "%s: one line", path);
			for (const char *p = errs.msg[j]; *p; p++)
				if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
					T_CHECK(0, "%s: control byte in message", path);
					break;
				}
		}
		config_unref(c);
		errlist_clear(&errs);
	}
}

static void test_multi(void)
{
	static const char *const want[] = {
		D "multi.conf:3: [milter] timeout = \"forever\": expected a duration like 30s, 5m, 2h or 35d",
		D "multi.conf:7: [helo] invalid = \"nope\": expected one of off, log, tag, greylist, defer, reject",
		D "multi.conf:11: [greylist] mode = \"maybe\": expected one of off, always, suspicious",
		D "multi.conf:12: [greylist] netmask4 = \"33\": expected a whole number from 0 to 32",
		D "multi.conf:14: [bogus]: unknown section",
		D "multi.conf:18: [dns] bogus_key = \"1\": unknown key",
	};
	struct rp_errlist errs = { 0 };
	struct rp_config *c = config_load(D "multi.conf", &errs);
	T_CHECK(c == NULL, "multi.conf refused");
	T_EQ_INT(errs.n, sizeof want / sizeof want[0], "multi.conf: every problem reported");
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		T_CHECK(t_errlist_has(&errs, want[i]), "multi.conf: want \"%s\"", want[i]);
		/* reported in line order */
		if (i < errs.n)
			T_CHECK(strncmp(errs.msg[i], want[i], strlen(want[i])) == 0,
				"multi.conf order %zu: \"%s\"", i, errs.msg[i]);
	}
	errlist_clear(&errs);
}

/* a key set three times (sections merge): two duplicates, both naming the first */
static void test_dup3(void)
{
	struct rp_errlist errs = { 0 };
	struct rp_config *c = config_load(D "dup3.conf", &errs);
	T_CHECK(c == NULL, "dup3.conf refused");
	T_EQ_INT(errs.n, 3, "dup3.conf: two duplicates and the unknown [helo] port");
	if (errs.n == 3) {
		T_EQ_STR(errs.msg[0], D "dup3.conf:4: [helo] port = \"1\": unknown key: did you mean [dns] port?", "dup3 0");
		T_EQ_STR(errs.msg[1], D "dup3.conf:6: [dns] port = \"54\": duplicate key, first set at line 2", "dup3 1");
		T_EQ_STR(errs.msg[2], D "dup3.conf:8: [dns] port = \"55\": duplicate key, first set at line 2", "dup3 2");
	}
	errlist_clear(&errs);
}

static struct rp_config *load_ok(const char *path)
{
	struct rp_errlist errs = { 0 };
	struct rp_config *c = config_load(path, &errs);
	T_CHECK(c != NULL, "%s loads", path);
	T_EQ_INT(errs.n, 0, path);
	t_errlist_dump(&errs);
	errlist_clear(&errs);
	return c;
}

static void test_good_files(void)
{
	struct rp_config *c;

	c = load_ok(D "unquoted_hash.conf");
	if (c)
		T_EQ_STR(c->milter.pidfile, "/run/rampart", "unquoted value ends at '#'");
	config_unref(c);

	c = load_ok(D "quoted_hash.conf");
	if (c)
		T_EQ_STR(c->milter.pidfile, "/run/rampart#1;x/rampart.pid", "quoted value keeps '#' and ';'");
	config_unref(c);

	c = load_ok(D "continuation.conf");
	if (c) {
		T_EQ_INT(c->dnsbl.n, 2, "continued list");
		if (c->dnsbl.n == 2)
			T_EQ_STR(c->dnsbl.sites[1].zone, "b.example", "continued list item");
		T_EQ_INT(c->dnsbl.threshold, 2, "key after a continuation");
	}
	config_unref(c);

	c = load_ok(D "crlf.conf");
	if (c) {
		T_EQ_INT(c->action[RP_CHK_HELO_INVALID], RP_ACT_REJECT, "crlf helo invalid");
		T_EQ_INT(c->greylist.delay, 600, "crlf delay");
	}
	config_unref(c);

	c = load_ok(D "case.conf");
	if (c) {
		T_EQ_INT(c->action[RP_CHK_HELO_INVALID], RP_ACT_REJECT, "section, key, value case");
		T_EQ_INT(c->policy.dry_run, true, "On");
	}
	config_unref(c);

	c = load_ok(D "empty.conf");
	if (c) {
		T_EQ_STR(c->milter.socket, "inet:8895@127.0.0.1", "empty file: defaults");
		T_EQ_STR(c->path, D "empty.conf", "path kept");
	}
	config_unref(c);
}

static void check_defaults(const struct rp_config *c)
{
	T_EQ_STR(c->milter.socket, "inet:8895@127.0.0.1", "milter.socket");
	T_CHECK(c->milter.hostname && *c->milter.hostname, "milter.hostname computed");
	T_EQ_STR(c->milter.user, "rampart", "milter.user");
	T_EQ_STR(c->milter.group, "rampart", "milter.group");
	T_EQ_STR(c->milter.pidfile, "/run/rampart/rampart.pid", "milter.pidfile");
	T_EQ_INT(c->milter.timeout, 7200, "milter.timeout");
	T_EQ_INT(c->log.target, RP_LOG_SYSLOG, "log.target");
	T_EQ_INT(c->log.facility, LOG_MAIL, "log.facility");
	T_EQ_INT(c->log.level, RP_LOG_INFO, "log.level");
	T_EQ_INT(c->policy.delay_reject, true, "policy.delay_reject");
	T_EQ_INT(c->policy.dry_run, false, "policy.dry_run");
	T_EQ_INT(c->policy.trust_authenticated, true, "policy.trust_authenticated");
	T_EQ_INT(c->policy.trusted_networks.n, 2, "policy.trusted_networks");
	if (c->policy.trusted_networks.n == 2) {
		T_EQ_INT(c->policy.trusted_networks.v[0].prefix, 8, "127.0.0.0/8");
		T_EQ_INT(c->policy.trusted_networks.v[1].prefix, 128, "::1/128");
		T_EQ_INT(c->policy.trusted_networks.v[1].net.family, AF_INET6, "::1/128 family");
	}
	T_EQ_INT(c->policy.exempt_recipients.n, 2, "policy.exempt_recipients");
	if (c->policy.exempt_recipients.n == 2) {
		T_EQ_STR(c->policy.exempt_recipients.v[0], "postmaster", "exempt 0");
		T_EQ_STR(c->policy.exempt_recipients.v[1], "abuse", "exempt 1");
	}
	T_CHECK(c->policy.access_file == NULL, "policy.access_file");
	T_CHECK(c->policy.access == NULL, "policy.access");
	T_CHECK(c->dns.nameservers.n >= 1, "dns.nameservers from resolv.conf");
	T_EQ_INT(c->dns.port, 53, "dns.port");
	T_EQ_INT(c->dns.timeout_ms, 2000, "dns.timeout");
	T_EQ_INT(c->dns.attempts, 3, "dns.attempts");
	T_EQ_INT(c->dns.stage_budget_ms, 20000, "dns.stage_budget");
	T_EQ_INT(c->dns.cache_size, 20000, "dns.cache_size");
	T_EQ_INT(c->dns.cache_max_ttl, 3600, "dns.cache_max_ttl");
	T_EQ_INT(c->helo.own_names.n, 0, "helo.own_names");
	T_EQ_INT(c->spf.result[RP_SPF_PASS], RP_ACT_OFF, "spf pass");
	T_EQ_INT(c->spf.result[RP_SPF_FAIL], RP_ACT_REJECT, "spf fail");
	T_EQ_INT(c->spf.result[RP_SPF_SOFTFAIL], RP_ACT_TAG, "spf softfail");
	T_EQ_INT(c->spf.result[RP_SPF_NEUTRAL], RP_ACT_TAG, "spf neutral");
	T_EQ_INT(c->spf.result[RP_SPF_NONE], RP_ACT_TAG, "spf none");
	T_EQ_INT(c->spf.result[RP_SPF_PERMERROR], RP_ACT_TAG, "spf permerror");
	T_EQ_INT(c->spf.result[RP_SPF_TEMPERROR], RP_ACT_TAG, "spf temperror");
	T_EQ_INT(c->spf.helo, true, "spf.helo");
	T_EQ_INT(c->spf.header, RP_SPFH_RECEIVED_SPF, "spf.header");
	T_EQ_STR(c->spf.authserv_id, c->milter.hostname, "spf.authserv_id = hostname");
	T_EQ_INT(c->greylist.key, RP_GREYKEY_SUBNET, "greylist.key");
	T_EQ_INT(c->greylist.delay, 300, "greylist.delay");
	T_EQ_INT(c->greylist.retry_window, 2 * 86400, "greylist.retry_window");
	T_EQ_INT(c->greylist.max_age, 35 * 86400, "greylist.max_age");
	T_EQ_INT(c->greylist.auto_allow_clients, 5, "greylist.auto_allow_clients");
	T_EQ_INT(c->greylist.netmask4, 24, "greylist.netmask4");
	T_EQ_INT(c->greylist.netmask6, 64, "greylist.netmask6");
	T_EQ_INT(c->greylist.header, true, "greylist.header");
	T_EQ_STR(c->greylist.database, "/var/lib/rampart/greylist.lmdb", "greylist.database");
	T_EQ_INT(c->action[RP_CHK_DNSBL], RP_ACT_REJECT, "dnsbl.action");
	T_EQ_INT(c->dnsbl.threshold, 1, "dnsbl.threshold");
	T_EQ_INT(c->dnsbl.greylist_threshold, 0, "dnsbl.greylist_threshold");
	T_EQ_INT(c->dnsbl.allow_threshold, -1, "dnsbl.allow_threshold");
	T_EQ_INT(c->action[RP_CHK_RHSBL], RP_ACT_REJECT, "rhsbl.action");
	T_EQ_INT(c->rhsbl.zones.n, 0, "rhsbl.zones");
	T_EQ_INT(c->rhsbl.targets, RP_RHSBL_HELO | RP_RHSBL_SENDER, "rhsbl.targets");
	T_EQ_INT(c->action[RP_CHK_SPF], RP_ACT_REJECT, "derived spf action");
	T_EQ_INT(c->action[RP_CHK_ACCESS], RP_ACT_REJECT, "derived access action");
}

static void test_defaults(void)
{
	struct rp_config *c = config_defaults();
	T_EQ_INT(c->refs, 1, "one reference");
	check_defaults(c);
	T_EQ_INT(c->greylist.mode, RP_GREY_OFF, "greylist.mode");
	T_EQ_INT(c->dnsbl.n, 0, "dnsbl.zones");
	static const int off[] = {
		RP_CHK_HELO_REQUIRED, RP_CHK_HELO_INVALID, RP_CHK_HELO_NON_FQDN, RP_CHK_HELO_UNKNOWN,
		RP_CHK_HELO_FORGED, RP_CHK_CLIENT_PTR, RP_CHK_CLIENT_FCRDNS, RP_CHK_ENVELOPE_STRICT,
		RP_CHK_SENDER_NON_FQDN, RP_CHK_RECIPIENT_NON_FQDN, RP_CHK_SENDER_UNKNOWN_DOMAIN,
		RP_CHK_RECIPIENT_UNKNOWN_DOMAIN, RP_CHK_GREYLIST,
	};
	for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
		T_EQ_INT(c->action[off[i]], RP_ACT_OFF, check_name((enum rp_check)off[i]));
	T_CHECK(config_ref(c) == c, "ref returns the snapshot");
	T_EQ_INT(c->refs, 2, "two references");
	config_unref(c);
	T_EQ_INT(c->refs, 1, "back to one");
	config_unref(c);
	config_unref(NULL);
	T_CHECK(config_ref(NULL) == NULL, "ref NULL");
}

static void test_shipped(void)
{
	struct rp_config *c = load_ok("../etc/rampart.conf");
	if (!c)
		return;
	check_defaults(c);
	T_EQ_INT(c->action[RP_CHK_HELO_REQUIRED], RP_ACT_REJECT, "helo required");
	T_EQ_INT(c->action[RP_CHK_HELO_INVALID], RP_ACT_REJECT, "helo invalid");
	T_EQ_INT(c->action[RP_CHK_HELO_NON_FQDN], RP_ACT_REJECT, "helo non_fqdn");
	T_EQ_INT(c->action[RP_CHK_HELO_UNKNOWN], RP_ACT_OFF, "helo unknown");
	T_EQ_INT(c->action[RP_CHK_HELO_FORGED], RP_ACT_OFF, "helo forged");
	T_EQ_INT(c->action[RP_CHK_CLIENT_PTR], RP_ACT_OFF, "client ptr");
	T_EQ_INT(c->action[RP_CHK_CLIENT_FCRDNS], RP_ACT_REJECT, "client fcrdns");
	T_EQ_INT(c->action[RP_CHK_ENVELOPE_STRICT], RP_ACT_REJECT, "envelope strict");
	T_EQ_INT(c->action[RP_CHK_SENDER_NON_FQDN], RP_ACT_OFF, "sender_non_fqdn");
	T_EQ_INT(c->action[RP_CHK_RECIPIENT_NON_FQDN], RP_ACT_OFF, "recipient_non_fqdn");
	T_EQ_INT(c->action[RP_CHK_SENDER_UNKNOWN_DOMAIN], RP_ACT_OFF, "sender_unknown_domain");
	T_EQ_INT(c->action[RP_CHK_RECIPIENT_UNKNOWN_DOMAIN], RP_ACT_REJECT, "recipient_unknown_domain");
	T_EQ_INT(c->greylist.mode, RP_GREY_ALWAYS, "greylist always");
	T_EQ_INT(c->action[RP_CHK_GREYLIST], RP_ACT_GREYLIST, "derived greylist action");
	T_EQ_INT(c->dnsbl.n, 2, "two DNSBLs");
	if (c->dnsbl.n == 2) {
		T_EQ_STR(c->dnsbl.sites[0].zone, "cbl.abuseat.org", "dnsbl 0");
		T_EQ_STR(c->dnsbl.sites[1].zone, "b.barracudacentral.org", "dnsbl 1");
		T_EQ_INT(c->dnsbl.sites[1].weight, 1, "dnsbl weight");
		T_EQ_INT(c->dnsbl.sites[1].has_filter, false, "dnsbl filter");
	}
	config_unref(c);
}

/* Every key of the dump appears in the shipped file, in its section,
 * active or as "# key = ...". */
static void test_shipped_has_every_key(void)
{
	struct rp_config *c = config_defaults();
	char *dump = NULL, *ship = NULL;
	size_t dlen = 0;
	FILE *f = open_memstream(&dump, &dlen);
	config_dump(c, f);
	fclose(f);
	config_unref(c);

	f = fopen("../etc/rampart.conf", "r");
	T_CHECK(f != NULL, "open rampart.conf");
	if (!f) {
		free(dump);
		return;
	}
	ship = calloc(1, 256 * 1024);
	size_t n = fread(ship, 1, 256 * 1024 - 1, f);
	ship[n] = '\0';
	fclose(f);

	char section[64] = "";
	int nkeys = 0;
	for (char *line = strtok(dump, "\n"); line; line = strtok(NULL, "\n")) {
		char key[64];
		if (line[0] == '[') {
			snprintf(section, sizeof section, "\n%s\n", line);
			continue;
		}
		if (line[0] == '#' || sscanf(line, "%63s =", key) != 1)
			continue;
		nkeys++;
		/* find the section in the shipped file, then the key before the next section */
		char *s = strstr(ship, section);
		T_CHECK(s != NULL, "rampart.conf has %s", section);
		if (!s)
			continue;
		char *next = strstr(s + 1, "\n[");
		bool found = false;
		char pat1[80], pat2[80];
		snprintf(pat1, sizeof pat1, "\n%s = ", key);
		snprintf(pat2, sizeof pat2, "\n# %s = ", key);
		for (char *p = s; p && (!next || p < next); p = strchr(p + 1, '\n'))
			if (strncmp(p, pat1, strlen(pat1)) == 0 || strncmp(p, pat2, strlen(pat2)) == 0
			    || (strncmp(p, pat1, strlen(pat1) - 1) == 0 && p[strlen(pat1) - 1] == '\n')
			    || (strncmp(p, pat2, strlen(pat2) - 1) == 0 && p[strlen(pat2) - 1] == '\n'))
				found = true;
		T_CHECK(found, "rampart.conf %s has key %s", section, key);
	}
	T_EQ_INT(nkeys, 80, "keys in the dump");
	free(dump);
	free(ship);
}

static char *dump_to_string(const struct rp_config *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	config_dump(c, f);
	fclose(f);
	return buf;
}

/* dump -> load -> dump gives the same text */
static void round_trip(const char *name, struct rp_config *c)
{
	char path[] = "/tmp/rampart-config-XXXXXX";
	int fd = mkstemp(path);
	T_CHECK(fd >= 0, "mkstemp");
	if (fd < 0 || !c)
		return;
	FILE *f = fdopen(fd, "w");
	config_dump(c, f);
	fclose(f);
	struct rp_config *c2 = load_ok(path);
	if (c2) {
		free(c2->path);
		c2->path = c->path ? strdup(c->path) : NULL;
		char *a = dump_to_string(c), *b = dump_to_string(c2);
		T_EQ_STR(b, a, name);
		free(a);
		free(b);
	}
	config_unref(c2);
	unlink(path);
}

static void test_round_trip(void)
{
	struct rp_config *c = config_defaults();
	round_trip("defaults round trip", c);
	config_unref(c);

	c = load_ok("../etc/rampart.conf");
	round_trip("shipped round trip", c);
	config_unref(c);

	/* a config with every kind of value set away from its default */
	char path[] = "/tmp/rampart-config-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fprintf(f,
		"[milter]\nsocket = unix:/run/rampart/milter.sock\nhostname = MX.Example.NET.\n"
		"user = mail\ngroup = mail\npidfile = \"/run/r#1;/pid\"\ntimeout = 90s\n"
		"[log]\ntarget = stderr\nfacility = local3\nlevel = debug\n"
		"[policy]\ndelay_reject = no\ndry_run = true\ntrusted_networks = 10.0.0.0/8,192.0.2.1, 2001:db8::/32\n"
		"trust_authenticated = off\nexempt_recipients = PostMaster\naccess_file = /dev/null\n"
		"[dns]\nnameservers = 192.0.2.53, 2001:DB8::53\nport = 5353\ntimeout = 750ms\nattempts = 1\n"
		"stage_budget = 1500ms\ncache_size = 0\ncache_max_ttl = 0\n"
		"[helo]\nrequired = log\ninvalid = tag\nnon_fqdn = greylist\nunknown = defer\nforged = reject\n"
		"own_names = MX2.example.net., 192.0.2.25\n"
		"[client]\nptr = log\nfcrdns = defer\n"
		"[envelope]\nstrict = greylist\nsender_non_fqdn = tag\nrecipient_non_fqdn = log\n"
		"sender_unknown_domain = defer\nrecipient_unknown_domain = reject\n"
		"[spf]\nfail = defer\nsoftfail = greylist\nneutral = log\nnone = off\npermerror = reject\n"
		"temperror = defer\nhelo = no\nheader = both\nauthserv_id = auth.example.net\n"
		"[greylist]\nmode = suspicious\nkey = spf-domain\ndelay = 90\nretry_window = 36h\n"
		"max_age = 30d\nauto_allow_clients = 0\nnetmask4 = 32\nnetmask6 = 48\nheader = no\n"
		"database = /tmp/grey.lmdb\n"
		"[dnsbl]\naction = greylist\nzones = \"a.example=127.0.0.[2..11;15]*3, wl.example*-5\"\n"
		"threshold = 3\ngreylist_threshold = 1\nallow_threshold = -1\n"
		"[rhsbl]\naction = tag\nzones = dbl.example, RHS.Example.\ntargets = client,helo\n");
	fclose(f);
	c = load_ok(path);
	unlink(path);
	if (c) {
		T_EQ_STR(c->milter.hostname, "MX.Example.NET", "hostname without its trailing dot");
		T_EQ_INT(c->helo.own_names.n, 2, "own_names");
		if (c->helo.own_names.n == 2)
			T_EQ_STR(c->helo.own_names.v[0], "mx2.example.net", "own name lower case, no dot");
		T_EQ_STR(c->milter.pidfile, "/run/r#1;/pid", "quoted pidfile");
		T_EQ_INT(c->log.facility, LOG_LOCAL3, "facility local3");
		T_EQ_INT(c->policy.trusted_networks.n, 3, "three networks");
		T_EQ_STR(c->policy.exempt_recipients.v[0], "postmaster", "local parts lower case");
		T_CHECK(c->policy.access != NULL, "access file loaded");
		T_EQ_INT(c->dns.nameservers.n, 2, "two nameservers");
		if (c->dns.nameservers.n == 2)
			T_EQ_STR(c->dns.nameservers.v[1], "2001:db8::53", "canonical nameserver");
		T_EQ_INT(c->dns.timeout_ms, 750, "750ms");
		T_EQ_INT(c->dns.stage_budget_ms, 1500, "1500ms");
		T_EQ_INT(c->greylist.delay, 90, "bare seconds");
		T_EQ_INT(c->greylist.retry_window, 36 * 3600, "36h");
		T_EQ_INT(c->spf.result[RP_SPF_PERMERROR], RP_ACT_REJECT, "permerror reject");
		T_EQ_INT(c->action[RP_CHK_SPF], RP_ACT_REJECT, "derived spf action");
		T_EQ_INT(c->dnsbl.n, 2, "two sites");
		if (c->dnsbl.n == 2)
			T_EQ_INT(c->dnsbl.sites[1].weight, -5, "allow list weight");
		T_EQ_INT(c->rhsbl.targets, RP_RHSBL_HELO | RP_RHSBL_CLIENT, "targets");
		if (c->rhsbl.zones.n == 2)
			T_EQ_STR(c->rhsbl.zones.v[1], "rhs.example", "rhsbl zone lower case, no dot");
		T_EQ_STR(c->spf.authserv_id, "auth.example.net", "authserv_id");
		char *d = dump_to_string(c);
		T_CHECK(strstr(d, "\nzones = \"a.example=127.0.0.[2..11;15]*3, wl.example*-5\"\n") != NULL, "dnsbl dump");
		T_CHECK(strstr(d, "\ntrusted_networks = 10.0.0.0/8, 192.0.2.1/32, 2001:db8::/32\n") != NULL, "cidr dump");
		T_CHECK(strstr(d, "\npidfile = \"/run/r#1;/pid\"\n") != NULL, "quoted dump");
		T_CHECK(strstr(d, "\nretry_window = 36h\n") != NULL, "duration dump");
		T_CHECK(strstr(d, "\nstage_budget = 1500ms\n") != NULL, "ms dump");
		T_CHECK(strstr(d, "\ntargets = helo, client\n") != NULL, "targets dump");
		free(d);
		round_trip("custom round trip", c);
	}
	config_unref(c);
}

/* [policy] access_file: its errors come with the config's */
static void test_access_file(void)
{
	char cwd[PATH_MAX], path[] = "/tmp/rampart-config-XXXXXX";
	T_CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "[policy]\naccess_file = %s/data/access/bad.access\n[dns]\nport = 70000\n", cwd);
	fclose(f);
	struct rp_errlist errs = { 0 };
	struct rp_config *c = config_load(path, &errs);
	T_CHECK(c == NULL, "bad access file refuses the config");
	T_EQ_INT(errs.n, 17, "config error + 16 access errors");
	T_CHECK(t_errlist_has(&errs, ":4: [dns] port = \"70000\": expected a whole number from 1 to 65535"), "config error");
	T_CHECK(t_errlist_has(&errs, "/data/access/bad.access:2: \"server\": unknown kind"), "access error");
	errlist_clear(&errs);

	f = fopen(path, "w");
	fprintf(f, "[policy]\naccess_file = %s/data/access/good.access\n", cwd);
	fclose(f);
	c = config_load(path, &errs);
	T_CHECK(c != NULL && c->policy.access != NULL, "good access file loaded");
	if (c) {
		struct rp_access_result res;
		struct rp_table_query q = { .kind = RP_ACC_RECIPIENT, .name = "ceo@example.com" };
		T_EQ_INT(table_lookup(c->policy.access, &q, &res), RP_TABLE_FOUND,
			"access through the table seam");
		T_EQ_INT(res.act, RP_ACC_REJECT, "access through the config");
		q.name = "nobody@example.org";
		T_EQ_INT(table_lookup(c->policy.access, &q, &res), RP_TABLE_NOTFOUND,
			"no rule through the table seam");
		T_EQ_INT(res.act, RP_ACC_NONE, "no rule: no action");
	}
	config_unref(c);

	f = fopen(path, "w");
	fprintf(f, "[policy]\naccess_file = %s/data/access/none.access\n", cwd);
	fclose(f);
	c = config_load(path, &errs);
	T_CHECK(c == NULL, "missing access file refuses the config");
	T_CHECK(errs.n == 1 && t_errlist_has(&errs, "none.access: cannot open the access file"), "missing access message");
	errlist_clear(&errs);
	unlink(path);
}

/* etc/access.example loads as shipped, and with every example enabled */
static void test_access_example(void)
{
	struct rp_errlist errs = { 0 };
	struct rp_access *a = access_load("../etc/access.example", &errs);
	T_CHECK(a != NULL, "access.example loads");
	access_free(a);

	FILE *in = fopen("../etc/access.example", "r");
	char path[] = "/tmp/rampart-access-XXXXXX", line[1024];
	int fd = mkstemp(path), enabled = 0;
	FILE *out = fdopen(fd, "w");
	while (in && fgets(line, sizeof line, in)) {
		const char *kinds[] = { "#client ", "#helo ", "#sender ", "#recipient " };
		bool rule = false;
		for (size_t i = 0; i < 4; i++)
			if (strncmp(line, kinds[i], strlen(kinds[i])) == 0)
				rule = true;
		fputs(rule ? line + 1 : line, out);
		enabled += rule;
	}
	if (in)
		fclose(in);
	fclose(out);
	T_CHECK(enabled >= 15, "access.example has examples (%d)", enabled);
	a = access_load(path, &errs);
	T_CHECK(a != NULL, "access.example with every example enabled loads");
	t_errlist_dump(&errs);
	if (a) {
		struct rp_access_result res;
		access_match_helo(a, "x.bad-helo.example", &res);
		T_EQ_INT(res.act, RP_ACC_REJECT, "example helo rule");
		access_match_address(a, RP_ACC_SENDER, "noreply@x.example", &res);
		T_EQ_INT(res.act, RP_ACC_SKIP, "example sender rule");
	}
	access_free(a);
	errlist_clear(&errs);
	unlink(path);
}

int main(void)
{
	test_durations();
	test_bools();
	test_numbers();
	test_bad_files();
	test_multi();
	test_dup3();
	test_good_files();
	test_defaults();
	test_shipped();
	test_shipped_has_every_key();
	test_round_trip();
	test_access_file();
	test_access_example();

	/* errs may be NULL: only the verdict */
	T_CHECK(config_load(D "multi.conf", NULL) == NULL, "NULL errs");
	return t_done();
}
