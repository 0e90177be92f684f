/*
 * spf_bench - SPF checks per second through rampart's path (spf_check on
 * one rp_spf, several threads, warm shared DNS cache) against NSD.
 * spf_bench NAMESERVER PORT THREADS CHECKS_PER_THREAD
 * Prints one line "rampart: N checks in S s: R checks/s" (a figure, not a
 * test: spf_bench.sh compares it with policyd-spf). Exits 1 when a check
 * gives another result than expected.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "base/netaddr.h"
#include "spf/spf.h"

#define D ".spf.rampart.test"

/* the workload, shared with spf_bench.sh's policyd-spf requests */
static const struct bench_case {
	const char *client, *helo, *sender;
	enum rp_spf_result want;
} cases[] = {
	{ "192.0.2.1", "helo-pass" D, "alice@pass" D, RP_SPF_PASS },
	{ "192.0.2.1", "helo-pass" D, "alice@include" D, RP_SPF_PASS },
	{ "192.0.2.1", "helo-pass" D, "alice@mx" D, RP_SPF_PASS },
	{ "192.0.2.1", "helo-pass" D, "alice@a" D, RP_SPF_PASS },
	{ "192.0.2.1", "helo-pass" D, "alice@fail" D, RP_SPF_FAIL },
	{ "192.0.2.1", "helo-pass" D, "alice@softfail" D, RP_SPF_SOFTFAIL },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct rp_spf *spf;
static struct rp_netaddr addrs[NCASES];
static unsigned per_thread;
static atomic_uint wrong;

static void *worker(void *arg)
{
	size_t off = (size_t)(uintptr_t)arg;
	struct rp_spf_outcome o;
	for (unsigned i = 0; i < per_thread; i++) {
		const struct bench_case *c = &cases[(i + off) % NCASES];
		spf_check(spf, &addrs[(i + off) % NCASES], c->helo, c->sender, true,
			clock_mono_ms() + 20000, &o);
		if (o.result != c->want)
			atomic_fetch_add(&wrong, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: %s NAMESERVER PORT THREADS CHECKS_PER_THREAD\n", argv[0]);
		return 2;
	}
	const char *ns[1] = { argv[1] };
	unsigned nthreads = (unsigned)atoi(argv[3]);
	per_thread = (unsigned)atoi(argv[4]);
	if (nthreads < 1 || nthreads > 64)
		nthreads = 4;
	struct rp_dns_opts opts = { ns, 1, (unsigned)atoi(argv[2]), 2000, 2, 0 };
	char err[200];
	struct rp_dns_cache *cache = dns_cache_new(20000, 3600);
	struct rp_dns *dns = dns_new(&opts, cache, err, sizeof(err));
	if (!dns) {
		fprintf(stderr, "dns_new: %s\n", err);
		return 2;
	}
	spf = spf_new(dns, "mx.rampart.test", err, sizeof(err));
	if (!spf) {
		fprintf(stderr, "spf_new: %s\n", err);
		return 2;
	}
	for (size_t i = 0; i < NCASES; i++)
		if (netaddr_parse(cases[i].client, &addrs[i]) != 0)
			return 2;

	/* warm the cache */
	per_thread = (unsigned)NCASES;
	worker((void *)0);
	per_thread = (unsigned)atoi(argv[4]);

	pthread_t t[64];
	uint64_t t0 = clock_mono_ms();
	for (unsigned i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	uint64_t ms = clock_mono_ms() - t0;
	if (ms == 0)
		ms = 1;
	unsigned long total = (unsigned long)nthreads * per_thread;
	printf("rampart: %lu checks in %.3f s with %u threads: %.0f checks/s\n",
		total, ms / 1000.0, nthreads, total * 1000.0 / (double)ms);
	spf_free(spf);
	dns_free(dns);
	dns_cache_free(cache);
	if (wrong) {
		fprintf(stderr, "spf_bench: %u checks gave an unexpected result\n", wrong);
		return 1;
	}
	return 0;
}
