/*
 * test_spf_syntax - spf_syntax_check (RFC 7208 §12) row by row, the exact
 * reason for each refusal, and spf_record_rewrite (spf_dns.c) row by row.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "base/netaddr.h"
#include "spf/spf.h"
#include "spf/spf_syntax.h"
#include "test.h"

struct srow {
	const char *rec;
	size_t len;         /* 0: strlen */
	const char *err;    /* NULL: valid */
};

static const struct srow srows[] = {
	{ "v=spf1", 0, NULL },
	{ "v=spf1 -all", 0, NULL },
	{ "V=SPF1 +ALL", 0, NULL },
	{ "v=spf1  a   mx  -all ", 0, NULL },
	{ "v=spf1 a:example.com/24//64 mx:mx.example.com//0 ptr ptr:example.com ?all", 0, NULL },
	{ "v=spf1 a/0 mx/32 a//128", 0, NULL },
	{ "v=spf1 ip4:192.0.2.0/24 ip4:0.0.0.0/0 ip6:2001:db8::/32 ip6:::1.1.1.1/0 -all", 0, NULL },
	{ "v=spf1 include:_spf.example.com exists:%{ir}.%{l1r+-}._spf.%{d} -all", 0, NULL },
	{ "v=spf1 redirect=_spf.example.com", 0, NULL },
	{ "v=spf1 exp=explain._spf.%{d} -all", 0, NULL },
	{ "v=spf1 a:foo-bar.com- -all", 0, "bad domain-spec in a" },
	{ "v=spf1 a:foo.example.com. -all", 0, NULL },
	{ "v=spf1 a:%{d} -all", 0, NULL },
	{ "v=spf1 a:example.%% -all", 0, NULL },
	{ "v=spf1 a:x.%%%_%- -all", 0, NULL },
	{ "v=spf1 moo.cow-far_out=man:dog/cat ~all", 0, NULL },
	{ "v=spf1 foo=%{c}", 0, "bad macro-string in modifier foo=" },
	{ "v=spf1 -all foo=%abc", 0, "bad macro-string in modifier foo=" },
	{ "v=spf1 a:foo.example.com\0", 25, "octet 0x00 at 24: not printable ASCII" },
	{ "v=spf1 a:m\xc3\xa9.example.com", 0, "octet 0xc3 at 10: not printable ASCII" },
	{ "v=spf1 ip4:192.0.2.5\n include:x.example.com", 0, "octet 0x0a at 20: not printable ASCII" },
	{ "v=spf1\t-all", 0, "octet 0x09 at 6: not printable ASCII" },
	{ "v=spf10 -all", 0, "not a v=spf1 record" },
	{ "spf1 -all", 0, "not a v=spf1 record" },
	{ "v=spf1 a:", 0, "bad domain-spec in a" },
	{ "v=spf1 mx:", 0, "bad domain-spec in mx" },
	{ "v=spf1 ptr:", 0, "bad domain-spec in ptr" },
	{ "v=spf1 exists:", 0, "bad domain-spec in exists" },
	{ "v=spf1 exists", 0, "exists needs a domain-spec" },
	{ "v=spf1 include", 0, "include needs a domain-spec" },
	{ "v=spf1 exists:foo.example.com/24", 0, "bad domain-spec in exists" },
	{ "v=spf1 a:abc.123", 0, "bad domain-spec in a" },
	{ "v=spf1 a:museum", 0, "bad domain-spec in a" },
	{ "v=spf1 a:museum.", 0, "bad domain-spec in a" },
	{ "v=spf1 a:111.222.33.44", 0, "bad domain-spec in a" },
	{ "v=spf1 a:example.-com", 0, "bad domain-spec in a" },
	{ "v=spf1 a:example.com:8080", 0, "bad domain-spec in a" },
	{ "v=spf1 a:example.com..", 0, "bad domain-spec in a" },
	{ "v=spf1 a/33", 0, "bad CIDR length in a" },
	{ "v=spf1 a//129", 0, "bad CIDR length in a" },
	{ "v=spf1 a/032", 0, "bad CIDR length in a" },
	{ "v=spf1 ip4:1.2.3.4/032", 0, "bad CIDR length in ip4" },
	{ "v=spf1 ip4:1.2.3.4/33", 0, "bad CIDR length in ip4" },
	{ "v=spf1 ip4:1.2.3", 0, "bad network in ip4" },
	{ "v=spf1 ip4:300.1.1.1", 0, "bad network in ip4" },
	{ "v=spf1 ip4:01.2.3.4", 0, "bad network in ip4" },
	{ "v=spf1 ip6::CAFE::BABE", 0, "bad network in ip6" },
	{ "v=spf1 ip6:::1/129", 0, "bad CIDR length in ip6" },
	{ "v=spf1 ip6:::1//33", 0, "bad CIDR length in ip6" },
	{ "v=spf1 ip4", 0, "ip4 needs a network" },
	{ "v=spf1 redirect:example.com", 0, "unknown mechanism redirect:example.com" },
	{ "v=spf1 -all/8", 0, "junk after all" },
	{ "v=spf1 mx -all redirect=a.example.com redirect=b.example.com", 0, "redirect= twice" },
	{ "v=spf1 exp=a.example.com exp=b.example.com", 0, "exp= twice" },
	{ "v=spf1 exp=", 0, "bad domain-spec in exp=" },
	{ "v=spf1 redirect=", 0, "bad domain-spec in redirect=" },
	{ "v=spf1 exp=%{c}.example.com", 0, "bad domain-spec in exp=" },
	{ "v=spf1 a:%{x}.example.com", 0, "bad domain-spec in a" },
	{ "v=spf1 a:%{d}%.example.com", 0, "bad domain-spec in a" },
	{ "v=spf1 a:%{d}.example.com%", 0, "bad domain-spec in a" },
	{ "v=spf1 a:%{d", 0, "bad domain-spec in a" },
	{ "v=spf1 1a", 0, "unknown mechanism 1a" },
	{ "v=spf1 _x=y", 0, "unknown mechanism _x=y" },
	{ "v=spf1 ++all", 0, "unknown mechanism ++all" },
};

