/*
 * tcp - TCP_NODELAY and TCP_QUICKACK on libmilter's sockets (see tcp.h).
 *
 * libmilter keeps its sockets to itself: the listener is made inside
 * smfi_opensocket and each session socket inside its listener thread; a
 * callback is never told which descriptor it runs for. So the sockets are
 * found the way the kernel names them: the listener is the one TCP socket
 * of this process in the listening state bound to the configured port, and
 * session sockets are the connected TCP sockets whose local port is that
 * port. tcp_session_track looks through /proc/self/fd at each new milter
 * connection and remembers each socket it has seen by descriptor and inode,
 * so a descriptor is looked at again only when it names a new socket.
 *
 * Quick ACKs: TCP_QUICKACK set while an ACK is pending and the receive
 * queue is empty sends that ACK at once, and leaves the kernel's
 * "interactive" (pingpong) mode, in which it holds ACKs back for up to
 * 40 ms hoping to piggyback them on an answer; the mode comes back with
 * our next answer. So the flag has to be set again right after each read
 * of a session socket. libmilter does those reads itself, with read(2)
 * from its worker threads, so this module defines read(): the dynamic
 * linker binds libmilter's (and every other library's) calls of read to
 * the program's own definition before libc's. It calls libc's read (found
 * with dlsym(RTLD_NEXT)), then, for a descriptor marked as a session
 * socket, sets TCP_QUICKACK; any other descriptor costs one table look-up.
 * A descriptor closed and reused keeps its mark until the next scan: the
 * option is then set on whatever the descriptor names, which is harmless
 * (another TCP socket) or refused (not a TCP socket).
 *
 * An epoll thread setting the flag when data arrives was tried first and
 * dropped: epoll discards an edge-triggered event whose data a worker has
 * already read by the time epoll_wait reports it, so about half the
 * arrivals (measured: 11 events for 21 arrivals) went unseen and the
 * stalls stayed. t/bench/README.md has the measurements.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "base/util.h"
#include "tcp.h"

static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;
static int listen_fd = -1;           /* libmilter's listener, once found */
static unsigned short listen_port;   /* host order */
/* Per descriptor, made once in tcp_listener_setup (never resized, so that
 * read() may look without the lock): the inode of the socket last looked
 * at, and whether it is a milter session socket. */
static ino_t *seen;
static atomic_uchar *session;
static size_t nfds;
static bool said_inherit;    /* the first session's TCP_NODELAY logged */

static ssize_t (*libc_read)(int, void *, size_t);

__attribute__((constructor)) static void find_libc_read(void)
{
	libc_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
}

ssize_t read(int fd, void *buf, size_t count)
{
	ssize_t n = libc_read ? libc_read(fd, buf, count) : syscall(SYS_read, fd, buf, count);
	if (n > 0 && fd >= 0 && (size_t)fd < nfds &&
	    atomic_load_explicit(&session[fd], memory_order_relaxed)) {
		int e = errno, one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
		errno = e;
	}
	return n;
}

/* The port of an inet:/inet6: spec ("inet:PORT@HOST", "inet6:PORT"), 0
 * for any other kind (or a port that does not resolve). The family is not
 * compared: an inet6: listener's sessions may be v4-mapped, all AF_INET6. */
static unsigned short spec_port(const char *spec)
{
	char name[64];
	const char *p, *at;
	size_t len;

	if (strncmp(spec, "inet:", 5) == 0) {
		p = spec + 5;
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		p = spec + 6;
	} else {
		return 0;
	}
	at = strchr(p, '@');
	len = at ? (size_t)(at - p) : strlen(p);
	if (len == 0 || len >= sizeof name)
		return 0;
	memcpy(name, p, len);
	name[len] = '\0';
	char *end;
	unsigned long n = strtoul(name, &end, 10);
	if (*end == '\0')
		return n > 0 && n <= 65535 ? (unsigned short)n : 0;
	struct servent *se = getservbyname(name, "tcp");
	return se ? ntohs((unsigned short)se->s_port) : 0;
}

