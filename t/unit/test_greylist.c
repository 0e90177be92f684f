/* test_greylist - sender normalisation, client parts, and the timing state
 * machine of greylist.c run against a real LMDB store in a temp dir. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lmdb.h>

#include "base/clock.h"
#include "greylist/greylist.h"
#include "greylist/store_lmdb.h"
#include "test.h"

static const struct { const char *in, *want; } senders[] = {
	{ "User@Example.COM", "user@example.com" },
	{ "<Foo@Bar.org>", "foo@bar.org" },
	{ "", "" },
	{ "<>", "" },
	{ "prvs=1234abcdef=alice@example.com", "alice@example.com" },
	{ "PRVS=0123456789=Bob@x.org", "bob@x.org" },
	{ "btv1==abc123def==carol@example.net", "carol@example.net" },
	{ "prvs==alice@x.org", "prvs==alice@x.org" },
	{ "prvs=bad-tag=alice@x.org", "prvs=bad-tag=alice@x.org" },
	{ "SRS0=HhHh=TT=orig.example=alice@fwd.example", "srs0=#=#=orig.example=alice@fwd.example" },
	{ "SRS0+abcd=ZB=orig.example=alice@fwd.example", "srs0+#=#=orig.example=alice@fwd.example" },
	{ "SRS0=h=t=orig.example=a+b-12@fwd.example", "srs0=#=#=orig.example=a+b-12@fwd.example" },
	{ "SRS1=HHH=first.example==HHH=TT=orig.example=alice@second.example",
	  "srs1=#=first.example==#=#=orig.example=alice@second.example" },
	{ "srs0=broken@x.org", "srs0=broken@x.org" },
	{ "alice+tag@example.com", "alice@example.com" },
	{ "alice+tag+more@x.org", "alice@x.org" },
	{ "+alice@x.org", "+alice@x.org" },
	{ "bounce-12345-678@lists.example", "bounce-#-#@lists.example" },
	{ "user42@x.org", "user42@x.org" },
	{ "42@x.org", "#@x.org" },
	{ "a.1.b@x.org", "a.#.b@x.org" },
	{ "x_12@x.org", "x_12@x.org" },
	{ "12ab@x.org", "12ab@x.org" },
	{ "news.2024.07@x.org", "news.#.#@x.org" },
	{ "prvs=1234abcdef=bounce-99@x.org", "bounce-#@x.org" },
	{ "MiXeD+Ext-123@Dom.Example", "mixed@dom.example" },
	{ "no-at-sign-7", "no-at-sign-#" },
	{ "a@mx1.123.example", "a@mx1.123.example" },
	{ "a@b@C.example", "a@b@c.example" },
};

static const struct { const char *in, *want; } rcpts[] = {
	{ "Alice+Tag@Example.COM", "alice+tag@example.com" },
	{ "<Bob-42@X.org>", "bob-42@x.org" },
	{ "postmaster", "postmaster" },
};

static const struct {
	const char *addr;
	unsigned m4, m6;
	const char *spf, *want;
	int rc;
} clients[] = {
	{ "192.0.2.77", 24, 64, NULL, "192.0.2.0/24", 0 },
	{ "192.0.2.77", 16, 64, NULL, "192.0.0.0/16", 0 },
	{ "192.0.2.77", 32, 64, NULL, "192.0.2.77/32", 0 },
	{ "192.0.2.77", 40, 64, NULL, "192.0.2.77/32", 0 },
	{ "::ffff:198.51.100.9", 24, 64, NULL, "198.51.100.0/24", 0 },
	{ "2001:db8:1:2:3::4", 24, 64, NULL, "2001:db8:1:2::/64", 0 },
	{ "2001:db8:1:2:3::4", 24, 48, NULL, "2001:db8:1::/48", 0 },
	{ "IPv6:2001:db8::1", 24, 128, NULL, "2001:db8::1/128", 0 },
	{ "192.0.2.77", 24, 64, "Mail.Example.COM", "spf:mail.example.com", 0 },
	{ "192.0.2.77", 24, 64, "", "192.0.2.0/24", 0 },
};

static void test_text(void)
{
	char out[GREY_ADDR_MAX], ctx[600];

	for (size_t i = 0; i < RP_ARRAY_LEN(senders); i++) {
		snprintf(ctx, sizeof ctx, "sender %s", senders[i].in);
		greylist_normalize_sender(senders[i].in, out, sizeof out);
		T_EQ_STR(out, senders[i].want, ctx);
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(rcpts); i++) {
		greylist_normalize_rcpt(rcpts[i].in, out, sizeof out);
		T_EQ_STR(out, rcpts[i].want, rcpts[i].in);
	}
	/* Bounded: a long hostile sender is cut, never overflows. */
	char big[4000], small[16];
	memset(big, '7', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	T_EQ_INT(greylist_normalize_sender(big, small, sizeof small), 1, "all digits -> #");
	memset(big, 'a', sizeof big - 1);
	T_EQ_INT(greylist_normalize_sender(big, small, sizeof small), 15, "cut to size");

	for (size_t i = 0; i < RP_ARRAY_LEN(clients); i++) {
		struct rp_netaddr a;
		char cp[GREY_CLIENT_MAX];
		T_EQ_INT(netaddr_parse(clients[i].addr, &a), 0, clients[i].addr);
		T_EQ_INT(greylist_client_part(&a, clients[i].m4, clients[i].m6, clients[i].spf,
			cp, sizeof cp), clients[i].rc, clients[i].addr);
		T_EQ_STR(cp, clients[i].want, clients[i].addr);
	}
	char cp[GREY_CLIENT_MAX] = "x";
	T_EQ_INT(greylist_client_part(NULL, 24, 64, NULL, cp, sizeof cp), -1, "no address");
	T_EQ_STR(cp, "", "no address -> empty");

	/* Hashes: separators matter, and the key parts land in the key. */
	unsigned char h1[GREY_HASH_LEN], h2[GREY_HASH_LEN];
	greylist_hash_triplet("a", "bc", "d", h1);
	greylist_hash_triplet("ab", "c", "d", h2);
	T_CHECK(memcmp(h1, h2, GREY_HASH_LEN) != 0, "triplet hash ambiguity");
}

