/*
 * rampartctl_postfix - "rampartctl postfix [--apply] [--postfix-config DIR]":
 * prints, as a shell script, the postconf command that connects Postfix to
 * rampart: smtpd_milters gets rampart's socket in Postfix's per-milter form
 * "{ ENDPOINT, default_action=tempfail, command_timeout=30s }", added to the
 * milters already there, so that no global milter_* setting (and so no
 * other milter's behaviour) changes; the value before and after is shown.
 * Then, commented out, the MTA's part of the hardening that no milter can
 * do (postscreen's pregreet test, unauthorised pipelining, relay control),
 * with Postfix's values expanded (postconf -x) and the real chroot column;
 * last, mynetworks compared with [policy] trusted_networks.
 * --apply runs the first part only, then "postfix reload" when Postfix runs.
 *
 * Reads the running Postfix's settings with postconf(1) (fork/exec, never a
 * shell; output bounded and made printable). Single-threaded.
 * Returns CTL_OK, CTL_USAGE (bad arguments, or a socket Postfix cannot
 * reach with --apply: exit 1) or CTL_RUNTIME (postconf or postfix missing
 * or failing with --apply: exit 2), see rampartctl.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/socket.h>

#include "base/netaddr.h"
#include "config/config.h"
#include "rampartctl.h"
#include "base/util.h"

#define VALUE_MAX 4096          /* longest Postfix value we read or write */
#define COMMAND_TIMEOUT_S 30    /* milter_connect_timeout, milter_command_timeout */
#define DEFAULT_QUEUE_DIR "/var/spool/postfix"

void ctl_postfix_usage(FILE *out)
{
	fputs("  postfix [--apply] [--postfix-config DIR]\n"
	      "                print the postconf commands that connect Postfix to rampart;\n"
	      "                --apply runs them and reloads Postfix\n", out);
}

struct pf {
	const char *confdir;          /* postconf -c DIR, or NULL */
	const char *postconf;         /* the program; NULL: "postconf" */
	bool have_postconf;           /* postconf ran and read main.cf */
	bool installed;               /* postconf could be run at all */
	char error[512];              /* why postconf failed, "" if it did not */
	char chroot_field[8];         /* smtp/inet's chroot column: y, n, -; "" unknown */
	char version[64];             /* mail_version, "" if unknown */
	char queue_dir[512];
	int chrooted;                 /* smtpd runs chrooted: 1, 0, -1 unknown */
	bool postscreen;              /* smtp/inet is postscreen already */
	char milters[VALUE_MAX];      /* smtpd_milters as configured (raw) */
	char milters_x[VALUE_MAX];    /* the same, expanded */
	char non_smtpd[VALUE_MAX];    /* non_smtpd_milters */
	char relay[VALUE_MAX];        /* smtpd_relay_restrictions */
	char data[VALUE_MAX];         /* smtpd_data_restrictions */
	bool forbid_known;            /* smtpd_forbid_unauth_pipelining exists */
	char forbid[16];
	char greet[32];               /* postscreen_greet_action */
	char mynetworks[VALUE_MAX];   /* expanded */
	int warnings;
};

/* ------------------------------------------------------------------ */
/* running Postfix's commands                                          */

/*
 * Run argv (argv[0] from PATH, else /usr/sbin) with stdin from /dev/null.
 * With out, stdout is read into out (at most size-1 bytes kept, the rest
 * drained; control bytes become '?', trailing newlines dropped). stderr is
 * passed through (ERR_PASS), discarded (ERR_QUIET), or read into out with
 * stdout (ERR_MERGE, for a failing command's message). Returns the exit
 * status, 127 when the program cannot be run, -1 when fork or pipe fails.
 */
