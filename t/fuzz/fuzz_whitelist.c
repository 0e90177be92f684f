/*
 * fuzz_whitelist - postgrey whitelist lines (greylist/whitelist.h). Input:
 * one flag byte (bit 0: the lines are recipients, else clients), then the
 * lines; then every word is looked up as a client (name and address) and
 * as a recipient. Invariants: a line that adds an entry counts once; the
 * reasons are printable; a match names "FILE:LINE" of a line that was
 * added.
 */
#include "fuzz.h"

#include "greylist/whitelist.h"

#define MAX_LINES 64
#define MAX_WORDS 16

static void check_where(const char *where, unsigned nlines)
{
	if (!where)
		return;
	FUZZ_ASSERT(strncmp(where, "fuzz:", 5) == 0);
	unsigned long l = strtoul(where + 5, NULL, 10);
	FUZZ_ASSERT(l >= 1 && l <= nlines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum grey_wl_kind kind = data[0] & 1 ? GREY_WL_RECIPIENTS : GREY_WL_CLIENTS;
	char *text = fuzz_cstr(data + 1, size - 1);
	struct grey_whitelist *w = whitelist_new();
	unsigned nlines = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line && nlines < MAX_LINES;
	     line = strtok_r(NULL, "\n", &save)) {
		char where[32], err[256];
		nlines++;
		snprintf(where, sizeof where, "fuzz:%u", nlines);
		size_t before = whitelist_count(w, kind);
		memset(err, 'x', sizeof err);
		int rc = whitelist_add_line(w, kind, line, where, err, sizeof err);
		FUZZ_ASSERT(rc == -1 || rc == 0 || rc == 1);
		FUZZ_ASSERT(whitelist_count(w, kind) == before + (rc == 1));
		if (rc < 0)
			FUZZ_ASSERT(strnlen(err, sizeof err) < sizeof err && fuzz_printable(err));
	}
	FUZZ_ASSERT(whitelist_count(w, kind == GREY_WL_CLIENTS ? GREY_WL_RECIPIENTS
		: GREY_WL_CLIENTS) == 0);

	free(text);
	text = fuzz_cstr(data + 1, size - 1);
	save = NULL;
	int n = 0;
	for (char *word = strtok_r(text, " \t\r\n/", &save); word && n < MAX_WORDS;
	     word = strtok_r(NULL, " \t\r\n/", &save), n++) {
		struct rp_netaddr a;
		bool isaddr = netaddr_parse(word, &a) == 0;
		check_where(whitelist_client(w, word, isaddr ? &a : NULL), nlines);
		check_where(whitelist_client(w, NULL, isaddr ? &a : NULL), nlines);
		check_where(whitelist_recipient(w, word), nlines);
		char sub[1100];
		snprintf(sub, sizeof sub, "x.%s", word);
		check_where(whitelist_client(w, sub, NULL), nlines);
		snprintf(sub, sizeof sub, "x@%s", word);
		check_where(whitelist_recipient(w, sub), nlines);
	}
	free(text);
	whitelist_free(w);
	return 0;
}
