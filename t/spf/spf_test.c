/*
 * spf_test - spf_check against real servers: NSD serving
 * t/data/zones/spf.rampart.test.zone and ldns-testns playing
 * t/spf/faults.data. Started by run-spf-test.sh: spf_test NSD_PORT
 * TESTNS_PORT. Every row asserts the exact result, identity, problem and
 * Received-SPF value; some rows the exact SMTP reply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "base/netaddr.h"
#include "spf/spf.h"
#include "test.h"
#include "base/util.h"
#include "base/verdict.h"

#define RCV "mx.rampart.test"

static struct rp_dns *resolver(unsigned port, unsigned timeout_ms, unsigned attempts,
	struct rp_dns_cache *cache)
{
	const char *list[1] = { "127.0.0.1" };
	struct rp_dns_opts o = { list, 1, port, timeout_ms, attempts, 0 };
	char err[200];
	struct rp_dns *d = dns_new(&o, cache, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "dns_new: %s\n", err);
		exit(2);
	}
	return d;
}

static struct rp_spf *evaluator(struct rp_dns *d)
{
	char err[200];
	struct rp_spf *s = spf_new(d, RCV, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "spf_new: %s\n", err);
		exit(2);
	}
	return s;
}

struct row {
	const char *client, *helo, *sender;
	bool check_helo;
	enum rp_spf_result result;
	enum rp_spf_identity identity;
	const char *problem;   /* exact o.problem */
	const char *header;    /* exact Received-SPF value, or NULL */
};

#define D ".spf.rampart.test"
#define MF RP_SPF_ID_MAILFROM
#define HE RP_SPF_ID_HELO