struct rrow {
	const char *rec;
	int af;
	const char *want;
};

static const struct rrow rrows[] = {
	{ "v=spf1 -all", AF_INET, "v=spf1 -all" },
	{ "v=spf1 a mx:x.example.com/24 -all", AF_INET, "v=spf1 a mx:x.example.com/24 -all" },
	{ "v=spf1 moo.cow=x foo_bar=%{d} a -all", AF_INET, "v=spf1 a -all" },
	{ "v=spf1 exp=e.%{d} redirect=r.example.com", AF_INET,
	  "v=spf1 exp=e.%{d} redirect=r.example.com" },
	{ "v=spf1 redirect=r.example.com ~all", AF_INET, "v=spf1 ~all" },
	{ "v=spf1 a/24//64 -all", AF_INET, "v=spf1 a/24 -all" },
	{ "v=spf1 a/24//64 -all", AF_INET6, "v=spf1 a//64 -all" },
	{ "v=spf1 a//0 -all", AF_INET, "v=spf1 a -all" },
	{ "v=spf1 a/0 -all", AF_INET6, "v=spf1 a -all" },
	{ "v=spf1 a/0 -all", AF_INET, "v=spf1 a:%{d}" RP_SPF_CIDR0_MARK "/1 -all" },
	{ "v=spf1 a:x.example.com//0 -all", AF_INET6,
	  "v=spf1 a:x.example.com" RP_SPF_CIDR0_MARK "//1 -all" },
	{ "v=spf1 -mx:x.example.com/0 -all", AF_INET,
	  "v=spf1 -mx:x.example.com" RP_SPF_CIDR0_MARK "/1 -all" },
	{ "v=spf1 ip4:1.2.3.4/0", AF_INET, "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1" },
	{ "v=spf1 ?ip6:::1/0 -all", AF_INET6, "v=spf1 ?ip6:::/1 ?ip6:8000::/1 -all" },
	{ "v=spf1 ip4:1.2.3.4/10", AF_INET, "v=spf1 ip4:1.2.3.4/10" },
};

int main(void)
{
	char err[80], ctx[200];

	for (size_t i = 0; i < sizeof(srows) / sizeof(srows[0]); i++) {
		const struct srow *r = &srows[i];
		size_t len = r->len ? r->len : strlen(r->rec);
		snprintf(ctx, sizeof(ctx), "syntax row %zu", i);
		bool ok = spf_syntax_check(r->rec, len, err, sizeof(err));
		T_EQ_INT(ok, r->err == NULL, ctx);
		T_EQ_STR(err, r->err ? r->err : "", ctx);
	}
	/* a short err buffer is cut, never overrun; NULL err is allowed */
	char small[8];
	T_CHECK(!spf_syntax_check("v=spf1 ip4:1.2.3", 16, small, sizeof(small)), "small");
	T_EQ_STR(small, "bad net", "small err");
	T_CHECK(!spf_syntax_check("v=spf1 a:", 9, NULL, 0), "NULL err");

	char out[512];
	for (size_t i = 0; i < sizeof(rrows) / sizeof(rrows[0]); i++) {
		const struct rrow *r = &rrows[i];
		snprintf(ctx, sizeof(ctx), "rewrite row %zu", i);
		T_CHECK(spf_syntax_check(r->rec, strlen(r->rec), NULL, 0), "%s valid", ctx);
		size_t n = spf_record_rewrite(r->rec, strlen(r->rec), r->af, out, sizeof(out));
		T_EQ_INT(n, strlen(r->want), ctx);
		T_EQ_STR(out, r->want, ctx);
		/* the rewrite is itself valid syntax except for the mark's /1 */
	}
	/* output that does not fit: (size_t)-1 */
	T_EQ_INT(spf_record_rewrite("v=spf1 ip4:1.2.3.4/0", 20, AF_INET, out, 20),
		(size_t)-1, "no room");
	return t_done();
}
