/*
 * replay - a main() for a fuzz target in builds without libFuzzer: feeds
 * every file of the directories (or the files) named on the command line
 * to LLVMFuzzerTestOneInput, in name order, so that plain and sanitizer
 * builds run the corpora as ordinary tests. A crash or a failed invariant
 * aborts; an empty or missing corpus is a failure too.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		perror(path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "%s\n", path);    /* names the input a crash is on */
	/* an exact-size copy, so that a read past the input is caught */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact)
		abort();
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
	size_t ran = 0;
	int bad = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]) != 0;
			ran++;
			continue;
		}
		struct dirent **list;
		int n = scandir(argv[i], &list, NULL, by_name);
		if (n < 0) {
			perror(argv[i]);
			bad = 1;
			continue;
		}
		for (int k = 0; k < n; k++) {
			char path[4096];
			if (list[k]->d_name[0] != '.') {
				snprintf(path, sizeof path, "%s/%s", argv[i], list[k]->d_name);
				if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
					bad |= run_file(path) != 0;
					ran++;
				}
			}
			free(list[k]);
		}
		free(list);
	}
	printf("replayed %zu inputs\n", ran);
	if (ran == 0) {
		fprintf(stderr, "no inputs to replay\n");
		return 1;
	}
	return bad;
}