enum err_mode { ERR_PASS, ERR_QUIET, ERR_MERGE };
static int run(char *const argv[], char *out, size_t size, enum err_mode mode)
{
	int fds[2] = { -1, -1 }, status;
	size_t len = 0;
	pid_t pid;

	if (out && pipe(fds) != 0)
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		if (out) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		char path[256];
		FILE *null = freopen("/dev/null", "r", stdin);
		(void)null;
		if (out) {
			dup2(fds[1], STDOUT_FILENO);
			close(fds[0]);
			close(fds[1]);
		}
		if (mode == ERR_QUIET && !freopen("/dev/null", "w", stderr))
			_exit(127);
		if (mode == ERR_MERGE && out)
			dup2(STDOUT_FILENO, STDERR_FILENO);
		execvp(argv[0], argv);
		if (errno == ENOENT && !strchr(argv[0], '/')) {
			snprintf(path, sizeof path, "/usr/sbin/%s", argv[0]);
			execv(path, argv);
		}
		_exit(127);
	}
	if (out) {
		char buf[1024];
		ssize_t n;
		close(fds[1]);
		for (;;) {
			n = read(fds[0], buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			for (ssize_t i = 0; i < n && len + 1 < size; i++)
				out[len++] = buf[i];
		}
		close(fds[0]);
		while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
			len--;
		out[len] = '\0';
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] > 0x7e)
				out[i] = out[i] == '\n' || out[i] == '\t' ? ' ' : '?';
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* postconf [-c DIR] FLAG ARG into out; 0, or -1 (out empty) on failure. */
static int postconf_get(const struct pf *p, const char *flag, const char *arg, char *out, size_t size)
{
	char *argv[6];
	int n = 0;

	argv[n++] = (char *)(p->postconf ? p->postconf : "postconf");
	if (p->confdir) {
		argv[n++] = (char *)"-c";
		argv[n++] = (char *)p->confdir;
	}
	argv[n++] = (char *)flag;
	argv[n++] = (char *)arg;
	argv[n] = NULL;
	out[0] = '\0';
	if (run(argv, out, size, ERR_QUIET) != 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static void pf_read(struct pf *p)
{
	char field[64], svc[32], probe[512];
	char *argv[6];
	int n = 0, rc;

	p->chrooted = -1;
	rp_strlcpy(p->queue_dir, DEFAULT_QUEUE_DIR, sizeof p->queue_dir);
	/* One probe that keeps postconf's own message when it fails (no
	 * main.cf, a directory that does not exist, no Postfix at all). */
	argv[n++] = (char *)(p->postconf ? p->postconf : "postconf");
	if (p->confdir) {
		argv[n++] = (char *)"-c";
		argv[n++] = (char *)p->confdir;
	}
	argv[n++] = (char *)"-h";
	argv[n++] = (char *)"mail_version";
	argv[n] = NULL;
	rc = run(argv, probe, sizeof probe, ERR_MERGE);
	p->installed = rc != 127 && rc != -1;
	if (rc != 0 || !probe[0]) {
		if (!p->installed)
			rp_strlcpy(p->error, "postconf cannot be run: is Postfix installed?", sizeof p->error);
		else
			snprintf(p->error, sizeof p->error, "%s", probe[0] ? probe : "postconf failed");
		return;
	}
	rp_strlcpy(p->version, probe, sizeof p->version);
	p->have_postconf = true;
	if (postconf_get(p, "-xh", "queue_directory", p->queue_dir, sizeof p->queue_dir) != 0 ||
	    p->queue_dir[0] != '/')
		rp_strlcpy(p->queue_dir, DEFAULT_QUEUE_DIR, sizeof p->queue_dir);
	/* smtpd_milters is written back, so read as configured ($names kept);
	 * the rest only informs, so read expanded as Postfix uses them. */
	postconf_get(p, "-h", "smtpd_milters", p->milters, sizeof p->milters);
	postconf_get(p, "-xh", "smtpd_milters", p->milters_x, sizeof p->milters_x);
	postconf_get(p, "-h", "non_smtpd_milters", p->non_smtpd, sizeof p->non_smtpd);
	postconf_get(p, "-xh", "smtpd_relay_restrictions", p->relay, sizeof p->relay);
	postconf_get(p, "-xh", "smtpd_data_restrictions", p->data, sizeof p->data);
	postconf_get(p, "-xh", "postscreen_greet_action", p->greet, sizeof p->greet);
	postconf_get(p, "-xh", "mynetworks", p->mynetworks, sizeof p->mynetworks);
	/* Postfix 3.9 has it (default yes); 3.5.23, 3.6.13, 3.7.9 and 3.8.4
	 * got it as a backport (default no). An unknown name prints nothing. */
	p->forbid_known = postconf_get(p, "-xh", "smtpd_forbid_unauth_pipelining",
		p->forbid, sizeof p->forbid) == 0 && p->forbid[0];

	/* The SMTP server is smtp/inet, or smtpd/pass behind postscreen. */
	postconf_get(p, "-Fh", "smtp/inet/command", field, sizeof field);
	p->postscreen = strncmp(field, "postscreen", 10) == 0;
	snprintf(svc, sizeof svc, "%s/chroot", p->postscreen ? "smtpd/pass" : "smtp/inet");
	if (postconf_get(p, "-Fh", svc, field, sizeof field) == 0 &&
	    (strcmp(field, "y") == 0 || strcmp(field, "n") == 0 || strcmp(field, "-") == 0)) {
		rp_strlcpy(p->chroot_field, field, sizeof p->chroot_field);
		p->chrooted = field[0] == 'y';     /* "-": n since Postfix 3.0 */
	}
}

/* "y", "n" or "- (n, Postfix's default since 3.0)" */
static const char *chroot_words(const struct pf *p)
{
	if (!p->chroot_field[0])
		return "unknown (no smtp inet line in master.cf)";
	if (p->chroot_field[0] == '-')
		return "- (n, Postfix's default since 3.0)";
	return p->chroot_field;
}

/* ------------------------------------------------------------------ */
/* pure helpers                                                        */

/*
 * Postfix's milter endpoint for our libmilter socket spec. Returns 0, 1
 * when it works but warn says something the admin should know, -1 when
 * Postfix cannot reach it (warn says why).
 */
static int milter_endpoint(const char *sock, const char *queue_dir, int chrooted,
	char *out, size_t size, char *warn, size_t wsize)
{
	char host[300];
	const char *rest, *at;
	size_t qlen = strlen(queue_dir);
	bool v6 = strncmp(sock, "inet6:", 6) == 0;

	warn[0] = '\0';
	if (strncmp(sock, "unix:", 5) == 0 || strncmp(sock, "local:", 6) == 0) {
		rest = strchr(sock, ':') + 1;
		if (chrooted != 1) {
			snprintf(out, size, "unix:%s", rest);
			if (chrooted == -1) {
				snprintf(warn, wsize, "could not tell whether smtpd runs chrooted; if it does, "
					"the socket must lie under %s and be named relative to it", queue_dir);
				return 1;
			}
			return 0;
		}
		/* A chrooted smtpd reads an absolute path relative to the queue directory. */
		if (qlen > 1 && strncmp(rest, queue_dir, qlen) == 0 && rest[qlen] == '/') {
			snprintf(out, size, "unix:%s", rest + qlen);
			return 0;
		}
		snprintf(out, size, "unix:%s", rest);
		snprintf(warn, wsize, "smtpd runs chrooted in %s and cannot reach %s: put the socket "
			"under %s (e.g. unix:%s/rampart/rampart.sock) or use inet:PORT@127.0.0.1",
			queue_dir, rest, queue_dir, queue_dir);
		return -1;
	}
	if (!v6 && strncmp(sock, "inet:", 5) != 0) {
		snprintf(out, size, "%s", sock);
		snprintf(warn, wsize, "unknown socket type in %s", sock);
		return -1;
	}
	rest = strchr(sock, ':') + 1;
	at = strchr(rest, '@');
	if (!at || at == rest || (size_t)(at - rest) > 5 || strspn(rest, "0123456789") != (size_t)(at - rest)) {
		snprintf(out, size, "%s", sock);
		snprintf(warn, wsize, "%s: expected inet:PORT@HOST", sock);
		return -1;
	}
	rp_strlcpy(host, at + 1, sizeof host);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) {
		snprintf(warn, wsize, "rampart listens on every %s address (%s); Postfix is pointed at "
			"the loopback address, and the port should be closed to other hosts",
			host[0] == ':' ? "IPv6" : "IPv4", sock);
		rp_strlcpy(host, host[0] == ':' ? "::1" : "127.0.0.1", sizeof host);
	}
	if (strchr(host, ':'))
		snprintf(out, size, "inet:[%s]:%.*s", host, (int)(at - rest), rest);
	else
		snprintf(out, size, "inet:%s:%.*s", host, (int)(at - rest), rest);
	return warn[0] ? 1 : 0;
}

/* Is word one of the comma/space separated items of list (braces aside)? */
static bool list_has(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p++) {
		bool left = p == list || strchr(" ,\t{", p[-1]);
		bool right = p[n] == '\0' || strchr(" ,\t}", p[n]);
		if (left && right)
			return true;
	}
	return false;
}

