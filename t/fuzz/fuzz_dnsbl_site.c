/*
 * fuzz_dnsbl_site - one [dnsbl] zones entry (dns/dnsbl_site.h). Input: the
 * entry, then (after the first NUL, when there is one) 4-byte A answers.
 * Invariants: a parsed entry formats to text that parses to the same
 * entry; the zone is lower case without a trailing dot; match, classify
 * and score agree with each other.
 */
#include "fuzz.h"

#include <sys/socket.h>

#include "dns/answer.h"
#include "dns/dnsbl_site.h"

static int same(const struct rp_dnsbl_site *a, const struct rp_dnsbl_site *b)
{
	return strcmp(a->zone, b->zone) == 0 && a->has_filter == b->has_filter
		&& a->weight == b->weight
		&& (!a->has_filter || memcmp(a->filter, b->filter, sizeof a->filter) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_cstr(data, size);
	size_t sl = strlen(spec);
	const uint8_t *ans = sl < size ? data + sl + 1 : data + size;
	size_t nans = (size_t)(data + size - ans) / 4;
	struct rp_dnsbl_site s, t;
	char err[256];

	memset(err, 'x', sizeof err);
	if (dnsbl_site_parse(spec, &s, err, sizeof err) != 0) {
		FUZZ_ASSERT(strnlen(err, sizeof err) < sizeof err && fuzz_printable(err));
		free(spec);
		return 0;
	}
	size_t zl = strlen(s.zone);
	FUZZ_ASSERT(zl > 0 && s.zone[zl - 1] != '.');
	for (size_t i = 0; i < zl; i++)
		FUZZ_ASSERT(!(s.zone[i] >= 'A' && s.zone[i] <= 'Z'));

	char text[1024];
	dnsbl_site_format(&s, text, sizeof text);
	FUZZ_ASSERT(fuzz_printable(text));
	int rc = dnsbl_site_parse(text, &t, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "\"%s\" formats as \"%s\": %s\n", spec, text, err);
	else if (!same(&s, &t))
		fprintf(stderr, "\"%s\" formats as \"%s\", another entry\n", spec, text);
	FUZZ_ASSERT(rc == 0 && same(&s, &t));
	dnsbl_site_free(&t);
	char small[12];
	dnsbl_site_format(&s, small, sizeof small);
	FUZZ_ASSERT(strlen(small) < sizeof small);

	struct rp_dns_answer *a = dns_answer_new(nans ? RP_DNS_FOUND : RP_DNS_NOTFOUND, 0, "", 60);
	bool any = false, listed = false, lerr = false;
	for (size_t i = 0; i < nans; i++) {
		struct rp_netaddr ad = { .family = AF_INET };
		memcpy(ad.a, ans + 4 * i, 4);
		bool m = dnsbl_site_match(&s, ad.a);
		if (!s.has_filter)
			FUZZ_ASSERT(m);
		if (!dns_answer_add_addr(a, &ad))
			break;
		any = true;
		if (ad.a[0] == 127 && ad.a[1] == 255 && ad.a[2] == 255)
			lerr = true;
		else if (m)
			listed = true;
	}
	enum rp_dnsbl_answer c = dnsbl_site_classify(&s, a);
	FUZZ_ASSERT(c == (listed ? RP_DNSBL_LISTED : lerr ? RP_DNSBL_LIST_ERROR : RP_DNSBL_NOT_LISTED));
	FUZZ_ASSERT(any || c == RP_DNSBL_NOT_LISTED);
	const struct rp_dns_answer *answers[1] = { a };
	int best;
	int score = dnsbl_score(&s, answers, 1, &best);
	FUZZ_ASSERT(score == (listed ? s.weight : 0));
	FUZZ_ASSERT(best == (listed && s.weight > 0 ? 0 : -1));
	dns_answer_unref(a);
	dnsbl_site_free(&s);
	free(spec);
	return 0;
}
