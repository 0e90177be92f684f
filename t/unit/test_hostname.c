/*
 * test_hostname - hostname_valid, helo_validity, helo_non_fqdn,
 * domain_is_fqdn and the address-literal helpers, table-driven.
 */
#include "base/hostname.h"
#include "test.h"
#include "base/util.h"

#include <stdbool.h>
#include <string.h>

/* Long names, built before the tables are walked. */
static char lbl63[128], lbl64[128], tot255[300], tot256[300], tot255dot[300];
static char utf63[128], utf66[128];

static void make_label(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

/* Labels of the given lengths joined by dots. */
static void make_name(char *buf, const size_t *lens, size_t n)
{
	char *p = buf;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = '.';
		memset(p, 'a' + (int)i, lens[i]);
		p += lens[i];
	}
	*p = '\0';
}

static void build_long_names(void)
{
	static const size_t l255[] = { 63, 63, 63, 61, 1 };
	static const size_t l256[] = { 63, 63, 63, 62, 1 };

	make_label(lbl63, 'x', 63);
	strcat(lbl63, ".example");
	make_label(lbl64, 'x', 64);
	strcat(lbl64, ".example");
	make_name(tot255, l255, 5);
	make_name(tot256, l256, 5);
	make_name(tot255dot, l255, 5);
	strcat(tot255dot, ".");
	utf63[0] = utf66[0] = '\0';
	for (int i = 0; i < 21; i++)
		strcat(utf63, "\xe2\x82\xac"); /* U+20AC, 3 octets */
	strcpy(utf66, utf63);
	strcat(utf66, "\xe2\x82\xac");
	strcat(utf63, ".example");
	strcat(utf66, ".example");
}

struct name_case {
	const char *name;
	bool host_valid;            /* hostname_valid */
	enum helo_validity helo;    /* helo_validity */
	bool non_fqdn;              /* helo_non_fqdn(name, false) */
	bool non_fqdn_utf8;         /* helo_non_fqdn(name, true) */
};

#define V HELO_VALID
#define IN HELO_INVALID_NAME
#define IL HELO_INVALID_LITERAL

