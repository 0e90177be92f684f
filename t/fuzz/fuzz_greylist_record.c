/*
 * fuzz_greylist_record - a stored greylist record (the LMDB value,
 * greyrec_decode in greylist/store_lmdb.h), as read back from a database
 * file that may be damaged or written by another version, and the
 * decisions taken on it. Input: 8 bytes of "now", then the value.
 * Invariants: a value that decodes has terminated texts and encodes to the
 * same bytes (when its pad byte is 0 and its texts hold no NUL); the
 * decision and expiry rules run on any decoded record without undefined
 * behaviour and give a defined result.
 */
#include "fuzz.h"

#include "greylist/greylist.h"
#include "greylist/store_lmdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	int64_t now;
	memcpy(&now, data, 8);
	const uint8_t *v = data + 8;
	size_t len = size - 8;
	struct grey_record r, r2;

	int rc = greyrec_decode(v, len, &r);
	FUZZ_ASSERT(rc == 0 || rc == -1 || rc == -2);
	if (rc != 0)
		return 0;
	FUZZ_ASSERT(r.state >= GREY_ST_PENDING && r.state <= GREY_ST_CLIENT);
	FUZZ_ASSERT(strnlen(r.client, sizeof r.client) < sizeof r.client);
	FUZZ_ASSERT(strnlen(r.sender, sizeof r.sender) < sizeof r.sender);
	FUZZ_ASSERT(strnlen(r.rcpt, sizeof r.rcpt) < sizeof r.rcpt);

	unsigned char buf[GREY_REC_MAX];
	size_t n = greyrec_encode(&r, buf, sizeof buf);
	FUZZ_ASSERT(n >= GREY_REC_HEADER && n <= len);
	FUZZ_ASSERT(greyrec_decode(buf, n, &r2) == 0);
	FUZZ_ASSERT(r2.state == r.state && r2.flags == r.flags && r2.first_seen == r.first_seen
		&& r2.last_seen == r.last_seen && r2.pass_time == r.pass_time && r2.count == r.count);
	FUZZ_ASSERT(strcmp(r2.client, r.client) == 0 && strcmp(r2.sender, r.sender) == 0
		&& strcmp(r2.rcpt, r.rcpt) == 0);
	if (n == len && v[3] == 0)
		FUZZ_ASSERT(memcmp(buf, v, n) == 0);
	FUZZ_ASSERT(greyrec_encode(&r, buf, n - 1) == 0);

	/* the rules on this record, as the triplet and as the client part */
	struct grey_params p = { 300, 86400 * 2, 86400 * 35, 5, 3600 };
	struct grey_key k;
	memset(&k, 0, sizeof k);
	memcpy(k.client, r.client, sizeof k.client);
	memcpy(k.sender, r.sender, sizeof k.sender);
	memcpy(k.rcpt, r.rcpt, sizeof k.rcpt);
	(void)greylist_expired(&p, (time_t)now, &r);
	for (int as_client = 0; as_client < 2; as_client++) {
		struct grey_record trip = r, cli = r;
		bool tf = true, cf = as_client;
		struct grey_verdict verdict;
		memset(&verdict, 0, sizeof verdict);
		unsigned w = greylist_decide(&p, (time_t)now, &k, &trip, &tf, &cli, &cf, &verdict);
		FUZZ_ASSERT((w & ~(unsigned)(GREY_W_TRIPLET | GREY_W_CLIENT)) == 0);
		FUZZ_ASSERT(verdict.result >= GREY_NEW && verdict.result <= GREY_TEMP);
		FUZZ_ASSERT(verdict.result != GREY_TEMP);
		FUZZ_ASSERT(greylist_result_name(verdict.result) != NULL);
		if (w & GREY_W_TRIPLET)
			FUZZ_ASSERT(tf && trip.state >= GREY_ST_PENDING && trip.state <= GREY_ST_PASSED);
		(void)greylist_expired(&p, (time_t)now, &trip);
		(void)greylist_expired(&p, (time_t)now, &cli);
	}
	return 0;
}
