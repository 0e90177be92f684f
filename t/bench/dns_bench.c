/*
 * dns_bench - figures for the DNS engine, printed, never asserted:
 *  1. a batch of 8 DNSBL-style A queries to 8 slow zones (ldns-testns,
 *     1 s per answer, -f 8) against a batch of 1 such query;
 *  2. a dead nameserver: batch latency against its deadline;
 *  3. cached lookups per second on 1, 2 and 4 threads, straight from the
 *     cache and through a whole one-query batch.
 * Started by dns_bench.sh: dns_bench SLOW_PORT.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "base/util.h"

#define CACHED_NAMES 1024

static struct rp_dns *resolver(unsigned port, unsigned timeout_ms, unsigned attempts,
	struct rp_dns_cache *c)
{
	const char *list[1] = { "127.0.0.1" };
	struct rp_dns_opts o = { list, 1, port, timeout_ms, attempts, 0 };
	char err[200];
	struct rp_dns *d = dns_new(&o, c, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "dns_new: %s\n", err);
		exit(2);
	}
	return d;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run one batch of the first n slow-zone queries; returns ms, counts found. */
static double slow_batch(struct rp_dns *d, int n, int *found)
{
	struct rp_dns_batch *b = dns_batch_new(d);
	char name[64];
	double t0, t1;
	*found = 0;
	for (int i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "2.2.0.192.z%d.bench.test", i);
		dns_batch_add(b, name, RP_DNS_A);
	}
	t0 = now_s();
	dns_batch_run(b, clock_mono_ms() + 5000);
	t1 = now_s();
	for (int i = 0; i < n; i++)
		*found += dns_batch_result(b, (size_t)i)->ans->outcome == RP_DNS_FOUND;
	dns_batch_free(b);
	return (t1 - t0) * 1000;
}

static void bench_fanout(unsigned port)
{
	struct rp_dns *d = resolver(port, 3000, 1, NULL);
	int f1, f8;
	double one = slow_batch(d, 1, &f1);
	double eight = slow_batch(d, 8, &f8);
	printf("fan-out: 1 slow query   %7.1f ms (%d/1 found)\n", one, f1);
	printf("fan-out: 8 slow queries %7.1f ms (%d/8 found)\n", eight, f8);
	printf("fan-out: ratio 8/1      %7.2f (sequential would be 8.00)\n", eight / one);
	dns_free(d);
}

static void bench_dead(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	static const unsigned budgets[] = { 250, 1000 };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0
	    || getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("socket");
		exit(2);
	}
	for (size_t k = 0; k < RP_ARRAY_LEN(budgets); k++) {
		struct rp_dns *d = resolver(ntohs(sa.sin_port), 2000, 3, NULL);
		struct rp_dns_batch *b = dns_batch_new(d);
		char name[64];
		double t0, t1;
		int temp = 0;
		for (int i = 0; i < 8; i++) {
			snprintf(name, sizeof(name), "%d.2.0.192.dead.test", i);
			dns_batch_add(b, name, RP_DNS_A);
		}
		t0 = now_s();
		dns_batch_run(b, clock_mono_ms() + budgets[k]);
		t1 = now_s();
		for (size_t i = 0; i < 8; i++)
			temp += dns_batch_result(b, i)->ans->outcome == RP_DNS_TEMP;
		printf("dead nameserver: budget %4u ms, batch of 8 returned after %7.1f ms "
			"(%d/8 TEMP)\n", budgets[k], (t1 - t0) * 1000, temp);
		dns_batch_free(b);
		dns_free(d);
	}
	close(fd);
}

struct worker {
	struct rp_dns *d;
	struct rp_dns_cache *c;
	bool whole_batch;
	double seconds;
	unsigned long n, hits;
	unsigned seed;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	char names[CACHED_NAMES][40];
	double end;
	for (int i = 0; i < CACHED_NAMES; i++)
		snprintf(names[i], sizeof(names[i]), "%d.2.0.192.cached.test", i);
	end = now_s() + w->seconds;
	while (now_s() < end) {
		for (int k = 0; k < 1000; k++) {
			const char *name = names[(w->seed = w->seed * 1103515245u + 12345u) >> 8
				& (CACHED_NAMES - 1)];
			if (w->whole_batch) {
				struct rp_dns_batch *b = dns_batch_new(w->d);
				dns_batch_add(b, name, RP_DNS_A);
				dns_batch_run(b, clock_mono_ms() + 1000);
				w->hits += dns_batch_result(b, 0)->cached;
				dns_batch_free(b);
			} else {
				const struct rp_dns_answer *a = dns_cache_get(w->c, name, RP_DNS_A, NULL);
				w->hits += a != NULL;
				dns_answer_unref(a);
			}
		}
		w->n += 1000;
	}
	return NULL;
}

static void bench_cached(void)
{
	struct rp_dns_cache *c = dns_cache_new(4096, 86400);
	/* nothing listens on port 9 of 127.0.0.1: a miss would fail fast */
	struct rp_dns *d = resolver(9, 100, 1, c);
	static const int threads[] = { 1, 2, 4 };
	char name[40];

	for (int i = 0; i < CACHED_NAMES; i++) {
		struct rp_dns_answer *a = dns_answer_new(RP_DNS_FOUND, 0, "", 3600);
		struct rp_netaddr n;
		netaddr_parse("127.0.0.2", &n);
		dns_answer_add_addr(a, &n);
		snprintf(name, sizeof(name), "%d.2.0.192.cached.test", i);
		dns_cache_put(c, name, RP_DNS_A, a, 3600);
		dns_answer_unref(a);
	}
	for (int mode = 0; mode < 2; mode++) {
		for (size_t k = 0; k < RP_ARRAY_LEN(threads); k++) {
			struct worker w[4];
			pthread_t id[4];
			unsigned long total = 0, hits = 0;
			double t0 = now_s(), t1;
			for (int i = 0; i < threads[k]; i++) {
				w[i] = (struct worker){ d, c, mode == 1, 1.0, 0, 0, (unsigned)i * 7919u + 1 };
				pthread_create(&id[i], NULL, worker_run, &w[i]);
			}
			for (int i = 0; i < threads[k]; i++) {
				pthread_join(id[i], NULL);
				total += w[i].n;
				hits += w[i].hits;
			}
			t1 = now_s();
			printf("cached %-12s %d thread%s: %10.0f lookups/s (%lu/%lu hits)\n",
				mode ? "batch path," : "cache_get,", threads[k], threads[k] > 1 ? "s" : " ",
				(double)total / (t1 - t0), hits, total);
		}
	}
	dns_free(d);
	dns_cache_free(c);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: dns_bench SLOW_PORT\n");
		return 2;
	}
	bench_fanout((unsigned)atoi(argv[1]));
	bench_dead();
	bench_cached();
	return 0;
}
