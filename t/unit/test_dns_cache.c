/* Unit tests for dns_cache: expiry on the fake clock, negative answers,
 * TTL cap, CLOCK eviction, counters, what is never stored. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "test.h"

static struct rp_dns_answer *addr_answer(const char *ip, uint32_t ttl)
{
	struct rp_dns_answer *a = dns_answer_new(RP_DNS_FOUND, 0, "", ttl);
	struct rp_netaddr n;
	netaddr_parse(ip, &n);
	dns_answer_add_addr(a, &n);
	return a;
}

static void test_hit_and_expiry(void)
{
	struct rp_dns_cache *c = dns_cache_new(100, 3600);
	struct rp_dns_answer *a = addr_answer("192.0.2.1", 300);
	const struct rp_dns_answer *g;
	struct rp_dns_cache_stats st;
	uint32_t left = 0;
	char buf[RP_ADDRSTRLEN];

	clock_set_fake(1000000);
	T_CHECK(dns_cache_get(c, "a.example", RP_DNS_A, &left) == NULL, "empty cache misses");
	dns_cache_put(c, "a.example", RP_DNS_A, a, a->ttl);
	dns_answer_unref(a);   /* the cache holds its own reference */

	g = dns_cache_get(c, "a.example", RP_DNS_A, &left);
	T_CHECK(g != NULL, "hit after put");
	if (g) {
		netaddr_format(&g->rr[0].addr, buf, sizeof(buf));
		T_EQ_STR(buf, "192.0.2.1", "cached address");
		T_EQ_INT(left, 300, "full ttl left");
		dns_answer_unref(g);
	}
	/* same name, other type, is another key */
	T_CHECK(dns_cache_get(c, "a.example", RP_DNS_AAAA, NULL) == NULL, "type is part of key");

	clock_advance(299);
	g = dns_cache_get(c, "a.example", RP_DNS_A, &left);
	T_CHECK(g != NULL, "hit 1s before expiry");
	T_EQ_INT(left, 1, "one second left");
	dns_answer_unref(g);
	clock_advance(1);
	T_CHECK(dns_cache_get(c, "a.example", RP_DNS_A, &left) == NULL, "expired at ttl");

	dns_cache_stats(c, &st);
	T_EQ_INT(st.hits, 2, "hits");
	T_EQ_INT(st.misses, 3, "misses");
	T_EQ_INT(st.expired, 1, "expired lookups");
	T_EQ_INT(st.inserts, 1, "inserts");
	T_EQ_INT(st.entries, 1, "entries");
	dns_cache_free(c);
	clock_set_fake(0);
}

static void test_negative_and_cap(void)
{
	struct rp_dns_cache *c = dns_cache_new(100, 600);
	struct rp_dns_answer *nx = dns_answer_new(RP_DNS_NOTFOUND, 3, "NXDOMAIN", 120);
	struct rp_dns_answer *big = addr_answer("198.51.100.7", 86400);
	struct rp_dns_answer *temp = dns_answer_new(RP_DNS_TEMP, 2, "SERVFAIL", 0);
	struct rp_dns_answer *mal = dns_answer_new(RP_DNS_MALFORMED, 0, "CNAME loop", 0);
	struct rp_dns_answer *zero = addr_answer("203.0.113.9", 0);
	const struct rp_dns_answer *g;
	uint32_t left;

	clock_set_fake(2000000);
	dns_cache_put(c, "nx.example", RP_DNS_MX, nx, nx->ttl);
	g = dns_cache_get(c, "nx.example", RP_DNS_MX, &left);
	T_CHECK(g != NULL, "negative answer cached");
	if (g) {
		T_EQ_INT(g->outcome, RP_DNS_NOTFOUND, "negative outcome kept");
		T_EQ_INT(g->rcode, 3, "rcode kept");
		T_EQ_INT(left, 120, "negative ttl");
		dns_answer_unref(g);
	}

	dns_cache_put(c, "big.example", RP_DNS_A, big, big->ttl);
	g = dns_cache_get(c, "big.example", RP_DNS_A, &left);
	T_EQ_INT(left, 600, "ttl capped by max_ttl");
	dns_answer_unref(g);
	dns_cache_set_max_ttl(c, 60);
	dns_cache_put(c, "big.example", RP_DNS_A, big, big->ttl);
	g = dns_cache_get(c, "big.example", RP_DNS_A, &left);
	T_EQ_INT(left, 60, "new cap applies to new puts");
	dns_answer_unref(g);

	dns_cache_put(c, "t.example", RP_DNS_A, temp, 300);
	dns_cache_put(c, "m.example", RP_DNS_A, mal, 300);
	dns_cache_put(c, "z.example", RP_DNS_A, zero, 0);
	T_CHECK(dns_cache_get(c, "t.example", RP_DNS_A, NULL) == NULL, "TEMP never cached");
	T_CHECK(dns_cache_get(c, "m.example", RP_DNS_A, NULL) == NULL, "MALFORMED never cached");
	T_CHECK(dns_cache_get(c, "z.example", RP_DNS_A, NULL) == NULL, "ttl 0 not cached");

	/* a key longer than any DNS name is refused, not truncated */
	{
		char longname[400];
		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		dns_cache_put(c, longname, RP_DNS_A, big, 300);
		T_CHECK(dns_cache_get(c, longname, RP_DNS_A, NULL) == NULL, "over-long key ignored");
	}
	dns_answer_unref(nx);
	dns_answer_unref(big);
	dns_answer_unref(temp);
	dns_answer_unref(mal);
	dns_answer_unref(zero);
	dns_cache_free(c);
	clock_set_fake(0);
}