static struct grey_conf cfg;
static struct grey_params P;
static struct greydb *db;
static char dir[] = "/tmp/rampart-grey-XXXXXX";

static enum grey_result decide_full(const char *ip, const char *spf, const char *from,
	const char *to, struct grey_verdict *v)
{
	struct rp_netaddr a;
	struct grey_key k;

	if (netaddr_parse(ip, &a) != 0 || greylist_key_make(&cfg, &a, spf, from, to, &k) != 0)
		return GREY_TEMP;
	return greydb_decide(db, &P, &k, clock_now(), v);
}

static enum grey_result decide(const char *ip, const char *from, const char *to,
	struct grey_verdict *v)
{
	return decide_full(ip, NULL, from, to, v);
}

static void expect(enum grey_result got, const struct grey_verdict *v, enum grey_result want,
	unsigned long wait, unsigned long delayed, const char *ctx)
{
	T_EQ_STR(greylist_result_name(got), greylist_result_name(want), ctx);
	T_EQ_INT(v->wait, wait, ctx);
	T_EQ_INT(v->delayed, delayed, ctx);
}

static void get_trip(const char *client, const char *from, const char *to,
	struct grey_record *r, int want_rc, const char *ctx)
{
	struct grey_key k;
	greylist_key_from_parts(client, from, to, &k);
	T_EQ_INT(greydb_get(db, GREY_TAB_TRIPLETS, k.triplet_hash, r), want_rc, ctx);
}

