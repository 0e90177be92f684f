/*
 * fuzz.h - what the fuzz targets share: the libFuzzer entry point, a
 * NUL-terminated copy of the input, an in-memory file for the loaders that
 * take a path, and FUZZ_ASSERT, which aborts (a crash for libFuzzer and for
 * the replay test) when an invariant of the code under test does not hold.
 */
#ifndef RAMPART_FUZZ_H
#define RAMPART_FUZZ_H

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* data[0..size) as a C string (it ends at the first NUL of the input). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* True when s[0..n) holds no CR, LF or NUL (text bound for a reply, a
 * header or a log line). */
static inline int fuzz_no_crlf(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return 0;
	return 1;
}

/* True when s is printable ASCII only. */
static inline int fuzz_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

/*
 * An in-memory file holding data[0..size): its descriptor, and in path
 * the name a loader can open ("/proc/self/fd/N"). Close the descriptor
 * when done. -1 if memfd_create failed.
 */
static inline int fuzz_memfile(const void *data, size_t size, char *path, size_t pathsize)
{
	int fd = memfd_create("rampart-fuzz", MFD_CLOEXEC);
	const char *p = data;
	if (fd < 0)
		return -1;
	while (size > 0) {
		ssize_t w = write(fd, p, size);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		p += w;
		size -= (size_t)w;
	}
	snprintf(path, pathsize, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
