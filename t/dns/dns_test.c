/*
 * dns_test - the resolver against real servers on 127.0.0.1: NSD serving
 * t/data/zones/ and ldns-testns playing t/data/testns/faults.data.
 * Started by run-dns-test.sh: dns_test NSD_PORT TESTNS_PORT.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "base/netaddr.h"
#include "test.h"
#include "base/util.h"

static unsigned nsd_port, testns_port;

static struct rp_dns *resolver(const char *ns, unsigned port, unsigned timeout_ms,
	unsigned attempts, struct rp_dns_cache *cache)
{
	const char *list[1] = { ns };
	struct rp_dns_opts o = { list, 1, port, timeout_ms, attempts, 0 };
	char err[200];
	struct rp_dns *d = dns_new(&o, cache, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "dns_new: %s\n", err);
		exit(2);
	}
	return d;
}

/* One query, run to now + budget_ms. */
static struct rp_dns_batch *ask(struct rp_dns *d, const char *name, enum rp_dns_type t,
	unsigned budget_ms)
{
	struct rp_dns_batch *b = dns_batch_new(d);
	dns_batch_add(b, name, t);
	dns_batch_run(b, clock_mono_ms() + budget_ms);
	return b;
}

static const char *addr_str(const struct rp_dns_rr *r)
{
	static char buf[RP_ADDRSTRLEN];
	netaddr_format(&r->addr, buf, sizeof(buf));
	return buf;
}

/* Expect a FOUND answer whose records, in order, print as want[]
 * (addresses, names, "PREF NAME" for MX, text for TXT). */
static void expect_found(struct rp_dns *d, const char *name, enum rp_dns_type t,
	const char *const *want, size_t nwant)
{
	struct rp_dns_batch *b = ask(d, name, t, 3000);
	const struct rp_dns_result *r = dns_batch_result(b, 0);
	char ctx[300];
	snprintf(ctx, sizeof(ctx), "%s %s", name, dns_type_name(t));
	T_EQ_INT(r->ans->outcome, RP_DNS_FOUND, ctx);
	T_EQ_INT(r->ans->n, nwant, ctx);
	for (size_t i = 0; i < nwant && i < r->ans->n; i++) {
		const struct rp_dns_rr *rr = &r->ans->rr[i];
		char got[600];
		switch (t) {
		case RP_DNS_A:
		case RP_DNS_AAAA: rp_strlcpy(got, addr_str(rr), sizeof(got)); break;
		case RP_DNS_PTR: rp_strlcpy(got, rr->name, sizeof(got)); break;
		case RP_DNS_MX: snprintf(got, sizeof(got), "%u %s", rr->pref, rr->name); break;
		case RP_DNS_TXT: rp_strlcpy(got, rr->text, sizeof(got)); break;
		}
		T_EQ_STR(got, want[i], ctx);
	}
	dns_batch_free(b);
}

static void expect_outcome(struct rp_dns *d, const char *name, enum rp_dns_type t,
	enum rp_dns_outcome o, int rcode, const char *detail, unsigned budget_ms)
{
	struct rp_dns_batch *b = ask(d, name, t, budget_ms);
	const struct rp_dns_result *r = dns_batch_result(b, 0);
	char ctx[300];
	snprintf(ctx, sizeof(ctx), "%s %s", name, dns_type_name(t));
	T_EQ_INT(r->ans->outcome, o, ctx);
	T_EQ_INT(r->ans->rcode, rcode, ctx);
	T_EQ_STR(r->ans->detail, detail, ctx);
	T_EQ_INT(r->ans->n, 0, ctx);
	dns_batch_free(b);
}

#define FOUND(d, name, t, ...) do { \
	static const char *const w_[] = { __VA_ARGS__ }; \
	expect_found(d, name, t, w_, RP_ARRAY_LEN(w_)); \
} while (0)