static void test_timing(void)
{
	const time_t T0 = 1700000000;
	struct grey_verdict v;
	struct grey_record r;
	enum grey_result g;

	clock_set_fake(T0);
	/* first attempt, early retries, pass after the delay */
	g = decide("192.0.2.10", "a@s.example", "r@d.example", &v);
	expect(g, &v, GREY_NEW, 300, 0, "first attempt");
	T_CHECK(!greylist_result_accepts(g), "new defers");
	clock_advance(100);
	expect(decide("192.0.2.10", "a@s.example", "r@d.example", &v), &v, GREY_EARLY, 200, 0, "early");
	clock_advance(199);
	expect(decide("192.0.2.10", "a@s.example", "r@d.example", &v), &v, GREY_EARLY, 1, 0, "1 s left");
	clock_advance(1);
	g = decide("192.0.2.10", "A@S.example", "R@D.example", &v);
	expect(g, &v, GREY_PASS_FIRST, 0, 300, "retry at delay");
	T_CHECK(greylist_result_accepts(g), "pass-first accepts");
	clock_advance(10);
	expect(decide("192.0.2.10", "a@s.example", "r@d.example", &v), &v, GREY_PASSED, 0, 0, "passed");
	/* same /24, other host: same triplet */
	expect(decide("192.0.2.200", "a@s.example", "r@d.example", &v), &v, GREY_PASSED, 0, 0, "same /24");
	/* other /24: a new triplet */
	expect(decide("192.0.3.10", "a@s.example", "r@d.example", &v), &v, GREY_NEW, 300, 0, "other /24");
	get_trip("192.0.2.0/24", "a@s.example", "r@d.example", &r, 0, "stored");
	T_EQ_INT(r.state, GREY_ST_PASSED, "state passed");
	T_EQ_INT(r.first_seen, T0, "first_seen");
	T_EQ_INT(r.pass_time, T0 + 300, "pass_time");
	T_EQ_INT(r.last_seen, T0 + 300, "last_seen not refreshed within refresh");
	T_EQ_INT(r.count, 3, "deferred attempts");
	T_EQ_STR(r.client, "192.0.2.0/24", "record client text");
	T_EQ_STR(r.rcpt, "r@d.example", "record rcpt text");

	/* max_age since last seen: refreshed at most once per refresh */
	clock_set_fake(T0 + 300 + P.max_age);
	expect(decide("192.0.2.10", "a@s.example", "r@d.example", &v), &v, GREY_PASSED, 0, 0, "at max_age");
	get_trip("192.0.2.0/24", "a@s.example", "r@d.example", &r, 0, "refreshed");
	T_EQ_INT(r.last_seen, T0 + 300 + P.max_age, "last_seen refreshed");
	clock_advance(P.max_age + 1);
	expect(decide("192.0.2.10", "a@s.example", "r@d.example", &v), &v, GREY_NEW, 300, 0, "expired");

	/* retry window: exactly at it passes, after it starts over */
	clock_set_fake(T0);
	decide("198.51.100.1", "b@s.example", "r@d.example", &v);
	decide("198.51.100.1", "c@s.example", "r@d.example", &v);
	clock_advance(P.retry_window);
	expect(decide("198.51.100.1", "b@s.example", "r@d.example", &v), &v, GREY_PASS_FIRST, 0,
		P.retry_window, "at retry_window");
	clock_advance(1);
	expect(decide("198.51.100.1", "c@s.example", "r@d.example", &v), &v, GREY_RESTART, 300, 0,
		"after retry_window");
	clock_advance(299);
	expect(decide("198.51.100.1", "c@s.example", "r@d.example", &v), &v, GREY_EARLY, 1, 0,
		"restart counts from the restart");
	clock_advance(1);
	expect(decide("198.51.100.1", "c@s.example", "r@d.example", &v), &v, GREY_PASS_FIRST, 0, 300,
		"pass after restart");

	/* sender normalisation merges VERP/BATV variants into one triplet */
	clock_set_fake(T0);
	decide("203.0.113.5", "prvs=1111aaaaaa=list-123@x.example", "r@d.example", &v);
	clock_advance(300);
	expect(decide("203.0.113.5", "prvs=2222bbbbbb=list-456@x.example", "r@d.example", &v), &v,
		GREY_PASS_FIRST, 0, 300, "normalised sender retry");
}