static void test_eviction(void)
{
	/* 16 entries: one per stripe; 200 distinct names must stay bounded */
	struct rp_dns_cache *c = dns_cache_new(RP_DNS_CACHE_STRIPES, 3600);
	struct rp_dns_cache_stats st;
	char name[64];
	size_t live = 0;

	clock_set_fake(3000000);
	for (int i = 0; i < 200; i++) {
		struct rp_dns_answer *a = addr_answer("192.0.2.2", 300);
		snprintf(name, sizeof(name), "n%d.example", i);
		dns_cache_put(c, name, RP_DNS_A, a, 300);
		dns_answer_unref(a);
	}
	dns_cache_stats(c, &st);
	T_CHECK(st.entries <= RP_DNS_CACHE_STRIPES, "entries bounded: %llu",
		(unsigned long long)st.entries);
	T_EQ_INT(st.inserts, 200, "inserts counted");
	T_EQ_INT(st.inserts - st.evictions, st.entries, "every insert beyond a slot evicts");
	for (int i = 0; i < 200; i++) {
		const struct rp_dns_answer *g;
		snprintf(name, sizeof(name), "n%d.example", i);
		g = dns_cache_get(c, name, RP_DNS_A, NULL);
		if (g) {
			live++;
			dns_answer_unref(g);
		}
	}
	T_EQ_INT(live, st.entries, "every live entry is findable");

	/* CLOCK: an entry read before every insert is never evicted, however
	 * many other keys pass through its stripe (4 slots per stripe) */
	{
		struct rp_dns_cache *c1 = dns_cache_new(4 * RP_DNS_CACHE_STRIPES, 3600);
		struct rp_dns_answer *a = addr_answer("192.0.2.3", 300);
		struct rp_dns_cache_stats s1;
		int kept = 0;
		dns_cache_put(c1, "keep.example", RP_DNS_A, a, 300);
		for (int i = 0; i < 1000; i++) {
			const struct rp_dns_answer *g = dns_cache_get(c1, "keep.example", RP_DNS_A, NULL);
			if (g) {
				kept++;
				dns_answer_unref(g);
			}
			snprintf(name, sizeof(name), "x%d.example", i);
			dns_cache_put(c1, name, RP_DNS_A, a, 300);
		}
		T_EQ_INT(kept, 1000, "referenced entry never evicted");
		dns_cache_stats(c1, &s1);
		T_EQ_INT(s1.entries, 4 * RP_DNS_CACHE_STRIPES, "cache full");
		T_EQ_INT(s1.evictions, 1001 - 4 * RP_DNS_CACHE_STRIPES, "evictions");
		dns_answer_unref(a);
		dns_cache_free(c1);
	}

	/* expired entries are taken before referenced live ones */
	{
		struct rp_dns_cache *c2 = dns_cache_new(2 * RP_DNS_CACHE_STRIPES, 3600);
		struct rp_dns_answer *a = addr_answer("192.0.2.4", 10);
		dns_cache_put(c2, "old.example", RP_DNS_A, a, 10);
		clock_advance(11);
		T_CHECK(dns_cache_get(c2, "old.example", RP_DNS_A, NULL) == NULL, "old expired");
		dns_cache_put(c2, "old.example", RP_DNS_A, a, 10);
		T_CHECK(dns_cache_get(c2, "old.example", RP_DNS_A, NULL) == a, "re-put replaces");
		dns_answer_unref(a);
		dns_answer_unref(a);
		dns_cache_free(c2);
	}
	dns_cache_free(c);
	clock_set_fake(0);
}

static void test_refcount(void)
{
	struct rp_dns_cache *c = dns_cache_new(10, 0);
	struct rp_dns_cache *r = dns_cache_ref(c);
	struct rp_dns_answer *a = addr_answer("2001:db8::1", 30);
	const struct rp_dns_answer *g;

	T_CHECK(r == c, "ref returns the same cache");
	dns_cache_put(c, "six.example", RP_DNS_AAAA, a, 30);
	dns_cache_free(c);        /* one reference left */
	g = dns_cache_get(r, "six.example", RP_DNS_AAAA, NULL);
	T_CHECK(g == a, "still usable through the other reference");
	dns_answer_unref(g);
	dns_cache_free(r);
	/* the answer outlives the cache through its own reference */
	T_EQ_INT(a->rr[0].addr.family, AF_INET6, "answer alive after cache freed");
	dns_answer_unref(a);
	dns_cache_free(NULL);
	dns_answer_unref(NULL);
}

struct th { struct rp_dns_cache *c; int hits; };

