/*
 * fuzz_access - the access file (tables/access.h). Input: the file, loaded
 * from an in-memory file with access_load; then every word of the input is
 * looked up as a client (address and name), a HELO, a sender and a
 * recipient. Invariants: every error is one line of printable text naming
 * the file; a match names a line of the file and carries a printable text
 * of at most 400 octets.
 */
#include "fuzz.h"

#include "tables/access.h"

#define MAX_WORDS 24

static void check_result(const struct rp_access_result *r, unsigned lines)
{
	FUZZ_ASSERT(r->act >= RP_ACC_NONE && r->act <= RP_ACC_SKIP);
	if (r->act == RP_ACC_NONE)
		return;
	FUZZ_ASSERT(r->line >= 1 && r->line <= lines);
	if (r->text) {
		FUZZ_ASSERT(r->act == RP_ACC_REJECT || r->act == RP_ACC_DEFER);
		FUZZ_ASSERT(fuzz_printable(r->text) && strlen(r->text) <= 400);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	struct rp_errlist errs = { 0, NULL };
	struct rp_access *a = access_load(path, &errs);
	close(fd);

	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	for (size_t i = 0; i < errs.n; i++) {
		FUZZ_ASSERT(fuzz_printable(errs.msg[i]));
		FUZZ_ASSERT(strncmp(errs.msg[i], path, strlen(path)) == 0);
	}
	if (a)
		FUZZ_ASSERT(errs.n == 0);
	else
		FUZZ_ASSERT(errs.n > 0);
	errlist_clear(&errs);
	if (!a)
		return 0;

	char *text = fuzz_cstr(data, size), *save = NULL, *w;
	int n = 0;
	for (w = strtok_r(text, " \t\r\n", &save); w && n < MAX_WORDS;
	     w = strtok_r(NULL, " \t\r\n", &save), n++) {
		struct rp_access_result r;
		struct rp_netaddr addr;
		bool isaddr = netaddr_parse(w, &addr) == 0;
		access_match_client(a, isaddr ? &addr : NULL, w, &r);
		check_result(&r, lines);
		access_match_client(a, isaddr ? &addr : NULL, NULL, &r);
		check_result(&r, lines);
		access_match_helo(a, w, &r);
		check_result(&r, lines);
		access_match_address(a, RP_ACC_SENDER, w, &r);
		check_result(&r, lines);
		access_match_address(a, RP_ACC_RECIPIENT, w, &r);
		check_result(&r, lines);
		if (*w == '.' || *w == '@') {
			/* a suffix or domain pattern: try a name below it */
			char sub[1100];
			snprintf(sub, sizeof sub, "x%s", w);
			access_match_helo(a, sub, &r);
			check_result(&r, lines);
			access_match_address(a, RP_ACC_RECIPIENT, sub, &r);
			check_result(&r, lines);
			access_match_client(a, NULL, sub, &r);
			check_result(&r, lines);
		}
	}
	{
		struct rp_access_result r;
		access_match_address(a, RP_ACC_SENDER, "", &r);
		FUZZ_ASSERT(r.act == RP_ACC_NONE);
	}
	free(text);
	access_free(a);
	return 0;
}
