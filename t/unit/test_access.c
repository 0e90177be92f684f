/* test_access - the access file: load errors with line numbers, and
 * matching of every kind and action (first match per KIND wins). */
#include <stdbool.h>
#include <string.h>

#include "tables/access.h"
#include "test.h"

#define DIR "data/access/"

/* kind: 'c' client (s = address, s2 = name), 'h' helo, 's' sender, 'r' recipient */
static const struct {
	char kind;
	const char *s, *s2;
	enum rp_access_act act;
	unsigned line;
	const char *text;
	rp_checkset skip;
} cases[] = {
	{ 'c', "192.0.2.1", NULL, RP_ACC_OK, 2, NULL, 0 },
	{ 'c', "192.0.2.2", NULL, RP_ACC_REJECT, 3, "Your network is blocked; see http://example.net/#why", 0 },
	{ 'c', "192.0.2.255", "mail.example.com", RP_ACC_REJECT, 3, "Your network is blocked; see http://example.net/#why", 0 },
	{ 'c', "::ffff:192.0.2.7", NULL, RP_ACC_REJECT, 3, "Your network is blocked; see http://example.net/#why", 0 },
	{ 'c', "192.0.3.1", NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 'c', "2001:db8:1::5", NULL, RP_ACC_DEFER, 4, NULL, 0 },   /* /32 comes first */
	{ 'c', "2001:db9::1", NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 'c', "198.51.100.1", "mail.example.com", RP_ACC_OK, 6, NULL, 0 },
	{ 'c', "198.51.100.1", "MAIL.EXAMPLE.COM.", RP_ACC_OK, 6, NULL, 0 },
	{ 'c', "198.51.100.1", "x.mail.example.com", RP_ACC_DEFER, 8, "try later", 0 },
	{ 'c', "198.51.100.1", "a.b.dyn.example.net", RP_ACC_REJECT, 7, "Dynamic addresses do not send mail here", 0 },
	{ 'c', "198.51.100.1", "dyn.example.net", RP_ACC_NONE, 0, NULL, 0 },   /* suffix needs a dot */
	{ 'c', "198.51.100.1", "notexample.com", RP_ACC_NONE, 0, NULL, 0 },
	{ 'c', "198.51.100.1", "unknown", RP_ACC_NONE, 0, NULL, 0 },
	{ 'c', "198.51.100.1", "UNKNOWN", RP_ACC_NONE, 0, NULL, 0 },
	{ 'c', NULL, "mail.example.com", RP_ACC_OK, 6, NULL, 0 },
	{ 'c', NULL, NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 'c', NULL, "", RP_ACC_NONE, 0, NULL, 0 },
	{ 'h', "friend.example.org", NULL, RP_ACC_OK, 11, NULL, 0 },
	{ 'h', "Friend.Example.Org.", NULL, RP_ACC_OK, 11, NULL, 0 },
	{ 'h', "other.example.org", NULL, RP_ACC_REJECT, 14, "not reached for friend.example.org", 0 },
	{ 'h', "x.y.bad.example", NULL, RP_ACC_REJECT, 12, NULL, 0 },
	{ 'h', "bad.example", NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 'h', "[192.0.2.9]", NULL, RP_ACC_SKIP, 13, NULL, RP_CHKBIT(RP_CHK_HELO_INVALID) },
	{ 'h', "", NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 'h', NULL, NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 's', "bob@example.org", NULL, RP_ACC_OK, 16, NULL, 0 },
	{ 's', "BOB@EXAMPLE.ORG", NULL, RP_ACC_OK, 16, NULL, 0 },
	{ 's', "alice@example.org", NULL, RP_ACC_SKIP, 20, NULL,
	  RP_CHKBIT(RP_CHK_DNSBL) | RP_CHKBIT(RP_CHK_CLIENT_FCRDNS) },
	{ 's', "info@anything.example", NULL, RP_ACC_REJECT, 17, NULL, 0 },
	{ 's', "info@example.org", NULL, RP_ACC_REJECT, 17, NULL, 0 },     /* line 17 before 20 */
	{ 's', "x@spam.example", NULL, RP_ACC_DEFER, 18, "Sender domain under review", 0 },
	{ 's', "x@a.spam.example", NULL, RP_ACC_SKIP, 19, NULL,
	  RP_CHKBIT(RP_CHK_SPF) | RP_CHKBIT(RP_CHK_GREYLIST) },
	{ 's', "x@notspam.example", NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 's', "", NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 's', "info", NULL, RP_ACC_REJECT, 17, NULL, 0 },
	{ 's', "x@", NULL, RP_ACC_NONE, 0, NULL, 0 },
	{ 'r', "postmaster@example.com", NULL, RP_ACC_OK, 22, NULL, 0 },
	{ 'r', "Postmaster", NULL, RP_ACC_OK, 22, NULL, 0 },
	{ 'r', "abuse@example.net", NULL, RP_ACC_SKIP, 23, NULL, RP_CHKBIT(RP_CHK_GREYLIST) },
	{ 'r', "l@lists.example.com", NULL, RP_ACC_SKIP, 24, NULL,
	  RP_CHKBIT(RP_CHK_GREYLIST) | RP_CHKBIT(RP_CHK_SPF) | RP_CHKBIT(RP_CHK_HELO_INVALID) },
	{ 'r', "l@x.lists.example.com", NULL, RP_ACC_REJECT, 25, "No such subdomain", 0 },
	{ 'r', "ceo@example.com", NULL, RP_ACC_REJECT, 26, "Not here", 0 },
	{ 'r', "bob@example.org", NULL, RP_ACC_NONE, 0, NULL, 0 },  /* sender rules do not apply */
};

