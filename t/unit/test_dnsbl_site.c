/* test_dnsbl_site - postscreen-style [dnsbl] zones entries: parse, match, format. */
#include <stdbool.h>
#include <string.h>

#include "dns/dns.h"
#include "dns/dnsbl_site.h"
#include "base/netaddr.h"
#include "test.h"

static const struct {
	const char *spec;
	const char *zone;
	bool has_filter;
	int weight;
	const char *format;
} good[] = {
	{ "zen.example.org", "zen.example.org", false, 1, "zen.example.org" },
	{ "ZEN.Example.ORG.", "zen.example.org", false, 1, "zen.example.org" },
	{ "bl.example*3", "bl.example", false, 3, "bl.example*3" },
	{ "bl.example*1", "bl.example", false, 1, "bl.example" },
	{ "bl.example*0", "bl.example", false, 0, "bl.example*0" },
	{ "wl.example*-2", "wl.example", false, -2, "wl.example*-2" },
	{ "bl.example=127.0.0.2", "bl.example", true, 1, "bl.example=127.0.0.2" },
	{ "bl.example=127.0.0.[2..11]*2", "bl.example", true, 2, "bl.example=127.0.0.[2..11]*2" },
	{ "bl.example=127.0.[0;1].[2..4;9]*-5", "bl.example", true, -5,
	  "bl.example=127.0.[0..1].[2..4;9]*-5" },
	{ "bl.example=127.0.0.[2;3;4]", "bl.example", true, 1, "bl.example=127.0.0.[2..4]" },
	{ "bl.example=127.0.0.[0..255]", "bl.example", true, 1, "bl.example=127.0.0.[0..255]" },
	{ "bl.example=127.0.0.[5;5]", "bl.example", true, 1, "bl.example=127.0.0.5" },
	{ "b_l-1.example", "b_l-1.example", false, 1, "b_l-1.example" },
};

static const struct {
	const char *spec;
	const char *reason;
} bad[] = {
	{ "", "empty entry" },
	{ "bl.example*", "bad weight" },
	{ "bl.example*x", "bad weight" },
	{ "bl.example*2x", "bad weight" },
	{ "bl.example*+2", "bad weight" },
	{ "bl.example*100001", "bad weight" },
	{ "bl.example*99999999999999999999", "bad weight" },
	{ "bl.example*--1", "bad weight" },
	{ "bl.example=127.0.0", "bad reply filter" },
	{ "bl.example=127.0.0.2.1", "bad reply filter" },
	{ "bl.example=127.0.0.256", "bad reply filter" },
	{ "bl.example=127.0.0.[2..11", "bad reply filter" },
	{ "bl.example=127.0.0.[11..2]", "bad reply filter" },
	{ "bl.example=127.0.0.[]", "bad reply filter" },
	{ "bl.example=127.0.0.[2;]", "bad reply filter" },
	{ "bl.example=127.0.0.[2...4]", "bad reply filter" },
	{ "bl.example=127.0.0.1234", "bad reply filter" },
	{ "bl.example=127.0.0.-1", "bad reply filter" },
	{ "bl.example=", "bad reply filter" },
	{ "bl.example=127.0.0.2=3", "bad reply filter" },
	{ "=127.0.0.2", "bad zone name" },
	{ "*2", "bad zone name" },
	{ "bl..example", "bad zone name" },
	{ ".bl.example", "bad zone name" },
	{ "bl example", "bad zone name" },
	{ "bl.example/24", "bad zone name" },
	{ "bl.\x01xample", "bad zone name" },
	{ "a123456789012345678901234567890123456789012345678901234567890123.example", "bad zone name" },
};

