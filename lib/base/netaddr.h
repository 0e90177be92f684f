/*
 * netaddr - IPv4/IPv6 addresses and CIDR sets: parse, format, mask, match,
 * reverse (PTR / DNSBL) names.
 *
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is stored as IPv4, so that
 * a client Postfix reports either way matches the same CIDR rules.
 * Pure functions; safe from any thread.
 */
#ifndef RAMPART_NETADDR_H
#define RAMPART_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

#define RP_ADDRSTRLEN 46 /* INET6_ADDRSTRLEN */

struct rp_netaddr {
	int family;              /* AF_INET or AF_INET6 */
	unsigned char a[16];     /* network order; IPv4 uses a[0..3] */
};

struct rp_cidr {
	struct rp_netaddr net;   /* host bits cleared */
	unsigned prefix;         /* 0..32 or 0..128 */
};

struct rp_cidrlist {
	size_t n;
	struct rp_cidr *v;
};

/* Parse "192.0.2.1", "2001:db8::1", "IPv6:2001:db8::1" (Postfix macro
 * form) or "::ffff:192.0.2.1" (stored as IPv4). Returns 0, or -1 if invalid. */
int netaddr_parse(const char *s, struct rp_netaddr *out);
/* An AF_INET / AF_INET6 socket address (getifaddrs, accept); -1 for any
 * other family or NULL. */
struct sockaddr;
int netaddr_from_sockaddr(const struct sockaddr *sa, struct rp_netaddr *out);
/* Canonical text form (inet_ntop); IPv6 without "IPv6:" prefix. */
void netaddr_format(const struct rp_netaddr *a, char *buf, size_t size);
/* Clear all but the first prefix bits. */
void netaddr_mask(struct rp_netaddr *a, unsigned prefix);
bool netaddr_equal(const struct rp_netaddr *a, const struct rp_netaddr *b);
bool netaddr_is_loopback(const struct rp_netaddr *a);
/*
 * Reverse form without a trailing zone: "1.2.0.192" for 192.0.2.1, the 32
 * dot-separated nibbles for IPv6. Append ".in-addr.arpa" / ".ip6.arpa" for
 * PTR, or ".ZONE" for a DNSBL. Returns 0, or -1 if size is too small (74
 * bytes always suffice).
 */
int netaddr_reverse(const struct rp_netaddr *a, char *buf, size_t size);

/* "10.0.0.0/8", "2001:db8::/32", or a bare address (full-length prefix).
 * Host bits set beyond the prefix are an error, as in Postfix mynetworks. */
int cidr_parse(const char *s, struct rp_cidr *out);
bool cidr_match(const struct rp_cidr *c, const struct rp_netaddr *a);
void cidrlist_add(struct rp_cidrlist *l, const struct rp_cidr *c);
bool cidrlist_match(const struct rp_cidrlist *l, const struct rp_netaddr *a);
void cidrlist_free(struct rp_cidrlist *l);

#endif
