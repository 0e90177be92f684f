/*
 * test_spf - the pure parts of spf: Received-SPF values, Authentication-
 * Results fragments and SMTP replies built from outcomes (hostile strings
 * included), and the CVE-2023-42118 record scanner.
 */
#include <string.h>

#include "spf/spf.h"
#include "test.h"
#include "base/util.h"
#include "base/verdict.h"

static struct rp_spf_outcome outcome(enum rp_spf_result r, enum rp_spf_identity id,
	const char *domain, const char *ident, const char *from)
{
	struct rp_spf_outcome o;
	memset(&o, 0, sizeof(o));
	o.result = r;
	o.identity = id;
	rp_strlcpy(o.domain, domain, sizeof(o.domain));
	rp_strlcpy(o.ident, ident, sizeof(o.ident));
	rp_strlcpy(o.envelope_from, from, sizeof(o.envelope_from));
	o.null_sender = *from == '\0';
	return o;
}

static void test_header(void)
{
	static const struct {
		enum rp_spf_result r;
		const char *want;
	} rows[] = {
		{ RP_SPF_PASS, "pass (mx.example.com: domain of a@b.example designates 192.0.2.1 as"
		  " permitted sender) client-ip=192.0.2.1; envelope-from=\"a@b.example\"; helo=h.example;"
		  " receiver=mx.example.com; identity=mailfrom" },
		{ RP_SPF_FAIL, "fail (mx.example.com: domain of a@b.example does not designate"
		  " 192.0.2.1 as permitted sender) client-ip=192.0.2.1; envelope-from=\"a@b.example\";"
		  " helo=h.example; receiver=mx.example.com; identity=mailfrom" },
		{ RP_SPF_SOFTFAIL, "softfail (mx.example.com: domain of transitioning a@b.example"
		  " does not designate 192.0.2.1 as permitted sender) client-ip=192.0.2.1;"
		  " envelope-from=\"a@b.example\"; helo=h.example; receiver=mx.example.com;"
		  " identity=mailfrom" },
		{ RP_SPF_NEUTRAL, "neutral (mx.example.com: 192.0.2.1 is neither permitted nor denied"
		  " by domain of a@b.example) client-ip=192.0.2.1; envelope-from=\"a@b.example\";"
		  " helo=h.example; receiver=mx.example.com; identity=mailfrom" },
		{ RP_SPF_NONE, "none (mx.example.com: domain of a@b.example does not designate"
		  " permitted sender hosts) client-ip=192.0.2.1; envelope-from=\"a@b.example\";"
		  " helo=h.example; receiver=mx.example.com; identity=mailfrom" },
		{ RP_SPF_PERMERROR, "permerror (mx.example.com: permanent error in processing domain"
		  " of a@b.example) client-ip=192.0.2.1; envelope-from=\"a@b.example\"; helo=h.example;"
		  " receiver=mx.example.com; identity=mailfrom" },
		{ RP_SPF_TEMPERROR, "temperror (mx.example.com: temporary error in processing domain"
		  " of a@b.example) client-ip=192.0.2.1; envelope-from=\"a@b.example\"; helo=h.example;"
		  " receiver=mx.example.com; identity=mailfrom" },
	};
	char buf[1024];
	for (size_t i = 0; i < RP_ARRAY_LEN(rows); i++) {
		struct rp_spf_outcome o = outcome(rows[i].r, RP_SPF_ID_MAILFROM, "b.example",
			"a@b.example", "a@b.example");
		spf_received_header(&o, "192.0.2.1", "h.example", "mx.example.com", buf, sizeof(buf));
		T_EQ_STR(buf, rows[i].want, spf_result_name(rows[i].r));
	}

	/* hostile strings: quoted, escaped, printable, comment without parens */
	struct rp_spf_outcome o = outcome(RP_SPF_PERMERROR, RP_SPF_ID_MAILFROM, "b.example",
		"x(y)\\z@b.example", "x(y)\\z\"q\r\n@b.example");
	rp_strlcpy(o.problem, "bad \"record\"", sizeof(o.problem));
	rp_strlcpy(o.mechanism, "default", sizeof(o.mechanism));
	spf_received_header(&o, "2001:db8::1", "h\texample; x=y", "mx.example.com", buf, sizeof(buf));
	T_EQ_STR(buf, "permerror (mx.example.com: permanent error in processing domain of"
		" x?y??z@b.example) client-ip=\"2001:db8::1\"; envelope-from=\"x(y)\\\\z\\\"q??@b.example\";"
		" helo=\"h?example; x=y\"; problem=\"bad \\\"record\\\"\"; mechanism=default;"
		" receiver=mx.example.com; identity=mailfrom", "hostile");
	T_CHECK(strpbrk(buf, "\r\n\t") == NULL, "no control bytes");

	/* HELO identity, null sender: no envelope-from */
	o = outcome(RP_SPF_NONE, RP_SPF_ID_HELO, "h.example", "postmaster@h.example", "");
	spf_received_header(&o, "192.0.2.1", "h.example", "mx.example.com", buf, sizeof(buf));
	T_EQ_STR(buf, "none (mx.example.com: domain of h.example does not designate permitted"
		" sender hosts) client-ip=192.0.2.1; helo=h.example; receiver=mx.example.com;"
		" identity=helo", "helo null sender");

	/* bounded: 4 KiB HELO and a small buffer */
	char big[4096];
	memset(big, 'h', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	o = outcome(RP_SPF_PASS, RP_SPF_ID_MAILFROM, "b.example", "a@b.example", "a@b.example");
	spf_received_header(&o, "192.0.2.1", big, "mx.example.com", buf, sizeof(buf));
	T_CHECK(strlen(buf) < sizeof(buf), "bounded");
	T_CHECK(strstr(buf, "identity=mailfrom") != NULL, "helo cut to 255, the rest kept: %s", buf);
	char small[40];
	spf_received_header(&o, "192.0.2.1", "h.example", "mx.example.com", small, sizeof(small));
	T_EQ_STR(small, "pass (mx.example.com: domain of a@b.exa", "small buffer");
}

static void test_ar(void)
{
	char buf[300];
	struct rp_spf_outcome o = outcome(RP_SPF_PASS, RP_SPF_ID_MAILFROM, "example.com",
		"a@example.com", "a@example.com");
	spf_ar_fragment(&o, buf, sizeof(buf));
	T_EQ_STR(buf, "spf=pass smtp.mailfrom=example.com", "ar mailfrom");
	o = outcome(RP_SPF_FAIL, RP_SPF_ID_HELO, "h.example.com", "postmaster@h.example.com", "");
	spf_ar_fragment(&o, buf, sizeof(buf));
	T_EQ_STR(buf, "spf=fail smtp.helo=h.example.com", "ar helo");
	o = outcome(RP_SPF_TEMPERROR, RP_SPF_ID_MAILFROM, "ex;am\"ple\r\n", "a@x", "a@x");
	spf_ar_fragment(&o, buf, sizeof(buf));
	T_EQ_STR(buf, "spf=temperror smtp.mailfrom=\"ex;am\\\"ple??\"", "ar hostile");
}

static void test_reply(void)
{
	static const struct {
		enum rp_spf_result r;
		enum rp_spf_identity id;
		const char *exp;
		const char *rcpt;
		bool defer;
		const char *want;
	} rows[] = {
		{ RP_SPF_FAIL, RP_SPF_ID_MAILFROM, "", "example.net", false,
		  "550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_FAIL, RP_SPF_ID_MAILFROM, "Go away 100%", NULL, false,
		  "550 5.7.23 Message rejected due to: Go away 100%. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=<UNKNOWN>" },
		{ RP_SPF_FAIL, RP_SPF_ID_HELO, "", "example.net", false,
		  "550 5.7.23 Message rejected due to: SPF fail - not authorized. Please see"
		  " http://www.open-spf.org/Why?s=helo;id=b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_FAIL, RP_SPF_ID_MAILFROM, "", "example.net", true,
		  "451 4.7.23 Message deferred due to: SPF fail - not authorized. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_SOFTFAIL, RP_SPF_ID_MAILFROM, "ignored", "example.net", false,
		  "550 5.7.23 Message rejected due to: SPF softfail - not authorized. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_NEUTRAL, RP_SPF_ID_MAILFROM, "", "example.net", false,
		  "550 5.7.23 Message rejected due to: SPF neutral - not authorized. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_NONE, RP_SPF_ID_MAILFROM, "", "example.net", false,
		  "550 5.7.23 Message rejected due to: SPF none - not authorized. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_PERMERROR, RP_SPF_ID_MAILFROM, "", "example.net", false,
		  "550 5.7.24 Message rejected due to: SPF permerror. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_PERMERROR, RP_SPF_ID_MAILFROM, "", "example.net", true,
		  "451 4.7.24 Message deferred due to: SPF permerror. Please see"
		  " http://www.open-spf.org/Why?s=mfrom;id=a@b.example;ip=192.0.2.1;r=example.net" },
		{ RP_SPF_TEMPERROR, RP_SPF_ID_MAILFROM, "", "example.net", false,
		  "451 4.7.24 Message deferred due to: SPF temperror. Please try again later" },
	};
	char line[600];
	struct rp_reply rep;
	for (size_t i = 0; i < RP_ARRAY_LEN(rows); i++) {
		struct rp_spf_outcome o = outcome(rows[i].r, rows[i].id, "b.example",
			"a@b.example", "a@b.example");
		rp_strlcpy(o.explanation, rows[i].exp, sizeof(o.explanation));
		spf_reply(&o, "192.0.2.1", rows[i].rcpt, rows[i].defer, &rep);
		reply_format_line(&rep, line, sizeof(line));
		T_EQ_STR(line, rows[i].want, spf_result_name(rows[i].r));
		T_EQ_INT(rep.xcode[0] - '0', rep.code / 100, "class digit");
	}
	struct rp_spf_outcome o = outcome(RP_SPF_PASS, RP_SPF_ID_MAILFROM, "b", "a@b", "a@b");
	spf_reply(&o, "192.0.2.1", "x", false, &rep);
	T_EQ_INT(rep.code, 0, "pass: no reply");

	/* hostile: control bytes, 4 KiB sender: printable, within 512 */
	char big[4096];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	o = outcome(RP_SPF_FAIL, RP_SPF_ID_MAILFROM, "b", big, big);
	rp_strlcpy(o.explanation, "line1\r\nline2", sizeof(o.explanation));
	spf_reply(&o, "192.0.2.1\r\n", "ex\001ample", false, &rep);
	T_CHECK(strpbrk(rep.text, "\r\n\001") == NULL, "printable: %s", rep.text);
	T_CHECK(strlen(rep.text) <= RP_REPLY_TEXT_MAX, "bounded");
	T_CHECK(strncmp(rep.text, "Message rejected due to: line1??line2. Please see "
		"http://www.open-spf.org/Why?s=mfrom;id=xxx", 88) == 0, "%s", rep.text);
}

static void test_cve_scanner(void)
{
	char rec[1200], var[600];
	var[0] = '\0';
	for (int i = 0; i < 127; i++)
		strcat(var, "%{d}");

	static const struct {
		const char *pre, *post;  /* around 127 variables */
		bool unsafe;
	} rows[] = {
		{ "v=spf1 a:", "x -all", true },          /* mechanism domain-spec */
		{ "v=spf1 exists:", ".x -all", true },
		{ "v=spf1 -all exp=", "AAAA", true },     /* modifier value */
		{ "", "AAAA", true },                     /* an exp= text */
		{ "v=spf1 redirect=", "x", true },
		{ "v=spf1 a:", "", true },                /* refused even without a literal */
		{ "v=spf1 a:x", "", true },               /* 8 + 125 * 4 = 508 */
		{ "v=spf1 -all", NULL, false },
		{ "v=spf1 exists:%{i}.%{l}.%{d} -all", NULL, false },
		{ "%{s} is not allowed", NULL, false },
	};
	for (size_t i = 0; i < RP_ARRAY_LEN(rows); i++) {
		if (rows[i].post)
			snprintf(rec, sizeof(rec), "%s%s%s", rows[i].pre, var, rows[i].post);
		else
			rp_strlcpy(rec, rows[i].pre, sizeof(rec));
		T_EQ_INT(spf_txt_unsafe(rec, strlen(rec)), rows[i].unsafe, rows[i].pre);
	}
	/* 126 variables + a CIDR block: 4 + 504 = 508 */
	var[126 * 4] = '\0';
	snprintf(rec, sizeof(rec), "%s%s%s", "v=spf1 a:", var, "x/24 -all");
	T_EQ_INT(spf_txt_unsafe(rec, strlen(rec)), 1, "cidr + 126");
	/* 120 variables: 480 bytes, safe */
	var[120 * 4] = '\0';
	snprintf(rec, sizeof(rec), "%s%s%s", "v=spf1 a:", var, "x -all");
	T_EQ_INT(spf_txt_unsafe(rec, strlen(rec)), 0, "120 variables");
	/* literals and variables mixed: 42 x ("x" + var) = 42 * 12 = 504, one more var */
	rec[0] = '\0';
	strcat(rec, "v=spf1 a:");
	for (int i = 0; i < 42; i++)
		strcat(rec, "x%{d}");
	strcat(rec, "%{d}y");
	T_EQ_INT(spf_txt_unsafe(rec, strlen(rec)), 1, "mixed 508");
	/* a NUL ends what libspf2 sees */
	char withnul[] = "v=spf1 -all\0%{d}";
	T_EQ_INT(spf_txt_unsafe(withnul, sizeof(withnul) - 1), 0, "nul");
}

int main(void)
{
	test_header();
	test_ar();
	test_reply();
	test_cve_scanner();
	return t_done();
}
