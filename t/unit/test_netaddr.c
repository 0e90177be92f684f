/*
 * test_netaddr - parse/format, mask, reverse names, CIDR parse and match,
 * CIDR lists; table-driven.
 */
#include "base/netaddr.h"
#include "test.h"
#include "base/util.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct parse_case {
	const char *in;
	int rc;
	int family;
	const char *out;      /* netaddr_format */
	bool loopback;
};

static const struct parse_case parses[] = {
	{ "192.0.2.1", 0, AF_INET, "192.0.2.1", false },
	{ "0.0.0.0", 0, AF_INET, "0.0.0.0", false },
	{ "255.255.255.255", 0, AF_INET, "255.255.255.255", false },
	{ "127.0.0.1", 0, AF_INET, "127.0.0.1", true },
	{ "127.255.255.254", 0, AF_INET, "127.255.255.254", true },
	{ "128.0.0.1", 0, AF_INET, "128.0.0.1", false },
	{ "2001:db8::1", 0, AF_INET6, "2001:db8::1", false },
	{ "2001:DB8:0:0:0:0:0:1", 0, AF_INET6, "2001:db8::1", false },
	{ "IPv6:2001:db8::1", 0, AF_INET6, "2001:db8::1", false },
	{ "ipv6:::1", 0, AF_INET6, "::1", true },
	{ "IPV6:::", 0, AF_INET6, "::", false },
	{ "::1", 0, AF_INET6, "::1", true },
	{ "::2", 0, AF_INET6, "::2", false },
	{ "::", 0, AF_INET6, "::", false },
	{ "fe80::1", 0, AF_INET6, "fe80::1", false },
	{ "::ffff:192.0.2.1", 0, AF_INET, "192.0.2.1", false },
	{ "::FFFF:c000:201", 0, AF_INET, "192.0.2.1", false },
	{ "IPv6:::ffff:192.0.2.1", 0, AF_INET, "192.0.2.1", false },
	{ "::ffff:127.0.0.1", 0, AF_INET, "127.0.0.1", true },
	{ "64:ff9b::192.0.2.1", 0, AF_INET6, "64:ff9b::c000:201", false },
	{ "::ffff:0:192.0.2.1", 0, AF_INET6, "::ffff:0:c000:201", false },
	{ "", -1, 0, "", false },
	{ "192.0.2", -1, 0, "", false },
	{ "192.0.2.256", -1, 0, "", false },
	{ "192.0.2.1 ", -1, 0, "", false },
	{ " 192.0.2.1", -1, 0, "", false },
	{ "192.0.2.1.", -1, 0, "", false },
	{ "01.2.3.4", -1, 0, "", false },
	{ "IPv6:192.0.2.1", -1, 0, "", false },
	{ "IPv6:", -1, 0, "", false },
	{ "IPv4:192.0.2.1", -1, 0, "", false },
	{ "1:2:3", -1, 0, "", false },
	{ "2001:db8::1/64", -1, 0, "", false },
	{ "fe80::1%eth0", -1, 0, "", false },
	{ "[192.0.2.1]", -1, 0, "", false },
	{ "::ffff:1.2.3", -1, 0, "", false },
	{ "2001:db8::g", -1, 0, "", false },
	{ "localhost", -1, 0, "", false },
};

struct mask_case {
	const char *in;
	unsigned prefix;
	const char *out;
};

static const struct mask_case masks[] = {
	{ "192.0.2.255", 24, "192.0.2.0" },
	{ "192.0.2.255", 25, "192.0.2.128" },
	{ "192.0.2.255", 31, "192.0.2.254" },
	{ "192.0.2.255", 32, "192.0.2.255" },
	{ "192.0.2.255", 33, "192.0.2.255" },
	{ "192.0.2.255", 0, "0.0.0.0" },
	{ "255.255.255.255", 1, "128.0.0.0" },
	{ "255.255.255.255", 12, "255.240.0.0" },
	{ "2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::" },
	{ "2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::" },
	{ "2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6" },
	{ "2001:db8:1:2:3:4:5:6", 200, "2001:db8:1:2:3:4:5:6" },
	{ "2001:db8:1:2:3:4:5:6", 0, "::" },
	{ "::3", 127, "::2" },
	{ "ffff::1", 1, "8000::" },
	{ "ffff::1", 9, "ff80::" },
};