/* list with word added at its end (list trimmed). -1 if it does not fit. */
static int list_append(const char *list, const char *word, char *out, size_t size)
{
	size_t a = strspn(list, " \t,"), len = strlen(list);
	int n;
	while (len > a && strchr(" \t,", list[len - 1]))
		len--;
	if (len == a)
		n = snprintf(out, size, "%s", word);
	else
		n = snprintf(out, size, "%.*s, %s", (int)(len - a), list + a, word);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* "addr/len", or the bare address for a full-length prefix. */
static void cidr_text(const struct rp_cidr *c, char *buf, size_t size)
{
	char a[RP_ADDRSTRLEN];
	netaddr_format(&c->net, a, sizeof a);
	if (c->prefix == (c->net.family == AF_INET ? 32u : 128u))
		snprintf(buf, size, "%s", a);
	else
		snprintf(buf, size, "%s/%u", a, c->prefix);
}

/* Does some network of l hold all of c? */
static bool cidrs_cover(const struct rp_cidrlist *l, const struct rp_cidr *c)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].net.family == c->net.family && l->v[i].prefix <= c->prefix &&
		    cidr_match(&l->v[i], &c->net))
			return true;
	return false;
}

/*
 * Postfix's mynetworks item as a network: "192.0.2.0/24", "[2001:db8::]/32",
 * "[::1]/128". Returns 0, or -1 for what cannot be compared here (a host
 * name, a /file, a type:table, a !negation).
 */
