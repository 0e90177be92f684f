/*
 * greylist_bench - the greylist store's hot path: decisions for triplets
 * that have already passed (one read transaction, no write), at 1M
 * triplets and, with RAMPART_BENCH_BIG=1, at 10M. Prints the bulk load
 * rate, decisions/s from 1 and 2 threads, latency percentiles (p50, p99,
 * max), and the file size per million triplets. Asserts nothing timed; it
 * fails only if a decision is not GREY_PASSED or a lookup wrote.
 * RAMPART_BENCH_DIR chooses the directory (default /tmp).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "greylist/greylist.h"
#include "greylist/store_lmdb.h"

#define NOW 1700000000
#define CLIENTS 65536
#define BATCH 10000
#define LOOKUPS 1000000

static struct greydb *db;
static size_t ntrip;
static const struct grey_params P = { 300, 2 * 86400, 35 * 86400, 5, 600 };

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void client_of(size_t i, char *buf, size_t size)
{
	size_t c = i % CLIENTS;
	snprintf(buf, size, "10.%zu.%zu.0/24", c >> 8, c & 255);
}

static void key_of(size_t i, struct grey_key *k)
{
	char client[32], sender[64], rcpt[64];
	client_of(i, client, sizeof client);
	snprintf(sender, sizeof sender, "list%zux@sender%zu.example", i % 977, i % 5003);
	snprintf(rcpt, sizeof rcpt, "user%zuq@dest.example", i);
	greylist_key_from_parts(client, sender, rcpt, k);
}

static int build(size_t n)
{
	static unsigned char hashes[BATCH][GREY_HASH_LEN];
	static struct grey_record recs[BATCH];
	struct grey_key k;
	double t0 = mono();
	int rc;

	for (size_t base = 0; base < n; base += BATCH) {
		size_t m = n - base < BATCH ? n - base : BATCH;
		for (size_t j = 0; j < m; j++) {
			struct grey_record *r = &recs[j];
			key_of(base + j, &k);
			memcpy(hashes[j], k.triplet_hash, GREY_HASH_LEN);
			memset(r, 0, sizeof *r);
			r->state = GREY_ST_PASSED;
			r->first_seen = NOW - 1000;
			r->pass_time = NOW - 700;
			r->last_seen = NOW;
			r->count = 1;
			strcpy(r->client, k.client);
			strcpy(r->sender, k.sender);
			strcpy(r->rcpt, k.rcpt);
		}
		if ((rc = greydb_put_batch(db, GREY_TAB_TRIPLETS, hashes, recs, m)) != 0)
			return rc;
	}
	/* client parts already counted this hour: lookups write nothing */
	for (size_t base = 0; base < CLIENTS && base < n; base += BATCH) {
		size_t m = CLIENTS - base < BATCH ? CLIENTS - base : BATCH;
		for (size_t j = 0; j < m; j++) {
			struct grey_record *r = &recs[j];
			memset(r, 0, sizeof *r);
			client_of(base + j, r->client, sizeof r->client);
			greylist_hash_client(r->client, hashes[j]);
			r->state = GREY_ST_CLIENT;
			r->first_seen = r->last_seen = r->pass_time = NOW;
			r->count = 1;
		}
		if ((rc = greydb_put_batch(db, GREY_TAB_CLIENTS, hashes, recs, m)) != 0)
			return rc;
	}
	double dt = mono() - t0;
	printf("  bulk load: %zu triplets in %.1f s (%.0f inserts/s, %d per txn)\n", n, dt,
		(double)n / dt, BATCH);
	return 0;
}

struct run {
	unsigned seed;
	size_t n;
	double *lat;     /* per-decision seconds, or NULL */
	long bad;
};

static void *lookups(void *arg)
{
	struct run *r = arg;
	struct grey_verdict v;
	struct grey_key k;

	for (size_t i = 0; i < r->n; i++) {
		size_t idx = (size_t)rand_r(&r->seed) * 65536u % ntrip;
		idx = (idx + (size_t)rand_r(&r->seed)) % ntrip;
		double t0 = r->lat ? mono() : 0;
		key_of(idx, &k);
		if (greydb_decide(db, &P, &k, NOW, &v) != GREY_PASSED)
			r->bad++;
		if (r->lat)
			r->lat[i] = mono() - t0;
	}
	return NULL;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int bench(size_t n, const char *dir)
{
	char path[512], err[GREYDB_ERRLEN];
	struct greydb_stats st;
	size_t txn_before;
	long bad = 0;
	int rc;

	snprintf(path, sizeof path, "%s/rampart-bench-%d.lmdb", dir, (int)getpid());
	db = greydb_open(path, NULL, err, sizeof err);
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	ntrip = n;
	printf("greylist store, %zu passed triplets:\n", n);
	if ((rc = build(n)) != 0) {
		fprintf(stderr, "build: %s\n", greydb_strerror(rc));
		return 1;
	}
	greydb_stat(db, &st);
	txn_before = st.last_txnid;

	/* one thread, with latencies */
	struct run r1 = { .seed = 1, .n = LOOKUPS, .lat = malloc(LOOKUPS * sizeof(double)) };
	double t0 = mono();
	lookups(&r1);
	double dt = mono() - t0;
	qsort(r1.lat, LOOKUPS, sizeof(double), cmp_d);
	printf("  1 thread:  %.0f decisions/s; latency p50 %.1f us, p99 %.1f us, max %.1f us\n",
		LOOKUPS / dt, r1.lat[LOOKUPS / 2] * 1e6, r1.lat[LOOKUPS * 99 / 100] * 1e6,
		r1.lat[LOOKUPS - 1] * 1e6);
	bad += r1.bad;
	free(r1.lat);

	/* two threads (the machine's cores), throughput only */
	struct run r2[2] = { { .seed = 2, .n = LOOKUPS / 2 }, { .seed = 3, .n = LOOKUPS / 2 } };
	pthread_t th[2];
	t0 = mono();
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, lookups, &r2[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	dt = mono() - t0;
	printf("  2 threads: %.0f decisions/s\n", LOOKUPS / dt);
	bad += r2[0].bad + r2[1].bad;

	greydb_stat(db, &st);
	printf("  file %.1f MiB, %.1f MiB per million triplets; map %.0f MiB; "
		"write txns during lookups: %zu; not passed: %ld\n",
		(double)st.file_size / 1048576.0, (double)st.file_size / 1048576.0 / ((double)n / 1e6),
		(double)st.map_size / 1048576.0, st.last_txnid - txn_before, bad);
	rc = bad || st.last_txnid != txn_before;
	greydb_free(db);
	unlink(path);
	snprintf(path + strlen(path), sizeof path - strlen(path), "-lock");
	unlink(path);
	return rc;
}

int main(void)
{
	const char *dir = getenv("RAMPART_BENCH_DIR");
	const char *big = getenv("RAMPART_BENCH_BIG");
	int rc;

	clock_set_fake(NOW);
	rc = bench(1000000, dir ? dir : "/tmp");
	if (big && *big && strcmp(big, "0") != 0)
		rc |= bench(10000000, dir ? dir : "/tmp");
	else
		printf("(10M run skipped; set RAMPART_BENCH_BIG=1)\n");
	return rc;
}