static const struct name_case names[] = {
	/* ordinary names and the trailing dot */
	{ "mail.example.com", true, V, false, false },
	{ "mail.example.com.", false, V, false, false },
	{ "mail.example.com..", false, IN, true, true },
	{ "EXAMPLE.COM", true, V, false, false },
	{ "a.b", true, V, false, false },
	{ "localhost", true, V, true, true },
	{ "localhost.", false, V, true, true },
	{ "lan-32204df3031", true, V, true, true },
	{ "xn--bcher-kva.example", true, V, false, false },
	/* all-numeric names and bare addresses */
	{ "123", false, IN, true, true },
	{ "123.456", false, IN, true, true },
	{ "123.example", true, V, false, false },
	{ "example.123", true, V, false, false },
	{ "1a.example", true, V, false, false },
	{ "1-2", true, V, true, true },
	{ "1.2.3.4", false, V, true, true },
	{ "1.2.3.4.", false, V, true, true },
	{ "01.2.3.4", false, V, true, true },
	{ "0.0.0.0", false, V, true, true },
	{ "0.1.2.3", false, IN, true, true },
	{ "1.2.3.256", false, IN, true, true },
	{ "1.2.3", false, IN, true, true },
	{ "1.2.3.4.5", false, IN, true, true },
	{ "2001:db8::1", false, V, true, true },
	{ "::1", false, V, true, true },
	{ "1:2:3", false, IN, true, true },
	/* underscore and hyphens */
	{ "_", true, V, true, true },
	{ "my_host.example.com", true, V, false, false },
	{ "ma--il.example.com", true, V, false, false },
	{ "a-b.c-d", true, V, false, false },
	{ "-", false, IN, true, true },
	{ "a-", false, IN, true, true },
	{ "-mail.example.com", false, IN, true, true },
	{ "mail-.example.com", false, IN, true, true },
	{ "mail.-example.com", false, IN, true, true },
	{ "mail.example-.com", false, IN, true, true },
	{ "-.example", false, IN, true, true },
	/* empty labels */
	{ "", false, IN, true, true },
	{ ".", false, IN, true, true },
	{ "..", false, IN, true, true },
	{ ".example.com", false, IN, true, true },
	{ "mail..example.com", false, IN, true, true },
	/* lengths */
	{ lbl63, true, V, false, false },
	{ lbl64, false, IN, true, true },
	{ tot255, true, V, false, false },
	{ tot256, false, IN, true, true },
	{ tot255dot, false, V, false, false },
	/* address literals */
	{ "[1.2.3.4]", false, V, false, false },
	{ "[01.2.3.4]", false, V, false, false },
	{ "[0.0.0.0]", false, V, false, false },
	{ "[1.2.3.256]", false, IL, true, true },
	{ "[1.2.3]", false, IL, true, true },
	{ "[IPv6:2001:db8::1]", false, V, false, false },
	{ "[ipv6:::1]", false, V, false, false },
	{ "[IPV6:::ffff:192.0.2.1]", false, V, false, false },
	{ "[::1]", false, IL, true, true },
	{ "[2001:db8::1]", false, IL, true, true },
	{ "[1.2.3.4", false, IL, true, true },
	{ "[IPv6:2001:db8::1", false, IL, true, true },
	{ "[1.2.3.4].", false, IL, true, true },
	{ "[]", false, IL, true, true },
	{ "[", false, IL, true, true },
	{ "[[1.2.3.4]]", false, IL, true, true },
	{ "[ 1.2.3.4]", false, IL, true, true },
	{ "[mail.example.com]", false, IL, true, true },
	{ "[IPv6:1.2.3.4]", false, IL, true, true },
	{ "[IPv6:1:2:3]", false, IL, true, true },
	{ "[IPv6:2001:db8::1:2:3:4:5:6]", false, IL, true, true },
	{ "[IPv6:1:2:3:4:5:6:7:8]", false, V, false, false },
	{ "[IPv6:1::2::3]", false, IL, true, true },
	{ "[IPv6:fe80::1%eth0]", false, IL, true, true },
	{ "[IPv6:12345::1]", false, IL, true, true },
	/* spaces, control bytes, other punctuation */
	{ "mail example.com", false, IN, true, true },
	{ " mail.example.com", false, IN, true, true },
	{ "mail.example.com ", false, IN, true, true },
	{ "mail.example.com\r\n", false, IN, true, true },
	{ "mail\x01.example.com", false, IN, true, true },
	{ "mail.exa\tmple.com", false, IN, true, true },
	{ "mail.example.com:25", false, IN, true, true },
	{ "user@example.com", false, IN, true, true },
	{ "*.example.com", false, IN, true, true },
	{ "mail.example.com/", false, IN, true, true },
	/* non-ASCII: never for hostname_valid / helo_validity; UTF-8 with SMTPUTF8 */
	{ "b\xc3\xbc" "cher.example", false, IN, true, false },
	{ "b\xc3\xbc" "cher.example.", false, IN, true, false },
	{ "b\xc3\xbc" "cher", false, IN, true, true },
	{ "b\xfc" "cher.example", false, IN, true, true },
	{ "\xc0\xaf.example", false, IN, true, true },
	{ "\xed\xa0\x80.example", false, IN, true, true },
	{ "\xf4\x90\x80\x80.example", false, IN, true, true },
	{ "\xe2\x82.example", false, IN, true, true },
	{ "\xe2\x82\xac-\xe2\x82\xac.example", false, IN, true, false },
	{ "\xe2\x82\xac-.example", false, IN, true, true },
	{ "\xf0\x9f\x93\xa7.example", false, IN, true, false },
	{ utf63, false, IN, true, false },
	{ utf66, false, IN, true, true },
};

struct addr_case {
	const char *s;
	bool v4;        /* hostaddr_valid_v4 */
	bool v6;        /* hostaddr_valid_v6 */
	bool literal;   /* hostaddr_literal_valid */
};

static const struct addr_case addrs[] = {
	{ "192.0.2.1", true, false, true },
	{ "255.255.255.255", true, false, true },
	{ "256.0.0.1", false, false, false },
	{ "1.2.3", false, false, false },
	{ "1.2.3.4.", false, false, false },
	{ ".1.2.3.4", false, false, false },
	{ "1..2.3", false, false, false },
	{ "0.0.0.0", true, false, true },
	{ "00.0.0.0", true, false, true },
	{ "0.0.0.1", false, false, false },
	{ "1.2.3.4a", false, false, false },
	{ "", false, false, false },
	{ "::", false, true, false },
	{ "::1", false, true, false },
	{ "1::", false, true, false },
	{ "2001:db8::1", false, true, false },
	{ "2001:DB8:0:0:0:0:0:1", false, true, false },
	{ "::ffff:1.2.3.4", false, true, false },
	{ "1:2:3:4:5:6:1.2.3.4", false, true, false },
	{ "1:2:3:4:5:6:7:1.2.3.4", false, false, false },
	{ ":1::2", false, false, false },
	{ "1:2:", false, false, false },
	{ "1:", false, false, false },
	{ "1:2:3:4:5:6:7:8:9", false, false, false },
	{ "::g", false, false, false },
	{ "IPv6:::1", false, false, true },
	{ "ipv6:2001:db8::1", false, false, true },
	{ "IPv6:1.2.3.4", false, false, false },
	{ "IPv6:", false, false, false },
	{ "IPv4:1.2.3.4", false, false, false },
};