static int mynetworks_item(const char *item, struct rp_cidr *out)
{
	char buf[128];
	size_t n = strlen(item);

	if (n >= sizeof buf)
		return -1;
	if (item[0] == '[') {
		const char *close = strchr(item, ']');
		if (!close)
			return -1;
		snprintf(buf, sizeof buf, "%.*s%s", (int)(close - item - 1), item + 1, close + 1);
	} else {
		memcpy(buf, item, n + 1);
	}
	return cidr_parse(buf, out);
}

/* Part 3: Postfix's mynetworks against [policy] trusted_networks. */
static void compare_networks(const struct pf *p, const struct rp_cidrlist *trusted)
{
	struct rp_cidrlist mine = { 0 }, want = { 0 };
	char list[VALUE_MAX], item[160], missing[VALUE_MAX] = "", extra[VALUE_MAX] = "",
		other[VALUE_MAX] = "", line[VALUE_MAX] = "";
	size_t lpos = 0;

	printf("\n# 3. Trusted clients: Postfix's mynetworks and rampart's trusted_networks.\n");
	if (!p->have_postconf) {
		printf("#    mynetworks could not be read.\n");
		return;
	}
	rp_strlcpy(list, p->mynetworks, sizeof list);
	for (char *save = NULL, *tok = strtok_r(list, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		struct rp_cidr c;
		if (mynetworks_item(tok, &c) == 0) {
			cidrlist_add(&mine, &c);
		} else {
			size_t o = strlen(other);
			snprintf(other + o, sizeof other - o, "%s%s", o ? " " : "", tok);
		}
	}
	for (size_t i = 0; i < trusted->n; i++)
		cidrlist_add(&want, &trusted->v[i]);
	for (size_t i = 0; i < mine.n; i++) {
		size_t o = strlen(missing);
		if (cidrs_cover(trusted, &mine.v[i]))
			continue;
		cidr_text(&mine.v[i], item, sizeof item);
		snprintf(missing + o, sizeof missing - o, "%s%s", o ? ", " : "", item);
		cidrlist_add(&want, &mine.v[i]);
	}
	for (size_t i = 0; i < trusted->n; i++) {
		size_t o = strlen(extra);
		if (cidrs_cover(&mine, &trusted->v[i]))
			continue;
		cidr_text(&trusted->v[i], item, sizeof item);
		snprintf(extra + o, sizeof extra - o, "%s%s", o ? ", " : "", item);
	}
	printf("#    mynetworks = %s\n", p->mynetworks[0] ? p->mynetworks : "(empty)");
	printf("#    Postfix lets these clients relay; rampart skips every check for its\n"
	       "#    trusted_networks. rampart does not read mynetworks itself (it serves\n"
	       "#    Sendmail too, and the two lists mean different things); keep them in\n"
	       "#    step by hand where the same clients should be trusted.\n");
	if (!missing[0] && !extra[0]) {
		printf("#    trusted_networks covers the same networks.\n");
	} else {
		if (missing[0])
			printf("#    In mynetworks, not trusted by rampart (its checks apply): %s\n", missing);
		if (extra[0])
			printf("#    Trusted by rampart, not in mynetworks: %s\n", extra);
		if (missing[0]) {
			for (size_t i = 0; i < want.n && lpos < sizeof line; i++) {
				int w;
				cidr_text(&want.v[i], item, sizeof item);
				w = snprintf(line + lpos, sizeof line - lpos, "%s%s", i ? ", " : "", item);
				if (w < 0)
					break;
				lpos += (size_t)w;
			}
			printf("#    To trust them too, in rampart.conf [policy]:\n"
			       "#    trusted_networks = %s\n", line);
		}
	}
	if (other[0])
		printf("#    Not compared (names, files and tables): %s\n", other);
	cidrlist_free(&mine);
	cidrlist_free(&want);
}

/* Print s single-quoted for sh. */
static void put_quoted(const char *s)
{
	putchar('\'');
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", stdout);
		else
			putchar(*s);
	}
	putchar('\'');
}

