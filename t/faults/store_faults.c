/*
 * store_faults - the LMDB greylist store under resource faults, in
 * process: a full map (growth capped) and its recovery by expiry, map
 * growth where there is room, a failed meta page write that leaves LMDB's
 * environment unusable (MDB_PANIC) and its reopening, a database file
 * removed, replaced or turned into a directory under the running store,
 * and the seam's one log line per change of state.
 *
 * The failed write is real I/O failing, not a mock: this program defines
 * pwrite(2) itself, which liblmdb then calls; while fail_meta is set a
 * write into the two meta pages fails with EIO (data pages lie further in
 * the file and are written as usual). Log lines are read back from stderr,
 * which main() points at a file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "greylist/greylist.h"
#include "greylist/store.h"
#include "greylist/store_lmdb.h"
#include "test.h"

static char dir[] = "/tmp/rampart-faults-XXXXXX";
static char logpath[300];
static struct grey_params P = { 300, 2 * 86400, 35 * 86400, 0, 600 };
static volatile int fail_meta;
static unsigned long meta_failures;

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	if (fail_meta && off < 2 * 65536 && off < 2 * sysconf(_SC_PAGESIZE)) {
		meta_failures++;
		errno = EIO;
		return -1;
	}
	return syscall(SYS_pwrite64, fd, buf, n, off);
}

/* How often needle occurs in the log so far. */
static int logged(const char *needle)
{
	char *s = NULL;
	size_t size = 0;
	FILE *f = fopen(logpath, "r");
	int n = 0;

	if (!f)
		return -1;
	if (getdelim(&s, &size, '\0', f) < 0) {
		fclose(f);
		free(s);
		return 0;
	}
	fclose(f);
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(s);
	return n;
}

static void rmdb(const char *path)
{
	char lock[320];
	snprintf(lock, sizeof lock, "%s-lock", path);
	unlink(path);
	unlink(lock);
}

/* Triplet number i, with long addresses so that records fill pages fast. */
static void key(unsigned i, struct grey_key *k)
{
	char from[200], to[200];
	snprintf(from, sizeof from, "%0150u@sender.example", i);
	snprintf(to, sizeof to, "%0150u@rcpt.example", i);
	greylist_key_from_parts("192.0.2.0/24", from, to, k);
}

static enum grey_result decide(struct greydb *db, unsigned i, time_t now, struct grey_verdict *v)
{
	struct grey_key k;
	key(i, &k);
	return greydb_decide(db, &P, &k, now, v);
}