/* The local port and family of a TCP socket; false for anything else. */
static bool tcp_local(int fd, unsigned short *port, bool *listening)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	int v = 0;
	socklen_t vl = sizeof v;

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &vl) != 0 || v != IPPROTO_TCP)
		return false;
	vl = sizeof v;
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) != 0)
		return false;
	*listening = v != 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return false;
	if (ss.ss_family == AF_INET)
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		return false;
	return true;
}

static int set_opt(int fd, int opt)
{
	int one = 1;
	return setsockopt(fd, IPPROTO_TCP, opt, &one, sizeof one);
}

/* Call fn(fd, is_socket) for each open descriptor below nfds whose file
 * was not looked at before (by inode); with track_lock held. */
static void scan_fds(void (*fn)(int fd, bool is_socket))
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	struct stat st;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (*end != '\0' || e->d_name[0] == '\0' || fd < 0 || fd == dirfd(d) ||
		    (size_t)fd >= nfds)
			continue;
		if (fstat((int)fd, &st) != 0 || seen[fd] == st.st_ino)
			continue;
		seen[fd] = st.st_ino;
		fn((int)fd, S_ISSOCK(st.st_mode));
	}
	closedir(d);
}

static void find_listener(int fd, bool is_socket)
{
	unsigned short port;
	bool listening;
	if (is_socket && listen_fd < 0 && tcp_local(fd, &port, &listening) && listening &&
	    port == listen_port)
		listen_fd = fd;
}

static void track(int fd, bool is_socket)
{
	unsigned short port;
	bool listening, mine;
	int v = 0;
	socklen_t vl = sizeof v;

	mine = is_socket && tcp_local(fd, &port, &listening) && !listening && port == listen_port;
	atomic_store(&session[fd], mine);
	if (!mine)
		return;
	if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &vl) != 0)
		v = 0;
	if (!said_inherit) {
		log_msg(v ? RP_LOG_DEBUG : RP_LOG_INFO, "tcp: accepted milter sockets %s",
			v ? "inherit TCP_NODELAY" : "do not inherit TCP_NODELAY here; setting it on each");
		said_inherit = true;
	}
	if (!v)
		set_opt(fd, TCP_NODELAY);
	set_opt(fd, TCP_QUICKACK);
}

int tcp_listener_setup(const char *spec)
{
	struct rlimit rl;
	int rc = -1;

	pthread_mutex_lock(&track_lock);
	listen_port = spec_port(spec);
	if (listen_port == 0) {
		rc = strncmp(spec, "inet", 4) == 0 ? -1 : 0;
		if (rc)
			log_msg(RP_LOG_WARNING, "tcp: cannot tell the port of %s; "
				"TCP_NODELAY and quick ACKs are off", spec);
		goto out;
	}
	/* descriptors above the limit at start (raised later or not) are
	 * simply not tracked */
	nfds = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		rl.rlim_cur < (1u << 20) ? (size_t)rl.rlim_cur : 1u << 20;
	seen = xcalloc(nfds, sizeof *seen);
	session = xcalloc(nfds, sizeof *session);
	scan_fds(find_listener);
	if (listen_fd < 0) {
		log_msg(RP_LOG_WARNING, "tcp: no listening socket on port %u found; "
			"TCP_NODELAY and quick ACKs are off", (unsigned)listen_port);
		goto out;
	}
	if (set_opt(listen_fd, TCP_NODELAY) != 0) {
		log_msg(RP_LOG_WARNING, "tcp: TCP_NODELAY on the listener: %s", strerror(errno));
		listen_fd = -1;
		goto out;
	}
	log_msg(RP_LOG_DEBUG, "tcp: TCP_NODELAY on listener fd %d (port %u), quick ACKs on",
		listen_fd, (unsigned)listen_port);
	rc = 1;
out:
	pthread_mutex_unlock(&track_lock);
	return rc;
}

void tcp_session_track(void)
{
	pthread_mutex_lock(&track_lock);
	if (listen_fd >= 0)
		scan_fds(track);
	pthread_mutex_unlock(&track_lock);
}