static void put_postconf(const struct pf *p, const char *prefix, const char *opt, const char *name,
	const char *value)
{
	char kv[VALUE_MAX + 128];
	fputs(prefix, stdout);
	fputs("postconf", stdout);
	if (p->confdir) {
		fputs(" -c ", stdout);
		put_quoted(p->confdir);
	}
	printf(" %s ", opt);
	snprintf(kv, sizeof kv, "%s = %s", name, value);
	put_quoted(kv);
	putchar('\n');
}

/* "postfix [-c DIR] status && postfix [-c DIR] reload" */
static void put_reload(const struct pf *p, const char *prefix)
{
	const char *verb[] = { "status >/dev/null 2>&1 && ", "reload\n" };
	fputs(prefix, stdout);
	for (int i = 0; i < 2; i++) {
		fputs("postfix ", stdout);
		if (p->confdir) {
			fputs("-c ", stdout);
			put_quoted(p->confdir);
			putchar(' ');
		}
		fputs(verb[i], stdout);
	}
}

static void warn(struct pf *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct pf *p, const char *fmt, ...)
{
	char safe[1024];
	va_list ap;

	va_start(ap, fmt);
	ctl_vprintable(safe, sizeof safe, fmt, ap);
	va_end(ap);
	printf("# WARNING: %s\n", safe);
	ctl_error("warning: %s", safe);
	p->warnings++;
}

/* ------------------------------------------------------------------ */
/* Postfix's view of rampart's socket, for rampartctl doctor           */

void ctl_postfix_view(const char *sock, const char *confdir, const char *postconf,
	struct ctl_pf_view *v)
{
	struct pf *p = xcalloc(1, sizeof *p);
	const char *path;

