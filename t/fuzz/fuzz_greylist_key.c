/*
 * fuzz_greylist_key - the greylist key's normalisation (greylist.h):
 * sender (BATV, SRS, +extension, numbers), recipient and client part.
 * Input: 2 bytes of netmasks, then "sender\0recipient\0spf-domain".
 * Invariants: outputs are terminated, never longer than reported nor
 * than their buffer, hold no upper-case ASCII, and normalising twice
 * changes nothing more (for the recipient).
 */
#include "fuzz.h"

#include "greylist/greylist.h"

static void check_out(const char *out, size_t n, size_t size)
{
	FUZZ_ASSERT(n < size && strlen(out) == n);
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT(!(out[i] >= 'A' && out[i] <= 'Z'));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned m4 = data[0], m6 = data[1];
	size_t len = size - 2, pos = 0;
	char *in = fuzz_cstr(data + 2, len);
	const char *f[3] = { "", "", "" };
	for (int i = 0; i < 3 && pos <= len; i++) {
		f[i] = in + pos;
		pos += strlen(in + pos) + 1;
	}
	const char *sender = f[0], *rcpt = f[1], *spf = f[2];

	char s[GREY_ADDR_MAX], r[GREY_ADDR_MAX], again[GREY_ADDR_MAX], tiny[4];
	size_t n = greylist_normalize_sender(sender, s, sizeof s);
	check_out(s, n, sizeof s);
	n = greylist_normalize_sender(sender, tiny, sizeof tiny);
	check_out(tiny, n, sizeof tiny);
	n = greylist_normalize_rcpt(rcpt, r, sizeof r);
	check_out(r, n, sizeof r);
	if (r[0] != '<') {
		size_t m = greylist_normalize_rcpt(r, again, sizeof again);
		FUZZ_ASSERT(m == n && strcmp(again, r) == 0);
	}
	n = greylist_normalize_rcpt(rcpt, tiny, sizeof tiny);
	check_out(tiny, n, sizeof tiny);

	struct rp_netaddr a;
	char client[GREY_CLIENT_MAX];
	if (netaddr_parse(spf, &a) == 0) {
		FUZZ_ASSERT(greylist_client_part(&a, m4, m6, NULL, client, sizeof client) == 0);
		FUZZ_ASSERT(strchr(client, '/') != NULL && strlen(client) < sizeof client);
	}
	if (spf[0]) {
		memset(&a, 0, sizeof a);
		a.family = 4242;
		FUZZ_ASSERT(greylist_client_part(&a, m4, m6, spf, client, sizeof client) == 0);
		FUZZ_ASSERT(strncmp(client, "spf:", 4) == 0 && strlen(client) < sizeof client);
		unsigned char h1[GREY_HASH_LEN], h2[GREY_HASH_LEN];
		greylist_hash_client(client, h1);
		greylist_hash_triplet(client, s, r, h2);
		FUZZ_ASSERT(memcmp(h1, h2, GREY_HASH_LEN) != 0);
	}
	free(in);
	return 0;
}