static const struct {
	unsigned line;
	const char *msg;
} bad_msgs[] = {
	{ 2, DIR "bad.access:2: \"server\": unknown kind: expected client, helo, sender or recipient" },
	{ 3, DIR "bad.access:3: client \"192.0.2.0/33\": bad pattern: expected an IPv4/IPv6 address or CIDR, a hostname or .domain" },
	{ 4, DIR "bad.access:4: client \"192.0.2.1/24\": bad pattern: expected an IPv4/IPv6 address or CIDR" },
	{ 5, DIR "bad.access:5: client \"2001:db8::/129\": bad pattern" },
	{ 6, DIR "bad.access:6: client \"300.1.2.3\": bad pattern" },
	{ 7, DIR "bad.access:7: \"ACCEPT\": unknown action: expected OK, REJECT [text], DEFER [text] or SKIP check[,check...]" },
	{ 8, DIR "bad.access:8: client: missing action: expected KIND PATTERN ACTION [TEXT]" },
	{ 9, DIR "bad.access:9: client: missing pattern and action: expected KIND PATTERN ACTION [TEXT]" },
	{ 10, DIR "bad.access:10: helo \"bad..example\": bad pattern: expected a hostname, an address literal or .domain" },
	{ 11, DIR "bad.access:11: sender \"user\": bad pattern: expected user@domain, user@, @domain or .domain" },
	{ 12, DIR "bad.access:12: sender \"@\": bad pattern: expected user@domain, user@, @domain or .domain" },
	{ 13, DIR "bad.access:13: sender \".bad..example\": bad pattern" },
	{ 14, DIR "bad.access:14: SKIP \"bogus_check\": unknown check: expected one of access, client_ptr, client_fcrdns" },
	{ 15, DIR "bad.access:15: SKIP without checks: expected SKIP check[,check...]" },
	{ 16, DIR "bad.access:16: helo ok.example OK: unexpected text after OK: expected OK alone" },
	{ 17, DIR "bad.access:17: client \"bad_host!.example\": bad pattern" },
};

static void match(const struct rp_access *a, size_t i, struct rp_access_result *res)
{
	struct rp_netaddr addr;
	switch (cases[i].kind) {
	case 'c':
		if (cases[i].s) {
			T_EQ_INT(netaddr_parse(cases[i].s, &addr), 0, cases[i].s);
			access_match_client(a, &addr, cases[i].s2, res);
		} else {
			access_match_client(a, NULL, cases[i].s2, res);
		}
		break;
	case 'h':
		access_match_helo(a, cases[i].s, res);
		break;
	default:
		access_match_address(a, cases[i].kind == 's' ? RP_ACC_SENDER : RP_ACC_RECIPIENT,
			cases[i].s, res);
	}
}

