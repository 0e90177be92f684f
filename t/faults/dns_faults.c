/*
 * dns_faults - the resolver without sockets, against NSD on 127.0.0.1
 * (t/data/zones/, started by t/dns/run-dns-test.sh: dns_faults NSD_PORT
 * TESTNS_PORT): the process-wide cap on DNS sockets, then a real
 * RLIMIT_NOFILE so low that socket() fails with EMFILE. Either way the
 * queries that get no socket end TEMP ("no socket: ..."), never FOUND or
 * NOTFOUND, one warning is logged when it starts and one notice when a
 * socket is had again. Log lines are read back from stderr, pointed at a
 * file by main().
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "dns/dns.h"
#include "test.h"

static char logpath[] = "/tmp/rampart-dnsfaults-XXXXXX";

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

static const char *const names[] = {
	"mail.rampart.test", "mail2.rampart.test", "a-only.rampart.test", "c3.rampart.test",
	"fc.rampart.test",
};

/* One batch of the first n names (type A), answered by NSD. */
static struct rp_dns_batch *ask(struct rp_dns *d, size_t n)
{
	struct rp_dns_batch *b = dns_batch_new(d);
	for (size_t i = 0; i < n; i++)
		dns_batch_add(b, names[i], RP_DNS_A);
	dns_batch_run(b, clock_mono_ms() + 3000);
	return b;
}

static void test_cap(struct rp_dns *d)
{
	struct rp_dns_batch *b;

	T_EQ_INT(dns_socket_limit_set(2), 2, "cap set");
	b = ask(d, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct rp_dns_answer *a = dns_batch_result(b, i)->ans;
		if (i < 2) {
			T_EQ_INT(a->outcome, RP_DNS_FOUND, names[i]);
		} else {
			T_EQ_INT(a->outcome, RP_DNS_TEMP, names[i]);
			T_EQ_STR(a->detail, "no socket: DNS socket limit reached", names[i]);
		}
	}
	dns_batch_free(b);
	T_EQ_INT(dns_sockets_open(), 0, "every socket closed");
	T_EQ_INT(logged("dns: no socket: DNS socket limit reached (2 DNS sockets open, at most 2); "
		"lookups fail temporarily until sockets are free"), 1, "cap logged once");
	b = ask(d, 2);
	T_EQ_INT(dns_batch_result(b, 0)->ans->outcome, RP_DNS_FOUND, "within the cap");
	T_EQ_INT(dns_batch_result(b, 1)->ans->outcome, RP_DNS_FOUND, "within the cap");
	dns_batch_free(b);
	T_EQ_INT(logged("dns: sockets available again (1 open, at most 2)"), 1, "recovery logged once");
	T_EQ_INT(logged("sockets available again"), 1, "and only once");
}

static void test_emfile(struct rp_dns *d)
{
	struct rlimit old, low;
	struct rp_dns_batch *b;
	int next = dup(0);

	T_CHECK(dns_socket_limit_set(0) >= DNS_SOCKETS_MIN, "derived cap");
	T_CHECK(next >= 0, "dup");
	close(next);
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)next;     /* no descriptor left to open */
	T_EQ_INT(setrlimit(RLIMIT_NOFILE, &low), 0, "lower RLIMIT_NOFILE");
	b = ask(d, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct rp_dns_answer *a = dns_batch_result(b, i)->ans;
		T_EQ_INT(a->outcome, RP_DNS_TEMP, names[i]);
		T_EQ_STR(a->detail, "no socket: too many open files", names[i]);
	}
	dns_batch_free(b);
	T_EQ_INT(setrlimit(RLIMIT_NOFILE, &old), 0, "restore RLIMIT_NOFILE");
	T_EQ_INT(logged("dns: no socket: too many open files (0 DNS sockets open, at most "), 1,
		"EMFILE logged once");
	b = ask(d, 3);
	for (size_t i = 0; i < 3; i++)
		T_EQ_INT(dns_batch_result(b, i)->ans->outcome, RP_DNS_FOUND, names[i]);
	dns_batch_free(b);
	T_EQ_INT(logged("dns: sockets available again"), 2, "recovery logged once more");
}

int main(int argc, char **argv)
{
	const char *ns[1] = { "127.0.0.1" };
	struct rp_dns_opts o = { ns, 1, 0, 500, 1, 0 };
	struct rp_dns *d;
	char err[200];
	int fd;

	if (argc < 2) {
		fprintf(stderr, "usage: dns_faults NSD_PORT [TESTNS_PORT]\n");
		return 2;
	}
	o.port = (unsigned)atoi(argv[1]);
	fd = mkstemp(logpath);
	if (fd < 0 || dup2(fd, 2) < 0)
		return 2;
	close(fd);
	log_open(RP_LOG_STDERR, 0, RP_LOG_DEBUG);
	d = dns_new(&o, NULL, err, sizeof err);
	if (!d) {
		printf("dns_new: %s\n", err);
		return 2;
	}
	test_cap(d);
	test_emfile(d);
	dns_free(d);
	if (t_fail) {
		FILE *f = fopen(logpath, "r");
		int ch;
		while (f && (ch = fgetc(f)) != EOF)
			putchar(ch);
		if (f)
			fclose(f);
	}
	unlink(logpath);
	return t_done();
}
