/*
 * nullmilter: a milter that decides nothing. It negotiates exactly the
 * protocol steps, actions and macro lists that rampart asks Postfix for, keeps
 * a small per-connection struct with smfi_setpriv, and answers CONTINUE to
 * every event. The benchmark uses it as the "milter protocol cost only"
 * baseline; the end-to-end harness uses it to test itself. With -D it is an
 * oracle for the greylisting benchmark: it defers RCPTs to one domain with
 * rampart's greylisting reply, so Postfix does the same work as behind
 * rampart (a deferred RCPT opens no queue file) while nothing is decided.
 *
 * Threads: libmilter's worker pool calls the callbacks; one connection's
 * callbacks may run on different threads but never at the same time, so the
 * per-connection struct needs no lock. The optional trace file (-l) is shared
 * and written under a mutex.
 *
 * Usage: nullmilter -p SOCKET [-l TRACEFILE] [-T SECONDS] [-D DOMAIN]
 *   SOCKET as for smfi_setconn: unix:/path, inet:PORT@127.0.0.1, inet6:...
 *   -l     append one line per callback (stage, arguments, macros) to
 *          TRACEFILE; off by default, and never used by the benchmark
 *   -T     libmilter I/O timeout (smfi_settimeout), default libmilter's own
 *   -D     answer RCPT TO:<...@DOMAIN> (exact, case-insensitive) with
 *          451 4.7.1 "<ADDR>: Recipient address rejected: Greylisting in
 *          effect, please come back later", as rampart does
 * Exit status: 0 after a clean stop (SIGTERM/SIGHUP), 1 on a usage error,
 * 2 when the socket cannot be opened.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

struct null_conn {
	unsigned long events;   /* callbacks seen on this connection */
	unsigned long messages; /* MAIL commands seen */
};

static FILE *trace_fp;
static const char *defer_domain; /* -D */
static pthread_mutex_t trace_lock = PTHREAD_MUTEX_INITIALIZER;

/* Copy s into out (size outsz), replacing every byte that is not printable
 * ASCII by '?', so that the trace stays one line per event. */
static void null_printable(char *out, size_t outsz, const char *s)
{
	size_t i = 0;

	if (outsz == 0)
		return;
	if (s == NULL)
		s = "(null)";
	for (; *s != '\0' && i + 1 < outsz; s++)
		out[i++] = isprint((unsigned char)*s) ? *s : '?';
	out[i] = '\0';
}

/* Append "STAGE arg=ARG macro=value ..." to the trace file, if one is open.
 * Macros that Postfix did not send are written as macro=(unset). */
static void null_trace(SMFICTX *ctx, const char *stage, const char *arg,
                       const char *const *macros)
{
	char line[4096], val[1024];
	size_t len;

	if (trace_fp == NULL)
		return;
	null_printable(val, sizeof(val), arg);
	len = (size_t)snprintf(line, sizeof(line), "%s arg=%s", stage, val);
	for (; macros != NULL && *macros != NULL && len < sizeof(line); macros++) {
		const char *v = smfi_getsymval(ctx, (char *)*macros);

		null_printable(val, sizeof(val), v != NULL ? v : "(unset)");
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s=%s",
		                        *macros, val);
	}
	pthread_mutex_lock(&trace_lock);
	fprintf(trace_fp, "%s\n", line);
	fflush(trace_fp);
	pthread_mutex_unlock(&trace_lock);
}

static struct null_conn *null_conn_get(SMFICTX *ctx)
{
	struct null_conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		c->events++;
	return c;
}

static sfsistat null_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
                               unsigned long f2, unsigned long f3,
                               unsigned long *pf0, unsigned long *pf1,
                               unsigned long *pf2, unsigned long *pf3)
{
	const unsigned long want = SMFIF_ADDHDRS | SMFIF_SETSYMLIST;

	if ((f0 & want) != want)
		return SMFIS_REJECT; /* the MTA cannot do what rampart needs */
	*pf0 = want;
	*pf1 = SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOBODY | SMFIP_NOUNKNOWN |
	       SMFIP_NODATA;
	*pf2 = 0;
	*pf3 = 0;
	/* Postfix empties every stage's list once one is set: send them all. */
	if (smfi_setsymlist(ctx, SMFIM_CONNECT,
	        "j {daemon_name} {client_addr} {client_name} {client_ptr} {client_resolve}") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_HELO, "{tls_version}") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_ENVFROM,
	        "i {auth_type} {auth_authen} {mail_addr}") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i {rcpt_addr}") != MI_SUCCESS ||
	    smfi_setsymlist(ctx, SMFIM_EOM, "i") != MI_SUCCESS)
		return SMFIS_REJECT;
	return SMFIS_CONTINUE;
}