static void test_map_full(void)
{
	char path[300], err[GREYDB_ERRLEN], want[1200];
	struct greydb_options o = { .map_size = 64 * 1024, .map_max = 64 * 1024, .create = true };
	struct greydb_stats st;
	struct grey_verdict v;
	struct greydb *db;
	time_t now = 1700000000;
	unsigned i, stored = 0;
	enum grey_result r = GREY_NEW;

	snprintf(path, sizeof path, "%s/full.lmdb", dir);
	db = greydb_open(path, &o, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	if (!db)
		return;
	for (i = 0; i < 5000 && (r = decide(db, i, now, &v)) == GREY_NEW; i++)
		stored++;
	T_CHECK(stored > 10 && stored < 5000, "map of 64 KiB took %u triplets", stored);
	T_EQ_INT(r, GREY_TEMP, "map full: temporary, never a pass");
	snprintf(want, sizeof want, "%s: grow map: MDB_MAP_FULL: Environment mapsize limit reached",
		path);
	T_EQ_STR(v.error, want, "map full error");
	T_EQ_INT(v.wait, 0, "no wait figure on an error");
	/* rewriting a record in place needs no new page (LMDB reuses the
	 * pages freed by earlier transactions): a retry due to pass passes */
	T_EQ_INT(decide(db, 0, now + 400, &v), GREY_PASS_FIRST, "update fits in a full map");
	T_EQ_INT(decide(db, 50000, now + 400, &v), GREY_TEMP, "a new triplet still does not");
	/* reads still work */
	T_EQ_INT(greydb_stat(db, &st), 0, "stat while full");
	T_EQ_INT(st.triplets, stored, "entries while full");
	T_EQ_INT(st.grown, 0, "no growth past map_max");

	/* expiry frees pages: decisions work again, no reopen */
	struct grey_sweep_stats ss = { 0 };
	T_EQ_INT(greydb_purge(db, &P, now + 3 * 86400, &ss), 0, "purge while full");
	T_EQ_INT(ss.deleted, stored - 1, "every pending triplet expired");
	T_EQ_INT(decide(db, 100000, now + 3 * 86400, &v), GREY_NEW, "recovered after expiry");
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_EQ_INT(st.reopened, 0, "no reopen for a full map");
	greydb_free(db);
	rmdb(path);

	/* with room to grow, the same load fits and the map is grown */
	struct greydb_options g = { .map_size = 64 * 1024, .map_max = 16 << 20, .create = true };
	db = greydb_open(path, &g, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	if (!db)
		return;
	unsigned ok = 0;
	for (i = 0; i < stored + 200; i++)
		ok += decide(db, i, now, &v) == GREY_NEW;
	T_EQ_INT(ok, stored + 200, "growth: every triplet stored");
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_CHECK(st.grown >= 1 && st.map_size > 64 * 1024, "grown %lu times to %zu", st.grown,
		st.map_size);
	T_EQ_INT(logged("map grown to "), (int)st.grown, "one log line per growth");
	greydb_free(db);
	rmdb(path);
}

static void test_panic(void)
{
	char path[300], err[GREYDB_ERRLEN], want[1200];
	struct greydb_stats st;
	struct grey_verdict v;
	struct greydb *db;
	time_t now = 1700000000;

	snprintf(path, sizeof path, "%s/panic.lmdb", dir);
	db = greydb_open(path, NULL, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	if (!db)
		return;
	T_EQ_INT(decide(db, 1, now, &v), GREY_NEW, "before the fault");
	fail_meta = 1;
	T_EQ_INT(decide(db, 2, now, &v), GREY_TEMP, "meta write fails: temporary");
	snprintf(want, sizeof want, "%s: write: Input/output error", path);
	T_EQ_STR(v.error, want, "failed commit");
	T_CHECK(meta_failures > 0, "the meta page write was refused");
	fail_meta = 0;
	/* LMDB now refuses every transaction (MDB_PANIC): the next one reopens */
	T_EQ_INT(decide(db, 3, now, &v), GREY_NEW, "reopened without a restart");
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_EQ_INT(st.reopened, 1, "one reopen");
	snprintf(want, sizeof want, "greylist: %s: environment unusable (MDB_PANIC); database reopened",
		path);
	T_EQ_INT(logged(want), 1, "reopen logged once");
	T_EQ_INT(decide(db, 1, now + 1, &v), GREY_EARLY, "committed triplet kept");
	T_EQ_INT(decide(db, 2, now + 1, &v), GREY_NEW, "failed commit left nothing");
	T_EQ_INT(decide(db, 3, now + 1, &v), GREY_EARLY, "write after the reopen kept");
	greydb_free(db);
	rmdb(path);
}

static void test_path(void)
{
	char path[300], other[300], err[GREYDB_ERRLEN], want[1200];
	struct greydb_stats st;
	struct grey_verdict v;
	struct greydb *db, *db2;
	time_t now = 1700000000;

	snprintf(path, sizeof path, "%s/path.lmdb", dir);
	snprintf(other, sizeof other, "%s/other.lmdb", dir);
	db = greydb_open(path, NULL, err, sizeof err);
	T_CHECK(db != NULL, "open: %s", err);
	if (!db)
		return;
	T_EQ_INT(decide(db, 1, now, &v), GREY_NEW, "first");
	greydb_check_path(db);
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_EQ_INT(st.reopened, 0, "same file: no reopen");

	/* removed: a new, empty database at the path */
	T_EQ_INT(unlink(path), 0, "unlink");
	greydb_check_path(db);
	struct stat sb;
	T_EQ_INT(stat(path, &sb), 0, "a new file at the path");
	T_EQ_INT(decide(db, 1, now + 1, &v), GREY_NEW, "state of the removed file is gone");
	snprintf(want, sizeof want, "greylist: %s: database file removed; database reopened", path);
	T_EQ_INT(logged(want), 1, "removal logged");
	greydb_check_path(db);
	T_EQ_INT(greydb_stat(db, &st), 0, "stat");
	T_EQ_INT(st.reopened, 1, "one reopen");

	/* replaced (a restore renamed into place): its entries are used */
	db2 = greydb_open(other, NULL, err, sizeof err);
	T_CHECK(db2 != NULL, "open other: %s", err);
	if (db2) {
		T_EQ_INT(decide(db2, 7, now, &v), GREY_NEW, "other");
		greydb_free(db2);
	}
	T_EQ_INT(rename(other, path), 0, "rename over");
	greydb_check_path(db);
	T_EQ_INT(decide(db, 7, now + 1, &v), GREY_EARLY, "replacement's entry");
	snprintf(want, sizeof want, "greylist: %s: database file replaced; database reopened", path);
	T_EQ_INT(logged(want), 1, "replacement logged");

	/* unopenable: temporary, retried, recovered without a restart */
	T_EQ_INT(unlink(path), 0, "unlink");
	T_EQ_INT(mkdir(path, 0700), 0, "a directory in its place");
	greydb_check_path(db);
	snprintf(want, sizeof want, "greylist: %s: database file replaced; cannot reopen: %s: "
		"Is a directory; retrying every 1 s", path, path);
	T_EQ_INT(logged(want), 1, "failed reopen logged");
	T_EQ_INT(decide(db, 8, now, &v), GREY_TEMP, "no database: temporary");
	snprintf(want, sizeof want, "%s: read txn: Is a directory", path);
	T_EQ_STR(v.error, want, "error names the cause");
	T_EQ_INT(decide(db, 8, now, &v), GREY_TEMP, "still temporary");
	T_EQ_INT(logged("cannot reopen"), 1, "failing logged once");
	rmdir(path);
	usleep(1100 * 1000);
	T_EQ_INT(decide(db, 8, now, &v), GREY_NEW, "reopened on the next decision");
	snprintf(want, sizeof want, "greylist: %s: database reopened", path);
	T_EQ_INT(logged(want), 1, "recovery logged");
	greydb_free(db);
	rmdb(path);
}

/* Through the seam: one line when decisions start failing, one when they
 * work again, whatever the number of decisions in between. */
static void test_seam_log(void)
{
	char path[300], err[GREYDB_ERRLEN], want[1200];
	struct grey_store *s;
	struct grey_verdict v;
	struct grey_key k;
	time_t now = 1700000000;

	snprintf(path, sizeof path, "%s/seam.lmdb", dir);
	s = greystore_open(GREY_STORE_DEFAULT, path, NULL, err, sizeof err);
	T_CHECK(s != NULL, "open: %s", err);
	if (!s)
		return;
	fail_meta = 1;
	for (unsigned i = 0; i < 5; i++) {
		key(100 + i, &k);
		T_EQ_INT(greystore_decide(s, &P, &k, now, &v), GREY_TEMP, "failing store");
	}
	fail_meta = 0;
	key(200, &k);
	T_EQ_INT(greystore_decide(s, &P, &k, now, &v), GREY_NEW, "recovered");
	key(201, &k);
	T_EQ_INT(greystore_decide(s, &P, &k, now, &v), GREY_NEW, "still fine");
	snprintf(want, sizeof want, "greylist: store failing: %s: write: Input/output error; "
		"greylisted recipients are deferred until it recovers", path);
	T_EQ_INT(logged(want), 1, "failing logged once");
	snprintf(want, sizeof want, "greylist: store %s recovered", path);
	T_EQ_INT(logged(want), 1, "recovery logged once");
	greystore_close(s);
	rmdb(path);
}

int main(void)
{
	int fd;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(logpath, sizeof logpath, "%s/log", dir);
	fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (fd < 0 || dup2(fd, 2) < 0)
		return 2;
	close(fd);
	log_open(RP_LOG_STDERR, 0, RP_LOG_DEBUG);

	test_map_full();
	test_panic();
	test_path();
	test_seam_log();

	if (t_fail) {
		char cmd[400];
		snprintf(cmd, sizeof cmd, "cat %s >&1", logpath);
		if (system(cmd) != 0)
			printf("(log unreadable)\n");
	}
	unlink(logpath);
	rmdir(dir);
	return t_done();
}
