/* test_greylist_db - the LMDB store: record format, version handling, map
 * growth, concurrent decisions, the sweeper, and open errors. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lmdb.h>

#include "base/clock.h"
#include "greylist/greylist.h"
#include "greylist/store_lmdb.h"
#include "test.h"

static char dir[] = "/tmp/rampart-greydb-XXXXXX";
static struct grey_params P = { 300, 2 * 86400, 35 * 86400, 0, 600 };

static void dbpath(char *buf, size_t size, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

static void rmdb(const char *path)
{
	char lock[300];
	unlink(path);
	snprintf(lock, sizeof lock, "%s-lock", path);
	unlink(lock);
}

static void test_record(void)
{
	struct grey_record r = { 0 }, d;
	unsigned char buf[GREY_REC_MAX];
	size_t n;

	r.state = GREY_ST_PASSED;
	r.flags = GREY_F_MANUAL;
	r.first_seen = 1700000000;
	r.last_seen = 1700000300;
	r.pass_time = -5;
	r.count = 4000000000u;
	strcpy(r.client, "192.0.2.0/24");
	strcpy(r.sender, "a@b.example");
	strcpy(r.rcpt, "c@d.example");
	n = greyrec_encode(&r, buf + 1, sizeof buf - 1);   /* unaligned on purpose */
	T_EQ_INT(n, GREY_REC_HEADER + 12 + 11 + 11, "encoded length");
	T_EQ_INT(buf[1], GREY_REC_VERSION, "version byte first");
	T_EQ_INT(greyrec_decode(buf + 1, n, &d), 0, "decode");
	T_EQ_INT(d.state, GREY_ST_PASSED, "state");
	T_EQ_INT(d.flags, GREY_F_MANUAL, "flags");
	T_EQ_INT(d.first_seen, 1700000000, "first");
	T_EQ_INT(d.last_seen, 1700000300, "last");
	T_EQ_INT(d.pass_time, -5, "pass");
	T_EQ_INT(d.count, 4000000000u, "count");
	T_EQ_STR(d.client, "192.0.2.0/24", "client");
	T_EQ_STR(d.sender, "a@b.example", "sender");
	T_EQ_STR(d.rcpt, "c@d.example", "rcpt");
	T_EQ_INT(greyrec_decode(buf + 1, n - 1, &d), -1, "short value");
	T_EQ_INT(greyrec_decode(buf + 1, 10, &d), -1, "truncated header");
	T_EQ_INT(greyrec_decode(buf + 1, 0, &d), -1, "empty");
	T_EQ_INT(greyrec_encode(&r, buf, 20), 0, "encode into small buffer");
	buf[1] = GREY_REC_VERSION + 1;
	T_EQ_INT(greyrec_decode(buf + 1, n, &d), -2, "other version");
	buf[1] = GREY_REC_VERSION;
	buf[2] = 9;
	T_EQ_INT(greyrec_decode(buf + 1, n, &d), -1, "bad state");
	buf[2] = GREY_ST_PASSED;
	uint16_t huge = 60000;
	memcpy(buf + 1 + 32, &huge, 2);
	T_EQ_INT(greyrec_decode(buf + 1, n, &d), -1, "hostile length");
}

/* Write raw values with plain LMDB (greydb closed): format marker and a
 * record of another version. */
static int raw_put(const char *path, const char *table, const void *key, size_t klen,
	const void *val, size_t vlen)
{
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi dbi;
	MDB_val k = { klen, (void *)key }, v = { vlen, (void *)val };
	int rc;

	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 4);
	rc = mdb_env_open(env, path, MDB_NOSUBDIR, 0660);
	if (rc == 0)
		rc = mdb_txn_begin(env, NULL, 0, &t);
	if (rc == 0) {
		rc = mdb_dbi_open(t, table, MDB_CREATE, &dbi);
		if (rc == 0)
			rc = mdb_put(t, dbi, &k, &v, 0);
		rc = rc ? (mdb_txn_abort(t), rc) : mdb_txn_commit(t);
	}
	mdb_env_close(env);
	return rc;
}

