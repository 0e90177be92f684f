/*
 * main - the rampart daemon: options, config, the milter socket opened as
 * root, daemonising, the pidfile, dropping privileges, then smfi_main().
 *
 * Exit status (SPEC §1): 0 success, 1 usage or configuration error, 2
 * runtime failure at start (socket, user, pidfile).
 *
 * Signals: SIGHUP, SIGTERM and SIGINT belong to libmilter (stop); SIGUSR1
 * reloads (reload.c). All four are blocked here before any thread exists,
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
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "config/config.h"
#include "dns/dns_cache.h"
#include "engine/engine.h"
#include "greylist/greylist.h"
#include "greylist/store.h"
#include "base/log.h"
#include "session.h"
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

static int write_pidfile(const char *path, uid_t uid, gid_t gid)
{
	char buf[32];
	int fd, n;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n) {
		close(fd);
		return -1;
	}
	if (fchown(fd, uid, gid) != 0 && geteuid() == 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int daemonise(void)
{
	pid_t pid = fork();
	int fd;
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

/*
 * Open the socket as root, become a daemon, write the pidfile, drop
 * privileges, open the shared state, then run libmilter until it stops.
 * Returns the exit status; what it made is released on every way out
 * (what smfi_main's callbacks may still use after it returns is left to
 * the process exit).
 */
static int serve(struct rp_config *cfg, const char *path, bool foreground)
{
	static struct rp_shared shared;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	bool drop = false, running = false;
	const char *sockpath;
	char *pidfile = NULL, *sockfile = NULL, err[256];
	struct rp_engine *eng;
	int status = 2;

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
		if (drop && chown(sockpath, uid, gid) != 0)
			log_msg(RP_LOG_WARNING, "cannot chown %s: %s", sockpath, strerror(errno));
	}
	if (!foreground && daemonise() != 0) {
		log_msg(RP_LOG_ERR, "cannot become a daemon: %s", strerror(errno));
		goto out;
	}
	if (cfg->milter.pidfile && cfg->milter.pidfile[0]) {
		if (write_pidfile(cfg->milter.pidfile, uid, gid) != 0) {
			log_msg(RP_LOG_ERR, "cannot write pidfile %s: %s", cfg->milter.pidfile,
				strerror(errno));
			goto out;
		}
		pidfile = xstrdup(cfg->milter.pidfile);
	}
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
	if (reload_start(path, &shared) != 0) {
		log_msg(RP_LOG_ERR, "cannot start the reload thread");
		goto out;
	}
	log_msg(RP_LOG_NOTICE, "rampart %s starting on %s", RAMPART_VERSION, cfg->milter.socket);
	running = true;
	status = smfi_main() == MI_SUCCESS ? 0 : 2;
	log_msg(RP_LOG_NOTICE, "rampart stopping");
	log_dns_cache_stats(&shared);
out:
	if (pidfile)
		unlink(pidfile);
	if (sockfile)
		unlink(sockfile);
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
		printf("rampart: %s: configuration OK\n", path);
		config_unref(cfg);
		return 0;
	}
	if (dump) {
		config_dump(cfg, stdout);
		config_unref(cfg);
		return 0;
	}

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	log_open(foreground ? RP_LOG_STDERR : cfg->log.target, cfg->log.facility, cfg->log.level);
	rc = serve(cfg, path, foreground);
	config_unref(cfg);
	return rc;
}