	memset(v, 0, sizeof *v);
	p->confdir = confdir;
	p->postconf = postconf;
	pf_read(p);
	v->installed = p->installed;
	v->read = p->have_postconf;
	rp_strlcpy(v->error, p->error, sizeof v->error);
	v->chrooted = p->chrooted;
	rp_strlcpy(v->queue_dir, p->queue_dir, sizeof v->queue_dir);
	rp_strlcpy(v->milters, p->milters_x, sizeof v->milters);
	v->reach = milter_endpoint(sock, p->queue_dir, p->chrooted, v->endpoint,
		sizeof v->endpoint, v->why, sizeof v->why);
	v->listed = v->read && list_has(p->milters_x, v->endpoint);
	/* The file smtpd opens: the endpoint's path, inside the queue
	 * directory when smtpd is chrooted. */
	if (strncmp(v->endpoint, "unix:", 5) == 0) {
		path = v->endpoint + 5;
		if (p->chrooted == 1)
			snprintf(v->path, sizeof v->path, "%s%s", p->queue_dir, path);
		else
			rp_strlcpy(v->path, path, sizeof v->path);
	}
	free(p);
}

/* ------------------------------------------------------------------ */
/* the command                                                         */

struct setting {
	const char *name;
	char value[VALUE_MAX];
};