struct rev_case {
	const char *in;
	const char *out;
};

static const struct rev_case revs[] = {
	{ "192.0.2.1", "1.2.0.192" },
	{ "10.1.2.3", "3.2.1.10" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "::ffff:10.1.2.3", "3.2.1.10" },
	{ "2001:db8::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2" },
	{ "2001:db8:abcd:12:fedc:ba98:7654:3210", "0.1.2.3.4.5.6.7.8.9.a.b.c.d.e.f.2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2" },
	{ "::", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0" },
};

struct cidr_case {
	const char *in;
	int rc;
	const char *out;      /* "net/prefix" */
};

static const struct cidr_case cidrs[] = {
	{ "10.0.0.0/8", 0, "10.0.0.0/8" },
	{ "10.0.0.0/08", 0, "10.0.0.0/8" },
	{ "10.0.0.1/8", -1, 0 },
	{ "10.128.0.0/8", -1, 0 },
	{ "0.0.0.0/0", 0, "0.0.0.0/0" },
	{ "1.0.0.0/0", -1, 0 },
	{ "192.0.2.1", 0, "192.0.2.1/32" },
	{ "192.0.2.1/32", 0, "192.0.2.1/32" },
	{ "192.0.2.128/25", 0, "192.0.2.128/25" },
	{ "192.0.2.0/33", -1, 0 },
	{ "192.0.2.0/", -1, 0 },
	{ "/8", -1, 0 },
	{ "/", -1, 0 },
	{ "", -1, 0 },
	{ "10.0.0.0/-1", -1, 0 },
	{ "10.0.0.0/+8", -1, 0 },
	{ "10.0.0.0/8 ", -1, 0 },
	{ " 10.0.0.0/8", -1, 0 },
	{ "10.0.0.0 /8", -1, 0 },
	{ "10.0.0.0/8x", -1, 0 },
	{ "10.0.0.0/8/8", -1, 0 },
	{ "10.0.0.0/0008", -1, 0 },
	{ "10.0.0.0/1e1", -1, 0 },
	{ "10.0.0/8", -1, 0 },
	{ "2001:db8::/32", 0, "2001:db8::/32" },
	{ "2001:db8::/128", 0, "2001:db8::/128" },
	{ "2001:db8::1/128", 0, "2001:db8::1/128" },
	{ "2001:db8::1", 0, "2001:db8::1/128" },
	{ "2001:db8::1/64", -1, 0 },
	{ "2001:db8:0:1::/64", 0, "2001:db8:0:1::/64" },
	{ "2001:db8:0:1:8000::/64", -1, 0 },
	{ "2001:db8::/129", -1, 0 },
	{ "2001:db8::/1000", -1, 0 },
	{ "::/0", 0, "::/0" },
	{ "::1", 0, "::1/128" },
	{ "IPv6:2001:db8::/32", 0, "2001:db8::/32" },
	{ "::ffff:10.0.0.0/104", 0, "10.0.0.0/8" },
	{ "::ffff:10.0.0.1/128", 0, "10.0.0.1/32" },
	{ "::ffff:10.0.0.0/95", -1, 0 },
	{ "::ffff:10.0.0.1/104", -1, 0 },
	{ "fe80::1%eth0/64", -1, 0 },
	{ "2001:db8::/32/", -1, 0 },
};

struct match_case {
	const char *cidr;
	const char *addr;
	bool want;
};

static const struct match_case matches[] = {
	{ "10.0.0.0/8", "10.0.0.0", true },
	{ "10.0.0.0/8", "10.255.255.255", true },
	{ "10.0.0.0/8", "11.0.0.0", false },
	{ "10.0.0.0/8", "9.255.255.255", false },
	{ "10.0.0.0/8", "::ffff:10.1.2.3", true },
	{ "0.0.0.0/0", "203.0.113.9", true },
	{ "0.0.0.0/0", "::1", false },
	{ "::/0", "192.0.2.1", false },
	{ "::/0", "2001:db8::1", true },
	{ "192.0.2.1/32", "192.0.2.1", true },
	{ "192.0.2.1/32", "192.0.2.2", false },
	{ "192.0.2.1", "::ffff:192.0.2.1", true },
	{ "192.0.2.128/25", "192.0.2.127", false },
	{ "192.0.2.128/25", "192.0.2.128", true },
	{ "192.0.2.128/25", "192.0.2.255", true },
	{ "127.0.0.0/8", "::ffff:127.0.0.1", true },
	{ "::ffff:10.0.0.0/104", "10.1.2.3", true },
	{ "2001:db8::/32", "2001:db8:ffff::1", true },
	{ "2001:db8::/32", "2001:db9::", false },
	{ "2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", false },
	{ "2001:db8::1/128", "2001:db8::1", true },
	{ "2001:db8::1/128", "2001:db8::2", false },
	{ "2001:db8:0:1::/64", "2001:db8:0:1:ffff:ffff:ffff:ffff", true },
	{ "2001:db8:0:1::/64", "2001:db8:0:2::", false },
	{ "2001:db8:0:1::/64", "2001:db8:0:0:ffff:ffff:ffff:ffff", false },
	{ "::1/128", "::1", true },
	{ "::1/128", "127.0.0.1", false },
};

int main(void)
{
	struct rp_netaddr a, b;
	struct rp_cidr c;
	char buf[128], ctx[160];

	for (size_t i = 0; i < RP_ARRAY_LEN(parses); i++) {
		const struct parse_case *t = &parses[i];
		int rc = netaddr_parse(t->in, &a);
		T_EQ_INT(rc, t->rc, t->in);
		if (rc != 0 || t->rc != 0)
			continue;
		T_EQ_INT(a.family, t->family, t->in);
		netaddr_format(&a, buf, sizeof buf);
		T_EQ_STR(buf, t->out, t->in);
		T_EQ_INT(netaddr_is_loopback(&a), t->loopback, t->in);
		/* the formatted text parses back to the same address */
		T_EQ_INT(netaddr_parse(buf, &b), 0, buf);
		T_CHECK(netaddr_equal(&a, &b), "round trip %s", t->in);
	}
	T_EQ_INT(netaddr_parse(NULL, &a), -1, "NULL");

	/* mapped and plain IPv4 are the same address */
	netaddr_parse("192.0.2.1", &a);
	netaddr_parse("::ffff:192.0.2.1", &b);
	T_CHECK(netaddr_equal(&a, &b), "mapped equal");
	netaddr_parse("::192.0.2.1", &b);
	T_CHECK(!netaddr_equal(&a, &b), "compatible form differs");
	netaddr_parse("192.0.2.2", &b);
	T_CHECK(!netaddr_equal(&a, &b), "different");

	/* format into short buffers: cut like rp_strlcpy */
	netaddr_parse("192.0.2.1", &a);
	netaddr_format(&a, buf, 5);
	T_EQ_STR(buf, "192.", "format size 5");
	strcpy(buf, "keep");
	netaddr_format(&a, buf, 0);
	T_EQ_STR(buf, "keep", "format size 0");
	memset(&a, 0, sizeof a);
	netaddr_format(&a, buf, sizeof buf);
	T_EQ_STR(buf, "", "format no family");

	for (size_t i = 0; i < RP_ARRAY_LEN(masks); i++) {
		snprintf(ctx, sizeof ctx, "%s/%u", masks[i].in, masks[i].prefix);
		T_EQ_INT(netaddr_parse(masks[i].in, &a), 0, ctx);
		netaddr_mask(&a, masks[i].prefix);
		netaddr_format(&a, buf, sizeof buf);
		T_EQ_STR(buf, masks[i].out, ctx);
	}

	for (size_t i = 0; i < RP_ARRAY_LEN(revs); i++) {
		size_t len = strlen(revs[i].out);
		T_EQ_INT(netaddr_parse(revs[i].in, &a), 0, revs[i].in);
		T_EQ_INT(netaddr_reverse(&a, buf, sizeof buf), 0, revs[i].in);
		T_EQ_STR(buf, revs[i].out, revs[i].in);
		/* exact fit works, one octet less does not */
		T_EQ_INT(netaddr_reverse(&a, buf, len + 1), 0, revs[i].in);
		T_EQ_STR(buf, revs[i].out, revs[i].in);
		T_EQ_INT(netaddr_reverse(&a, buf, len), -1, revs[i].in);
		T_EQ_STR(buf, "", revs[i].in);
	}
	netaddr_parse("2001:db8::1", &a);
	T_EQ_INT(netaddr_reverse(&a, buf, 74), 0, "74 octets suffice");
	memset(&a, 0, sizeof a);
	T_EQ_INT(netaddr_reverse(&a, buf, sizeof buf), -1, "reverse no family");

	for (size_t i = 0; i < RP_ARRAY_LEN(cidrs); i++) {
		const struct cidr_case *t = &cidrs[i];
		int rc = cidr_parse(t->in, &c);
		T_EQ_INT(rc, t->rc, t->in);
		if (rc != 0 || t->rc != 0)
			continue;
		netaddr_format(&c.net, buf, sizeof buf);
		snprintf(ctx, sizeof ctx, "%s/%u", buf, c.prefix);
		T_EQ_STR(ctx, t->out, t->in);
	}
	T_EQ_INT(cidr_parse(NULL, &c), -1, "cidr NULL");

	for (size_t i = 0; i < RP_ARRAY_LEN(matches); i++) {
		const struct match_case *t = &matches[i];
		snprintf(ctx, sizeof ctx, "%s in %s", t->addr, t->cidr);
		T_EQ_INT(cidr_parse(t->cidr, &c), 0, ctx);
		T_EQ_INT(netaddr_parse(t->addr, &a), 0, ctx);
		T_EQ_INT(cidr_match(&c, &a), t->want, ctx);
	}

	/* lists: the default trusted_networks */
	struct rp_cidrlist l = { 0, NULL };
	T_EQ_INT(netaddr_parse("127.0.0.1", &a), 0, "list addr");
	T_CHECK(!cidrlist_match(&l, &a), "empty list matches nothing");
	T_EQ_INT(cidr_parse("127.0.0.0/8", &c), 0, "list 1");
	cidrlist_add(&l, &c);
	T_EQ_INT(cidr_parse("::1/128", &c), 0, "list 2");
	cidrlist_add(&l, &c);
	T_EQ_INT(l.n, 2, "list size");
	static const struct { const char *addr; bool want; } lm[] = {
		{ "127.0.0.1", true }, { "127.1.2.3", true }, { "::ffff:127.0.0.2", true },
		{ "::1", true }, { "::2", false }, { "10.0.0.1", false }, { "128.0.0.1", false },
	};
	for (size_t i = 0; i < RP_ARRAY_LEN(lm); i++) {
		T_EQ_INT(netaddr_parse(lm[i].addr, &a), 0, lm[i].addr);
		T_EQ_INT(cidrlist_match(&l, &a), lm[i].want, lm[i].addr);
	}
	cidrlist_free(&l);
	T_EQ_INT(l.n, 0, "freed list size");
	T_CHECK(l.v == NULL, "freed list vector");
	cidrlist_free(NULL);
	return t_done();
}
