/*
 * meta_shim - preloaded into rampart by t/faults/run.sh: while the file
 * named by RAMPART_FAULT exists, a pwrite(2) into the first two pages of a
 * file (LMDB's meta pages; data pages lie further in) fails with EIO, the
 * failure that leaves an LMDB environment unusable (MDB_PANIC).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	const char *flag = getenv("RAMPART_FAULT");

	if (flag && off < 2 * sysconf(_SC_PAGESIZE) && access(flag, F_OK) == 0) {
		errno = EIO;
		return -1;
	}
	return syscall(SYS_pwrite64, fd, buf, n, off);
}