int ctl_postfix(struct ctl *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "apply", no_argument, NULL, 'a' },
		{ "postfix-config", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct pf pf;
	static struct setting set[1];
	char endpoint[600], entry[700], why[1024], value[VALUE_MAX];
	bool apply = false;
	size_t nset = 0;
	int opt, reach, rc;

	memset(&pf, 0, sizeof pf);
	memset(set, 0, sizeof set);
	/* argv[0] is the first word after "postfix"; getopt wants a program name. */
	optind = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, "+h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			apply = true;
			break;
		case 'p':
			if (optarg[0] != '/' || strlen(optarg) >= 1024) {
				ctl_error("--postfix-config %s: expected an absolute directory", optarg);
				return CTL_USAGE;
			}
			pf.confdir = optarg;
			break;
		case 'h':
			ctl_postfix_usage(stdout);
			return CTL_OK;
		default:
			ctl_postfix_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc + 1) {
		ctl_error("postfix: unexpected argument \"%s\"", argv[optind - 1]);
		ctl_postfix_usage(stderr);
		return CTL_USAGE;
	}

	pf_read(&pf);
	printf("#!/bin/sh\n"
	       "# Postfix settings for rampart %s (rampart config: %s)\n",
	       RAMPART_VERSION, c->cfg->path ? c->cfg->path : "built-in defaults");
	if (pf.have_postconf)
		printf("# Postfix %s%s%s, smtpd chroot %s\n", pf.version, pf.confdir ? ", config " : "",
			pf.confdir ? pf.confdir : "", chroot_words(&pf));
	else
		warn(&pf, "%s; Postfix's settings could not be read, so the milters already in "
			"smtpd_milters are not known: add rampart's entry to them by hand", pf.error);

	/* 1. connecting Postfix to rampart: smtpd_milters only */
	reach = milter_endpoint(c->cfg->milter.socket, pf.queue_dir, pf.chrooted, endpoint,
		sizeof endpoint, why, sizeof why);
	printf("\n# 1. Connect Postfix to rampart ([milter] socket = %s).\n", c->cfg->milter.socket);
	if (reach != 0)
		warn(&pf, "%s", why);
	snprintf(entry, sizeof entry, "{ %s, default_action=tempfail, command_timeout=%ds }",
		endpoint, COMMAND_TIMEOUT_S);
	if (list_has(pf.milters_x, endpoint)) {
		printf("# smtpd_milters already lists %s: nothing to change.\n", endpoint);
	} else if (list_append(pf.milters, entry, value, sizeof value) != 0) {
		ctl_error("smtpd_milters is too long to extend");
		return CTL_RUNTIME;
	} else {
		printf("# before: smtpd_milters = %s\n", !pf.have_postconf ? "(not known)"
			: pf.milters[0] ? pf.milters : "(empty)");
		if (strcmp(pf.milters, pf.milters_x) != 0)
			printf("#         (expanded: %s)\n", pf.milters_x);
		printf("# after:  smtpd_milters = %s\n", value);
		set[nset].name = "smtpd_milters";
		rp_strlcpy(set[nset++].value, value, VALUE_MAX);
	}
	for (size_t i = 0; i < nset; i++)
		put_postconf(&pf, "", "-e", set[i].name, set[i].value);
	if (c->cfg->dns.stage_budget_ms >= COMMAND_TIMEOUT_S * 1000u)
		warn(&pf, "[dns] stage_budget = %ums is not below the milter command_timeout = %ds: "
			"Postfix would give up on rampart first and answer with its default_action; lower "
			"stage_budget (default 20s)", c->cfg->dns.stage_budget_ms, COMMAND_TIMEOUT_S);
	printf("# default_action=tempfail: mail waits (4xx) while rampart is down; it and\n"
	       "# command_timeout apply to rampart alone, so the global milter_default_action,\n"
	       "# milter_*_timeout and milter_protocol (and every other milter) stay as they are.\n"
	       "# non_smtpd_milters is left alone: rampart checks SMTP clients only.\n");
	if (list_has(pf.non_smtpd, "$smtpd_milters") || list_has(pf.non_smtpd, "${smtpd_milters}"))
		printf("# (non_smtpd_milters = %s also sends local submissions to rampart; they come\n"
		       "#  from 127.0.0.1, which [policy] trusted_networks trusts by default.)\n", pf.non_smtpd);
	printf("# milter_*_macros are left alone: rampart asks for the macros it needs itself.\n");
	if (nset)
		put_reload(&pf, "");

	/* 2. what only the MTA can do: printed, never applied */
	printf("\n# 2. The MTA's part of the hardening that no milter can do.\n"
	       "# A milter sees SMTP commands only after smtpd has read them, so these stay\n"
	       "# with Postfix. Review them, then run them by hand (they are commented out).\n");
	printf("#\n# a) postscreen's pregreet test: postscreen answers port 25 first, sends a\n"
	       "#    multi-line greeting and refuses clients that talk before it is done\n"
	       "#    (spambots do); clients that pass are handed to smtpd.\n");
	if (pf.postscreen) {
		printf("#    master.cf already runs postscreen on smtp/inet.\n");
	} else {
		/* The new services keep the chroot column of today's smtp line. */
		const char *ch = pf.chroot_field[0] ? pf.chroot_field : "-";
		char line[128];
		static const char *const svc[][3] = {   /* name, fields before and after chroot */
			{ "smtp/inet", "smtp inet n - ", " - 1 postscreen" },
			{ "smtpd/pass", "smtpd pass - - ", " - - smtpd" },
			{ "dnsblog/unix", "dnsblog unix - - ", " - 0 dnsblog" },
			{ "tlsproxy/unix", "tlsproxy unix - - ", " - 0 tlsproxy" },
		};
		printf("#    In master.cf, the \"smtp inet ... smtpd\" line becomes a postscreen\n"
		       "#    line; smtpd moves to the \"smtpd pass\" service (move any -o options of\n"
		       "#    the old smtp line under it); dnsblog and tlsproxy are added\n"
		       "#    (%s):\n",
		       pf.chroot_field[0] ? "chroot column as on today's smtp line"
					  : "chroot \"-\": Postfix's default");
		for (size_t i = 0; i < RP_ARRAY_LEN(svc); i++) {
			snprintf(line, sizeof line, "%s%s%s", svc[i][1], ch, svc[i][2]);
			put_postconf(&pf, "# ", "-M", svc[i][0], line);
		}
	}
	if (strcmp(pf.greet, "enforce") == 0 || strcmp(pf.greet, "drop") == 0)
		printf("#    postscreen_greet_action is already %s.\n", pf.greet);
	else
		put_postconf(&pf, "# ", "-e", "postscreen_greet_action", "enforce");

	printf("#\n# b) Clients that send commands before the reply to the previous one\n"
	       "#    (unauthorised pipelining, SMTP smuggling).\n");
	if (!pf.have_postconf) {
		printf("#    Postfix's version is not known here: where postconf -d lists\n"
		       "#    smtpd_forbid_unauth_pipelining (3.9, 3.5.23, 3.6.13, 3.7.9, 3.8.4):\n");
		put_postconf(&pf, "# ", "-e", "smtpd_forbid_unauth_pipelining", "yes");
		printf("#    else:\n");
		put_postconf(&pf, "# ", "-e", "smtpd_data_restrictions", "reject_unauth_pipelining");
	} else if (pf.forbid_known) {
		printf("#    smtpd_forbid_unauth_pipelining (Postfix >= 3.9, backported to 3.7.9+)\n"
		       "#    hangs up on them (currently %s).\n", pf.forbid);
		if (strcmp(pf.forbid, "yes") != 0)
			put_postconf(&pf, "# ", "-e", "smtpd_forbid_unauth_pipelining", "yes");
	} else if (list_has(pf.data, "reject_unauth_pipelining")) {
		printf("#    smtpd_data_restrictions already has reject_unauth_pipelining.\n");
	} else if (list_append(pf.data, "reject_unauth_pipelining", value, sizeof value) == 0) {
		printf("#    This Postfix has no smtpd_forbid_unauth_pipelining (3.9+); use:\n");
		put_postconf(&pf, "# ", "-e", "smtpd_data_restrictions", value);
	}

	printf("#\n# c) Relay control: only Postfix knows which domains it serves.\n");
	if (!pf.have_postconf) {
		printf("#    (smtpd_relay_restrictions could not be read; keep what it has and make\n"
		       "#    sure it ends with reject_unauth_destination.)\n");
	} else if (list_has(pf.relay, "reject_unauth_destination")) {
		printf("#    smtpd_relay_restrictions already has reject_unauth_destination.\n");
	} else {
		if (pf.relay[0])
			printf("#    smtpd_relay_restrictions is now: %s\n", pf.relay);
		put_postconf(&pf, "# ", "-e", "smtpd_relay_restrictions",
			"permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination");
	}
	put_reload(&pf, "# ");
	compare_networks(&pf, &c->cfg->policy.trusted_networks);

	if (!apply)
		return CTL_OK;

	/* --apply: part 1 only */
	if (reach < 0) {
		ctl_error("refusing --apply: Postfix could not reach rampart's socket");
		return CTL_USAGE;
	}
	if (!pf.have_postconf) {
		ctl_error("cannot --apply: %s", pf.error);
		return CTL_RUNTIME;
	}
	if (nset == 0) {
		fprintf(stderr, "rampartctl: smtpd_milters lists rampart already; nothing applied\n");
		return CTL_OK;
	}
	{
		char *av[4 + RP_ARRAY_LEN(set) + 1];
		static char kv[RP_ARRAY_LEN(set)][VALUE_MAX + 64];
		int n = 0;
		av[n++] = (char *)"postconf";
		if (pf.confdir) {
			av[n++] = (char *)"-c";
			av[n++] = (char *)pf.confdir;
		}
		av[n++] = (char *)"-e";
		for (size_t i = 0; i < nset; i++) {
			snprintf(kv[i], sizeof kv[i], "%s = %s", set[i].name, set[i].value);
			av[n++] = kv[i];
		}
		av[n] = NULL;
		rc = run(av, NULL, 0, ERR_PASS);
		if (rc != 0) {
			ctl_error("postconf -e failed (%s %d)%s", rc == 127 ? "cannot run, status" : "exit status",
				rc, geteuid() != 0 ? "; main.cf is usually writable by root only" : "");
			return CTL_RUNTIME;
		}
	}
	if (pf.confdir)
		fprintf(stderr, "rampartctl: set smtpd_milters in %s/main.cf\n", pf.confdir);
	else
		fprintf(stderr, "rampartctl: set smtpd_milters in Postfix's main.cf\n");
	{
		char *av[5];
		int n = 0;
		av[n++] = (char *)"postfix";
		if (pf.confdir) {
			av[n++] = (char *)"-c";
			av[n++] = (char *)pf.confdir;
		}
		av[n++] = (char *)"status";
		av[n] = NULL;
		if (run(av, NULL, 0, ERR_QUIET) != 0) {
			fprintf(stderr, "rampartctl: Postfix is not running; the settings apply when it starts\n");
			return CTL_OK;
		}
		av[n - 1] = (char *)"reload";
		rc = run(av, NULL, 0, ERR_PASS);
		if (rc != 0) {
			ctl_error("postfix reload failed (exit status %d)", rc);
			return CTL_RUNTIME;
		}
		fprintf(stderr, "rampartctl: Postfix reloaded\n");
	}
	return CTL_OK;
}