static const struct {
	const char *spec;
	unsigned char a[4];
	bool match;
} matches[] = {
	{ "bl.example", { 127, 0, 0, 2 }, true },
	{ "bl.example", { 127, 255, 255, 254 }, true },
	{ "bl.example=127.0.0.2", { 127, 0, 0, 2 }, true },
	{ "bl.example=127.0.0.2", { 127, 0, 0, 3 }, false },
	{ "bl.example=127.0.0.2", { 128, 0, 0, 2 }, false },
	{ "bl.example=127.0.0.[2..11]", { 127, 0, 0, 1 }, false },
	{ "bl.example=127.0.0.[2..11]", { 127, 0, 0, 2 }, true },
	{ "bl.example=127.0.0.[2..11]", { 127, 0, 0, 11 }, true },
	{ "bl.example=127.0.0.[2..11]", { 127, 0, 0, 12 }, false },
	{ "bl.example=127.0.0.[2..11]", { 127, 255, 255, 254 }, false },
	{ "bl.example=127.0.[0;1].[2..4;9]", { 127, 0, 1, 9 }, true },
	{ "bl.example=127.0.[0;1].[2..4;9]", { 127, 0, 0, 4 }, true },
	{ "bl.example=127.0.[0;1].[2..4;9]", { 127, 0, 2, 4 }, false },
	{ "bl.example=127.0.[0;1].[2..4;9]", { 127, 0, 1, 5 }, false },
	{ "bl.example=127.0.[0;1].[2..4;9]", { 127, 0, 0, 8 }, false },
	{ "bl.example=[0..255].[0..255].[0..255].255", { 0, 0, 0, 255 }, true },
	{ "bl.example=[0..255].[0..255].[0..255].255", { 200, 9, 7, 254 }, false },
};

/* --- classification and postscreen weight sums ----------------------- */

/* An A answer from a list of dotted quads ("" = NXDOMAIN, "T" = temporary). */
static struct rp_dns_answer *answer(const char *spec)
{
	struct rp_dns_answer *a;
	char buf[128], *save = NULL;

	if (strcmp(spec, "T") == 0)
		return dns_answer_new(RP_DNS_TEMP, 2, "SERVFAIL", 0);
	if (!spec[0])
		return dns_answer_new(RP_DNS_NOTFOUND, 3, "NXDOMAIN", 60);
	a = dns_answer_new(RP_DNS_FOUND, 0, "NOERROR", 60);
	snprintf(buf, sizeof buf, "%s", spec);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		struct rp_netaddr n;
		if (netaddr_parse(t, &n) == 0)
			dns_answer_add_addr(a, &n);
	}
	return a;
}

static const struct {
	const char *spec, *ans;
	enum rp_dnsbl_answer want;
} classify[] = {
	{ "bl.example", "127.0.0.2", RP_DNSBL_LISTED },
	{ "bl.example", "", RP_DNSBL_NOT_LISTED },
	{ "bl.example", "T", RP_DNSBL_LOOKUP_ERROR },
	{ "bl.example", "127.255.255.254", RP_DNSBL_LIST_ERROR },
	{ "bl.example", "127.255.255.255 127.0.0.2", RP_DNSBL_LISTED },
	{ "bl.example=127.0.0.[2..4]", "127.0.0.9", RP_DNSBL_NOT_LISTED },
	{ "bl.example=127.0.0.[2..4]", "127.0.0.9 127.0.0.4", RP_DNSBL_LISTED },
	{ "bl.example=127.255.255.254", "127.255.255.254", RP_DNSBL_LIST_ERROR },
	{ "bl.example", "2001:db8::1", RP_DNSBL_NOT_LISTED },
};

/* Sites and, per site, its answer; the expected score and best site. */
static const struct {
	const char *name;
	const char *sites[4];
	const char *answers[4];
	int score, best;
} scores[] = {
	{ "one listing", { "a.example" }, { "127.0.0.2" }, 1, 0 },
	{ "not listed", { "a.example" }, { "" }, 0, -1 },
	{ "weights add", { "a.example*2", "b.example*3" }, { "127.0.0.2", "127.0.0.2" }, 5, 1 },
	{ "allow list subtracts", { "bl.example", "wl.example*-5" }, { "127.0.0.2", "127.0.10.1" }, -4, 0 },
	{ "allow list alone", { "wl.example*-5" }, { "127.0.10.1" }, -5, -1 },
	{ "several answers count once", { "a.example*2" }, { "127.0.0.2 127.0.0.3 127.0.0.4" }, 2, 0 },
	{ "same zone, two filters", { "z.example=127.0.0.2*1", "z.example=127.0.0.3*4" },
	  { "127.0.0.2 127.0.0.3", "127.0.0.2 127.0.0.3" }, 5, 1 },
	{ "filter misses", { "z.example=127.0.0.2*1", "z.example=127.0.0.3*4" },
	  { "127.0.0.3", "127.0.0.3" }, 4, 1 },
	{ "errors do not count", { "a.example", "b.example*2", "c.example*3" },
	  { "T", "127.255.255.254", "127.0.0.2" }, 3, 2 },
	{ "largest weight named, first of equals", { "a.example*2", "b.example*2", "c.example" },
	  { "127.0.0.2", "127.0.0.2", "127.0.0.2" }, 5, 0 },
	{ "site not asked", { "a.example", "b.example" }, { NULL, "127.0.0.2" }, 1, 1 },
};

