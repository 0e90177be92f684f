/*
 * grey_writer - test helper for the greylist store, playing the daemon.
 *
 *   grey_writer write DB N BASE    decide new triplets from N threads
 *                                  (numbered from BASE) as fast as possible;
 *                                  after each commit print "T I" (flushed).
 *                                  Runs until killed.
 *   grey_writer verify DB ACKFILE  every complete "T I" line of ACKFILE must
 *                                  be in DB; prints the counts, exit 0 if none
 *                                  is missing.
 *   grey_writer hold DB            open DB (create) and keep it open; read
 *                                  commands from stdin, one per line:
 *                                  "decide EPOCH IP SENDER RCPT" prints
 *                                  "RESULT wait=N delayed=N"; EOF closes.
 *   grey_writer id CLIENT SENDER RCPT   print the triplet ID (hex)
 *   grey_writer id CLIENT               print the client ID (hex)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "greylist/greylist.h"
#include "greylist/store.h"

static struct grey_store *db;
static pthread_mutex_t out_mu = PTHREAD_MUTEX_INITIALIZER;
static const struct grey_params P = { 300, 2 * 86400, 35 * 86400, 5, 600 };

static void ack_key(long t, long i, struct grey_key *k)
{
	char client[64], rcpt[64];
	snprintf(client, sizeof client, "10.%ld.0.0/24", t);
	snprintf(rcpt, sizeof rcpt, "r%ldx%ld@d.example", t, i);
	greylist_key_from_parts(client, "w@x.example", rcpt, k);
}

static void *writer(void *arg)
{
	long t = (long)arg;
	struct grey_verdict v;
	struct grey_key k;

	for (long i = 0;; i++) {
		ack_key(t, i, &k);
		if (greystore_decide(db, &P, &k, clock_now(), &v) != GREY_NEW) {
			fprintf(stderr, "grey_writer: %s: %s\n", greylist_result_name(v.result), v.error);
			exit(1);
		}
		pthread_mutex_lock(&out_mu);
		printf("%ld %ld\n", t, i);
		fflush(stdout);
		pthread_mutex_unlock(&out_mu);
	}
	return NULL;
}

static int verify(const char *ackfile)
{
	FILE *f = fopen(ackfile, "r");
	char line[128];
	unsigned long ok = 0, missing = 0;
	struct grey_record r;
	struct grey_key k;
	long t, i;

	if (!f) {
		perror(ackfile);
		return 2;
	}
	while (fgets(line, sizeof line, f)) {
		if (!strchr(line, '\n') || sscanf(line, "%ld %ld", &t, &i) != 2)
			continue;   /* the line being written at the kill */
		ack_key(t, i, &k);
		if (greystore_get(db, GREY_TAB_TRIPLETS, k.triplet_hash, &r) == 0 &&
		    r.state == GREY_ST_PENDING && strcmp(r.rcpt, k.rcpt) == 0)
			ok++;
		else
			missing++;
	}
	fclose(f);
	printf("acknowledged %lu, present %lu, missing %lu\n", ok + missing, ok, missing);
	return missing || !ok ? 1 : 0;
}

static int hold(void)
{
	struct grey_conf cfg;
	char line[1024], ip[128], s[320], r[320];
	long long now;

	memset(&cfg, 0, sizeof cfg);
	cfg.netmask4 = 24;
	cfg.netmask6 = 64;
	printf("ready\n");
	fflush(stdout);
	while (fgets(line, sizeof line, stdin)) {
		struct rp_netaddr a;
		struct grey_verdict v;
		struct grey_key k;
		if (sscanf(line, "decide %lld %127s %319s %319s", &now, ip, s, r) != 4 ||
		    netaddr_parse(ip, &a) != 0) {
			printf("bad command\n");
		} else {
			if (strcmp(s, "<>") == 0)
				s[0] = '\0';
			greylist_key_make(&cfg, &a, NULL, s, r, &k);
			greystore_decide(db, &P, &k, (time_t)now, &v);
			printf("%s wait=%lu delayed=%lu\n", greylist_result_name(v.result), v.wait,
				v.delayed);
		}
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char err[GREY_STORE_ERRLEN];
	int rc = 0;

	if (argc >= 3 && strcmp(argv[1], "id") == 0) {
		struct grey_key k;
		const unsigned char *h;
		greylist_key_from_parts(argv[2], argc > 3 ? argv[3] : "", argc > 4 ? argv[4] : "", &k);
		h = argc == 5 ? k.triplet_hash : k.client_hash;
		for (int i = 0; i < GREY_HASH_LEN; i++)
			printf("%02x", h[i]);
		printf("\n");
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: grey_writer write|verify|hold DB [ARG]\n");
		return 2;
	}
	db = greystore_open(GREY_STORE_DEFAULT, argv[2], NULL, err, sizeof err);
	if (!db) {
		fprintf(stderr, "grey_writer: %s\n", err);
		return 2;
	}
	if (strcmp(argv[1], "write") == 0 && argc == 5) {
		long n = atol(argv[3]), base = atol(argv[4]);
		pthread_t th;
		for (long t = base; t < base + n; t++)
			pthread_create(&th, NULL, writer, (void *)t);
		pthread_join(th, NULL);   /* never returns: killed by the test */
	} else if (strcmp(argv[1], "verify") == 0 && argc == 4) {
		rc = verify(argv[3]);
	} else if (strcmp(argv[1], "hold") == 0) {
		rc = hold();
	} else {
		fprintf(stderr, "grey_writer: bad arguments\n");
		rc = 2;
	}
	greystore_close(db);
	return rc;
}
