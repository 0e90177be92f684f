/* test_verdict - replies: % doubling for libmilter (never a lone % left at
 * the end of a small buffer), class digit, tempify, printable text, bounds
 * of reply arguments. Table-driven. */
#include <stdio.h>
#include <string.h>

#include "base/verdict.h"
#include "test.h"

static void test_milter_text(void)
{
	static const struct {
		const char *text;
		size_t size;
		const char *want;
	} cases[] = {
		{ "<100%discount@x>: Sender address rejected", 128, "<100%%discount@x>: Sender address rejected" },
		{ "%", 8, "%%" },
		{ "%%", 8, "%%%%" },
		{ "a%s%n%d", 32, "a%%s%%n%%d" },
		{ "no percent", 32, "no percent" },
		{ "", 4, "" },
		/* small buffers: a '%' that cannot be doubled is dropped, never left alone */
		{ "ab%", 4, "ab" },
		{ "ab%", 5, "ab%%" },
		{ "%%%", 4, "%%" },
		{ "%x", 2, "" },
		{ "%x", 3, "%%" },
		{ "x%", 3, "x" },
		{ "abc", 1, "" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rp_reply r;
		char buf[128], ctx[64];
		reply_set(&r, RP_CHK_ACCESS, 554, "5.7.1", "%s", cases[i].text);
		memset(buf, 'Z', sizeof buf);
		reply_format_milter_text(&r, buf, cases[i].size);
		snprintf(ctx, sizeof ctx, "milter text %zu (size %zu)", i, cases[i].size);
		T_EQ_STR(buf, cases[i].want, ctx);
		/* every '%' comes in pairs */
		size_t run = 0;
		bool paired = true;
		for (const char *p = buf; ; p++) {
			if (*p == '%') {
				run++;
				continue;
			}
			if (run % 2)
				paired = false;
			run = 0;
			if (!*p)
				break;
		}
		T_CHECK(paired, "%s: every %% doubled in \"%s\"", ctx, buf);
		T_CHECK(strlen(buf) < cases[i].size, "%s: within the buffer", ctx);
	}
	/* a whole reply of '%' fits when the buffer is 2*text+1 */
	struct rp_reply r;
	char big[2 * RP_REPLY_TEXT_MAX + 1], full[RP_REPLY_TEXT_MAX + 1];
	memset(full, '%', RP_REPLY_TEXT_MAX);
	full[RP_REPLY_TEXT_MAX] = '\0';
	reply_set(&r, RP_CHK_ACCESS, 554, "5.7.1", "%s", full);
	reply_format_milter_text(&r, big, sizeof big);
	T_EQ_INT(strlen(big), 2 * RP_REPLY_TEXT_MAX, "all-% reply doubled in full");
}

static void test_reply_set(void)
{
	static const struct {
		int code;
		const char *xcode, *text;
		int want_code;
		const char *want_xcode, *want_text, *want_line, *want_temp;
	} cases[] = {
		{ 554, "5.7.1", "Access denied", 554, "5.7.1", "Access denied",
		  "554 5.7.1 Access denied", "450 4.7.1 Access denied" },
		{ 450, "5.7.25", "cannot find your hostname", 450, "4.7.25", "cannot find your hostname",
		  "450 4.7.25 cannot find your hostname", "450 4.7.25 cannot find your hostname" },
		{ 550, "4.1.1", "x", 550, "5.1.1", "x", "550 5.1.1 x", "450 4.1.1 x" },
		{ 250, "2.0.0", "not a refusal", 450, "4.0.0", "not a refusal",
		  "450 4.0.0 not a refusal", "450 4.0.0 not a refusal" },
		{ 554, "", "no xcode", 554, "5.7.1", "no xcode", "554 5.7.1 no xcode", "450 4.7.1 no xcode" },
		{ 554, "5.7.1", "line\r\nbreak\tand\x01" "ctl", 554, "5.7.1", "line??break?and?ctl",
		  "554 5.7.1 line??break?and?ctl", "450 4.7.1 line??break?and?ctl" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rp_reply r;
		char line[600], ctx[48];
		snprintf(ctx, sizeof ctx, "reply %zu", i);
		reply_set(&r, RP_CHK_HELO_INVALID, cases[i].code, cases[i].xcode, "%s", cases[i].text);
		T_EQ_INT(r.code, cases[i].want_code, ctx);
		T_EQ_STR(r.xcode, cases[i].want_xcode, ctx);
		T_EQ_STR(r.text, cases[i].want_text, ctx);
		T_EQ_INT(r.check, RP_CHK_HELO_INVALID, ctx);
		reply_format_line(&r, line, sizeof line);
		T_EQ_STR(line, cases[i].want_line, ctx);
		reply_tempify(&r);
		reply_format_line(&r, line, sizeof line);
		T_EQ_STR(line, cases[i].want_temp, ctx);
		T_CHECK(reply_is_temp(&r), "%s: temporary after tempify", ctx);
	}
	/* a text longer than a reply line is cut to RP_REPLY_TEXT_MAX */
	char longtext[2000];
	struct rp_reply r;
	memset(longtext, 'a', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	reply_set(&r, RP_CHK_ACCESS, 554, "5.7.1", "%s", longtext);
	T_EQ_INT(strlen(r.text), RP_REPLY_TEXT_MAX, "long text cut");
}

static void test_reply_arg(void)
{
	static const struct {
		const char *src;
		size_t size, max;
		const char *want;
	} cases[] = {
		{ "mail.example.com", 64, 300, "mail.example.com" },
		{ "abcdefghij", 64, 8, "abcde..." },
		{ "abcdefgh", 64, 8, "abcdefgh" },
		{ "abcdefghij", 6, 300, "ab..." },
		{ "a\r\nb", 64, 300, "a??b" },
		{ NULL, 8, 300, "" },
		{ "abc", 3, 300, "ab" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[64], ctx[48];
		snprintf(ctx, sizeof ctx, "reply_arg %zu", i);
		reply_arg(buf, cases[i].size, cases[i].src, cases[i].max);
		T_EQ_STR(buf, cases[i].want, ctx);
	}
}

int main(void)
{
	test_milter_text();
	test_reply_set();
	test_reply_arg();
	return t_done();
}