static void test_versions(void)
{
	char path[300], err[GREYDB_ERRLEN], want[400];
	struct greydb *db;
	struct grey_key k;
	struct grey_record r;
	struct grey_verdict v;
	unsigned char old[GREY_REC_HEADER] = { 0 };

	dbpath(path, sizeof path, "versions.lmdb");
	db = greydb_open(path, NULL, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	greydb_free(db);
	greylist_key_from_parts("192.0.2.0/24", "a@b.example", "c@d.example", &k);
	old[0] = 7;   /* a future record version */
	T_EQ_INT(raw_put(path, "triplets", k.triplet_hash, GREY_HASH_LEN, old, sizeof old), 0, "raw put");
	db = greydb_open(path, NULL, err, sizeof err);
	T_CHECK(db != NULL, "reopen: %s", err);
	if (!db)
		return;
	T_EQ_INT(greydb_get(db, GREY_TAB_TRIPLETS, k.triplet_hash, &r), MDB_INCOMPATIBLE, "get v7");
	T_EQ_INT(greydb_decide(db, &P, &k, 1700000000, &v), GREY_NEW, "v7 record counts as absent");
	T_EQ_INT(greydb_get(db, GREY_TAB_TRIPLETS, k.triplet_hash, &r), 0, "rewritten");
	T_EQ_INT(r.state, GREY_ST_PENDING, "rewritten pending");
	greydb_free(db);

	/* a file of a later format is refused, naming the path */
	unsigned char fmt = GREYDB_FORMAT + 1;
	T_EQ_INT(raw_put(path, NULL, "rampart-greylist-format", 23, &fmt, 1), 0, "raw marker");
	T_CHECK(greydb_open(path, NULL, err, sizeof err) == NULL, "format 2 refused");
	snprintf(want, sizeof want, "%s: greylist format %d, expected %d", path, GREYDB_FORMAT + 1,
		GREYDB_FORMAT);
	T_EQ_STR(err, want, "format message");
	rmdb(path);

	/* another LMDB file is not ours */
	T_EQ_INT(raw_put(path, NULL, "foo", 3, "bar", 3), 0, "foreign lmdb");
	T_CHECK(greydb_open(path, NULL, err, sizeof err) == NULL, "foreign refused");
	snprintf(want, sizeof want, "%s: not a rampart greylist database", path);
	T_EQ_STR(err, want, "foreign message");
	rmdb(path);
}

static void test_growth(void)
{
	char path[300], err[GREYDB_ERRLEN], to[64];
	struct greydb_options o = { .map_size = 64 * 1024, .create = true };
	struct greydb_stats st;
	struct greydb *db;
	struct grey_key k;
	struct grey_record r;
	struct grey_verdict v;
	int bad = 0, n = 4000;

	dbpath(path, sizeof path, "grow.lmdb");
	db = greydb_open(path, &o, err, sizeof err);
	T_CHECK(db != NULL, "open small: %s", err);
	if (!db)
		return;
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_EQ_INT(st.map_size, 64 * 1024, "tiny map");
	for (int i = 0; i < n; i++) {
		snprintf(to, sizeof to, "rcpt%dz@d.example", i);
		greylist_key_from_parts("192.0.2.0/24", "a@b.example", to, &k);
		if (greydb_decide(db, &P, &k, 1700000000, &v) != GREY_NEW)
			bad++;
	}
	T_EQ_INT(bad, 0, "every insert succeeded");
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_EQ_INT(st.triplets, n, "entries");
	T_CHECK(st.grown >= 3, "grown %lu times", st.grown);
	T_CHECK(st.map_size >= 512 * 1024, "map now %zu", st.map_size);
	for (int i = 0; i < n; i++) {
		snprintf(to, sizeof to, "rcpt%dz@d.example", i);
		greylist_key_from_parts("192.0.2.0/24", "a@b.example", to, &k);
		if (greydb_get(db, GREY_TAB_TRIPLETS, k.triplet_hash, &r) != 0 || r.count != 1)
			bad++;
	}
	T_EQ_INT(bad, 0, "every entry readable after growth");
	greydb_free(db);
	rmdb(path);
}

#define THREADS 8
#define TRIPS 300
#define ROUNDS 5
static struct greydb *cdb;

static void *worker(void *arg)
{
	long id = (long)arg, bad = 0;
	struct grey_key k;
	struct grey_verdict v;
	char to[64];

	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < TRIPS; i++) {
			int j = (int)((i * 7 + id * 37) % TRIPS);   /* different order per thread */
			snprintf(to, sizeof to, "u%dx@d.example", j);
			greylist_key_from_parts("10.1.2.0/24", "s@x.example", to, &k);
			enum grey_result g = greydb_decide(cdb, &P, &k, clock_now(), &v);
			if (g != GREY_NEW && g != GREY_EARLY)
				bad++;
		}
	return (void *)bad;
}