static void *hammer(void *arg)
{
	struct th *t = arg;
	char name[32];
	for (int i = 0; i < 20000; i++) {
		const struct rp_dns_answer *g;
		snprintf(name, sizeof(name), "h%d.example", i % 64);
		g = dns_cache_get(t->c, name, RP_DNS_A, NULL);
		if (g) {
			t->hits++;
			dns_answer_unref(g);
		} else {
			struct rp_dns_answer *a = addr_answer("192.0.2.5", 60);
			dns_cache_put(t->c, name, RP_DNS_A, a, 60);
			dns_answer_unref(a);
		}
	}
	return NULL;
}

static void test_threads(void)
{
	struct rp_dns_cache *c = dns_cache_new(32, 3600);
	struct th t[4];
	pthread_t id[4];
	struct rp_dns_cache_stats st;
	uint64_t hits = 0;

	for (int i = 0; i < 4; i++) {
		t[i].c = c;
		t[i].hits = 0;
		pthread_create(&id[i], NULL, hammer, &t[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(id[i], NULL);
		hits += (uint64_t)t[i].hits;
	}
	dns_cache_stats(c, &st);
	T_EQ_INT(st.hits + st.misses, 80000, "every lookup counted once");
	T_EQ_INT(st.hits, hits, "hit counter matches the threads' count");
	T_CHECK(st.entries <= 32, "bounded under threads");
	dns_cache_free(c);
}

static struct rp_dns_answer *txt_answer(unsigned records, size_t len)
{
	struct rp_dns_answer *a = dns_answer_new(RP_DNS_FOUND, 0, "", 600);
	char *t = malloc(len);
	memset(t, 'x', len);
	for (unsigned i = 0; i < records; i++)
		dns_answer_add_text(a, t, len);
	free(t);
	return a;
}

/* The cache is bounded in bytes too: many big answers never exceed
 * entries x RP_DNS_CACHE_AVG_BYTES, and an answer over
 * RP_DNS_CACHE_ENTRY_MAX is not kept at all. */
static void test_memory_bound(void)
{
	const unsigned entries = 20 * RP_DNS_CACHE_STRIPES;
	struct rp_dns_cache *c = dns_cache_new(entries, 3600);
	struct rp_dns_cache_stats st;
	char name[64];

	clock_set_fake(3000000);
	/* 15 x 4 KiB TXT: 60 KiB, too big to keep */
	struct rp_dns_answer *huge = txt_answer(15, 4096);
	T_CHECK(dns_answer_size(huge) > RP_DNS_CACHE_ENTRY_MAX, "15 x 4 KiB is over the entry bound");
	dns_cache_put(c, "huge.example", RP_DNS_TXT, huge, 600);
	dns_answer_unref(huge);
	T_CHECK(dns_cache_get(c, "huge.example", RP_DNS_TXT, NULL) == NULL, "huge answer not cached");
	dns_cache_stats(c, &st);
	T_EQ_INT(st.too_big, 1, "counted as too big");
	T_EQ_INT(st.bytes, 0, "nothing held");

	/* 3 x 4 KiB TXT (~12 KiB each) for 2000 names: bounded by bytes long
	 * before the entry bound */
	size_t one = 0;
	for (int i = 0; i < 2000; i++) {
		struct rp_dns_answer *a = txt_answer(3, 4096);
		one = dns_answer_size(a);
		snprintf(name, sizeof name, "n%d.attacker.example", i);
		dns_cache_put(c, name, RP_DNS_TXT, a, 600);
		dns_answer_unref(a);
	}
	dns_cache_stats(c, &st);
	T_CHECK(st.bytes <= (uint64_t)entries * RP_DNS_CACHE_AVG_BYTES,
		"bytes %llu within %u x %d", (unsigned long long)st.bytes, entries, RP_DNS_CACHE_AVG_BYTES);
	T_CHECK(st.entries < entries, "the byte bound, not the entry bound, held (%llu entries)",
		(unsigned long long)st.entries);
	T_EQ_INT(st.bytes, st.entries * one, "bytes match the entries held");
	T_CHECK(st.evictions >= 2000 - st.entries, "evicted to fit (%llu)", (unsigned long long)st.evictions);
	/* the newest is there, and small answers still fit after */
	const struct rp_dns_answer *newest = dns_cache_get(c, "n1999.attacker.example", RP_DNS_TXT, NULL);
	T_CHECK(newest != NULL, "newest kept");
	dns_answer_unref(newest);
	struct rp_dns_answer *small = addr_answer("192.0.2.9", 300);
	dns_cache_put(c, "small.example", RP_DNS_A, small, 300);
	dns_answer_unref(small);
	const struct rp_dns_answer *g = dns_cache_get(c, "small.example", RP_DNS_A, NULL);
	T_CHECK(g != NULL, "small answer cached next to the big ones");
	dns_answer_unref(g);
	dns_cache_stats(c, &st);
	T_CHECK(st.bytes <= (uint64_t)entries * RP_DNS_CACHE_AVG_BYTES, "still within the bound");
	dns_cache_free(c);
}

int main(void)
{
	test_hit_and_expiry();
	test_negative_and_cap();
	test_eviction();
	test_refcount();
	test_threads();
	test_memory_bound();
	return t_done();
}
