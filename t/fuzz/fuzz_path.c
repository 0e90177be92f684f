/*
 * fuzz_path - MAIL/RCPT paths (base/address.h). Input: one flag byte (bit 0
 * MAIL, bit 1 SMTPUTF8), then argv[0]. Invariants: a strict parse fills
 * bounded, terminated fields without CR/LF; the lenient extraction stays in
 * its buffer for every size; the domain pointer lies inside the address.
 */
#include "fuzz.h"

#include <strings.h>

#include "base/address.h"

static void check_extract(const char *arg, size_t size)
{
	char *out = malloc(size ? size : 1);
	if (!out)
		abort();
	memset(out, 'x', size ? size : 1);
	bool got = address_extract(arg, out, size);
	if (size) {
		size_t n = strnlen(out, size);
		FUZZ_ASSERT(n < size);
		if (!got)
			FUZZ_ASSERT(n == 0);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool is_mail = data[0] & 1, utf8 = data[0] & 2;
	char *arg = fuzz_cstr(data + 1, size - 1);
	struct rp_path p;

	enum path_status st = path_parse_strict(arg, is_mail, utf8, &p);
	const char *why = path_status_text(st);
	FUZZ_ASSERT(why && *why && fuzz_printable(why));
	if (st == PATH_OK) {
		size_t ll = strnlen(p.local, sizeof p.local), dl = strnlen(p.domain, sizeof p.domain);
		size_t al = strnlen(p.addr, sizeof p.addr);
		FUZZ_ASSERT(ll < sizeof p.local && dl < sizeof p.domain && al < sizeof p.addr);
		FUZZ_ASSERT(fuzz_no_crlf(p.addr, al) && fuzz_no_crlf(p.local, ll)
			&& fuzz_no_crlf(p.domain, dl));
		FUZZ_ASSERT(arg[0] == '<');
		if (p.null) {
			FUZZ_ASSERT(is_mail && al == 0);
		} else {
			FUZZ_ASSERT(ll >= 1 && ll <= 2 * RP_LOCAL_MAX + 2);
			FUZZ_ASSERT(p.literal == (p.domain[0] == '['));
			/* RCPT "<Postmaster>" is the one path without a domain */
			if (dl == 0)
				FUZZ_ASSERT(!is_mail && strcasecmp(p.local, "postmaster") == 0);
			else
				FUZZ_ASSERT(strchr(p.addr, '@') != NULL);
			if (!utf8)
				for (size_t i = 0; i < al; i++)
					FUZZ_ASSERT((unsigned char)p.addr[i] < 0x80);
			char buf[RP_ADDR_MAX * 2];
			FUZZ_ASSERT(address_extract(arg, buf, sizeof buf));
		}
	}

	static const size_t sizes[] = { 0, 1, 2, 8, 64, RP_ADDR_MAX, RP_ADDR_MAX * 4 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		check_extract(arg, sizes[i]);

	char addr[RP_ADDR_MAX * 4];
	address_extract(arg, addr, sizeof addr);
	const char *dom = address_domain(addr);
	size_t al = strlen(addr);
	FUZZ_ASSERT(*dom == '\0' || (dom > addr && dom <= addr + al && dom[-1] == '@'));
	char local[RP_LOCAL_MAX * 2 + 3];
	address_local(addr, local, sizeof local);
	FUZZ_ASSERT(strnlen(local, sizeof local) < sizeof local);
	char tiny[1];
	address_local(addr, tiny, sizeof tiny);
	FUZZ_ASSERT(tiny[0] == '\0');
	(void)address_non_fqdn(addr, utf8);
	(void)address_non_fqdn(arg, utf8);
	free(arg);
	return 0;
}
