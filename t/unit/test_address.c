/*
 * test_address - path_parse_strict, address_extract, address_non_fqdn,
 * address_domain and address_local, table-driven.
 */
#include "base/address.h"
#include "test.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Long paths, built before the tables are walked. */
static char local64[300], local65[300], quoted64[300], quoted65[300];
static char total254[400], total255[400], routed254[400], domain300[400];
static char addr254[300], local64_addr[300];

static void fill(char *p, char c, size_t n)
{
	memset(p, c, n);
	p[n] = '\0';
}

static void build_long_paths(void)
{
	char l64[80], l65[80], q[80], dom189[200], dom190[200], big[320];

	fill(l64, 'l', 64);
	fill(l65, 'l', 65);
	snprintf(local64, sizeof local64, "<%s@example.com>", l64);
	snprintf(local64_addr, sizeof local64_addr, "%s@example.com", l64);
	snprintf(local65, sizeof local65, "<%s@example.com>", l65);
	/* 63 plain characters and one escaped quote: 64 octets of content */
	fill(q, 'q', 63);
	snprintf(quoted64, sizeof quoted64, "<\"%s\\\"\"@example.com>", q);
	fill(q, 'q', 64);
	snprintf(quoted65, sizeof quoted65, "<\"%s\\\"\"@example.com>", q);
	/* 64 + '@' + 189 = 254; 64 + '@' + 190 = 255 */
	fill(dom189, 'd', 189);
	dom189[63] = dom189[127] = '.';
	fill(dom190, 'd', 190);
	dom190[63] = dom190[127] = '.';
	snprintf(total254, sizeof total254, "<%s@%s>", l64, dom189);
	snprintf(addr254, sizeof addr254, "%s@%s", l64, dom189);
	snprintf(total255, sizeof total255, "<%s@%s>", l64, dom190);
	snprintf(routed254, sizeof routed254, "<@relay.example:%s@%s>", l64, dom189);
	fill(big, 'b', 300);
	for (int i = 60; i < 300; i += 60)
		big[i] = '.';
	snprintf(domain300, sizeof domain300, "<u@%s>", big);
}

enum who { MAIL = 1, RCPT = 2, BOTH = 3 };

struct path_case {
	const char *arg;
	enum who who;            /* MAIL, RCPT or both */
	bool utf8;               /* client sent SMTPUTF8 */
	enum path_status want;
	const char *local, *domain, *addr;   /* when PATH_OK */
	bool literal;
};

