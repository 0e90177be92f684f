/*
 * main - the rampart daemon: options, config, the milter socket opened as
 * root, daemonising, the pidfile, dropping privileges, then smfi_main().
 *
 * Exit status (SPEC §1): 0 success, 1 usage or configuration error, 2
 * runtime failure at start (socket, user, pidfile, greylist database).
 *
 * Start-up without -f: the process that was started waits on a readiness
 * pipe until the daemon (its grandchild) reports one byte, its start
 * status: 0 once everything is open and built, just before smfi_main(),
 * or the exit status of a failure. It exits with that status, and with 2
 * when the pipe reaches EOF with nothing written (the daemon died). The
 * daemon keeps the caller's standard error until then, so that its start
 * errors reach it. The config path is made absolute before the daemon
 * changes to "/" (every path inside the config is absolute already).
 *
 * Signals: SIGHUP, SIGTERM and SIGINT belong to libmilter (stop); SIGUSR1
 * reloads (reload.c); SIGUSR2 wakes libmilter's listener for a prompt stop
 * (wake.c). All five are blocked here before any thread exists,
 * so that only the threads that sigwait() for them ever see them.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "config/config.h"
#include "dns/dns.h"
#include "dns/dns_cache.h"
#include "engine/engine.h"
#include "greylist/greylist.h"
#include "greylist/store.h"
#include "base/log.h"
#include "session.h"
#include "tcp.h"
#include "base/util.h"

static void usage(void)
{
	fputs("usage: rampart [-c FILE] [-f] [-t] [-d] [-V]\n"
	      "  -c FILE  configuration file (default " RP_DEFAULT_CONFIG ")\n"
	      "  -f       stay in the foreground and log to standard error\n"
	      "  -t       check the configuration and the files it names, then exit\n"
	      "  -d       print the effective configuration, then exit\n"
	      "  -V       print the version, then exit\n", stderr);
}

/* libmilter's connection spec from ours: "unix:" and "inet(6):" pass as they are. */
static const char *socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return NULL;
}

/*
 * Write our pid into path, made as root before privileges are dropped, so
 * nothing may be followed or taken over: no symlink (O_NOFOLLOW), no
 * truncation before the checks, only a regular file, and one that already
 * existed only when it belongs to uid (the user we run as) or root. The
 * file is then given to uid/gid (so the pid can be removed as that user
 * where the directory allows it), truncated and written. On failure a
 * message naming path goes into err and -1 is returned.
 */
static int write_pidfile(const char *path, uid_t uid, gid_t gid, char *err, size_t errsize)
{
	const int flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
	bool existed = false;
	struct stat st;
	char buf[32];
	int fd, n;

	fd = open(path, flags | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST) {
		existed = true;
		fd = open(path, flags);
	}
	if (fd < 0) {
		if (errno == ELOOP)
			snprintf(err, errsize, "pidfile %s is a symbolic link; refused", path);
		else if (errno == ENXIO)
			snprintf(err, errsize, "pidfile %s is not a regular file; refused", path);
		else
			snprintf(err, errsize, "cannot open pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(err, errsize, "cannot stat pidfile %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errsize, "pidfile %s is not a regular file; refused", path);
		goto fail;
	}
	if (existed && st.st_uid != uid && st.st_uid != 0) {
		snprintf(err, errsize, "pidfile %s is owned by uid %ld, not by the user rampart "
			"runs as (uid %ld) or root; refused", path, (long)st.st_uid, (long)uid);
		goto fail;
	}
	if (geteuid() == 0 && fchown(fd, uid, gid) != 0) {
		snprintf(err, errsize, "cannot chown pidfile %s: %s", path, strerror(errno));
		goto fail;
	}
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, buf, (size_t)n) != n) {
		snprintf(err, errsize, "cannot write pidfile %s: %s", path, strerror(errno));
		goto fail;
	}
	if (close(fd) != 0) {
		snprintf(err, errsize, "cannot write pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
fail:
	close(fd);
	return -1;
}

/*
 * The started process: wait for the daemon's start status on fd and exit
 * with it; EOF with nothing read means the daemon died before it could
 * say (2). Never returns.
 */
static void daemon_wait_ready(int fd, pid_t child)
{
	unsigned char st;
	ssize_t n;
	do
		n = read(fd, &st, 1);
	while (n < 0 && errno == EINTR);
	waitpid(child, NULL, 0);
	if (n != 1) {
		fprintf(stderr, "rampart: the daemon exited before it was ready\n");
		_exit(2);
	}
	_exit(st);
}

/*
 * Fork twice and go on as the daemon (new session, cwd "/", stdin and
 * stdout on /dev/null; stderr stays until daemon_ready). The process that
 * called us stays in daemon_wait_ready. Returns the write end of the
 * readiness pipe, or -1 with errno set.
 */
static int daemonise(void)
{
	int pfd[2], fd;
	pid_t pid;

	if (pipe(pfd) != 0)
		return -1;
	fcntl(pfd[0], F_SETFD, FD_CLOEXEC);	/* no thread yet: no exec can slip in */
	fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
	pid = fork();
	if (pid < 0) {
		int e = errno;
		close(pfd[0]);
		close(pfd[1]);
		errno = e;
		return -1;
	}
	if (pid > 0) {
		close(pfd[1]);
		daemon_wait_ready(pfd[0], pid);
	}
	close(pfd[0]);
	if (setsid() < 0)
		_exit(2);
	pid = fork();
	if (pid < 0)
		_exit(2);
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		goto fail;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	dup2(fd, 0);
	dup2(fd, 1);
	close(fd);
	return pfd[1];
fail:
	{
		int e = errno;
		close(pfd[1]);
		errno = e;
	}
	return -1;
}

/*
 * Tell the waiting parent our start status (0: ready) and close the pipe;
 * once ready, standard error goes to /dev/null too. A no-op for fd < 0.
 */
static void daemon_ready(int fd, int status)
{
	unsigned char st = (unsigned char)status;
	if (fd < 0)
		return;
	signal(SIGPIPE, SIG_IGN);	/* a parent killed meanwhile must not kill us */
	if (write(fd, &st, 1) != 1)
		log_msg(RP_LOG_WARNING, "cannot report the start status: %s", strerror(errno));
	close(fd);
	if (status == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 2);
			close(null);
		}
	}
}

