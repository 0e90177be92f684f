/*
 * fuzz_hostname - host names, HELO arguments, address literals
 * (base/hostname.h). Input: the text. Invariants: the stricter checks imply
 * the looser ones, and what is called a valid address parses as one.
 */
#include "fuzz.h"

#include <sys/socket.h>

#include "base/hostname.h"
#include "base/netaddr.h"

static int only_hostchars(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')
		      || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	size_t len = strlen(s);
	struct rp_netaddr a;

	bool valid = hostname_valid(s);
	bool valid8 = hostname_valid_utf8(s);
	if (valid) {
		FUZZ_ASSERT(valid8);
		FUZZ_ASSERT(len >= 1 && len <= 255 && only_hostchars(s));
		FUZZ_ASSERT(s[0] != '.' && s[len - 1] != '.' && !strstr(s, ".."));
		FUZZ_ASSERT(helo_validity(s) == HELO_VALID);
		if (len <= 253)
			FUZZ_ASSERT(domain_syntax_ok(s));
	}
	if (valid8)
		FUZZ_ASSERT(len >= 1 && len <= 255);
	for (size_t i = 0; i < len; i++) {
		size_t n = hostname_utf8_char(s + i);
		FUZZ_ASSERT(n == 0 || (n >= 2 && n <= 4 && n <= len - i));
		if (n)
			FUZZ_ASSERT((unsigned char)s[i] >= 0x80);
	}
	if (domain_syntax_ok(s))
		FUZZ_ASSERT(len >= 1 && len <= 253 && only_hostchars(s));
	if (hostaddr_valid_v4(s)) {
		/* no netaddr_parse: Postfix allows leading zeros ("012.1.1.1"),
		 * inet_pton does not */
		FUZZ_ASSERT(hostaddr_literal_valid(s));
	}
	if (hostaddr_valid_v6(s))
		FUZZ_ASSERT(netaddr_parse(s, &a) == 0);
	(void)hostaddr_literal_valid(s);

	enum helo_validity hv = helo_validity(s);
	FUZZ_ASSERT(hv == HELO_VALID || hv == HELO_INVALID_NAME || hv == HELO_INVALID_LITERAL);
	bool nf = helo_non_fqdn(s, false);
	bool nf8 = helo_non_fqdn(s, true);
	if (!nf)
		FUZZ_ASSERT(!nf8);   /* utf8 only widens what is accepted */
	bool fq = domain_is_fqdn(s, false);
	bool fq8 = domain_is_fqdn(s, true);
	if (fq) {
		FUZZ_ASSERT(fq8);
		FUZZ_ASSERT(strchr(s, '.') != NULL);
	}
	free(s);
	return 0;
}