static void test_auto_allow(void)
{
	const time_t T0 = 1710000000;
	struct grey_verdict v;
	struct grey_record r;
	struct grey_key ck;
	char from[64];

	P.auto_allow_clients = 5;
	greylist_key_from_parts("100.64.1.0/24", "", "", &ck);
	clock_set_fake(T0);
	for (int i = 0; i < 5; i++) {
		snprintf(from, sizeof from, "s%c@x.example", 'a' + i);
		expect(decide("100.64.1.7", from, "r@d.example", &v), &v, GREY_NEW, 300, 0, "aa new");
		clock_advance(300);
		expect(decide("100.64.1.7", from, "r@d.example", &v), &v, GREY_PASS_FIRST, 0, 300, "aa pass");
		if (i == 0) {
			/* a second pass in the same hour is not counted */
			expect(decide("100.64.1.8", "other@x.example", "r@d.example", &v), &v, GREY_NEW, 300, 0, "aa2");
			clock_advance(300);
			expect(decide("100.64.1.8", "other@x.example", "r@d.example", &v), &v,
				GREY_PASS_FIRST, 0, 300, "aa2 pass");
			clock_advance(10);
			expect(decide("100.64.1.8", "other@x.example", "r@d.example", &v), &v,
				GREY_PASSED, 0, 0, "aa2 passed");
			T_EQ_INT(greydb_get(db, GREY_TAB_CLIENTS, ck.client_hash, &r), 0, "client rec");
			T_EQ_INT(r.count, 1, "one pass counted per hour");
			T_EQ_INT(r.pass_time, T0 + 300, "counted at the first pass");
		}
		if (i == 3) {
			T_EQ_INT(greydb_get(db, GREY_TAB_CLIENTS, ck.client_hash, &r), 0, "client rec 4");
			T_EQ_INT(r.count, 4, "four passes");
			expect(decide("100.64.1.9", "x4@y.example", "r@d.example", &v), &v, GREY_NEW, 300, 0,
				"not yet allowed after 4");
		}
		clock_advance(GREY_HOUR);
	}
	T_EQ_INT(greydb_get(db, GREY_TAB_CLIENTS, ck.client_hash, &r), 0, "client rec 5");
	T_EQ_INT(r.count, 5, "five passes");
	expect(decide("100.64.1.200", "new@z.example", "q@d.example", &v), &v, GREY_ALLOWED_CLIENT, 0, 0,
		"auto-allowed");
	get_trip("100.64.1.0/24", "new@z.example", "q@d.example", &r, MDB_NOTFOUND,
		"allowed client leaves no triplet");
	/* auto_allow_clients = 0: off, the counters are ignored */
	P.auto_allow_clients = 0;
	expect(decide("100.64.1.200", "new@z.example", "q@d.example", &v), &v, GREY_NEW, 300, 0,
		"auto-allow off");
	/* a manual allow works even with auto-allow off */
	r.flags |= GREY_F_MANUAL;
	T_EQ_INT(greydb_put(db, GREY_TAB_CLIENTS, ck.client_hash, &r), 0, "manual put");
	expect(decide("100.64.1.200", "new2@z.example", "q@d.example", &v), &v, GREY_ALLOWED_CLIENT, 0, 0,
		"manual allow");
}

static void test_spf_key(void)
{
	struct grey_verdict v;

	clock_set_fake(1720000000);
	cfg.key = RP_GREYKEY_SPF_DOMAIN;
	expect(decide_full("198.18.0.1", "Pool.Example", "u@pool.example", "r@d.example", &v), &v,
		GREY_NEW, 300, 0, "spf first");
	clock_advance(300);
	expect(decide_full("198.19.7.7", "pool.example", "u@pool.example", "r@d.example", &v), &v,
		GREY_PASS_FIRST, 0, 300, "spf retry from another pool address");
	expect(decide_full("198.19.7.7", NULL, "u@pool.example", "r@d.example", &v), &v,
		GREY_NEW, 300, 0, "no SPF pass: keyed by subnet");
	cfg.key = RP_GREYKEY_SUBNET;
	expect(decide_full("198.18.0.1", "pool.example", "w@pool.example", "r@d.example", &v), &v,
		GREY_NEW, 300, 0, "subnet key ignores spf domain");
	clock_advance(300);
	expect(decide_full("198.19.7.7", "pool.example", "w@pool.example", "r@d.example", &v), &v,
		GREY_NEW, 300, 0, "subnet key: other pool address is new");
}

