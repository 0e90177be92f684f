/*
 * fuzz_config - rampart.conf (config/config.h). Input: the file, loaded
 * from an in-memory file. A file that loads goes through the -t check
 * (config_check_env) and config_dump; the dump must load again and dump to
 * the same text (the dump is what rampart -d prints for an admin to keep).
 * Every error is one printable line.
 */
#include "fuzz.h"

#include "config/config.h"

static void dump(const struct rp_config *c, char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);
	if (!f)
		abort();
	config_dump(c, f);
	fclose(f);
}

static void check_errs(const struct rp_errlist *e)
{
	for (size_t i = 0; i < e->n; i++)
		FUZZ_ASSERT(fuzz_printable(e->msg[i]));
}

/* The dump less its first line (which names the file it came from). */
static const char *body(const char *d)
{
	const char *nl = strchr(d, '\n');
	return nl ? nl : d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path, sizeof path);
	if (fd < 0)
		return 0;
	struct rp_errlist errs = { 0, NULL }, warns = { 0, NULL };
	struct rp_config *c = config_load(path, &errs);
	close(fd);
	check_errs(&errs);
	FUZZ_ASSERT(c ? errs.n == 0 : errs.n > 0);
	errlist_clear(&errs);
	if (!c)
		return 0;

	config_check_env(c, &errs, &warns);
	check_errs(&errs);
	check_errs(&warns);
	errlist_clear(&errs);
	errlist_clear(&warns);

	size_t len1, len2;
	char *d1 = NULL, *d2 = NULL;
	dump(c, &d1, &len1);
	config_unref(c);
	fd = fuzz_memfile(d1, len1, path, sizeof path);
	if (fd < 0) {
		free(d1);
		return 0;
	}
	c = config_load(path, &errs);
	close(fd);
	if (!c) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "dump does not load: %s\n", errs.msg[i]);
		fprintf(stderr, "%s", d1);
	}
	FUZZ_ASSERT(c != NULL);
	errlist_clear(&errs);
	dump(c, &d2, &len2);
	config_unref(c);
	if (strcmp(body(d1), body(d2)) != 0)
		fprintf(stderr, "first dump:\n%s\nsecond dump:\n%s\n", d1, d2);
	FUZZ_ASSERT(strcmp(body(d1), body(d2)) == 0);
	free(d1);
	free(d2);
	return 0;
}
