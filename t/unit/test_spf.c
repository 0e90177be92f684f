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

/* "\n\t" folds back to the one space it replaced */
static void unfold(const char *in, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 1 < size; p++) {
		if (p[0] == '\n' && p[1] == '\t') {
			out[o++] = ' ';
			p++;
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

/* Every line (the first one after "Received-SPF: ") within 998 octets, and
 * when folded within 78 unless it is one token (no space outside a quoted
 * string); folds only as "\n\t", never inside a quoted string; quotes and
 * the comment balanced. */
static void check_lines(const char *v, size_t first, const char *ctx)
{
	size_t col = first;
	bool in_q = false, esc = false, fold_point = false;
	bool folded = strchr(v, '\n') != NULL;
	int depth = 0;
	T_CHECK(strchr(v, '\r') == NULL, "%s: no CR", ctx);
	for (const char *p = v;; p++) {
		if (*p == '\n' || *p == '\0') {
			T_CHECK(col <= 998, "%s: line of %zu octets", ctx, col);
			T_CHECK(!folded || col <= 78 || !fold_point,
				"%s: line of %zu octets with a fold point", ctx, col);
			if (!*p)
				break;
			T_CHECK(p[1] == '\t', "%s: fold is LF TAB", ctx);
			T_CHECK(!in_q, "%s: fold inside a quoted string", ctx);
			col = 1;
			fold_point = false;
			p++;
			continue;
		}
		col++;
		if (*p == ' ' && !in_q)
			fold_point = true;
		if (esc)
			esc = false;
		else if (in_q && *p == '\\')
			esc = true;
		else if (!depth && *p == '"')
			in_q = !in_q;
		else if (!in_q && *p == '(')
			depth++;
		else if (!in_q && *p == ')')
			depth--;
	}
	T_CHECK(!in_q && depth == 0, "%s: quotes and comment balanced", ctx);
}

static void test_header_fold(void)
{
	/* a 255-octet HELO of 63-octet labels, a 320-octet sender (64 + @ + 255) */
	char helo[256], dom[256], sender[321], hhelo[256], hsender[321];
	memset(helo, 0, sizeof(helo));
	for (int i = 0; i < 4; i++) {
		memset(helo + i * 64, 'a' + i, 63);
		if (i < 3)
			helo[i * 64 + 63] = '.';
	}
	T_EQ_INT(strlen(helo), 255, "helo length");
	memcpy(dom, helo, sizeof(dom));
	for (char *p = dom; *p; p++)
		if (*p != '.')
			*p = 'd';
	memset(sender, 'l', 64);
	sender[64] = '@';
	memcpy(sender + 65, dom, 256);
	T_EQ_INT(strlen(sender), 320, "sender length");
	/* hostile ones: spaces, quotes and backslashes (quoted, escaped) */
	memcpy(hhelo, helo, sizeof(hhelo));
	for (int i = 10; i < 255; i += 20)
		hhelo[i] = i % 40 == 10 ? ' ' : '"';
	memcpy(hsender, sender, sizeof(hsender));
	for (int i = 5; i < 320; i += 9)
		hsender[i] = i % 18 == 5 ? '\\' : '"';

	static const struct {
		enum rp_spf_result r;
		enum rp_spf_identity id;
		int hostile;            /* 0: dot-atoms, 1: hostile strings */
		const char *problem;
		const char *mech;
	} rows[] = {
		{ RP_SPF_PASS, RP_SPF_ID_MAILFROM, 0, "", "" },
		{ RP_SPF_SOFTFAIL, RP_SPF_ID_MAILFROM, 0, "", "default" },
		{ RP_SPF_FAIL, RP_SPF_ID_HELO, 0, "", "" },
		{ RP_SPF_PERMERROR, RP_SPF_ID_MAILFROM, 1, "Invalid \"IPv4\" address literal", "" },
		{ RP_SPF_TEMPERROR, RP_SPF_ID_MAILFROM, 1, "DNS SERVFAIL", "" },
		{ RP_SPF_NEUTRAL, RP_SPF_ID_MAILFROM, 1, "", "default" },
	};
	char buf[RP_SPF_HEADER_MAX], flat[RP_SPF_HEADER_MAX], want[RP_SPF_HEADER_MAX];
	char ctx[64], qfrom[700], qhelo[600];
	for (size_t i = 0; i < RP_ARRAY_LEN(rows); i++) {
		const char *h = rows[i].hostile ? hhelo : helo;
		const char *f = rows[i].hostile ? hsender : sender;
		struct rp_spf_outcome o = outcome(rows[i].r, rows[i].id,
			rows[i].id == RP_SPF_ID_HELO ? h : dom, f, f);
		rp_strlcpy(o.problem, rows[i].problem, sizeof(o.problem));
		rp_strlcpy(o.mechanism, rows[i].mech, sizeof(o.mechanism));
		snprintf(ctx, sizeof(ctx), "fold row %zu", i);
		T_EQ_STR(o.envelope_from, f, ctx);   /* 320 octets fit the outcome */
		spf_received_header(&o, "2001:db8::1", h, "mx.example.com", buf, sizeof(buf));
		check_lines(buf, strlen("Received-SPF: "), ctx);
		T_CHECK(strchr(buf, '\n') != NULL, "%s: folded", ctx);

		/* the full fields, quoted and escaped, and nothing else changed */
		size_t q = 0;
		qfrom[q++] = '"';
		for (const char *p = f; *p; p++) {
			if (*p == '"' || *p == '\\')
				qfrom[q++] = '\\';
			qfrom[q++] = *p;
		}
		qfrom[q++] = '"';
		qfrom[q] = '\0';
		if (rows[i].hostile) {
			q = 0;
			qhelo[q++] = '"';
			for (const char *p = h; *p; p++) {
				if (*p == '"' || *p == '\\')
					qhelo[q++] = '\\';
				qhelo[q++] = *p;
			}
			qhelo[q++] = '"';
			qhelo[q] = '\0';
		} else {
			rp_strlcpy(qhelo, h, sizeof(qhelo));
		}
		unfold(buf, flat, sizeof(flat));
		snprintf(want, sizeof(want), " envelope-from=%s; helo=%s;", qfrom, qhelo);
		T_CHECK(strstr(flat, want) != NULL, "%s: full fields in %s", ctx, flat);
		T_CHECK(strstr(flat, rows[i].id == RP_SPF_ID_HELO ? "; identity=helo"
			: "; identity=mailfrom") == flat + strlen(flat)
			- strlen(rows[i].id == RP_SPF_ID_HELO ? "; identity=helo"
			: "; identity=mailfrom"), "%s: ends with identity: %s", ctx, flat);
		T_CHECK(strstr(flat, " receiver=mx.example.com;") != NULL, "%s: receiver", ctx);
		T_CHECK(strncmp(flat, spf_result_name(rows[i].r), strlen(spf_result_name(rows[i].r)))
			== 0, "%s: result first", ctx);
	}

	/* exact folded text: pass, 255-octet HELO, 320-octet sender */
	struct rp_spf_outcome o = outcome(RP_SPF_PASS, RP_SPF_ID_MAILFROM, dom, sender, sender);
	spf_received_header(&o, "192.0.2.1", helo, "mx.example.com", buf, sizeof(buf));
	snprintf(want, sizeof(want), "pass (mx.example.com: domain of\n\t%s\n\tdesignates 192.0.2.1"
		" as permitted sender) client-ip=192.0.2.1;\n\tenvelope-from=\"%s\";\n\thelo=%s;"
		"\n\treceiver=mx.example.com; identity=mailfrom", sender, sender, helo);
	T_EQ_STR(buf, want, "folded exact");

	/* short inputs: one line, exactly today's text */
	o = outcome(RP_SPF_PASS, RP_SPF_ID_MAILFROM, "b.example", "a@b.example", "a@b.example");
	spf_received_header(&o, "192.0.2.1", "h.example", "mx.example.com", buf, sizeof(buf));
	T_EQ_STR(buf, "pass (mx.example.com: domain of a@b.example designates 192.0.2.1 as"
		" permitted sender) client-ip=192.0.2.1; envelope-from=\"a@b.example\"; helo=h.example;"
		" receiver=mx.example.com; identity=mailfrom", "short: not folded");
	/* 255-octet HELO alone still fits 998 octets: not folded */
	spf_received_header(&o, "192.0.2.1", helo, "mx.example.com", buf, sizeof(buf));
	T_CHECK(strchr(buf, '\n') == NULL, "long helo alone: one line");
	T_CHECK(strlen(buf) + strlen("Received-SPF: ") <= 998, "long helo alone: within 998");
}

/* spf_header_fold on its own (policy.c folds Authentication-Results
 * through it): unchanged within 998, else folds at spaces outside quoted
 * strings, never inside one. */
static void test_fold(void)
{
	static char longq[700], longw[1100], want[1200];
	/* a quoted string with spaces, longer than 78, in a line over 998 */
	memset(longq, 0, sizeof(longq));
	longq[0] = '"';
	for (int i = 1; i < 680; i++)
		longq[i] = i % 10 == 0 ? ' ' : 'q';
	longq[680] = '"';
	char name[251];
	memset(name, 'n', 250);
	name[250] = '\0';
	snprintf(longw, sizeof(longw), "host.example; iprev=pass policy.iprev=192.0.2.1"
		" (%s); spf=pass smtp.mailfrom=%s", name, longq);
	snprintf(want, sizeof(want), "host.example; iprev=pass policy.iprev=192.0.2.1\n\t(%s);"
		"\n\tspf=pass\n\tsmtp.mailfrom=%s", name, longq);
	static const struct {
		size_t first;
		const char *in, *want;
	} rows[] = {
		{ 14, "a b c", "a b c" },
		{ 24, "mx.example; spf=pass smtp.mailfrom=example.com",
		  "mx.example; spf=pass smtp.mailfrom=example.com" },
		{ 24, NULL, NULL },   /* longw -> want */
		{ 0, NULL, "" },      /* runs of spaces: filled in below */
	};
	char buf[RP_SPF_HEADER_MAX], ctx[32];
	for (size_t i = 0; i < RP_ARRAY_LEN(rows); i++) {
		const char *in = rows[i].in ? rows[i].in : longw;
		char spaces[1200], wsp[1300];
		if (rows[i].want && !*rows[i].want) {
			/* 900 x, 100 spaces, y: the fold takes the first space */
			memset(spaces, 'x', 900);
			memset(spaces + 900, ' ', 100);
			strcpy(spaces + 1000, "y");
			in = spaces;
			memset(wsp, 'x', 900);
			wsp[900] = '\n';
			wsp[901] = '\t';
			memset(wsp + 902, ' ', 99);
			strcpy(wsp + 1001, "y");
		}
		snprintf(ctx, sizeof(ctx), "fold %zu", i);
		spf_header_fold(rows[i].first, in, buf, sizeof(buf));
		T_EQ_STR(buf, !rows[i].want ? want : *rows[i].want ? rows[i].want : wsp, ctx);
		if (rows[i].first)   /* the spaces row keeps 99 spaces after its fold */
			check_lines(buf, rows[i].first, ctx);
	}
	/* cut to size, terminated */
	char small[16];
	spf_header_fold(24, longw, small, sizeof(small));
	T_EQ_STR(small, "host.example; i", "fold small");
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
	/* a 255-octet domain that is all quotes: quoted and escaped in full */
	char dq[256], big[RP_SPF_HEADER_MAX], wantq[600];
	memset(dq, '"', 255);
	dq[255] = '\0';
	o = outcome(RP_SPF_PERMERROR, RP_SPF_ID_MAILFROM, dq, "a@x", "a@x");
	spf_ar_fragment(&o, big, sizeof(big));
	size_t q = 0;
	wantq[q++] = '"';
	for (int i = 0; i < 255; i++) {
		wantq[q++] = '\\';
		wantq[q++] = '"';
	}
	wantq[q++] = '"';
	wantq[q] = '\0';
	char wantar[700];
	snprintf(wantar, sizeof(wantar), "spf=permerror smtp.mailfrom=%s", wantq);
	T_EQ_STR(big, wantar, "ar long domain");
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
	test_header_fold();
	test_fold();
	test_ar();
	test_reply();
	test_cve_scanner();
	return t_done();
}