static sfsistat null_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *addr)
{
	static const char *const macros[] = { "j", "{daemon_name}",
		"{client_addr}", "{client_name}", "{client_ptr}",
		"{client_resolve}", NULL };
	struct null_conn *c = smfi_getpriv(ctx);

	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return SMFIS_TEMPFAIL;
		if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
			free(c);
			return SMFIS_TEMPFAIL;
		}
	}
	c->events++;
	null_trace(ctx, "connect", hostname, macros);
	return SMFIS_CONTINUE;
}

static sfsistat null_helo(SMFICTX *ctx, char *helo)
{
	static const char *const macros[] = { "{tls_version}", NULL };

	null_conn_get(ctx);
	null_trace(ctx, "helo", helo, macros);
	return SMFIS_CONTINUE;
}

static sfsistat null_envfrom(SMFICTX *ctx, char **argv)
{
	static const char *const macros[] = { "i", "{auth_type}",
		"{auth_authen}", "{mail_addr}", NULL };
	struct null_conn *c = null_conn_get(ctx);

	if (c != NULL)
		c->messages++;
	null_trace(ctx, "envfrom", argv != NULL ? argv[0] : NULL, macros);
	return SMFIS_CONTINUE;
}

/* -D: defer "<local@DOMAIN>" with rampart's greylisting reply. The address
 * goes into the reply only when it is plain (no '%', no control bytes). */
static sfsistat null_defer(SMFICTX *ctx, const char *rcpt)
{
	char text[600];
	const char *at = strrchr(rcpt, '@');
	size_t dl = strlen(defer_domain), n = strlen(rcpt);

	if (at == NULL || n < 3 || rcpt[0] != '<' || rcpt[n - 1] != '>' ||
	    (size_t)(rcpt + n - 1 - (at + 1)) != dl || strncasecmp(at + 1, defer_domain, dl) != 0)
		return SMFIS_CONTINUE;
	for (const char *p = rcpt; *p; p++)
		if (*p == '%' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return SMFIS_TEMPFAIL;
	if (n > 500)
		return SMFIS_TEMPFAIL;
	snprintf(text, sizeof text, "%s: Recipient address rejected: Greylisting in effect, "
		"please come back later", rcpt);
	(void)smfi_setreply(ctx, "451", "4.7.1", text); /* else Postfix's generic 4xx */
	return SMFIS_TEMPFAIL;
}

static sfsistat null_envrcpt(SMFICTX *ctx, char **argv)
{
	static const char *const macros[] = { "i", "{rcpt_addr}", NULL };

	null_conn_get(ctx);
	null_trace(ctx, "envrcpt", argv != NULL ? argv[0] : NULL, macros);
	if (defer_domain != NULL && argv != NULL && argv[0] != NULL)
		return null_defer(ctx, argv[0]);
	return SMFIS_CONTINUE;
}

static sfsistat null_eom(SMFICTX *ctx)
{
	static const char *const macros[] = { "i", NULL };

	null_conn_get(ctx);
	null_trace(ctx, "eom", NULL, macros);
	return SMFIS_CONTINUE;
}

static sfsistat null_abort(SMFICTX *ctx)
{
	null_conn_get(ctx);
	null_trace(ctx, "abort", NULL, NULL);
	return SMFIS_CONTINUE;
}

static sfsistat null_close(SMFICTX *ctx)
{
	struct null_conn *c = smfi_getpriv(ctx);

	null_trace(ctx, "close", NULL, NULL);
	free(c);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc null_desc = {
	"nullmilter", SMFI_VERSION, SMFIF_ADDHDRS | SMFIF_SETSYMLIST,
	null_connect, null_helo, null_envfrom, null_envrcpt,
	NULL, NULL, NULL, null_eom, null_abort, null_close,
	NULL, NULL, null_negotiate
};

static void null_usage(void)
{
	fprintf(stderr, "usage: nullmilter -p SOCKET [-l TRACEFILE] [-T SECONDS] [-D DOMAIN]\n");
	exit(1);
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *trace = NULL;
	int ch, timeout = -1;

	while ((ch = getopt(argc, argv, "p:l:T:D:")) != -1) {
		switch (ch) {
		case 'p': sock = optarg; break;
		case 'l': trace = optarg; break;
		case 'T': timeout = atoi(optarg); break;
		case 'D': defer_domain = optarg; break;
		default: null_usage();
		}
	}
	if (sock == NULL || optind != argc || timeout == 0)
		null_usage();
	if (trace != NULL && (trace_fp = fopen(trace, "a")) == NULL) {
		perror(trace);
		return 1;
	}
	/* Postfix's smtpd runs as an unprivileged user: let it reach a unix socket. */
	umask(0);
	if (smfi_setconn((char *)sock) != MI_SUCCESS ||
	    smfi_register(null_desc) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot use socket %s\n", sock);
		return 1;
	}
	if (timeout > 0 && smfi_settimeout(timeout) != MI_SUCCESS)
		return 1;
	if (smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "nullmilter: cannot open socket %s\n", sock);
		return 2;
	}
	umask(022);
	return smfi_main() == MI_SUCCESS ? 0 : 2;
}
