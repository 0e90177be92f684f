/*
 * dnsbl_site - one entry of [dnsbl] zones, postscreen's syntax
 * "zone[=filter][*weight]" (postfix-semantics B):
 *   filter  four dot-separated octet patterns; each is a number 0..255 or
 *           "[" items "]" where items are numbers or ranges "n..m"
 *           separated by ';'  (e.g. 127.0.0.[2..11;15])
 *   weight  an integer, default 1; negative weights make an allow list.
 * The parser splits "*weight" first, then "=filter". Pure; any thread.
 */
#ifndef RAMPART_DNSBL_SITE_H
#define RAMPART_DNSBL_SITE_H

#include <stdbool.h>
#include <stddef.h>

struct rp_dnsbl_site {
	char *zone;          /* lower case, no trailing dot */
	bool has_filter;
	unsigned char filter[4][32]; /* bitmap of accepted values per octet */
	int weight;
};

/* Parse one entry; 0 on success, -1 with a message in err ("expected
 * zone[=a.b.c.d][*weight]..."). */
int dnsbl_site_parse(const char *spec, struct rp_dnsbl_site *out, char *err, size_t errsize);
/* Does an A answer (4 bytes) match this site's filter (any answer when no filter)? */
bool dnsbl_site_match(const struct rp_dnsbl_site *s, const unsigned char a[4]);
void dnsbl_site_free(struct rp_dnsbl_site *s);
struct rp_dns_answer;

/* How one site's A answer counts. */
enum rp_dnsbl_answer {
	RP_DNSBL_NOT_LISTED,     /* NXDOMAIN/NODATA, or no answer passes the filter */
	RP_DNSBL_LISTED,         /* an answer outside 127.255.255.0/24 passes the filter */
	RP_DNSBL_LIST_ERROR,     /* only 127.255.255.x answers: "query refused", not a listing */
	RP_DNSBL_LOOKUP_ERROR,   /* temporary or malformed: counts as not listed */
};
enum rp_dnsbl_answer dnsbl_site_classify(const struct rp_dnsbl_site *s, const struct rp_dns_answer *a);
/*
 * postscreen's score over n sites: the sum of the weights of the listed
 * sites (each counts once, whatever its number of answers). answers[i] is
 * site i's answer, or NULL when it was not asked. *best is the listed site
 * with the largest positive weight (the first of equals), or -1.
 */
int dnsbl_score(const struct rp_dnsbl_site *sites, const struct rp_dns_answer *const *answers,
	size_t n, int *best);

/* "zone=filter*weight" as given, for -d output. */
void dnsbl_site_format(const struct rp_dnsbl_site *s, char *buf, size_t size);

#endif