static void test_scoring(void)
{
	char err[256];

	for (size_t i = 0; i < sizeof classify / sizeof classify[0]; i++) {
		struct rp_dnsbl_site s;
		struct rp_dns_answer *a = answer(classify[i].ans);
		T_EQ_INT(dnsbl_site_parse(classify[i].spec, &s, err, sizeof err), 0, classify[i].spec);
		T_EQ_INT(dnsbl_site_classify(&s, a), classify[i].want, classify[i].ans);
		dns_answer_unref(a);
		dnsbl_site_free(&s);
	}
	for (size_t i = 0; i < sizeof scores / sizeof scores[0]; i++) {
		struct rp_dnsbl_site sites[4];
		const struct rp_dns_answer *ans[4] = { 0 };
		size_t n = 0;
		int best = 99, score;

		for (; n < 4 && scores[i].sites[n]; n++) {
			T_EQ_INT(dnsbl_site_parse(scores[i].sites[n], &sites[n], err, sizeof err), 0,
				scores[i].sites[n]);
			ans[n] = scores[i].answers[n] ? answer(scores[i].answers[n]) : NULL;
		}
		score = dnsbl_score(sites, ans, n, &best);
		T_EQ_INT(score, scores[i].score, scores[i].name);
		T_EQ_INT(best, scores[i].best, scores[i].name);
		for (size_t k = 0; k < n; k++) {
			dns_answer_unref(ans[k]);
			dnsbl_site_free(&sites[k]);
		}
	}
}

int main(void)
{
	char err[256], buf[512];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct rp_dnsbl_site s;
		int rc = dnsbl_site_parse(good[i].spec, &s, err, sizeof err);
		T_EQ_INT(rc, 0, good[i].spec);
		if (rc)
			continue;
		T_EQ_STR(s.zone, good[i].zone, good[i].spec);
		T_EQ_INT(s.has_filter, good[i].has_filter, good[i].spec);
		T_EQ_INT(s.weight, good[i].weight, good[i].spec);
		dnsbl_site_format(&s, buf, sizeof buf);
		T_EQ_STR(buf, good[i].format, good[i].spec);
		/* the formatted form parses back to the same site */
		struct rp_dnsbl_site s2;
		T_EQ_INT(dnsbl_site_parse(buf, &s2, err, sizeof err), 0, buf);
		T_CHECK(memcmp(s.filter, s2.filter, sizeof s.filter) == 0, "%s", buf);
		T_EQ_INT(s2.weight, s.weight, buf);
		dnsbl_site_free(&s2);
		/* format into a small buffer: truncated, terminated */
		char small[6];
		dnsbl_site_format(&s, small, sizeof small);
		T_EQ_INT(strlen(small), 5, good[i].spec);
		dnsbl_site_free(&s);
		T_CHECK(s.zone == NULL, "free clears zone");
	}

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rp_dnsbl_site s;
		err[0] = '\0';
		T_EQ_INT(dnsbl_site_parse(bad[i].spec, &s, err, sizeof err), -1, bad[i].spec);
		T_CHECK(strncmp(err, bad[i].reason, strlen(bad[i].reason)) == 0,
			"%s: got \"%s\", want prefix \"%s\"", bad[i].spec, err, bad[i].reason);
		T_CHECK(strstr(err, "expected zone[=a.b.c.d][*weight]") != NULL, "%s: %s", bad[i].spec, err);
		T_CHECK(s.zone == NULL, "%s: no zone on failure", bad[i].spec);
	}

	/* over-long entry */
	char longspec[700];
	memset(longspec, 'a', sizeof longspec - 1);
	longspec[sizeof longspec - 1] = '\0';
	struct rp_dnsbl_site ls;
	T_EQ_INT(dnsbl_site_parse(longspec, &ls, err, sizeof err), -1, "long entry");
	T_CHECK(strncmp(err, "entry too long", 14) == 0, "%s", err);

	for (size_t i = 0; i < sizeof matches / sizeof matches[0]; i++) {
		struct rp_dnsbl_site s;
		T_EQ_INT(dnsbl_site_parse(matches[i].spec, &s, err, sizeof err), 0, matches[i].spec);
		T_EQ_INT(dnsbl_site_match(&s, matches[i].a), matches[i].match, matches[i].spec);
		dnsbl_site_free(&s);
	}

	dnsbl_site_free(NULL);
	test_scoring();
	return t_done();
}
