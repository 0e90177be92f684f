/*
 * netaddr - IPv4/IPv6 addresses and CIDR sets (see netaddr.h).
 *
 * Owns no shared state: every function is reentrant and may be called from
 * any thread; an rp_cidrlist belongs to its owner (the config snapshot,
 * read-only once loaded). Text is parsed and printed with inet_pton() and
 * inet_ntop(); reverse names come from ldns. int functions return 0 on
 * success and -1 on invalid input or a too small buffer.
 *
 * CIDR text: ADDR or ADDR/PREFIX, PREFIX one to three decimal digits
 * ("/08" is 8) not above 32 (IPv4) or 128 (IPv6); no blanks, signs or
 * trailing text; host bits beyond the prefix are an error. An IPv4-mapped
 * IPv6 network (::ffff:10.0.0.0/104) becomes the IPv4 network 10.0.0.0/8;
 * its prefix must then be at least 96.
 */
#include "base/netaddr.h"

#include "base/util.h"

#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const unsigned char v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

static size_t addr_len(const struct rp_netaddr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static unsigned addr_bits(const struct rp_netaddr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

int netaddr_from_sockaddr(const struct sockaddr *sa, struct rp_netaddr *out)
{
	memset(out, 0, sizeof *out);
	if (sa && sa->sa_family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->a, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa && sa->sa_family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->a, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

int netaddr_parse(const char *s, struct rp_netaddr *out)
{
	unsigned char buf[16];

	memset(out, 0, sizeof *out);
	if (!s)
		return -1;
	if (inet_pton(AF_INET, s, buf) == 1) {
		out->family = AF_INET;
		memcpy(out->a, buf, 4);
		return 0;
	}
	if (strncasecmp(s, "IPv6:", 5) == 0)
		s += 5;
	if (inet_pton(AF_INET6, s, buf) != 1)
		return -1;
	if (memcmp(buf, v4mapped_prefix, sizeof v4mapped_prefix) == 0) {
		out->family = AF_INET;
		memcpy(out->a, buf + 12, 4);
	} else {
		out->family = AF_INET6;
		memcpy(out->a, buf, 16);
	}
	return 0;
}

void netaddr_format(const struct rp_netaddr *a, char *buf, size_t size)
{
	char tmp[RP_ADDRSTRLEN];

	if (size == 0)
		return;
	if ((a->family != AF_INET && a->family != AF_INET6) ||
	    !inet_ntop(a->family, a->a, tmp, sizeof tmp))
		tmp[0] = '\0';
	rp_strlcpy(buf, tmp, size);
}

void netaddr_mask(struct rp_netaddr *a, unsigned prefix)
{
	unsigned bits = addr_bits(a);
	size_t i;

	if (prefix >= bits)
		return;
	i = prefix / 8;
	if (prefix % 8)
		a->a[i++] &= (unsigned char)(0xff << (8 - prefix % 8));
	memset(a->a + i, 0, sizeof a->a - i);
}

bool netaddr_equal(const struct rp_netaddr *a, const struct rp_netaddr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, addr_len(a)) == 0;
}

bool netaddr_is_loopback(const struct rp_netaddr *a)
{
	static const unsigned char v6_loop[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->a[0] == 127;
	return a->family == AF_INET6 && memcmp(a->a, v6_loop, 16) == 0;
}

int netaddr_reverse(const struct rp_netaddr *a, char *buf, size_t size)
{
	ldns_rdf *addr, *rev = NULL;
	char *text = NULL;
	const char *suffix;
	size_t len, slen;
	int rc = -1;

	if (size)
		buf[0] = '\0';
	if (a->family == AF_INET) {
		addr = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, a->a);
		suffix = ".in-addr.arpa.";
	} else if (a->family == AF_INET6) {
		addr = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, 16, a->a);
		suffix = ".ip6.arpa.";
	} else {
		return -1;
	}
	if (addr)
		rev = ldns_rdf_address_reverse(addr);
	if (rev)
		text = ldns_rdf2str(rev);
	if (text) {
		len = strlen(text);
		slen = strlen(suffix);
		if (len > slen && strcasecmp(text + len - slen, suffix) == 0 &&
		    len - slen < size) {
			memcpy(buf, text, len - slen);
			buf[len - slen] = '\0';
			rc = 0;
		}
	}
	free(text);
	if (rev)
		ldns_rdf_deep_free(rev);
	if (addr)
		ldns_rdf_deep_free(addr);
	return rc;
}

/* PREFIX text after the '/': 1..3 digits. Returns the value or -1. */
static int parse_prefix(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > 3 || s[n] != '\0')
		return -1;
	return atoi(s);
}

int cidr_parse(const char *s, struct rp_cidr *out)
{
	char text[RP_ADDRSTRLEN + 6]; /* room for an "IPv6:" tag */
	const char *slash;
	size_t len;
	int prefix = -1;
	struct rp_netaddr masked;

	memset(out, 0, sizeof *out);
	if (!s)
		return -1;
	slash = strchr(s, '/');
	len = slash ? (size_t)(slash - s) : strlen(s);
	if (len == 0 || len >= sizeof text)
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	if (netaddr_parse(text, &out->net) != 0)
		return -1;
	if (slash) {
		if ((prefix = parse_prefix(slash + 1)) < 0)
			return -1;
		/* a mapped address typed as IPv6: its prefix counts 128 bits */
		if (out->net.family == AF_INET && strchr(text, ':')) {
			if (prefix < 96)
				return -1;
			prefix -= 96;
		}
		if ((unsigned)prefix > addr_bits(&out->net))
			return -1;
		out->prefix = (unsigned)prefix;
	} else {
		out->prefix = addr_bits(&out->net);
	}
	masked = out->net;
	netaddr_mask(&masked, out->prefix);
	if (!netaddr_equal(&masked, &out->net))
		return -1; /* host bits set */
	return 0;
}

bool cidr_match(const struct rp_cidr *c, const struct rp_netaddr *a)
{
	struct rp_netaddr m;

	if (c->net.family != a->family)
		return false;
	m = *a;
	netaddr_mask(&m, c->prefix);
	return netaddr_equal(&m, &c->net);
}

void cidrlist_add(struct rp_cidrlist *l, const struct rp_cidr *c)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = *c;
}

bool cidrlist_match(const struct rp_cidrlist *l, const struct rp_netaddr *a)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (cidr_match(&l->v[i], a))
			return true;
	return false;
}

void cidrlist_free(struct rp_cidrlist *l)
{
	if (!l)
		return;
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