static void test_nsd_records(struct rp_dns *d)
{
	FOUND(d, "mail.rampart.test", RP_DNS_A, "192.0.2.10");
	FOUND(d, "mail.rampart.test.", RP_DNS_AAAA, "2001:db8::10");
	FOUND(d, "MiXeD.RAMPART.test", RP_DNS_A, "192.0.2.22");
	FOUND(d, "multi.rampart.test", RP_DNS_A, "198.51.100.9", "198.51.100.10");
	FOUND(d, "mx-a.rampart.test", RP_DNS_MX, "10 mail.rampart.test", "20 mail2.rampart.test");
	FOUND(d, "nullmx.rampart.test", RP_DNS_MX, "0 ");
	FOUND(d, "txt.rampart.test", RP_DNS_TXT, "hello world");
	FOUND(d, "txt-multi.rampart.test", RP_DNS_TXT, "first", "second");
	/* CNAME chains inside the answer */
	FOUND(d, "www.rampart.test", RP_DNS_A, "192.0.2.10");
	FOUND(d, "c1.rampart.test", RP_DNS_A, "192.0.2.30");
	FOUND(d, "c1.rampart.test", RP_DNS_MX, "5 mail.rampart.test");
	/* PTR: plain, upper case, not a hostname, numeric, RFC 2317 CNAME, IPv6 */
	FOUND(d, "1.2.0.192.in-addr.arpa", RP_DNS_PTR, "fc.rampart.test");
	FOUND(d, "7.2.0.192.in-addr.arpa", RP_DNS_PTR, "fc.rampart.test");
	FOUND(d, "3.2.0.192.in-addr.arpa", RP_DNS_PTR, "bad\\032name_with\\.dot.rampart.test");
	FOUND(d, "5.2.0.192.in-addr.arpa", RP_DNS_PTR, "192.0.2.5");
	FOUND(d, "5.113.0.203.in-addr.arpa", RP_DNS_PTR, "host-203.rampart.test");
	{
		struct rp_netaddr a;
		char rev[80], name[100];
		netaddr_parse("2001:db8::1", &a);
		netaddr_reverse(&a, rev, sizeof(rev));
		snprintf(name, sizeof(name), "%s.ip6.arpa", rev);
		FOUND(d, name, RP_DNS_PTR, "fc6.rampart.test");
	}

	expect_outcome(d, "nx.rampart.test", RP_DNS_A, RP_DNS_NOTFOUND, 3, "NXDOMAIN", 3000);
	expect_outcome(d, "a-only.rampart.test", RP_DNS_MX, RP_DNS_NOTFOUND, 0, "NODATA", 3000);
	expect_outcome(d, "aaaa-only.rampart.test", RP_DNS_A, RP_DNS_NOTFOUND, 0, "NODATA", 3000);
	expect_outcome(d, "nothing.rampart.test", RP_DNS_AAAA, RP_DNS_NOTFOUND, 0, "NODATA", 3000);
	expect_outcome(d, "4.2.0.192.in-addr.arpa", RP_DNS_PTR, RP_DNS_NOTFOUND, 3, "NXDOMAIN", 3000);
	expect_outcome(d, "dangling.rampart.test", RP_DNS_A, RP_DNS_NOTFOUND, 3, "NXDOMAIN", 3000);
	expect_outcome(d, "loop1.rampart.test", RP_DNS_A, RP_DNS_MALFORMED, 0, "CNAME loop", 3000);
	expect_outcome(d, "loop2.rampart.test", RP_DNS_TXT, RP_DNS_MALFORMED, 0, "CNAME loop", 3000);
	/* names that are never sent */
	expect_outcome(d, "", RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
	expect_outcome(d, ".", RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
	expect_outcome(d, "a..rampart.test", RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
	expect_outcome(d, "sp ace.rampart.test", RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
	expect_outcome(d, "esc\\065.rampart.test", RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
	expect_outcome(d, "ctl\r\n.rampart.test", RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
	{
		char lab[80], big[400];
		memset(lab, 'x', 64);
		lab[64] = '\0';
		snprintf(big, sizeof(big), "%s.rampart.test", lab);
		expect_outcome(d, big, RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
		memset(big, 'a', 300);
		for (size_t i = 50; i < 300; i += 50)
			big[i] = '.';
		big[300] = '\0';
		expect_outcome(d, big, RP_DNS_A, RP_DNS_MALFORMED, -1, "bad query name", 3000);
	}
}

static void test_nsd_hostile(struct rp_dns *d)
{
	struct rp_dns_batch *b;
	const struct rp_dns_result *r;

	/* null MX is recognisable; a normal MX set is not */
	b = dns_batch_new(d);
	dns_batch_add(b, "nullmx.rampart.test", RP_DNS_MX);
	dns_batch_add(b, "mx-a.rampart.test", RP_DNS_MX);
	dns_batch_run(b, clock_mono_ms() + 3000);
	T_CHECK(dns_answer_is_null_mx(dns_batch_result(b, 0)->ans), "null MX recognised");
	T_CHECK(!dns_answer_is_null_mx(dns_batch_result(b, 1)->ans), "normal MX is not null");
	T_EQ_INT(dns_batch_result(b, 1)->ans->ttl, 3600, "MX ttl");
	dns_batch_free(b);

	/* 4 KiB+ TXT (needs TCP after EDNS 1232): cut to 4096 raw bytes */
	b = ask(d, "bigtxt.rampart.test", RP_DNS_TXT, 3000);
	r = dns_batch_result(b, 0);
	T_EQ_INT(r->ans->outcome, RP_DNS_FOUND, "bigtxt");
	T_EQ_INT(r->ans->n, 1, "bigtxt records");
	if (r->ans->n == 1) {
		size_t bad = 0;
		T_EQ_INT(r->ans->rr[0].text_len, RP_DNS_TXT_MAX, "bigtxt length");
		for (size_t i = 0; i < r->ans->rr[0].text_len; i++)
			bad += r->ans->rr[0].text[i] != (char)('a' + i / 255);
		T_EQ_INT(bad, 0, "bigtxt bytes in order");
		T_EQ_INT(r->ans->rr[0].text[RP_DNS_TXT_MAX], 0, "bigtxt NUL-terminated");
	}
	dns_batch_free(b);

	/* TXT with CR, LF and NUL: kept raw with its length */
	b = ask(d, "txt-ctl.rampart.test", RP_DNS_TXT, 3000);
	r = dns_batch_result(b, 0);
	T_EQ_INT(r->ans->outcome, RP_DNS_FOUND, "txt-ctl");
	if (r->ans->n == 1) {
		static const char want[] = "line1\r\nInjected: yes\000tail";
		T_EQ_INT(r->ans->rr[0].text_len, sizeof(want) - 1, "txt-ctl length");
		T_CHECK(memcmp(r->ans->rr[0].text, want, sizeof(want) - 1) == 0, "txt-ctl bytes");
	}
	dns_batch_free(b);

	/* 50 PTRs: 20 kept, the rest noted */
	b = ask(d, "50.2.0.192.in-addr.arpa", RP_DNS_PTR, 3000);
	r = dns_batch_result(b, 0);
	T_EQ_INT(r->ans->outcome, RP_DNS_FOUND, "50 PTR");
	T_EQ_INT(r->ans->n, RP_DNS_MAX_RR, "50 PTR kept");
	T_CHECK(r->ans->more, "50 PTR: more flagged");
	for (size_t i = 0; i < r->ans->n; i++) {
		char want[64];
		snprintf(want, sizeof(want), "host%02zu.rampart.test", i);
		T_EQ_STR(r->ans->rr[i].name, want, "50 PTR names in zone order");
	}
	dns_batch_free(b);
}

/* Many independent queries in one batch: PTR, DNSBL (v4, v6), TXT reason,
 * RHSBL, DNSWL, the 127.255.255.x signal, duplicates. */
static void test_nsd_batch(struct rp_dns *d)
{
	struct rp_dns_batch *b = dns_batch_new(d);
	size_t i_ptr, i_bl2, i_bl3, i_bl4, i_bl254, i_bl6, i_txt, i_rhs, i_wl, i_dup, i_aaaa;
	const struct rp_dns_result *r;
	struct rp_netaddr a6;
	char rev[80], name[120];

	netaddr_parse("2001:db8::2", &a6);
	netaddr_reverse(&a6, rev, sizeof(rev));
	snprintf(name, sizeof(name), "%s.bl.rampart.test", rev);

	i_ptr = dns_batch_add(b, "2.2.0.192.in-addr.arpa", RP_DNS_PTR);
	i_bl2 = dns_batch_add(b, "2.2.0.192.bl.rampart.test", RP_DNS_A);
	i_bl3 = dns_batch_add(b, "3.2.0.192.bl.rampart.test", RP_DNS_A);
	i_bl4 = dns_batch_add(b, "4.2.0.192.bl.rampart.test", RP_DNS_A);
	i_bl254 = dns_batch_add(b, "254.2.0.192.bl.rampart.test", RP_DNS_A);
	i_bl6 = dns_batch_add(b, name, RP_DNS_A);
	i_txt = dns_batch_add(b, "2.2.0.192.bl.rampart.test", RP_DNS_TXT);
	i_rhs = dns_batch_add(b, "spam.example.rhsbl.rampart.test", RP_DNS_A);
	i_wl = dns_batch_add(b, "1.2.0.192.wl.rampart.test", RP_DNS_A);
	i_dup = dns_batch_add(b, "2.2.0.192.BL.rampart.test.", RP_DNS_A);
	i_aaaa = dns_batch_add(b, "fc.rampart.test", RP_DNS_AAAA);
	T_EQ_INT(dns_batch_count(b), 11, "batch count");
	T_CHECK(dns_batch_result(b, 0) == NULL, "no result before run");
	dns_batch_run(b, clock_mono_ms() + 3000);

	r = dns_batch_result(b, i_ptr);
	T_EQ_STR(r->ans->n ? r->ans->rr[0].name : "", "forged.rampart.test", "batch PTR");
	r = dns_batch_result(b, i_bl2);
	T_EQ_STR(r->ans->n ? addr_str(&r->ans->rr[0]) : "", "127.0.0.2", "bl 192.0.2.2");
	T_EQ_INT(r->ans->ttl, 300, "bl ttl");
	r = dns_batch_result(b, i_bl3);
	T_EQ_INT(r->ans->n, 2, "bl 192.0.2.3 two records");
	if (r->ans->n == 2) {
		T_EQ_STR(addr_str(&r->ans->rr[0]), "127.0.0.2", "bl .3 first");
		T_EQ_STR(addr_str(&r->ans->rr[1]), "127.0.0.4", "bl .3 second");
	}
	r = dns_batch_result(b, i_bl4);
	T_EQ_INT(r->ans->outcome, RP_DNS_NOTFOUND, "bl 192.0.2.4 not listed");
	T_EQ_INT(r->ans->ttl, 60, "bl negative ttl = SOA minimum");
	r = dns_batch_result(b, i_bl254);
	T_EQ_STR(r->ans->n ? addr_str(&r->ans->rr[0]) : "", "127.255.255.254", "bl error signal");
	r = dns_batch_result(b, i_bl6);
	T_EQ_STR(r->ans->n ? addr_str(&r->ans->rr[0]) : "", "127.0.0.3", "bl 2001:db8::2");
	r = dns_batch_result(b, i_txt);
	T_EQ_STR(r->ans->n ? r->ans->rr[0].text : "",
		"Listed: 192.0.2.2 sends spam, see https://bl.rampart.test/q?192.0.2.2", "bl reason");
	r = dns_batch_result(b, i_rhs);
	T_EQ_STR(r->ans->n ? addr_str(&r->ans->rr[0]) : "", "127.0.1.2", "rhsbl");
	r = dns_batch_result(b, i_wl);
	T_EQ_STR(r->ans->n ? addr_str(&r->ans->rr[0]) : "", "127.0.10.1", "dnswl");
	T_CHECK(dns_batch_result(b, i_dup)->ans == dns_batch_result(b, i_bl2)->ans,
		"duplicate query asked once");
	T_EQ_STR(dns_batch_result(b, i_dup)->name, "2.2.0.192.bl.rampart.test", "normalised name");
	r = dns_batch_result(b, i_aaaa);
	T_EQ_STR(r->ans->n ? addr_str(&r->ans->rr[0]) : "", "2001:db8::1", "batch AAAA");
	T_CHECK(dns_batch_result(b, 11) == NULL, "no result past the end");
	dns_batch_free(b);

	/* second round: forward lookup of the PTR name (forged) */
	FOUND(d, "forged.rampart.test", RP_DNS_A, "192.0.2.99");
}

static void test_cache(void)
{
	struct rp_dns_cache *c = dns_cache_new(1000, 3600);
	struct rp_dns *d = resolver("127.0.0.1", nsd_port, 1000, 2, c);
	struct rp_dns_cache_stats st0, st1;
	struct rp_dns_batch *b1, *b2;
	const struct rp_dns_result *r;

	b1 = ask(d, "mail.rampart.test", RP_DNS_A, 3000);
	T_CHECK(!dns_batch_result(b1, 0)->cached, "first lookup not cached");
	dns_cache_stats(c, &st0);
	b2 = ask(d, "mail.rampart.test", RP_DNS_A, 3000);
	r = dns_batch_result(b2, 0);
	dns_cache_stats(c, &st1);
	T_CHECK(r->cached, "second lookup cached");
	T_CHECK(r->ans == dns_batch_result(b1, 0)->ans, "cached answer shared, not copied");
	T_EQ_STR(r->ans->n ? addr_str(&r->ans->rr[0]) : "", "192.0.2.10", "cached address");
	T_EQ_INT(st1.hits - st0.hits, 1, "one hit counted");
	T_CHECK(r->ttl <= 3600 && r->ttl >= 3590, "ttl left %u", r->ttl);
	dns_batch_free(b1);
	dns_batch_free(b2);

	/* negative answers are cached, with the SOA minimum */
	dns_batch_free(ask(d, "nx.rampart.test", RP_DNS_A, 3000));
	b1 = ask(d, "nx.rampart.test", RP_DNS_A, 3000);
	r = dns_batch_result(b1, 0);
	T_CHECK(r->cached, "NXDOMAIN cached");
	T_EQ_INT(r->ans->outcome, RP_DNS_NOTFOUND, "cached NXDOMAIN outcome");
	T_CHECK(r->ttl <= 300 && r->ttl >= 290, "negative ttl %u", r->ttl);
	dns_batch_free(b1);
	dns_free(d);

	/* a resolver's cache_max_ttl caps what it stores */
	{
		const char *list[1] = { "127.0.0.1" };
		struct rp_dns_opts o = { list, 1, nsd_port, 1000, 2, 100 };
		char err[100];
		struct rp_dns_cache *c2 = dns_cache_new(100, 3600);
		struct rp_dns *d2 = dns_new(&o, c2, err, sizeof(err));
		dns_batch_free(ask(d2, "mail.rampart.test", RP_DNS_AAAA, 3000));
		b1 = ask(d2, "mail.rampart.test", RP_DNS_AAAA, 3000);
		r = dns_batch_result(b1, 0);
		T_CHECK(r->cached && r->ttl <= 100 && r->ttl >= 95, "capped ttl %u", r->ttl);
		dns_batch_free(b1);
		dns_free(d2);
		dns_cache_free(c2);
	}

	/* the cache outlives a resolver and serves the next one (reload) */
	d = resolver("::1", nsd_port, 1000, 2, c);
	b1 = ask(d, "mail.rampart.test", RP_DNS_A, 3000);
	T_CHECK(dns_batch_result(b1, 0)->cached, "cache shared across resolvers");
	dns_batch_free(b1);
	dns_free(d);

	/* expiry on the fake clock: ttl-short lives 60 s */
	clock_set_fake(1800000000);
	d = resolver("127.0.0.1", nsd_port, 1000, 2, c);
	dns_batch_free(ask(d, "ttl-short.rampart.test", RP_DNS_A, 3000));
	clock_advance(59);
	b1 = ask(d, "ttl-short.rampart.test", RP_DNS_A, 3000);
	T_CHECK(dns_batch_result(b1, 0)->cached, "cached at 59 s");
	T_EQ_INT(dns_batch_result(b1, 0)->ttl, 1, "1 s left");
	dns_batch_free(b1);
	clock_advance(1);
	b1 = ask(d, "ttl-short.rampart.test", RP_DNS_A, 3000);
	T_CHECK(!dns_batch_result(b1, 0)->cached, "expired at 60 s");
	T_EQ_STR(dns_batch_result(b1, 0)->ans->n ? addr_str(&dns_batch_result(b1, 0)->ans->rr[0]) : "",
		"192.0.2.21", "asked again after expiry");
	dns_batch_free(b1);
	dns_free(d);
	clock_set_fake(0);
	dns_cache_free(c);
}

static void test_faults(void)
{
	struct rp_dns *d = resolver("127.0.0.1", testns_port, 400, 2, NULL);
	struct rp_dns_batch *b = dns_batch_new(d);
	static const struct {
		const char *name;
		enum rp_dns_outcome o;
		int rcode;
		const char *detail, *addr;
	} cases[] = {
		{ "servfail.fault.test", RP_DNS_TEMP, 2, "SERVFAIL", NULL },
		{ "refused.fault.test", RP_DNS_TEMP, 5, "REFUSED", NULL },
		{ "drop.fault.test", RP_DNS_TEMP, -1, "timeout", NULL },
		{ "tc.fault.test", RP_DNS_FOUND, 0, "", "192.0.2.88" },
		{ "badid.fault.test", RP_DNS_TEMP, -1, "timeout", NULL },
		{ "wrongq.fault.test", RP_DNS_FOUND, 0, "", "192.0.2.56" },
		{ "onlywrong.fault.test", RP_DNS_TEMP, -1, "timeout", NULL },
		{ "malformed.fault.test", RP_DNS_MALFORMED, -1, "unparsable reply", NULL },
		{ "short.fault.test", RP_DNS_TEMP, -1, "timeout", NULL },
		{ "ptrloop.fault.test", RP_DNS_MALFORMED, -1, "unparsable reply", NULL },
		{ "badlen.fault.test", RP_DNS_MALFORMED, -1, "unparsable reply", NULL },
	};
	uint64_t t0, t1;

	/* all faults together, in one batch under one deadline */
	for (size_t i = 0; i < RP_ARRAY_LEN(cases); i++)
		dns_batch_add(b, cases[i].name, RP_DNS_A);
	t0 = clock_mono_ms();
	dns_batch_run(b, t0 + 5000);
	t1 = clock_mono_ms();
	for (size_t i = 0; i < RP_ARRAY_LEN(cases); i++) {
		const struct rp_dns_answer *a = dns_batch_result(b, i)->ans;
		T_EQ_INT(a->outcome, cases[i].o, cases[i].name);
		T_EQ_INT(a->rcode, cases[i].rcode, cases[i].name);
		T_EQ_STR(a->detail, cases[i].detail, cases[i].name);
		if (cases[i].addr)
			T_EQ_STR(a->n ? addr_str(&a->rr[0]) : "", cases[i].addr, cases[i].name);
		else
			T_EQ_INT(a->n, 0, cases[i].name);
	}
	/* 2 tries x 400 ms for the silent ones; sanity bound only */
	T_CHECK(t1 - t0 <= 5000 + 500, "fault batch returned by its deadline (%llu ms)",
		(unsigned long long)(t1 - t0));
	printf("fault batch: %llu ms\n", (unsigned long long)(t1 - t0));
	dns_batch_free(b);
	dns_free(d);

	/* slow (1 s) server: a 300 ms budget ends in TEMP at the deadline;
	 * then, with time enough, the answer */
	d = resolver("127.0.0.1", testns_port, 3000, 1, NULL);
	t0 = clock_mono_ms();
	expect_outcome(d, "slow.fault.test", RP_DNS_A, RP_DNS_TEMP, -1, "deadline", 300);
	t1 = clock_mono_ms();
	T_CHECK(t1 - t0 <= 300 + 500, "slow: returned at the deadline (%llu ms)",
		(unsigned long long)(t1 - t0));
	usleep(1200 * 1000);   /* let the server finish that sleep */
	FOUND(d, "slow.fault.test", RP_DNS_A, "192.0.2.77");
	dns_free(d);
}

/* A UDP socket that is bound and never read: a nameserver that is dead
 * without an ICMP error. Returns its port. */
static unsigned blackhole(int *fdp)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0
	    || getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("blackhole");
		exit(2);
	}
	*fdp = fd;
	return ntohs(sa.sin_port);
}

static void test_dead(void)
{
	int hole;
	unsigned port = blackhole(&hole);
	struct rp_dns *d = resolver("127.0.0.1", port, 1000, 3, NULL);
	struct rp_dns_batch *b = dns_batch_new(d);
	uint64_t t0, t1;

	dns_batch_add(b, "mail.rampart.test", RP_DNS_A);
	dns_batch_add(b, "2.2.0.192.bl.rampart.test", RP_DNS_A);
	dns_batch_add(b, "1.2.0.192.in-addr.arpa", RP_DNS_PTR);
	t0 = clock_mono_ms();
	dns_batch_run(b, t0 + 700);
	t1 = clock_mono_ms();
	for (size_t i = 0; i < 3; i++) {
		T_EQ_INT(dns_batch_result(b, i)->ans->outcome, RP_DNS_TEMP, "dead ns");
		T_EQ_STR(dns_batch_result(b, i)->ans->detail, "deadline", "dead ns");
	}
	T_CHECK(t1 - t0 <= 700 + 500, "dead ns: returned by the deadline (%llu ms)",
		(unsigned long long)(t1 - t0));
	dns_batch_free(b);
	dns_free(d);

	/* tries run out before the deadline: "timeout" */
	d = resolver("127.0.0.1", port, 150, 2, NULL);
	expect_outcome(d, "mail.rampart.test", RP_DNS_A, RP_DNS_TEMP, -1, "timeout", 5000);
	dns_free(d);

	/* a dead first nameserver, a live second one: the retry finds it */
	{
		char p1[16];
		const char *list[2] = { "127.0.0.1", "::1" };
		struct rp_dns_opts o = { list, 2, 0, 200, 1, 0 };
		char err[100];
		/* both on one port: the blackhole's port is not NSD's, so use
		 * NSD's port and make the first address one nothing answers */
		list[0] = "127.0.0.2";
		o.port = nsd_port;
		snprintf(p1, sizeof(p1), "%u", port);
		d = dns_new(&o, NULL, err, sizeof(err));
		T_CHECK(d != NULL, "two nameservers");
		FOUND(d, "mail.rampart.test", RP_DNS_A, "192.0.2.10");
		dns_free(d);
	}
	close(hole);

	/* a closed port: ICMP port unreachable is a network error */
	d = resolver("127.0.0.1", port, 1000, 2, NULL);
	expect_outcome(d, "mail.rampart.test", RP_DNS_A, RP_DNS_TEMP, -1, "network error", 3000);
	dns_free(d);
}

static void test_bad_opts(void)
{
	const char *bad[1] = { "not-an-address" };
	struct rp_dns_opts o = { bad, 1, 53, 0, 0, 0 };
	char err[200] = "";
	T_CHECK(dns_new(&o, NULL, err, sizeof(err)) == NULL, "bad nameserver refused");
	T_EQ_STR(err, "nameserver \"not-an-address\": expected an IPv4 or IPv6 address", "message");
	o.n_nameservers = 0;
	T_CHECK(dns_new(&o, NULL, err, sizeof(err)) == NULL, "no nameserver refused");
	dns_free(NULL);
	dns_batch_free(NULL);
}

struct worker { struct rp_dns *d; int ok; };

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 30; i++) {
		struct rp_dns_batch *b = dns_batch_new(w->d);
		dns_batch_add(b, "mail.rampart.test", RP_DNS_A);
		dns_batch_add(b, i % 2 ? "c1.rampart.test" : "www.rampart.test", RP_DNS_A);
		dns_batch_add(b, "1.2.0.192.in-addr.arpa", RP_DNS_PTR);
		dns_batch_run(b, clock_mono_ms() + 3000);
		w->ok += dns_batch_result(b, 0)->ans->outcome == RP_DNS_FOUND
			&& dns_batch_result(b, 1)->ans->outcome == RP_DNS_FOUND
			&& dns_batch_result(b, 2)->ans->n == 1
			&& strcmp(dns_batch_result(b, 2)->ans->rr[0].name, "fc.rampart.test") == 0;
		dns_batch_free(b);
	}
	return NULL;
}

static void test_threads(void)
{
	struct rp_dns_cache *c = dns_cache_new(64, 3600);
	struct rp_dns *d = resolver("127.0.0.1", nsd_port, 1000, 2, c);
	struct worker w[4];
	pthread_t id[4];
	int ok = 0;
	for (int i = 0; i < 4; i++) {
		w[i].d = d;
		w[i].ok = 0;
		pthread_create(&id[i], NULL, worker_run, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(id[i], NULL);
		ok += w[i].ok;
	}
	T_EQ_INT(ok, 120, "4 threads x 30 batches on one resolver");
	dns_free(d);
	dns_cache_free(c);
}

int main(int argc, char **argv)
{
	struct rp_dns *d4, *d6;
	if (argc != 3) {
		fprintf(stderr, "usage: dns_test NSD_PORT TESTNS_PORT\n");
		return 2;
	}
	nsd_port = (unsigned)atoi(argv[1]);
	testns_port = (unsigned)atoi(argv[2]);

	d4 = resolver("127.0.0.1", nsd_port, 1000, 2, NULL);
	d6 = resolver("::1", nsd_port, 1000, 2, NULL);
	test_nsd_records(d4);
	test_nsd_hostile(d4);
	test_nsd_batch(d4);
	test_nsd_batch(d6);      /* the same over an IPv6 nameserver */
	test_nsd_hostile(d6);
	dns_free(d4);
	dns_free(d6);
	test_cache();
	test_faults();
	test_dead();
	test_bad_opts();
	test_threads();
	return t_done();
}