static const struct row rows[] = {
	/* one of each result, MAIL FROM */
	{ "192.0.2.1", "mail.example.org", "alice@pass" D, false, RP_SPF_PASS, MF, "",
	  "pass (" RCV ": domain of alice@pass" D " designates 192.0.2.1 as permitted sender)"
	  " client-ip=192.0.2.1; envelope-from=\"alice@pass" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@fail" D, false, RP_SPF_FAIL, MF, "",
	  "fail (" RCV ": domain of alice@fail" D " does not designate 192.0.2.1 as permitted"
	  " sender) client-ip=192.0.2.1; envelope-from=\"alice@fail" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@softfail" D, false, RP_SPF_SOFTFAIL, MF, "",
	  "softfail (" RCV ": domain of transitioning alice@softfail" D " does not designate"
	  " 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=\"alice@softfail"
	  D "\"; helo=mail.example.org; receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@neutral" D, false, RP_SPF_NEUTRAL, MF, "",
	  "neutral (" RCV ": 192.0.2.1 is neither permitted nor denied by domain of alice@neutral"
	  D ") client-ip=192.0.2.1; envelope-from=\"alice@neutral" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@default" D, false, RP_SPF_NEUTRAL, MF, "",
	  "neutral (" RCV ": 192.0.2.1 is neither permitted nor denied by domain of alice@default"
	  D ") client-ip=192.0.2.1; envelope-from=\"alice@default" D "\"; helo=mail.example.org;"
	  " mechanism=default; receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@none" D, false, RP_SPF_NONE, MF, "",
	  "none (" RCV ": domain of alice@none" D " does not designate permitted sender hosts)"
	  " client-ip=192.0.2.1; envelope-from=\"alice@none" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", NULL, "alice@nx" D, false, RP_SPF_NONE, MF, "",
	  "none (" RCV ": domain of alice@nx" D " does not designate permitted sender hosts)"
	  " client-ip=192.0.2.1; envelope-from=\"alice@nx" D "\"; receiver=" RCV
	  "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@syntax" D, false, RP_SPF_PERMERROR, MF,
	  "SPF record syntax: bad network in ip4",
	  "permerror (" RCV ": permanent error in processing domain of alice@syntax" D ")"
	  " client-ip=192.0.2.1; envelope-from=\"alice@syntax" D "\"; helo=mail.example.org;"
	  " problem=\"SPF record syntax: bad network in ip4\"; receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@multi" D, false, RP_SPF_PERMERROR, MF,
	  "Multiple SPF or TXT records for domain.", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@split" D, false, RP_SPF_PASS, MF, "", NULL },
	/* include, redirect */
	{ "192.0.2.1", "mail.example.org", "alice@include" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "198.51.100.7", "mail.example.org", "alice@include" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "203.0.113.7", "mail.example.org", "alice@include" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@include-none" D, false, RP_SPF_PERMERROR, MF,
	  "Could not find a valid SPF record", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@redirect" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "198.51.100.7", "mail.example.org", "alice@redirect" D, false, RP_SPF_PASS, MF, "", NULL },
	/* macros */
	{ "192.0.2.1", "mail.example.org", "alice@macro" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.1", "mail.example.org", "bob@macro" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "192.0.2.1", "mail.example.org", "bob@macro-r" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.2", "mail.example.org", "bob@macro-r" D, false, RP_SPF_FAIL, MF, "", NULL },
	/* a, mx, ptr, ip6, IPv4 and IPv6 clients */
	{ "192.0.2.1", "mail.example.org", "alice@a" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.9", "mail.example.org", "alice@a" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "2001:db8::1", "mail.example.org", "alice@a" D, false, RP_SPF_PASS, MF, "",
	  "pass (" RCV ": domain of alice@a" D " designates 2001:db8::1 as permitted sender)"
	  " client-ip=\"2001:db8::1\"; envelope-from=\"alice@a" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@a-self" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "2001:db8::1", "mail.example.org", "alice@a-self" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@mx" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "198.51.100.1", "mail.example.org", "alice@mx" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "2001:db8::1", "mail.example.org", "alice@mx" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.77", "mail.example.org", "alice@mx" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@ptr" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "2001:db8::1", "mail.example.org", "alice@ptr" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.2", "mail.example.org", "alice@ptr" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "192.0.2.4", "mail.example.org", "alice@ptr" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "2001:db8::1", "mail.example.org", "alice@ip6" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "2001:db8:1::1", "mail.example.org", "alice@ip6" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "::ffff:192.0.2.1", "mail.example.org", "alice@pass" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "2001:db8::1", "mail.example.org", "alice@pass" D, false, RP_SPF_FAIL, MF, "", NULL },
	/* RFC 7208 §4.6.4 limits */
	{ "192.0.2.1", "mail.example.org", "alice@terms10" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@terms11" D, false, RP_SPF_PERMERROR, MF,
	  "more than 10 DNS-querying terms",
	  "permerror (" RCV ": permanent error in processing domain of alice@terms11" D ")"
	  " client-ip=192.0.2.1; envelope-from=\"alice@terms11" D "\"; helo=mail.example.org;"
	  " problem=\"more than 10 DNS-querying terms\"; receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "alice@void2" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@void3" D, false, RP_SPF_PERMERROR, MF,
	  "more than 2 void lookups", NULL },
	/* CVE-2023-42118 trigger records: refused before libspf2 compiles them */
	{ "192.0.2.1", "mail.example.org", "alice@cve" D, false, RP_SPF_PERMERROR, MF,
	  "record refused as unsafe (CVE-2023-42118)", NULL },
	{ "192.0.2.1", "mail.example.org", "alice@cve-exp" D, false, RP_SPF_FAIL, MF, "", NULL },
	/* a record over RP_DNS_TXT_MAX: its first 4096 bytes would pass 192.0.2.1 */
	{ "192.0.2.1", "mail.example.org", "alice@long" D, false, RP_SPF_PERMERROR, MF,
	  "SPF record longer than 4096 bytes", NULL },
	/* HELO identity first; a HELO fail is final */
	{ "192.0.2.1", "helo-fail" D, "alice@pass" D, true, RP_SPF_FAIL, HE, "",
	  "fail (" RCV ": domain of helo-fail" D " does not designate 192.0.2.1 as permitted"
	  " sender) client-ip=192.0.2.1; envelope-from=\"alice@pass" D "\"; helo=helo-fail" D ";"
	  " receiver=" RCV "; identity=helo" },
	{ "192.0.2.1", "helo-fail" D, "alice@pass" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.1", "helo-pass" D, "alice@fail" D, true, RP_SPF_FAIL, MF, "", NULL },
	{ "192.0.2.1", "helo-none" D, "alice@pass" D, true, RP_SPF_PASS, MF, "", NULL },
	{ "192.0.2.1", "helo-fail" D ".", "alice@pass" D, true, RP_SPF_FAIL, HE, "", NULL },
	{ "192.0.2.1", "[192.0.2.1]", "alice@fail" D, true, RP_SPF_FAIL, MF, "", NULL },
	{ "192.0.2.1", "localhost", "alice@pass" D, true, RP_SPF_PASS, MF, "", NULL },
	/* null sender: postmaster@HELO */
	{ "192.0.2.1", "helo-pass" D, "", true, RP_SPF_PASS, HE, "",
	  "pass (" RCV ": domain of helo-pass" D " designates 192.0.2.1 as permitted sender)"
	  " client-ip=192.0.2.1; helo=helo-pass" D "; receiver=" RCV "; identity=helo" },
	{ "192.0.2.1", "helo-pass" D, "", false, RP_SPF_PASS, MF, "",
	  "pass (" RCV ": domain of postmaster@helo-pass" D " designates 192.0.2.1 as permitted"
	  " sender) client-ip=192.0.2.1; helo=helo-pass" D "; receiver=" RCV
	  "; identity=mailfrom" },
	{ "192.0.2.9", "helo-fail" D, "", false, RP_SPF_FAIL, MF, "", NULL },
	/* loopback clients are evaluated like any other (libspf2 would pass
	 * them without a lookup): -all fails, no record is none, a listed
	 * loopback address passes; HELO identity too */
	{ "127.0.0.1", "mail.example.org", "alice@fail" D, false, RP_SPF_FAIL, MF, "",
	  "fail (" RCV ": domain of alice@fail" D " does not designate 127.0.0.1 as permitted"
	  " sender) client-ip=127.0.0.1; envelope-from=\"alice@fail" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "127.0.0.1", "mail.example.org", "alice@none" D, false, RP_SPF_NONE, MF, "",
	  "none (" RCV ": domain of alice@none" D " does not designate permitted sender hosts)"
	  " client-ip=127.0.0.1; envelope-from=\"alice@none" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "127.0.0.1", "mail.example.org", "alice@nx" D, false, RP_SPF_NONE, MF, "", NULL },
	{ "127.0.0.1", "mail.example.org", "alice@pass" D, false, RP_SPF_FAIL, MF, "", NULL },
	{ "127.0.0.2", "mail.example.org", "alice@loopback" D, false, RP_SPF_PASS, MF, "", NULL },
	{ "127.0.0.1", "mail.example.org", "alice@softfail" D, false, RP_SPF_SOFTFAIL, MF, "", NULL },
	{ "::1", "mail.example.org", "alice@fail" D, false, RP_SPF_FAIL, MF, "",
	  "fail (" RCV ": domain of alice@fail" D " does not designate ::1 as permitted"
	  " sender) client-ip=\"::1\"; envelope-from=\"alice@fail" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "127.0.0.1", "helo-fail" D, "alice@pass" D, true, RP_SPF_FAIL, HE, "", NULL },
	{ "127.0.0.1", "helo-pass" D, "", true, RP_SPF_FAIL, HE, "", NULL },
	/* hostile input stays harmless */
	{ "192.0.2.1", "mail.example.org", "a\r\nb@pass" D, false, RP_SPF_PASS, MF, "",
	  "pass (" RCV ": domain of a??b@pass" D " designates 192.0.2.1 as permitted sender)"
	  " client-ip=192.0.2.1; envelope-from=\"a??b@pass" D "\"; helo=mail.example.org;"
	  " receiver=" RCV "; identity=mailfrom" },
	{ "192.0.2.1", "mail.example.org", "x@bad..name" D, false, RP_SPF_NONE, MF, "", NULL },
};

static void run_rows(struct rp_spf *s)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(rows); i++) {
		const struct row *r = &rows[i];
		struct rp_netaddr ip;
		struct rp_spf_outcome o;
		char ctx[400], addr[RP_ADDRSTRLEN], hdr[1024];
		snprintf(ctx, sizeof(ctx), "row %zu: %s %s %s", i, r->client,
			r->helo ? r->helo : "-", r->sender);
		T_CHECK(netaddr_parse(r->client, &ip) == 0, "%s", ctx);
		enum rp_spf_result res = spf_check(s, &ip, r->helo, r->sender, r->check_helo,
			clock_mono_ms() + 5000, &o);
		T_EQ_INT(res, o.result, ctx);
		T_EQ_STR(spf_result_name(o.result), spf_result_name(r->result), ctx);
		T_EQ_INT(o.identity, r->identity, ctx);
		T_EQ_STR(o.problem, r->problem, ctx);
		netaddr_format(&ip, addr, sizeof(addr));
		spf_received_header(&o, addr, r->helo, RCV, hdr, sizeof(hdr));
		if (r->header)
			T_EQ_STR(hdr, r->header, ctx);
		if (getenv("SPF_TEST_VERBOSE"))
			printf("%s\n  -> %s\n", ctx, hdr);
	}
}

static void check_one(struct rp_spf *s, const char *client, const char *helo,
	const char *sender, uint64_t budget_ms, struct rp_spf_outcome *o)
{
	struct rp_netaddr ip;
	if (netaddr_parse(client, &ip) != 0)
		abort();
	spf_check(s, &ip, helo, sender, true, clock_mono_ms() + budget_ms, o);
}

/* Explanations (exp=): the domain's text, macros expanded, made safe. */
static void test_explanations(struct rp_spf *s)
{
	struct rp_spf_outcome o;
	struct rp_reply rep;
	char line[600];

	check_one(s, "192.0.2.1", "mail.example.org", "alice@exp" D, 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "fail", "exp");
	T_EQ_STR(o.explanation, "alice@exp" D " is not allowed to send from 192.0.2.1", "exp");
	spf_reply(&o, "192.0.2.1", "example.net", false, &rep);
	reply_format_line(&rep, line, sizeof(line));
	T_EQ_STR(line, "550 5.7.23 Message rejected due to: alice@exp" D " is not allowed to"
		" send from 192.0.2.1. Please see http://www.open-spf.org/Why?s=mfrom;id=alice@exp"
		D ";ip=192.0.2.1;r=example.net", "exp reply");

	/* CR, LF, TAB, %, a NUL: printable, cut at the NUL, never raw */
	check_one(s, "192.0.2.1", "mail.example.org", "alice@exp-hostile" D, 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "fail", "exp-hostile");
	T_EQ_STR(o.explanation, "bad??Injected: yes?tab %d 100% sure", "exp-hostile");
	spf_reply(&o, "192.0.2.1", NULL, false, &rep);
	reply_format_line(&rep, line, sizeof(line));
	T_EQ_STR(line, "550 5.7.23 Message rejected due to: bad??Injected: yes?tab %d 100% sure."
		" Please see http://www.open-spf.org/Why?s=mfrom;id=alice@exp-hostile" D
		";ip=192.0.2.1;r=<UNKNOWN>", "exp-hostile reply");

	/* 4 KiB text: cut to RP_SPF_EXP_MAX */
	check_one(s, "192.0.2.1", "mail.example.org", "alice@exp-big" D, 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "fail", "exp-big");
	T_EQ_INT(strlen(o.explanation), RP_SPF_EXP_MAX, "exp-big length");
	T_CHECK(strspn(o.explanation, "E") == RP_SPF_EXP_MAX, "exp-big content");
	spf_reply(&o, "192.0.2.1", "example.net", false, &rep);
	T_EQ_INT(rep.code, 550, "exp-big reply code");
	T_CHECK(strlen(rep.text) <= RP_REPLY_TEXT_MAX, "exp-big reply bounded");

	/* an exp= text shaped like the CVE trigger is cut, and harmless */
	check_one(s, "192.0.2.1", "mail.example.org", "alice@cve-exp" D, 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "fail", "cve-exp");

	/* no exp=: the default words */
	check_one(s, "192.0.2.1", "mail.example.org", "alice@fail" D, 5000, &o);
	T_EQ_STR(o.explanation, "", "no exp");
	spf_reply(&o, "192.0.2.1", "example.net", false, &rep);
	reply_format_line(&rep, line, sizeof(line));
	T_EQ_STR(line, "550 5.7.23 Message rejected due to: SPF fail - not authorized."
		" Please see http://www.open-spf.org/Why?s=mfrom;id=alice@fail" D
		";ip=192.0.2.1;r=example.net", "fail reply");
	spf_reply(&o, "192.0.2.1", "example.net", true, &rep);
	reply_format_line(&rep, line, sizeof(line));
	T_EQ_STR(line, "451 4.7.23 Message deferred due to: SPF fail - not authorized."
		" Please see http://www.open-spf.org/Why?s=mfrom;id=alice@fail" D
		";ip=192.0.2.1;r=example.net", "fail reply deferred");

	/* HELO identity in the reply */
	check_one(s, "192.0.2.1", "helo-fail" D, "alice@pass" D, 5000, &o);
	spf_reply(&o, "192.0.2.1", "example.net", false, &rep);
	reply_format_line(&rep, line, sizeof(line));
	T_EQ_STR(line, "550 5.7.23 Message rejected due to: SPF fail - not authorized."
		" Please see http://www.open-spf.org/Why?s=helo;id=helo-fail" D
		";ip=192.0.2.1;r=example.net", "helo fail reply");
	char ar[300];
	spf_ar_fragment(&o, ar, sizeof(ar));
	T_EQ_STR(ar, "spf=fail smtp.helo=helo-fail" D, "helo ar");

	/* permerror reply */
	check_one(s, "192.0.2.1", "mail.example.org", "alice@cve" D, 5000, &o);
	spf_reply(&o, "192.0.2.1", "example.net", false, &rep);
	reply_format_line(&rep, line, sizeof(line));
	T_EQ_STR(line, "550 5.7.24 Message rejected due to: SPF permerror."
		" Please see http://www.open-spf.org/Why?s=mfrom;id=alice@cve" D
		";ip=192.0.2.1;r=example.net", "permerror reply");
}

/* DNS faults from ldns-testns: SERVFAIL and silence are temperror. */
static void test_faults(unsigned testns_port)
{
	struct rp_dns *d = resolver(testns_port, 300, 1, NULL);
	struct rp_spf *s = evaluator(d);
	struct rp_spf_outcome o;
	struct rp_reply rep;
	char line[300], hdr[1024];

	check_one(s, "192.0.2.1", "mail.example.org", "alice@servfail.spf.test", 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "temperror", "servfail");
	T_EQ_STR(o.problem, "DNS SERVFAIL", "servfail problem");
	spf_received_header(&o, "192.0.2.1", "mail.example.org", RCV, hdr, sizeof(hdr));
	T_EQ_STR(hdr, "temperror (" RCV ": temporary error in processing domain of"
		" alice@servfail.spf.test) client-ip=192.0.2.1; envelope-from="
		"\"alice@servfail.spf.test\"; helo=mail.example.org; problem=\"DNS SERVFAIL\";"
		" receiver=" RCV "; identity=mailfrom", "servfail header");
	spf_reply(&o, "192.0.2.1", "example.net", false, &rep);
	reply_format_line(&rep, line, sizeof(line));
	T_EQ_STR(line, "451 4.7.24 Message deferred due to: SPF temperror. Please try again later",
		"temperror reply");

	check_one(s, "192.0.2.1", "mail.example.org", "alice@include.spf.test", 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "temperror", "include servfail");
	check_one(s, "192.0.2.1", "mail.example.org", "alice@a.spf.test", 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "temperror", "a servfail");
	T_EQ_STR(o.problem, "DNS SERVFAIL", "a servfail problem");
	check_one(s, "192.0.2.1", "mail.example.org", "alice@slow.spf.test", 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "temperror", "a timeout");
	T_EQ_STR(o.problem, "DNS timeout", "a timeout problem");
	check_one(s, "192.0.2.1", "mail.example.org", "alice@drop.spf.test", 5000, &o);
	T_EQ_STR(spf_result_name(o.result), "temperror", "policy timeout");
	spf_free(s);
	dns_free(d);

	/* the deadline bounds the whole check: tries of 2 s, 150 ms budget */
	d = resolver(testns_port, 2000, 2, NULL);
	s = evaluator(d);
	uint64_t t0 = clock_mono_ms();
	check_one(s, "192.0.2.1", "mail.example.org", "alice@slow.spf.test", 150, &o);
	uint64_t spent = clock_mono_ms() - t0;
	T_EQ_STR(spf_result_name(o.result), "temperror", "deadline");
	T_EQ_STR(o.problem, "time limit reached", "deadline problem");
	printf("deadline check returned after %llu ms (budget 150 ms)\n",
		(unsigned long long)spent);
	/* an already spent budget: no lookup at all */
	check_one(s, "192.0.2.1", "mail.example.org", "alice@pass.spf.test", 0, &o);
	T_EQ_STR(spf_result_name(o.result), "temperror", "no budget");
	T_EQ_STR(o.problem, "time limit reached", "no budget problem");
	spf_free(s);
	dns_free(d);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s NSD_PORT TESTNS_PORT\n", argv[0]);
		return 2;
	}
	unsigned nsd_port = (unsigned)atoi(argv[1]);
	unsigned testns_port = (unsigned)atoi(argv[2]);

	/* without a cache, then with one (answers from the cache must give
	 * the same results) */
	struct rp_dns *d = resolver(nsd_port, 2000, 2, NULL);
	struct rp_spf *s = evaluator(d);
	run_rows(s);
	test_explanations(s);
	spf_free(s);
	dns_free(d);

	struct rp_dns_cache *cache = dns_cache_new(1000, 3600);
	d = resolver(nsd_port, 2000, 2, cache);
	s = evaluator(d);
	run_rows(s);
	run_rows(s);
	spf_free(s);
	dns_free(d);
	dns_cache_free(cache);

	test_faults(testns_port);
	return t_done();
}
