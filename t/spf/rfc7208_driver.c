/*
 * rfc7208_driver - spf_check for the RFC 7208 test suite (t/spf/rfc7208.py).
 * rfc7208_driver PORT: the resolver asks 127.0.0.1:PORT only, no cache.
 * Reads lines "ID<TAB>IP<TAB>HELO<TAB>MAILFROM" on stdin and writes
 * "ID<TAB>RESULT<TAB>PROBLEM" for each. An empty MAILFROM is a HELO case:
 * spf_check with check_helo on (the HELO identity, RFC 7208 §2.3); any
 * other is evaluated as MAIL FROM alone (check_helo off), as the suite's
 * cases are check_host() on that identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/netaddr.h"
#include "dns/dns.h"
#include "spf/spf.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: rfc7208_driver PORT\n");
		return 2;
	}
	const char *list[1] = { "127.0.0.1" };
	struct rp_dns_opts o = { list, 1, (unsigned)atoi(argv[1]), 1000, 2, 0 };
	char err[200];
	struct rp_dns *d = dns_new(&o, NULL, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "dns_new: %s\n", err);
		return 2;
	}
	struct rp_spf *s = spf_new(d, "mx.rampart.test", err, sizeof(err));
	if (!s) {
		fprintf(stderr, "spf_new: %s\n", err);
		return 2;
	}
	char line[4096];
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		char *f[4] = { line, NULL, NULL, NULL };
		for (int i = 1; i < 4; i++) {
			char *t = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
			if (t) {
				*t = '\0';
				f[i] = t + 1;
			}
		}
		if (!f[3]) {
			fprintf(stderr, "bad line: %s\n", line);
			return 2;
		}
		struct rp_netaddr ip;
		if (netaddr_parse(f[1], &ip) != 0) {
			fprintf(stderr, "bad address: %s\n", f[1]);
			return 2;
		}
		struct rp_spf_outcome out;
		bool helo_case = f[3][0] == '\0';
		spf_check(s, &ip, f[2], f[3], helo_case, clock_mono_ms() + 20000, &out);
		printf("%s\t%s\t%s\n", f[0], spf_result_name(out.result), out.problem);
		fflush(stdout);
	}
	spf_free(s);
	dns_free(d);
	return 0;
}
