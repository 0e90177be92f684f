/*
 * start_shim - an LD_PRELOAD shim for t/milter/start.sh, owning two faults
 * that cannot be staged from outside:
 *  - RAMPART_SOCKSWAP_TARGET: after a listen() on a unix socket, put a
 *    symlink to that file in place of the socket's name, as a user who can
 *    write the socket's directory could between libmilter's bind() and
 *    rampart's chown of the socket (the listening descriptor keeps
 *    working; only the name now points elsewhere);
 *  - RAMPART_DIE_AT_CHDIR: a chdir("/") (the daemon's, after its second
 *    fork) kills the process with SIGKILL, so it dies without a word.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int listen(int fd, int backlog)
{
	static int (*real_listen)(int, int);
	const char *target = getenv("RAMPART_SOCKSWAP_TARGET");
	struct sockaddr_un sun;
	socklen_t len = sizeof sun;
	int rc;

	if (!real_listen)
		real_listen = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
	rc = real_listen(fd, backlog);
	if (rc == 0 && target && *target && getsockname(fd, (struct sockaddr *)&sun, &len) == 0 &&
	    sun.sun_family == AF_UNIX && sun.sun_path[0] && unlink(sun.sun_path) == 0) {
		if (symlink(target, sun.sun_path) != 0)
			_exit(99);
	}
	return rc;
}

int chdir(const char *path)
{
	static int (*real_chdir)(const char *);
	const char *die = getenv("RAMPART_DIE_AT_CHDIR");
	if (die && *die && strcmp(path, "/") == 0)
		raise(SIGKILL);
	if (!real_chdir)
		real_chdir = (int (*)(const char *))dlsym(RTLD_NEXT, "chdir");
	return real_chdir(path);
}