/*
 * Raise the soft limit on open files to the hard limit (every DNS try and
 * every MTA connection is a descriptor), then derive the DNS socket cap
 * from it (dns.h). Returns the limit now, for the start line.
 */
static unsigned long long raise_nofile(void)
{
	struct rlimit rl;
	unsigned long long before;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
		log_msg(RP_LOG_WARNING, "cannot read the open files limit: %s", strerror(errno));
		dns_socket_limit_set(0);
		return 0;
	}
	before = (unsigned long long)rl.rlim_cur;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
			log_msg(RP_LOG_WARNING, "cannot raise the open files limit from %llu to %llu: %s",
				before, (unsigned long long)rl.rlim_max, strerror(errno));
			rl.rlim_cur = (rlim_t)before;
		}
	}
	dns_socket_limit_set(0);
	return (unsigned long long)rl.rlim_cur;
}

/*
 * Open the socket as root, become a daemon, write the pidfile, drop
 * privileges, open the shared state, report ready, then run libmilter
 * until it stops. path is the config as named (for messages), abspath the
 * same made absolute (for reloads). Returns the exit status; what it made is released on every way out
 * (what smfi_main's callbacks may still use after it returns is left to
 * the process exit).
 */
static int serve(struct rp_config *cfg, const char *path, const char *abspath, bool foreground)
{
	static struct rp_shared shared;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	bool drop = false, running = false;
	const char *sockpath;
	char *pidfile = NULL, *sockfile = NULL, err[256];
	struct rp_engine *eng;
	int status = 2, ready_fd = -1;
	unsigned long long nofile = 0;

	/* a peer gone mid-write (MTA, DNS over TCP, a parent killed) is an
	 * error return, never a signal: from the start, not only once libmilter
	 * runs */
	signal(SIGPIPE, SIG_IGN);
	if (uid == 0 && cfg->milter.user && cfg->milter.user[0]) {
		struct passwd *pw = getpwnam(cfg->milter.user);
		if (!pw) {
			log_msg(RP_LOG_ERR, "%s: [milter] user = %s: no such user", path, cfg->milter.user);
			goto out;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		if (cfg->milter.group && cfg->milter.group[0]) {
			struct group *gr = getgrnam(cfg->milter.group);
			if (!gr) {
				log_msg(RP_LOG_ERR, "%s: [milter] group = %s: no such group", path,
					cfg->milter.group);
				goto out;
			}
			gid = gr->gr_gid;
		}
		drop = true;
	}

	umask(007);
	if (smfi_setconn(cfg->milter.socket) != MI_SUCCESS ||
	    smfi_settimeout((int)cfg->milter.timeout) != MI_SUCCESS ||
	    smfi_register(rampart_milter) != MI_SUCCESS) {
		log_msg(RP_LOG_ERR, "cannot set up the milter socket %s", cfg->milter.socket);
		goto out;
	}
	if (smfi_opensocket(true) != MI_SUCCESS) {
		log_msg(RP_LOG_ERR, "cannot open the milter socket %s (in use, or no permission?)",
			cfg->milter.socket);
		goto out;
	}
	sockpath = socket_path(cfg->milter.socket);
	if (sockpath) {
		sockfile = xstrdup(sockpath);
		/* lchown: a symlink put in place of the socket is not followed. */
		if (drop && lchown(sockpath, uid, gid) != 0)
			log_msg(RP_LOG_WARNING, "cannot chown %s: %s", sockpath, strerror(errno));
	}
	if (!foreground && (ready_fd = daemonise()) < 0) {
		log_msg(RP_LOG_ERR, "cannot become a daemon: %s", strerror(errno));
		goto out;
	}
	if (cfg->milter.pidfile && cfg->milter.pidfile[0]) {
		if (write_pidfile(cfg->milter.pidfile, uid, gid, err, sizeof err) != 0) {
			log_msg(RP_LOG_ERR, "%s: [milter] %s", path, err);
			goto out;
		}
		pidfile = xstrdup(cfg->milter.pidfile);
	}
	nofile = raise_nofile();
	if (drop && (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0)) {
		log_msg(RP_LOG_ERR, "cannot drop privileges to %s: %s", cfg->milter.user, strerror(errno));
		goto out;
	}

	/* Shared state, opened as the unprivileged user so that files are its own. */
	shared.dns_cache = dns_cache_new(cfg->dns.cache_size, cfg->dns.cache_max_ttl);
	if (cfg->greylist.mode != RP_GREY_OFF) {
		struct grey_store_options go = { .create = true };
		struct grey_params gp;
		shared.greylist = greystore_open(GREY_STORE_DEFAULT, cfg->greylist.database, &go,
			err, sizeof err);
		if (!shared.greylist) {
			log_msg(RP_LOG_ERR, "%s: [greylist] database: %s", path, err);
			goto out;
		}
		greylist_params_from_config(&cfg->greylist, &gp);
		if (greystore_sweeper_start(shared.greylist, &gp, 3600) != 0)
			log_msg(RP_LOG_WARNING, "greylist: cannot start the sweeper thread");
	}
	eng = engine_new(cfg, &shared, err, sizeof err);
	if (!eng) {
		log_msg(RP_LOG_ERR, "%s: %s", path, err);
		goto out;
	}
	engine_install(eng);
	if (reload_start(abspath, &shared) != 0) {
		log_msg(RP_LOG_ERR, "cannot start the reload thread");
		goto out;
	}
	log_msg(RP_LOG_NOTICE, "rampart %s starting on %s (open files limit %llu, DNS sockets "
		"at most %u)", RAMPART_VERSION, cfg->milter.socket, nofile, dns_socket_limit());
	running = true;
	/* TCP_NODELAY and quick ACKs on an inet:/inet6: socket (tcp.h) */
	tcp_listener_setup(cfg->milter.socket);
	if (listener_wake_start() != 0)
		log_msg(RP_LOG_WARNING, "cannot start the listener wake-up; a stop may take 5 s");
	daemon_ready(ready_fd, 0);
	ready_fd = -1;
	status = smfi_main() == MI_SUCCESS ? 0 : 2;
	log_msg(RP_LOG_NOTICE, "rampart stopping");
	log_dns_cache_stats(&shared);
out:
	/* what this start made is gone before the parent hears the status */
	if (pidfile)
		unlink(pidfile);
	if (sockfile)
		unlink(sockfile);
	daemon_ready(ready_fd, status);
	free(pidfile);
	free(sockfile);
	if (!running) {
		engine_install(NULL);
		greystore_close(shared.greylist);
		dns_cache_free(shared.dns_cache);
	}
	return status;
}

int main(int argc, char **argv)
{
	const char *path = RP_DEFAULT_CONFIG;
	bool foreground = false, test = false, dump = false;
	struct rp_errlist errs = { 0 };
	struct rp_config *cfg;
	char *abspath;
	sigset_t sigs;
	int opt, rc;

	while ((opt = getopt(argc, argv, "c:ftdVh")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'f': foreground = true; break;
		case 't': test = true; break;
		case 'd': dump = true; break;
		case 'V': printf("rampart %s\n", RAMPART_VERSION); return 0;
		case 'h': usage(); return 0;
		default: usage(); return 1;
		}
	}
	if (optind != argc) {
		usage();
		return 1;
	}

	cfg = config_load(path, &errs);
	if (!cfg) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "rampart: %s\n", errs.msg[i]);
		errlist_clear(&errs);
		return 1;
	}
	errlist_clear(&errs);
	if (test) {
		struct rp_errlist warns = { 0 };
		config_check_env(cfg, &errs, &warns);
		for (size_t i = 0; i < warns.n; i++)
			fprintf(stderr, "rampart: warning: %s\n", warns.msg[i]);
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "rampart: %s\n", errs.msg[i]);
		rc = errs.n ? 1 : 0;
		if (!rc)
			printf("rampart: %s: configuration OK\n", path);
		errlist_clear(&warns);
		errlist_clear(&errs);
		config_unref(cfg);
		return rc;
	}
	if (dump) {
		config_dump(cfg, stdout);
		config_unref(cfg);
		return 0;
	}

	/* Before the daemon leaves the directory a relative -c is relative to. */
	abspath = realpath(path, NULL);
	if (!abspath) {
		fprintf(stderr, "rampart: %s: %s\n", path, strerror(errno));
		config_unref(cfg);
		return 1;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	log_open(foreground ? RP_LOG_STDERR : cfg->log.target, cfg->log.facility, cfg->log.level);
	rc = serve(cfg, path, abspath, foreground);
	config_unref(cfg);
	free(abspath);
	return rc;
}
