/*
 * fuzz_greylist_text - the [greylist] text template (greylist.h). Input:
 * 8 bytes of seconds, then "template\0recipient-domain". A template that
 * greylist_text_check accepts is expanded for the domain into buffers of
 * several sizes. Invariants: the expansion is printable ASCII (no CR/LF:
 * it goes into an SMTP reply), terminated inside its buffer, and the
 * domain shows as at most 64 octets.
 */
#include "fuzz.h"

#include "greylist/greylist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	unsigned long secs;
	uint64_t raw;
	memcpy(&raw, data, 8);
	secs = (unsigned long)raw;
	size_t len = size - 8;
	char *in = fuzz_cstr(data + 8, len);
	size_t tl = strlen(in);
	const char *dom = tl < len ? in + tl + 1 : "";
	char err[200];

	memset(err, 'x', sizeof err);
	if (greylist_text_check(in, err, sizeof err) != 0) {
		FUZZ_ASSERT(strnlen(err, sizeof err) < sizeof err && fuzz_printable(err));
		free(in);
		return 0;
	}
	FUZZ_ASSERT(tl >= 1 && tl <= GREY_TEXT_MAX && fuzz_printable(in));
	static const size_t sizes[] = { 1, 2, 7, 64, 256, 512, 4096 };
	char full[8192];
	greylist_text(in, secs, dom, full, sizeof full);
	FUZZ_ASSERT(fuzz_printable(full));
	size_t fl = strlen(full);
	/* every piece is at most max(20 digits, 64 domain octets) per 2 template octets */
	FUZZ_ASSERT(fl <= tl * 64);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *out = malloc(sizes[i]);
		if (!out)
			abort();
		greylist_text(in, secs, dom, out, sizes[i]);
		size_t ol = strnlen(out, sizes[i]);
		FUZZ_ASSERT(ol < sizes[i] && fuzz_printable(out));
		FUZZ_ASSERT(strncmp(out, full, ol) == 0);
		free(out);
	}
	char dflt[512];
	greylist_text(NULL, secs, dom, dflt, sizeof dflt);
	FUZZ_ASSERT(fuzz_printable(dflt));
	free(in);
	return 0;
}