struct fqdn_case {
	const char *domain;
	bool fqdn;        /* domain_is_fqdn(d, false) */
	bool fqdn_utf8;   /* domain_is_fqdn(d, true) */
};

static const struct fqdn_case fqdns[] = {
	{ "example.com", true, true },
	{ "example.com.", true, true },
	{ "example.com..", false, false },
	{ "example", false, false },
	{ "example.", false, false },
	{ "", false, false },
	{ "[192.0.2.1]", false, false },
	{ "1.2.3.4", false, false },
	{ "b\xc3\xbc" "cher.example", false, true },
	{ "b\xfc" "cher.example", false, false },
};

int main(void)
{
	char ctx[400];

	build_long_names();
	T_EQ_INT(strlen(tot255), 255, "tot255 length");
	T_EQ_INT(strlen(tot256), 256, "tot256 length");
	T_EQ_INT(strlen(utf63), 63 + 8, "utf63 length");

	for (size_t i = 0; i < RP_ARRAY_LEN(names); i++) {
		const struct name_case *c = &names[i];
		rp_printable(ctx, 80, c->name);
		snprintf(ctx + strlen(ctx), sizeof ctx - strlen(ctx), " (row %zu)", i);
		T_EQ_INT(hostname_valid(c->name), c->host_valid, ctx);
		T_EQ_INT(helo_validity(c->name), c->helo, ctx);
		T_EQ_INT(helo_non_fqdn(c->name, false), c->non_fqdn, ctx);
		T_EQ_INT(helo_non_fqdn(c->name, true), c->non_fqdn_utf8, ctx);
		/* with ASCII names, the UTF-8 variant agrees with the plain one */
		bool ascii = true;
		for (const char *p = c->name; *p; p++)
			if ((unsigned char)*p >= 0x80)
				ascii = false;
		if (ascii)
			T_EQ_INT(hostname_valid_utf8(c->name), c->host_valid, ctx);
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(addrs); i++) {
		const struct addr_case *c = &addrs[i];
		T_EQ_INT(hostaddr_valid_v4(c->s), c->v4, c->s);
		T_EQ_INT(hostaddr_valid_v6(c->s), c->v6, c->s);
		T_EQ_INT(hostaddr_literal_valid(c->s), c->literal, c->s);
	}
	for (size_t i = 0; i < RP_ARRAY_LEN(fqdns); i++) {
		const struct fqdn_case *c = &fqdns[i];
		rp_printable(ctx, 80, c->domain);
		T_EQ_INT(domain_is_fqdn(c->domain, false), c->fqdn, ctx);
		T_EQ_INT(domain_is_fqdn(c->domain, true), c->fqdn_utf8, ctx);
	}

	/* NULL is never valid and never crashes */
	T_EQ_INT(hostname_valid(NULL), false, "hostname_valid(NULL)");
	T_EQ_INT(helo_validity(NULL), HELO_INVALID_NAME, "helo_validity(NULL)");
	T_EQ_INT(helo_non_fqdn(NULL, false), true, "helo_non_fqdn(NULL)");
	T_EQ_INT(hostaddr_literal_valid(NULL), false, "literal(NULL)");

	/* UTF-8 character lengths */
	T_EQ_INT(hostname_utf8_char("a"), 0, "ASCII");
	T_EQ_INT(hostname_utf8_char(""), 0, "NUL");
	T_EQ_INT(hostname_utf8_char("\xc3\xbc"), 2, "U+00FC");
	T_EQ_INT(hostname_utf8_char("\xe2\x82\xac"), 3, "U+20AC");
	T_EQ_INT(hostname_utf8_char("\xf0\x9f\x93\xa7"), 4, "U+1F4E7");
	T_EQ_INT(hostname_utf8_char("\xc3"), 0, "truncated");
	T_EQ_INT(hostname_utf8_char("\xe0\x80\xaf"), 0, "overlong 3");
	T_EQ_INT(hostname_utf8_char("\xf0\x80\x80\xaf"), 0, "overlong 4");
	T_EQ_INT(hostname_utf8_char("\xef\xbf\xbf"), 3, "U+FFFF");
	T_EQ_INT(hostname_utf8_char("\xf4\x8f\xbf\xbf"), 4, "U+10FFFF");
	T_EQ_INT(hostname_utf8_char("\x80"), 0, "lone continuation");
	return t_done();
}
