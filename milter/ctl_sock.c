/* ctl_sock - see ctl_sock.h */
#include "ctl_sock.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/util.h"

#define CONNECT_TIMEOUT_MS 3000    /* per connect() */

/* connect() fd to sa within CONNECT_TIMEOUT_MS; 0, or an errno. */
static int connect_wait(int fd, const struct sockaddr *sa, socklen_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0, r;
	socklen_t elen = sizeof err;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
		return errno;
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return errno;
	do
		r = poll(&p, 1, CONNECT_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return ETIMEDOUT;
	if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
		return errno;
	return err;
}

/* Does the unix socket at path take a connection? true, or why. */
bool ctl_sock_probe_unix(const char *path, char *why, size_t size)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, err;

	if (stat(path, &st) != 0) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(why, size, "%s is not a socket", path);
		return false;
	}
	if (strlen(path) >= sizeof sun.sun_path) {
		snprintf(why, size, "%s: path too long for a socket", path);
		return false;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(why, size, "socket: %s", strerror(errno));
		return false;
	}
	err = connect_wait(fd, (struct sockaddr *)&sun, sizeof sun);
	close(fd);
	if (err) {
		snprintf(why, size, "connect to %s: %s", path, strerror(err));
		return false;
	}
	return true;
}

/* Does host:port take a TCP connection? true, or why. */
static bool probe_inet(const char *host, const char *port, char *why, size_t size)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res;
	int fd, err, rc;

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		snprintf(why, size, "%s: %s", host, gai_strerror(rc));
		return false;
	}
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	err = fd < 0 ? errno : connect_wait(fd, res->ai_addr, res->ai_addrlen);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	if (err) {
		snprintf(why, size, "connect to %s port %s: %s", host, port, strerror(err));
		return false;
	}
	return true;
}

/* HOST from "[HOST]" or "HOST" into out; 0.0.0.0 and :: become loopback. */
static void inet_host(const char *s, size_t n, char *out, size_t size)
{
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	snprintf(out, size, "%.*s", (int)n, s);
	if (strcmp(out, "0.0.0.0") == 0 || !out[0])
		rp_strlcpy(out, "127.0.0.1", size);
	else if (strcmp(out, "::") == 0)
		rp_strlcpy(out, "::1", size);
}

/* rampart's socket, libmilter's form: unix:PATH, local:PATH, inet:PORT@HOST. */
bool ctl_sock_probe_milter(const char *sock, char *why, size_t size)
{
	char host[300], port[8];
	const char *rest = strchr(sock, ':'), *at;

	if (!rest) {
		snprintf(why, size, "unknown socket type");
		return false;
	}
	rest++;
	if (strncmp(sock, "unix:", 5) == 0 || strncmp(sock, "local:", 6) == 0)
		return ctl_sock_probe_unix(rest, why, size);
	at = strchr(rest, '@');
	if ((strncmp(sock, "inet:", 5) != 0 && strncmp(sock, "inet6:", 6) != 0) || !at ||
	    at == rest || at - rest >= (ptrdiff_t)sizeof port) {
		snprintf(why, size, "expected unix:PATH or inet:PORT@HOST");
		return false;
	}
	snprintf(port, sizeof port, "%.*s", (int)(at - rest), rest);
	inet_host(at + 1, strlen(at + 1), host, sizeof host);
	return probe_inet(host, port, why, size);
}

/* Postfix's form: inet:HOST:PORT, inet:[HOST]:PORT. */
bool ctl_sock_probe_postfix_inet(const char *ep, char *why, size_t size)
{
	char host[300];
	const char *rest = ep + 5, *colon = strrchr(rest, ':');

	if (!colon || colon == rest) {
		snprintf(why, size, "%s: expected inet:HOST:PORT", ep);
		return false;
	}
	inet_host(rest, (size_t)(colon - rest), host, sizeof host);
	return probe_inet(host, colon + 1, why, size);
}