static int sum_counts(const unsigned char *hash, const struct grey_record *r, void *arg)
{
	(void)hash;
	*(unsigned long *)arg += r ? r->count : 1000000;
	return 0;
}

static void test_concurrency(void)
{
	char path[300], err[GREYDB_ERRLEN];
	struct greydb_options o = { .map_size = 32 * 1024, .create = true };
	struct greydb_stats st;
	pthread_t th[THREADS];
	unsigned long total = 0;
	long bad = 0;

	clock_set_fake(1700000000);
	dbpath(path, sizeof path, "conc.lmdb");
	cdb = greydb_open(path, &o, err, sizeof err);
	T_CHECK(cdb != NULL, "open: %s", err);
	if (!cdb)
		return;
	for (long i = 0; i < THREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	for (int i = 0; i < THREADS; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad += (long)r;
	}
	T_EQ_INT(bad, 0, "all decisions new/early");
	T_EQ_INT(greydb_walk(cdb, GREY_TAB_TRIPLETS, sum_counts, &total), 0, "walk");
	T_EQ_INT(total, THREADS * TRIPS * ROUNDS, "no lost update");
	T_EQ_INT(greydb_stat(cdb, &st), 0, "stat");
	T_EQ_INT(st.triplets, TRIPS, "triplets");
	T_EQ_INT(st.readers_used, 0, "no reader left behind");
	T_CHECK(st.grown >= 1, "grew under concurrency (%lu)", st.grown);
	greydb_free(cdb);
	rmdb(path);
}

/* Sweeper: a known mix of live and expired entries, more than one batch. */
#define NSWEEP 1300
static void sweep_fixture(struct greydb *db, time_t now, int *expired)
{
	static unsigned char hashes[NSWEEP][GREY_HASH_LEN];
	static struct grey_record recs[NSWEEP];
	struct grey_key k;
	char to[64];

	*expired = 0;
	for (int i = 0; i < NSWEEP; i++) {
		struct grey_record *r = &recs[i];
		snprintf(to, sizeof to, "w%dq@d.example", i);
		greylist_key_from_parts("192.0.2.0/24", "a@b.example", to, &k);
		memcpy(hashes[i], k.triplet_hash, GREY_HASH_LEN);
		memset(r, 0, sizeof *r);
		strcpy(r->client, k.client);
		strcpy(r->sender, k.sender);
		strcpy(r->rcpt, k.rcpt);
		switch (i % 4) {
		case 0:   /* pending, exactly at the retry window: kept */
			r->state = GREY_ST_PENDING;
			r->first_seen = r->last_seen = now - P.retry_window;
			break;
		case 1:   /* pending, one second past: swept */
			r->state = GREY_ST_PENDING;
			r->first_seen = r->last_seen = now - P.retry_window - 1;
			(*expired)++;
			break;
		case 2:   /* passed, at max_age: kept */
			r->state = GREY_ST_PASSED;
			r->first_seen = now - P.max_age - 400;
			r->last_seen = now - P.max_age;
			break;
		default:  /* passed, past max_age: swept */
			r->state = GREY_ST_PASSED;
			r->first_seen = now - P.max_age - 400;
			r->last_seen = now - P.max_age - 1;
			(*expired)++;
			break;
		}
	}
	T_EQ_INT(greydb_put_batch(db, GREY_TAB_TRIPLETS, hashes, recs, NSWEEP), 0, "fixture");
	/* clients: old auto (swept), old manual (kept), fresh (kept) */
	const struct { const char *c; uint8_t flags; time_t age; } cl[] = {
		{ "192.0.2.0/24", 0, P.max_age + 1 },
		{ "198.51.100.0/24", GREY_F_MANUAL, P.max_age + 100 },
		{ "203.0.113.0/24", 0, 10 },
	};
	for (size_t i = 0; i < RP_ARRAY_LEN(cl); i++) {
		struct grey_record c = { .state = GREY_ST_CLIENT, .flags = cl[i].flags,
			.first_seen = now - cl[i].age, .last_seen = now - cl[i].age, .count = 5 };
		strcpy(c.client, cl[i].c);
		greylist_key_from_parts(cl[i].c, "", "", &k);
		T_EQ_INT(greydb_put(db, GREY_TAB_CLIENTS, k.client_hash, &c), 0, "client put");
	}
	(*expired)++;
}

static void sweep_verify(struct greydb *db, const char *ctx)
{
	struct grey_record r;
	struct grey_key k;
	char to[64];
	int wrong = 0;

	for (int i = 0; i < NSWEEP; i++) {
		snprintf(to, sizeof to, "w%dq@d.example", i);
		greylist_key_from_parts("192.0.2.0/24", "a@b.example", to, &k);
		int rc = greydb_get(db, GREY_TAB_TRIPLETS, k.triplet_hash, &r);
		if (rc != (i % 2 ? MDB_NOTFOUND : 0))
			wrong++;
	}
	T_EQ_INT(wrong, 0, ctx);
	greylist_key_from_parts("192.0.2.0/24", "", "", &k);
	T_EQ_INT(greydb_get(db, GREY_TAB_CLIENTS, k.client_hash, &r), MDB_NOTFOUND, "old client swept");
	greylist_key_from_parts("198.51.100.0/24", "", "", &k);
	T_EQ_INT(greydb_get(db, GREY_TAB_CLIENTS, k.client_hash, &r), 0, "manual client kept");
	greylist_key_from_parts("203.0.113.0/24", "", "", &k);
	T_EQ_INT(greydb_get(db, GREY_TAB_CLIENTS, k.client_hash, &r), 0, "fresh client kept");
}

static void test_sweeper(void)
{
	char path[300], err[GREYDB_ERRLEN];
	struct greydb_stats st;
	struct grey_sweep_stats ss = { 0 };
	struct greydb *db;
	const time_t now = 1750000000;
	int expired;

	clock_set_fake(now);
	dbpath(path, sizeof path, "sweep.lmdb");
	db = greydb_open(path, NULL, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	if (!db)
		return;
	sweep_fixture(db, now, &expired);
	T_EQ_INT(greydb_sweeper_start(db, &P, 3600), 0, "sweeper start");
	for (int i = 0; i < 6000; i++) {   /* wait for one pass (not a timing assertion) */
		greydb_stat(db, &st);
		if (st.sweeps >= 1)
			break;
		usleep(10000);
	}
	greydb_sweeper_stop(db);
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_EQ_INT(st.sweeps, 1, "one pass");
	T_EQ_INT(st.swept, expired, "swept exactly the expired set");
	T_EQ_INT(st.triplets, NSWEEP / 2, "triplets left");
	T_EQ_INT(st.clients, 2, "clients left");
	sweep_verify(db, "sweeper: exactly the expired triplets gone");

	/* synchronous purge on a fresh fixture */
	sweep_fixture(db, now, &expired);
	T_EQ_INT(greydb_purge(db, &P, now, &ss), 0, "purge");
	T_EQ_INT(ss.deleted, NSWEEP / 2 + 1, "purge deleted");
	T_EQ_INT(ss.examined, NSWEEP + 3, "purge examined");
	sweep_verify(db, "purge: exactly the expired triplets gone");
	/* 1300 triplets in 3 batches of 500, each holding expired ones, and
	 * the clients in one */
	T_EQ_INT(ss.writes, 4, "one write transaction per batch holding expired entries");
	memset(&ss, 0, sizeof ss);
	T_EQ_INT(greydb_purge(db, &P, now, &ss), 0, "purge again");
	T_EQ_INT(ss.deleted, 0, "nothing left to purge");
	T_EQ_INT(ss.examined, NSWEEP / 2 + 2, "every entry left examined");
	T_EQ_INT(ss.writes, 0, "nothing expired: no write transaction at all");
	greydb_free(db);
	rmdb(path);
}

static void expect_open_error(const char *path, const struct greydb_options *o, const char *want)
{
	char err[GREYDB_ERRLEN] = "";
	struct greydb *db = greydb_open(path, o, err, sizeof err);
	T_CHECK(db == NULL, "open %s should fail", path);
	greydb_free(db);
	T_EQ_STR(err, want, path);
}

static void test_errors(void)
{
	char path[400], want[500], sub[300], err[GREYDB_ERRLEN];
	struct greydb_options ro = { .read_only = true };
	struct greydb *db;
	int fd;

	snprintf(path, sizeof path, "%s/nodir/greylist.lmdb", dir);
	snprintf(want, sizeof want, "%s: directory %s/nodir does not exist", path, dir);
	expect_open_error(path, NULL, want);

	dbpath(path, sizeof path, "missing.lmdb");
	snprintf(want, sizeof want, "%s: database does not exist", path);
	expect_open_error(path, &ro, want);

	snprintf(want, sizeof want, "%s: is a directory", dir);
	expect_open_error(dir, NULL, want);

	dbpath(path, sizeof path, "garbage.lmdb");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char junk[16384];
	memset(junk, 0x5a, sizeof junk);
	T_EQ_INT(write(fd, junk, sizeof junk), sizeof junk, "garbage written");
	close(fd);
	snprintf(want, sizeof want, "%s: not an LMDB database, or damaged", path);
	expect_open_error(path, NULL, want);
	expect_open_error(path, &ro, want);
	rmdb(path);

	dbpath(path, sizeof path, "twice.lmdb");
	db = greydb_open(path, NULL, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	snprintf(want, sizeof want, "%s: already open in this process", path);
	expect_open_error(path, NULL, want);
	greydb_free(db);
	rmdb(path);

	/* unwritable directory: as an unprivileged user (root may write anywhere) */
	snprintf(sub, sizeof sub, "%s/ro", dir);
	mkdir(sub, 0555);
	snprintf(path, sizeof path, "%s/greylist.lmdb", sub);
	snprintf(want, sizeof want, "%s: permission denied", path);
	pid_t pid = fork();
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		db = greydb_open(path, NULL, err, sizeof err);
		_exit(db ? 2 : strcmp(err, want) == 0 ? 0 : 1);
	}
	int status = -1;
	waitpid(pid, &status, 0);
	T_EQ_INT(WIFEXITED(status) ? WEXITSTATUS(status) : 99, 0, "permission denied message");
	rmdir(sub);
}

int main(void)
{
	T_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	chmod(dir, 0755);
	test_record();
	test_versions();
	test_growth();
	test_concurrency();
	test_sweeper();
	test_errors();
	clock_set_fake(0);
	rmdir(dir);
	return t_done();
}