#define OKP PATH_OK
static const struct path_case paths[] = {
	/* plain */
	{ "<user@example.com>", BOTH, false, OKP, "user", "example.com", "user@example.com", false },
	{ "<USER@EXAMPLE.COM>", BOTH, false, OKP, "USER", "EXAMPLE.COM", "USER@EXAMPLE.COM", false },
	{ "<a.b.c@example.com>", BOTH, false, OKP, "a.b.c", "example.com", "a.b.c@example.com", false },
	{ "<user+tag@example.com>", BOTH, false, OKP, "user+tag", "example.com", "user+tag@example.com", false },
	{ "<!#$%&'*+-/=?^_`{|}~@example.com>", BOTH, false, OKP, "!#$%&'*+-/=?^_`{|}~", "example.com", "!#$%&'*+-/=?^_`{|}~@example.com", false },
	{ "<user@localhost>", BOTH, false, OKP, "user", "localhost", "user@localhost", false },
	{ "<user@exa_mple.com>", BOTH, false, OKP, "user", "exa_mple.com", "user@exa_mple.com", false },
	/* null path */
	{ "<>", MAIL, false, OKP, "", "", "", false },
	{ "<>", RCPT, false, PATH_EMPTY_RCPT, 0, 0, 0, false },
	{ "<> ", BOTH, false, PATH_TRAILING, 0, 0, 0, false },
	/* brackets and trailing text */
	{ "user@example.com", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "<user@example.com", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "user@example.com>", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ " <user@example.com>", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "<", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "<\"a>b\"@example.com", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "<user@[IPv6:2001:db8::1]", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "<user@example.com> ", BOTH, false, PATH_TRAILING, 0, 0, 0, false },
	{ "<user@example.com>x", BOTH, false, PATH_TRAILING, 0, 0, 0, false },
	{ "<user@example.com>>", BOTH, false, PATH_TRAILING, 0, 0, 0, false },
	{ "<user@example.com> SIZE=100", BOTH, false, PATH_TRAILING, 0, 0, 0, false },
	/* nested brackets, phrases, comments */
	{ "<<user@example.com>>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<\"Joe\" <joe@x.example>>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<Joe <joe@x.example>>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<joe@x.example (c)>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<(c)joe@x.example>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	/* quoted local parts */
	{ "<\"john smith\"@example.com>", BOTH, false, OKP, "\"john smith\"", "example.com", "\"john smith\"@example.com", false },
	{ "<\"a\\\"b\"@example.com>", BOTH, false, OKP, "\"a\\\"b\"", "example.com", "\"a\\\"b\"@example.com", false },
	{ "<\"a\\\\b\"@example.com>", BOTH, false, OKP, "\"a\\\\b\"", "example.com", "\"a\\\\b\"@example.com", false },
	{ "<\"a>b\"@example.com>", BOTH, false, OKP, "\"a>b\"", "example.com", "\"a>b\"@example.com", false },
	{ "<\"a@b\"@example.com>", BOTH, false, OKP, "\"a@b\"", "example.com", "\"a@b\"@example.com", false },
	/* an empty quoted local part: refused, as Postfix refuses it */
	{ "<\"\"@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<\"abc@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<\"a\"b@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<a\"b\"@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<\"a\rb\"@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<\"a\\\x01\"@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<\"a\\", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	{ "<\"a\\>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	/* dot-string errors */
	{ "<.a@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<a.@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<a..b@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<a b@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "< user@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<a(b@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<a,b@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<a;b@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<user\n@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	/* domains */
	{ "<user@@example.com>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@a@example.com>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	/* one trailing dot (the root) is accepted, as Postfix accepts it; two are not */
	{ "<user@example.com.>", BOTH, false, OKP, "user", "example.com.", "user@example.com.", false },
	{ "<user@example.com..>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@.>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@example..com>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@-example.com>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@1.2.3.4>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@exa mple.com>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	/* one trailing dot (the root) is accepted, as Postfix accepts it; two are not */
	{ "<user@example.com.>", BOTH, false, OKP, "user", "example.com.", "user@example.com.", false },
	{ "<user@example.com..>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@.>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@example.com\r\n>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	/* address literals */
	{ "<user@[192.0.2.1]>", BOTH, false, OKP, "user", "[192.0.2.1]", "user@[192.0.2.1]", true },
	{ "<user@[IPv6:2001:db8::1]>", BOTH, false, OKP, "user", "[IPv6:2001:db8::1]", "user@[IPv6:2001:db8::1]", true },
	{ "<user@[ipv6:::1]>", BOTH, false, OKP, "user", "[ipv6:::1]", "user@[ipv6:::1]", true },
	{ "<user@[::1]>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@[192.0.2.256]>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@[192.0.2.1]x>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@[192.0.2.1>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@[]>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@[example.com]>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	/* no domain, postmaster */
	{ "<user>", BOTH, false, PATH_NO_DOMAIN, 0, 0, 0, false },
	{ "<postmaster>", RCPT, false, OKP, "postmaster", "", "postmaster", false },
	{ "<PostMaster>", RCPT, false, OKP, "PostMaster", "", "PostMaster", false },
	{ "<postmaster>", MAIL, false, PATH_NO_DOMAIN, 0, 0, 0, false },
	{ "<postmaster> ", RCPT, false, PATH_TRAILING, 0, 0, 0, false },
	{ "<\"postmaster\">", RCPT, false, PATH_NO_DOMAIN, 0, 0, 0, false },
	{ "<postmasters>", RCPT, false, PATH_NO_DOMAIN, 0, 0, 0, false },
	{ "<@relay.example:postmaster>", RCPT, false, PATH_NO_DOMAIN, 0, 0, 0, false },
	{ "<postmaster@example.com>", BOTH, false, OKP, "postmaster", "example.com", "postmaster@example.com", false },
	/* source routes */
	{ "<@relay.example:user@example.com>", BOTH, false, OKP, "user", "example.com", "user@example.com", false },
	{ "<@a.example,@b.example:user@example.com>", BOTH, false, OKP, "user", "example.com", "user@example.com", false },
	{ "<@[192.0.2.1]:user@example.com>", BOTH, false, OKP, "user", "example.com", "user@example.com", false },
	{ "<@[IPv6:::1],@b.example:user@[192.0.2.1]>", BOTH, false, OKP, "user", "[192.0.2.1]", "user@[192.0.2.1]", true },
	{ "<@a.example:>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@a.example,b.example:user@example.com>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@a.example,:user@example.com>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@:user@example.com>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@-bad.example:user@example.com>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@a.example user@example.com>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@[192.0.2.1:user@example.com>", BOTH, false, PATH_BAD_ROUTE, 0, 0, 0, false },
	{ "<@a.example:@b.example:user@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<@a.example:user@example.com", BOTH, false, PATH_NO_BRACKETS, 0, 0, 0, false },
	/* lengths */
	{ local64, BOTH, false, OKP, 0, "example.com", local64_addr, false },
	{ local65, BOTH, false, PATH_LOCAL_TOO_LONG, 0, 0, 0, false },
	{ quoted64, BOTH, false, OKP, 0, "example.com", 0, false },
	{ quoted65, BOTH, false, PATH_LOCAL_TOO_LONG, 0, 0, 0, false },
	{ total254, BOTH, false, OKP, 0, 0, addr254, false },
	{ routed254, BOTH, false, OKP, 0, 0, addr254, false },
	{ total255, BOTH, false, PATH_TOO_LONG, 0, 0, 0, false },
	{ domain300, BOTH, false, PATH_TOO_LONG, 0, 0, 0, false },
	/* SMTPUTF8 */
	{ "<j\xc3\xb6rg@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<j\xc3\xb6rg@example.com>", BOTH, true, OKP, "j\xc3\xb6rg", "example.com", "j\xc3\xb6rg@example.com", false },
	{ "<\"j\xc3\xb6rg\"@example.com>", BOTH, false, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<\"j\xc3\xb6rg\"@example.com>", BOTH, true, OKP, "\"j\xc3\xb6rg\"", "example.com", "\"j\xc3\xb6rg\"@example.com", false },
	{ "<user@b\xc3\xbc" "cher.example>", BOTH, false, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<user@b\xc3\xbc" "cher.example>", BOTH, true, OKP, "user", "b\xc3\xbc" "cher.example", "user@b\xc3\xbc" "cher.example", false },
	{ "<j\xf6rg@example.com>", BOTH, true, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<user@b\xfc" "cher.example>", BOTH, true, PATH_BAD_DOMAIN, 0, 0, 0, false },
	{ "<\xed\xa0\x80@example.com>", BOTH, true, PATH_BAD_LOCAL, 0, 0, 0, false },
	{ "<user@example.com>", BOTH, true, OKP, "user", "example.com", "user@example.com", false },
};

struct fqdn_case {
	const char *addr;
	bool utf8;
	bool want;   /* address_non_fqdn */
};

static const struct fqdn_case fqdns[] = {
	{ "user@example.com", false, false },
	{ "user@example.com.", false, false },
	{ "user@example.com..", false, true },
	{ "user@example", false, true },
	{ "user@localhost", false, true },
	{ "user@", false, true },
	{ "user", false, true },
	{ "", false, true },
	{ "user@[192.0.2.1]", false, false },
	{ "user@[IPv6:::1]", false, false },
	{ "user@[garbage]", false, false },
	{ "user@[192.0.2.1", false, true },
	{ "user@1.2.3.4", false, true },
	{ "a@b@example.com", false, false },
	{ "\"a@b\"@example.com", false, false },
	{ "user@exa mple.com", false, true },
	{ "user@-x.example", false, true },
	{ "user@.example.com", false, true },
	{ "user@b\xc3\xbc" "cher.example", false, true },
	{ "user@b\xc3\xbc" "cher.example", true, false },
	{ "user@b\xfc" "cher.example", true, true },
};

struct extract_case {
	const char *arg;
	bool want;
	const char *out;
};

static const struct extract_case extracts[] = {
	{ "<user@example.com>", true, "user@example.com" },
	{ "user@example.com", true, "user@example.com" },
	{ "  <user@example.com>  ", true, "user@example.com" },
	{ "<>", false, "" },
	{ "", false, "" },
	{ "< >", false, "" },
	{ "<@relay.example:user@example.com>", true, "user@example.com" },
	{ "<@a.example,@b.example:user@example.com>", true, "user@example.com" },
	{ "<@[IPv6:::1]:user@example.com>", true, "user@example.com" },
	{ "<\"Joe\" <joe@x.example>>", true, "joe@x.example" },
	{ "Joe <joe@x.example>", true, "joe@x.example" },
	{ "<joe@x.example (comment)>", true, "joe@x.example" },
	{ "joe@x.example (comment)", true, "joe@x.example" },
	{ "(c) <joe@x.example>", true, "joe@x.example" },
	{ "<(<evil@x.example>)user@example.com>", true, "user@example.com" },
	{ "<\"a b\"@example.com>", true, "\"a b\"@example.com" },
	{ "<\"a>b\"@example.com>", true, "\"a>b\"@example.com" },
	{ "<\"a\\\"b\"@example.com>", true, "\"a\\\"b\"@example.com" },
	{ "<user@[IPv6:::1]>", true, "user@[IPv6:::1]" },
	{ "<postmaster>", true, "postmaster" },
	{ "<user@example.com", true, "user@example.com" },
	{ "<<user@example.com>>", true, "user@example.com" },
	{ "@nowhere", true, "@nowhere" },
};

static bool check_path(const struct path_case *c, bool is_mail, size_t row)
{
	struct rp_path p;
	char ctx[160];
	enum path_status st = path_parse_strict(c->arg, is_mail, c->utf8, &p);
	int before = t_fail;

	snprintf(ctx, sizeof ctx, "row %zu %s ", row, is_mail ? "MAIL" : "RCPT");
	rp_printable(ctx + strlen(ctx), 100, c->arg);
	T_EQ_INT(st, c->want, ctx);
	if (st == PATH_OK && c->want == PATH_OK) {
		bool null = c->arg[1] == '>';
		T_EQ_INT(p.null, null, ctx);
		T_EQ_INT(p.literal, c->literal, ctx);
		if (c->local)
			T_EQ_STR(p.local, c->local, ctx);
		if (c->domain)
			T_EQ_STR(p.domain, c->domain, ctx);
		if (c->addr)
			T_EQ_STR(p.addr, c->addr, ctx);
	}
	return t_fail == before;
}

int main(void)
{
	char buf[RP_ADDR_MAX], ctx[160];
	struct rp_path p;

	build_long_paths();
	T_EQ_INT(strlen(total254) - 2, 254, "total254 length");
	T_EQ_INT(strlen(total255) - 2, 255, "total255 length");

	for (size_t i = 0; i < RP_ARRAY_LEN(paths); i++) {
		if (paths[i].who & MAIL)
			check_path(&paths[i], true, i);
		if (paths[i].who & RCPT)
			check_path(&paths[i], false, i);
	}
	/* the quoted 64-octet local part keeps its quotes and escape */
	T_EQ_INT(path_parse_strict(quoted64, false, false, &p), PATH_OK, "quoted64");
	T_EQ_INT(strlen(p.local), 63 + 4, "quoted64 local as sent");
	T_EQ_INT(path_parse_strict(NULL, true, false, &p), PATH_NO_BRACKETS, "NULL");

	for (size_t i = 0; i < RP_ARRAY_LEN(fqdns); i++) {
		rp_printable(ctx, sizeof ctx, fqdns[i].addr);
		T_EQ_INT(address_non_fqdn(fqdns[i].addr, fqdns[i].utf8), fqdns[i].want, ctx);
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(extracts); i++) {
		rp_printable(ctx, sizeof ctx, extracts[i].arg);
		T_EQ_INT(address_extract(extracts[i].arg, buf, sizeof buf), extracts[i].want, ctx);
		T_EQ_STR(buf, extracts[i].out, ctx);
	}
	/* bounded output */
	T_EQ_INT(address_extract("<user@example.com>", buf, 8), true, "size 8");
	T_EQ_STR(buf, "user@ex", "size 8");
	T_EQ_INT(address_extract("<user@example.com>", buf, 1), false, "size 1");
	T_EQ_STR(buf, "", "size 1");
	T_EQ_INT(address_extract(NULL, buf, sizeof buf), false, "NULL");

	T_EQ_STR(address_domain("user@example.com"), "example.com", "domain");
	T_EQ_STR(address_domain("a@b@example.com"), "example.com", "domain last @");
	T_EQ_STR(address_domain("user"), "", "domain none");
	T_EQ_STR(address_domain("user@"), "", "domain empty");
	address_local("a@b@example.com", buf, sizeof buf);
	T_EQ_STR(buf, "a@b", "local last @");
	address_local("user", buf, sizeof buf);
	T_EQ_STR(buf, "user", "local no @");
	address_local("abcdef@example.com", buf, 4);
	T_EQ_STR(buf, "abc", "local bounded");

	for (int s = PATH_OK; s <= PATH_TRAILING; s++)
		T_CHECK(strlen(path_status_text((enum path_status)s)) > 0, "text %d", s);
	T_EQ_STR(path_status_text(PATH_NO_BRACKETS), "missing angle brackets", "text");
	return t_done();
}
