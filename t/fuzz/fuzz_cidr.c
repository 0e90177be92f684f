/*
 * fuzz_cidr - addresses and CIDR blocks (base/netaddr.h). Input: the text.
 * Invariants: a formatted address or block parses back to the same value;
 * a block matches its own network; the reverse name fits 74 bytes and
 * never overruns a smaller buffer.
 */
#include "fuzz.h"

#include <sys/socket.h>

#include "base/netaddr.h"

static void check_reverse(const struct rp_netaddr *a)
{
	char full[74];
	FUZZ_ASSERT(netaddr_reverse(a, full, sizeof full) == 0);
	size_t n = strlen(full);
	FUZZ_ASSERT(n == (a->family == AF_INET ? strlen(full) : 63));
	FUZZ_ASSERT(fuzz_no_crlf(full, n));
	for (size_t size = 1; size <= n + 1; size += (size < 8 ? 1 : 7)) {
		char *b = malloc(size);
		if (!b)
			abort();
		int rc = netaddr_reverse(a, b, size);
		if (rc == 0)
			FUZZ_ASSERT(strcmp(b, full) == 0);
		free(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct rp_netaddr a, b;
	struct rp_cidr c, d;
	char text[RP_ADDRSTRLEN + 8];

	if (netaddr_parse(s, &a) == 0) {
		FUZZ_ASSERT(a.family == AF_INET || a.family == AF_INET6);
		netaddr_format(&a, text, sizeof text);
		FUZZ_ASSERT(netaddr_parse(text, &b) == 0 && netaddr_equal(&a, &b));
		char small[8];
		netaddr_format(&a, small, sizeof small);
		FUZZ_ASSERT(strnlen(small, sizeof small) < sizeof small);
		check_reverse(&a);
		(void)netaddr_is_loopback(&a);
		unsigned max = a.family == AF_INET ? 32 : 128;
		unsigned pre = size ? data[size - 1] % (max + 1) : max;
		b = a;
		netaddr_mask(&b, pre);
		struct rp_cidr m = { b, pre };
		FUZZ_ASSERT(cidr_match(&m, &a));
		netaddr_format(&b, text, sizeof text);
		char block[RP_ADDRSTRLEN + 16];
		snprintf(block, sizeof block, "%s/%u", text, pre);
		FUZZ_ASSERT(cidr_parse(block, &d) == 0 && d.prefix == pre && netaddr_equal(&d.net, &b));
	}
	if (cidr_parse(s, &c) == 0) {
		unsigned max = c.net.family == AF_INET ? 32 : 128;
		FUZZ_ASSERT(c.prefix <= max);
		FUZZ_ASSERT(cidr_match(&c, &c.net));
		netaddr_format(&c.net, text, sizeof text);
		char block[RP_ADDRSTRLEN + 16];
		snprintf(block, sizeof block, "%s/%u", text, c.prefix);
		FUZZ_ASSERT(cidr_parse(block, &d) == 0);
		FUZZ_ASSERT(d.prefix == c.prefix && netaddr_equal(&d.net, &c.net));
		b = c.net;
		netaddr_mask(&b, c.prefix);
		FUZZ_ASSERT(netaddr_equal(&b, &c.net));
		struct rp_cidrlist l = { 0, NULL };
		cidrlist_add(&l, &c);
		FUZZ_ASSERT(cidrlist_match(&l, &c.net));
		cidrlist_free(&l);
	}
	free(s);
	return 0;
}
