/* test_sql - the pure parts of the SQL table: host specs, query template
 * checks, key lists per kind, expansion with an escaping callback, the
 * answer cache, and the answer parser shared with the access file. */
#include <stdio.h>
#include <string.h>

#include "base/netaddr.h"
#include "tables/access.h"
#include "tables/sql.h"
#include "test.h"

/* doubles quotes and backslashes with a backslash, as the library does */
static size_t esc(void *arg, char *dst, const char *src, size_t n)
{
	size_t o = 0;
	(void)arg;
	for (size_t i = 0; i < n; i++) {
		if (src[i] == '\'' || src[i] == '\\')
			dst[o++] = '\\';
		dst[o++] = src[i];
	}
	dst[o] = '\0';
	return o;
}

static void keys_are(enum rp_access_kind kind, const char *addr, const char *name,
	const char *want, const char *ctx)
{
	struct rp_netaddr a;
	struct rp_table_query q = { .kind = kind, .name = name };
	struct sql_keys k;
	char got[4096] = "";
	if (addr) {
		T_CHECK(netaddr_parse(addr, &a) == 0, "%s: parse", addr);
		q.addr = &a;
	}
	sql_keys_make(&q, &k);
	for (size_t i = 0; i < k.n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, k.v[i]);
	}
	T_EQ_STR(got, want, ctx);
}