/* [greylist] text: expansion and validation (postgrey's %s and %r). */
static const struct {
	const char *tmpl; unsigned long secs; const char *dom; size_t size; const char *want;
} reply_texts[] = {
	{ NULL, 300, "example.net", 256, GREY_TEXT_DEFAULT },
	{ "Greylisted for %s seconds", 300, "example.net", 256, "Greylisted for 300 seconds" },
	{ "see https://help.example/%r.html", 0, "Example.NET", 256, "see https://help.example/Example.NET.html" },
	{ "%s%r%%", 7, "d.example", 256, "7d.example%" },
	{ "100%% sure", 1, "", 256, "100% sure" },
	{ "%r", 1, "", 256, "" },
	/* outside text made printable, cut at 64 octets */
	{ "[%r]", 1, "a\r\nb c", 256, "[a??b?c]" },
	{ "%r", 1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxyz", 256,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" },
	/* a small buffer is filled and terminated, never overrun */
	{ "Greylisted for %s seconds", 123456, "", 12, "Greylisted " },
	{ "%s", 123456, "", 4, "123" },
	{ "abc", 0, "", 1, "" },
};

static const struct { const char *tmpl; const char *err; } bad_texts[] = {
	{ "", "expected a text, e.g. \"" GREY_TEXT_DEFAULT "\"" },
	{ "wait %d", "expected %s (seconds left), %r (recipient domain) or %% after %" },
	{ "100%", "expected %s (seconds left), %r (recipient domain) or %% after %" },
	{ "tab\there", "expected printable ASCII text" },
	{ "caf\xc3\xa9", "expected printable ASCII text" },
};

static void test_reply_text(void)
{
	char out[300], err[160], ctx[600], longt[GREY_TEXT_MAX + 2];

	for (size_t i = 0; i < RP_ARRAY_LEN(reply_texts); i++) {
		snprintf(ctx, sizeof ctx, "text %zu \"%s\"", i, reply_texts[i].tmpl ? reply_texts[i].tmpl : "(default)");
		memset(out, 'Z', sizeof out);
		greylist_text(reply_texts[i].tmpl, reply_texts[i].secs, reply_texts[i].dom, out,
			reply_texts[i].size);
		T_EQ_STR(out, reply_texts[i].want, ctx);
		T_CHECK(out[reply_texts[i].size] == 'Z' || reply_texts[i].size >= sizeof out,
			"%s: nothing written past the buffer", ctx);
		if (reply_texts[i].tmpl)
			T_EQ_INT(greylist_text_check(reply_texts[i].tmpl, err, sizeof err), 0, ctx);
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(bad_texts); i++) {
		snprintf(ctx, sizeof ctx, "bad text \"%s\"", bad_texts[i].tmpl);
		err[0] = '\0';
		T_EQ_INT(greylist_text_check(bad_texts[i].tmpl, err, sizeof err), -1, ctx);
		T_EQ_STR(err, bad_texts[i].err, ctx);
	}
	memset(longt, 'a', sizeof longt - 1);
	longt[sizeof longt - 1] = '\0';
	T_EQ_INT(greylist_text_check(longt, err, sizeof err), -1, "text over 256 octets");
	longt[GREY_TEXT_MAX] = '\0';
	T_EQ_INT(greylist_text_check(longt, err, sizeof err), 0, "text of 256 octets");
}

int main(void)
{
	char path[256], err[GREYDB_ERRLEN];
	struct grey_verdict v;

	test_text();
	test_reply_text();

	cfg.mode = RP_GREY_ALWAYS;
	cfg.key = RP_GREYKEY_SUBNET;
	cfg.delay = 300;
	cfg.retry_window = 2 * 86400;
	cfg.max_age = 35 * 86400;
	cfg.auto_allow_clients = 0;
	cfg.netmask4 = 24;
	cfg.netmask6 = 64;
	greylist_params_from_config(&cfg, &P);
	T_EQ_INT(P.refresh, GREY_REFRESH_DEFAULT, "refresh default");

	T_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof path, "%s/greylist.lmdb", dir);
	db = greydb_open(path, NULL, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	if (db) {
		test_timing();
		test_auto_allow();
		test_spf_key();
		greydb_free(db);
	}
	T_EQ_STR(greylist_result_name(greydb_decide(NULL, &P, NULL, 0, &v)), "temp", "no store");
	T_EQ_STR(v.error, "greylist database: open: not open", "no store text");
	clock_set_fake(0);
	unlink(path);
	snprintf(path, sizeof path, "%s/greylist.lmdb-lock", dir);
	unlink(path);
	rmdir(dir);
	return t_done();
}