int main(void)
{
	struct rp_errlist errs = { 0 };
	struct rp_access *a;
	struct rp_access_result res;
	char ctx[256];

	a = access_load(DIR "good.access", &errs);
	T_CHECK(a != NULL, "good.access loads");
	T_EQ_INT(errs.n, 0, "good.access: no errors");
	t_errlist_dump(&errs);
	for (size_t i = 0; a && i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(ctx, sizeof ctx, "case %zu %c %s %s", i, cases[i].kind,
			cases[i].s ? cases[i].s : "(null)", cases[i].s2 ? cases[i].s2 : "(null)");
		memset(&res, 0xAA, sizeof res);
		match(a, i, &res);
		T_EQ_INT(res.act, cases[i].act, ctx);
		T_EQ_INT(res.line, cases[i].line, ctx);
		T_EQ_INT(res.skip, cases[i].skip, ctx);
		if (cases[i].text)
			T_EQ_STR(res.text, cases[i].text, ctx);
		else
			T_CHECK(res.text == NULL, "%s: text \"%s\"", ctx, res.text);
	}
	/* wrong kind for access_match_address */
	access_match_address(a, RP_ACC_HELO, "bob@example.org", &res);
	T_EQ_INT(res.act, RP_ACC_NONE, "address lookup with kind helo");
	/* hostile input: very long names never match and never crash */
	{
		static char huge[5000];
		memset(huge, 'a', sizeof huge - 1);
		memcpy(huge + sizeof huge - 14, "@spam.example", 14);
		access_match_address(a, RP_ACC_SENDER, huge, &res);
		T_EQ_INT(res.act, RP_ACC_NONE, "huge address");
		access_match_helo(a, huge, &res);
		T_EQ_INT(res.act, RP_ACC_NONE, "huge helo");
		access_match_client(a, NULL, huge, &res);
		T_EQ_INT(res.act, RP_ACC_NONE, "huge client name");
	}
	access_free(a);

	/* NULL access: nothing matches */
	access_match_helo(NULL, "friend.example.org", &res);
	T_EQ_INT(res.act, RP_ACC_NONE, "NULL access");

	/* CRLF line ends are accepted */
	errlist_clear(&errs);
	a = access_load(DIR "crlf.access", &errs);
	T_CHECK(a != NULL, "crlf.access loads");
	t_errlist_dump(&errs);
	access_match_helo(a, "x.example", &res);
	T_EQ_INT(res.act, RP_ACC_REJECT, "crlf helo");
	T_EQ_STR(res.text, "crlf text", "crlf text has no CR");
	access_free(a);

	/* empty and comment-only files are valid */
	const char *empties[] = { DIR "empty.access", DIR "comments.access" };
	for (size_t i = 0; i < 2; i++) {
		errlist_clear(&errs);
		a = access_load(empties[i], &errs);
		T_CHECK(a != NULL, "%s loads", empties[i]);
		T_EQ_INT(errs.n, 0, empties[i]);
		access_match_helo(a, "x", &res);
		T_EQ_INT(res.act, RP_ACC_NONE, empties[i]);
		access_free(a);
	}

	/* every bad line reported, with its line number */
	errlist_clear(&errs);
	a = access_load(DIR "bad.access", &errs);
	T_CHECK(a == NULL, "bad.access refused");
	T_EQ_INT(errs.n, sizeof bad_msgs / sizeof bad_msgs[0], "bad.access: one message per bad line");
	for (size_t i = 0; i < sizeof bad_msgs / sizeof bad_msgs[0]; i++)
		T_CHECK(t_errlist_has(&errs, bad_msgs[i].msg), "missing \"%s\"", bad_msgs[i].msg);
	if (t_fail)
		t_errlist_dump(&errs);

	const struct { const char *file, *msg; } single[] = {
		{ DIR "ctrl.access", DIR "ctrl.access:1: REJECT text contains control characters: expected printable ASCII text" },
		{ DIR "tab.access", DIR "tab.access:1: DEFER text contains control characters: expected printable ASCII text" },
		{ DIR "long.access", DIR "long.access:1: line too long: expected at most 4096 bytes" },
		{ DIR "longtext.access", DIR "longtext.access:1: REJECT text is too long: expected at most 400 characters" },
		{ DIR "missing.access", DIR "missing.access: cannot open the access file: No such file or directory" },
	};
	for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
		errlist_clear(&errs);
		a = access_load(single[i].file, &errs);
		T_CHECK(a == NULL, "%s refused", single[i].file);
		T_EQ_INT(errs.n, 1, single[i].file);
		if (errs.n)
			T_EQ_STR(errs.msg[0], single[i].msg, single[i].file);
	}
	/* messages never carry control characters */
	errlist_clear(&errs);
	a = access_load(DIR "ctrl.access", &errs);
	for (size_t i = 0; i < errs.n; i++)
		for (const char *p = errs.msg[i]; *p; p++)
			T_CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f, "printable message");
	errlist_clear(&errs);
	access_free(NULL);
	return t_done();
}