int main(void)
{
	struct sql_host h;
	char why[300], out[256];

	/* hosts */
	T_CHECK(sql_host_parse("db.example.com", &h) == 0 && strcmp(h.host, "db.example.com") == 0
		&& h.port == 0 && !h.socket[0], "host");
	T_CHECK(sql_host_parse("127.0.0.1:3307", &h) == 0 && h.port == 3307, "host:port");
	T_CHECK(sql_host_parse("inet:db:3306", &h) == 0 && strcmp(h.host, "db") == 0, "inet:");
	T_CHECK(sql_host_parse("[::1]:3306", &h) == 0 && strcmp(h.host, "::1") == 0, "[v6]:port");
	T_CHECK(sql_host_parse("unix:/run/mysqld/mysqld.sock", &h) == 0
		&& strcmp(h.socket, "/run/mysqld/mysqld.sock") == 0, "unix:");
	T_CHECK(sql_host_parse("unix:relative", &h) < 0, "unix: relative");
	T_CHECK(sql_host_parse("db:0", &h) < 0, "port 0");
	T_CHECK(sql_host_parse("db:65536", &h) < 0, "port too big");
	T_CHECK(sql_host_parse("db:", &h) < 0, "empty port");
	T_CHECK(sql_host_parse("", &h) < 0, "empty");
	T_CHECK(sql_host_parse("d b", &h) < 0, "blank");

	/* query templates */
	T_CHECK(sql_query_check("SELECT a FROM t WHERE s = '%s'", why, sizeof why) == 0, "%%s");
	T_CHECK(sql_query_check("SELECT a FROM t WHERE u = '%u' AND d = '%d' AND x LIKE '100%%'",
		why, sizeof why) == 0, "%%u %%d %%%%");
	T_CHECK(sql_query_check("SELECT a FROM t", why, sizeof why) < 0, "no key");
	T_CHECK(sql_query_check("SELECT a FROM t WHERE s = '%S'", why, sizeof why) < 0, "%%S");
	T_EQ_STR(why, "%S: expected %s (the key), %u (its local part), %d (its domain) or %% (a %)", "why");
	T_CHECK(sql_query_check("SELECT '%s' %", why, sizeof why) < 0, "trailing %%");

	/* expansion */
	T_EQ_INT(sql_expand("s='%s' u='%u' d='%d' %%", "O'Brien@Example.org", esc, NULL, out, sizeof out), 1, "expand");
	T_EQ_STR(out, "s='O\\'Brien@Example.org' u='O\\'Brien' d='Example.org' %", "expanded");
	T_EQ_INT(sql_expand("u='%u'", "example.org", esc, NULL, out, sizeof out), 1, "%%u without @");
	T_EQ_STR(out, "u='example.org'", "%%u is the key");
	T_EQ_INT(sql_expand("d='%d'", "example.org", esc, NULL, out, sizeof out), 0, "%%d without @: suppressed");
	T_EQ_INT(sql_expand("u='%u'", "@example.org", esc, NULL, out, sizeof out), 0, "empty %%u: suppressed");
	T_EQ_INT(sql_expand("d='%d'", "user@", esc, NULL, out, sizeof out), 0, "empty %%d: suppressed");
	T_EQ_INT(sql_expand("s='%s'", "abcdefghij", esc, NULL, out, 20), -1, "too long");
	T_EQ_INT(sql_expand("s='%s'", "\\'\\'", esc, NULL, out, sizeof out), 1, "backslashes");
	T_EQ_STR(out, "s='\\\\\\'\\\\\\''", "backslashes escaped");

	/* keys */
	keys_are(RP_ACC_CLIENT, "192.0.2.10", "Mail.Example.COM.",
		"192.0.2.10 192.0.2 192.0 192 mail.example.com example.com com", "client v4 + name");
	keys_are(RP_ACC_CLIENT, "2001:db8::1", "unknown", "2001:db8::1", "client v6, unknown name");
	keys_are(RP_ACC_CLIENT, NULL, NULL, "", "client nothing");
	keys_are(RP_ACC_HELO, NULL, "mx.example.net", "mx.example.net example.net net", "helo");
	keys_are(RP_ACC_HELO, NULL, "[192.0.2.1]", "[192.0.2.1]", "helo literal");
	keys_are(RP_ACC_SENDER, NULL, "User@Sub.Example.org", "user@sub.example.org sub.example.org example.org org user@", "sender");
	keys_are(RP_ACC_RECIPIENT, NULL, "postmaster", "postmaster postmaster@", "recipient without @");
	keys_are(RP_ACC_SENDER, NULL, "", "", "null sender");
	keys_are(RP_ACC_SENDER, NULL, "a\r\nb@example.org", "example.org org", "control characters dropped");
	{
		char big[3000];
		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		for (size_t i = 1; i < sizeof big - 1; i += 2)
			big[i] = '.';
		struct rp_table_query q = { .kind = RP_ACC_HELO, .name = big };
		struct sql_keys k;
		sql_keys_make(&q, &k);
		T_EQ_INT(k.n, SQL_KEYS_MAX, "many labels: capped");
		T_EQ_INT(strlen(k.v[k.n - 1]) < SQL_KEY_MAX, 1, "keys fit");
	}

	/* cache */
	struct sql_cache *c = sql_cache_new(3);
	bool found = true;
	char ans[64] = "";
	T_EQ_INT(sql_cache_get(c, "k1", 100, &found, ans, sizeof ans), 0, "empty cache");
	sql_cache_put(c, "k1", "OK", 100, 200);
	sql_cache_put(c, "k2", NULL, 100, 150);
	T_EQ_INT(sql_cache_get(c, "k1", 199, &found, ans, sizeof ans), 1, "positive hit");
	T_CHECK(found && strcmp(ans, "OK") == 0, "positive answer");
	T_EQ_INT(sql_cache_get(c, "k2", 149, &found, ans, sizeof ans), 1, "negative hit");
	T_CHECK(!found, "negative answer");
	T_EQ_INT(sql_cache_get(c, "k2", 150, &found, ans, sizeof ans), 0, "negative expired");
	T_EQ_INT(sql_cache_get(c, "k1", 200, &found, ans, sizeof ans), 0, "positive expired");
	sql_cache_put(c, "k1", "REJECT x", 210, 300);
	T_EQ_INT(sql_cache_get(c, "k1", 220, &found, ans, sizeof ans), 1, "replaced");
	T_EQ_STR(ans, "REJECT x", "replaced answer");
	sql_cache_put(c, "k3", "OK", 220, 400);
	T_EQ_INT(sql_cache_count(c), 3, "three entries");
	sql_cache_put(c, "k4", "OK", 220, 400);     /* full: k2 (expired) goes */
	T_EQ_INT(sql_cache_count(c), 3, "expired swept");
	T_EQ_INT(sql_cache_get(c, "k1", 220, &found, ans, sizeof ans), 1, "live kept");
	sql_cache_put(c, "k5", "OK", 220, 400);     /* full of live: all go */
	T_EQ_INT(sql_cache_count(c), 1, "full of live entries: cleared");
	sql_cache_free(c);
	sql_cache_free(NULL);

	/* answers (the fuzz hook) */
	struct rp_access_result r;
	char tb[RP_TABLE_TEXT_MAX];
	T_EQ_INT(access_answer_parse("  OK ", &r, tb, sizeof tb, why, sizeof why), 0, "OK");
	T_EQ_INT(r.act, RP_ACC_OK, "OK act");
	T_EQ_INT(access_answer_parse("reject  Go away  ", &r, tb, sizeof tb, why, sizeof why), 0, "REJECT text");
	T_CHECK(r.act == RP_ACC_REJECT && r.text && strcmp(r.text, "Go away") == 0, "REJECT text trimmed");
	T_EQ_INT(access_answer_parse("DEFER", &r, tb, sizeof tb, why, sizeof why), 0, "DEFER");
	T_CHECK(r.act == RP_ACC_DEFER && !r.text, "DEFER default text");
	T_EQ_INT(access_answer_parse("DUNNO", &r, tb, sizeof tb, why, sizeof why), 0, "DUNNO");
	T_EQ_INT(r.act, RP_ACC_NONE, "DUNNO act");
	T_EQ_INT(access_answer_parse("SKIP greylist,spf", &r, tb, sizeof tb, why, sizeof why), 0, "SKIP");
	T_CHECK(r.act == RP_ACC_SKIP && r.skip, "SKIP set");
	T_EQ_INT(access_answer_parse("OK thanks", &r, tb, sizeof tb, why, sizeof why), -1, "OK text");
	T_EQ_STR(why, "OK: unexpected text after OK: expected OK alone", "OK text why");
	T_EQ_INT(access_answer_parse("REJECT a\r\nb", &r, tb, sizeof tb, why, sizeof why), -1, "CRLF text");
	T_EQ_INT(r.act, RP_ACC_NONE, "CRLF: no action");
	T_EQ_INT(access_answer_parse("", &r, tb, sizeof tb, why, sizeof why), -1, "empty");
	T_EQ_INT(access_answer_parse("PERMIT", &r, tb, sizeof tb, why, sizeof why), -1, "unknown");
	T_EQ_STR(why, "\"PERMIT\": unknown action: expected OK, REJECT [text], DEFER [text], DUNNO or SKIP check[,check...]", "unknown why");
	T_EQ_INT(access_answer_parse("SKIP nothing", &r, tb, sizeof tb, why, sizeof why), -1, "SKIP unknown check");
	return t_done();
}
