/*
 * test_whitelist - postgrey's whitelist formats (greylist/whitelist.h):
 * each line form, what it matches and what it does not, bad lines with
 * their reasons, files with FILE:LINE errors, and Debian's postgrey files
 * (scripts/deps.sh --test installs the postgrey package) loading clean.
 */
#include <stdlib.h>
#include <unistd.h>

#include "greylist/whitelist.h"
#include "test.h"

struct client_case {
	const char *line;
	const char *name, *addr;  /* the client */
	bool hit;
};

static const struct client_case clients[] = {
	/* host name suffix: the name and every name below it */
	{ "example.com", "example.com", "192.0.2.1", true },
	{ "example.com", "MX1.Example.COM", "192.0.2.1", true },
	{ "example.com", "badexample.com", "192.0.2.1", false },
	{ "example.com", "example.com.evil.test", "192.0.2.1", false },
	{ "example.com", "unknown", "192.0.2.1", false },
	{ "mail.example.com", "example.com", "192.0.2.1", false },
	/* regex searched in the name, caseless */
	{ "/^mail\\d+\\.telekom\\.de$/", "MAIL12.telekom.de", "192.0.2.1", true },
	{ "/^mail\\d+\\.telekom\\.de$/", "mailx.telekom.de", "192.0.2.1", false },
	{ "/^mail\\d+\\.telekom\\.de$/", "xmail1.telekom.de", "192.0.2.1", false },
	{ "/telekom/", "mx.telekom.de", "192.0.2.1", true },
	{ "/^(?:smtp\\w*|postfix)[0-9]+-g[0-9]+\\.free\\.fr$/", "smtpfb2-g21.free.fr", "192.0.2.1", true },
	{ "/^unknown$/", "unknown", "192.0.2.1", true },
	/* a regex is not matched against the address */
	{ "/^192\\.0\\.2\\.1$/", "unknown", "192.0.2.1", false },
	/* IPv4 address, network, host bits cleared */
	{ "192.0.2.1", "unknown", "192.0.2.1", true },
	{ "192.0.2.1", "unknown", "192.0.2.2", false },
	{ "192.0.2.0/24", "unknown", "192.0.2.200", true },
	{ "192.0.2.0/24", "unknown", "192.0.3.1", false },
	{ "192.0.2.77/24", "unknown", "192.0.2.1", true },
	{ "10.0.0.0/8", "unknown", "10.255.1.1", true },
	/* partial addresses: three octets /24, two octets /16 */
	{ "195.235.39", "unknown", "195.235.39.8", true },
	{ "195.235.39", "unknown", "195.235.40.8", false },
	{ "198.51", "unknown", "198.51.200.1", true },
	{ "198.51", "unknown", "198.52.0.1", false },
	/* IPv6 */
	{ "2001:db8::/32", "unknown", "2001:db8:1::5", true },
	{ "2001:db8::/32", "unknown", "2001:db9::5", false },
	{ "2001:db8::25", "unknown", "2001:db8::25", true },
	{ "2001:db8::25", "unknown", "2001:db8::26", false },
	{ "2001:db8::/32", "unknown", "192.0.2.1", false },
	/* comments and white space around */
	{ "  example.org   # our partner", "relay.example.org", "192.0.2.1", true },
};

struct rcpt_case {
	const char *line, *rcpt;
	bool hit;
};

static const struct rcpt_case rcpts[] = {
	{ "postmaster@", "postmaster@example.com", true },
	{ "postmaster@", "Postmaster@Other.Example", true },
	{ "postmaster@", "postmaster+tag@example.com", true },
	{ "postmaster@", "postmasterx@example.com", false },
	{ "postmaster@", "xpostmaster@example.com", false },
	{ "abuse@example.com", "abuse@example.com", true },
	{ "abuse@example.com", "ABUSE+spam@EXAMPLE.com", true },
	{ "abuse@example.com", "abuse@sub.example.com", false },
	{ "abuse@example.com", "abuse@example.com.evil", false },
	{ "abuse@example.com", "abuse+@example.com", false },
	{ "example.net", "anyone@example.net", true },
	{ "example.net", "anyone@lists.example.net", true },
	{ "example.net", "anyone@badexample.net", false },
	{ "@example.net", "anyone@example.net", true },
	{ "@example.net", "anyone@lists.example.net", false },
	{ "/^list-.*@example\\.org$/", "List-Users@example.org", true },
	{ "/^list-.*@example\\.org$/", "users@example.org", false },
};

struct bad_case {
	enum grey_wl_kind kind;
	const char *line, *reason;
};

static const struct bad_case bad[] = {
	{ GREY_WL_CLIENTS, "/a(b/", "regular expression: missing closing parenthesis at offset 3" },
	{ GREY_WL_CLIENTS, "192.0.2.999", "not an IP address" },
	{ GREY_WL_CLIENTS, "192.0.2.0/33", "bad prefix length (expected /0 to /32)" },
	{ GREY_WL_CLIENTS, "192.0.2.0/", "bad prefix length (expected /0 to /32)" },
	{ GREY_WL_CLIENTS, "192.0.2.0/24x", "bad prefix length (expected /0 to /32)" },
	{ GREY_WL_CLIENTS, "2001:db8::/129", "bad prefix length (expected /0 to /128)" },
	{ GREY_WL_CLIENTS, "2001:zz8::1", "not an IP address" },
	{ GREY_WL_CLIENTS, "two words", "doesn't look like a host name" },
	{ GREY_WL_CLIENTS, "ctl\001name", "doesn't look like a host name" },
	{ GREY_WL_RECIPIENTS, "two words@example.com", "doesn't look like an address" },
	{ GREY_WL_RECIPIENTS, "/[z-a]/", "regular expression: range out of order in character class at offset 3" },
};

static void test_clients(void)
{
	char err[256], ctx[200];
	for (size_t i = 0; i < RP_ARRAY_LEN(clients); i++) {
		const struct client_case *t = &clients[i];
		struct grey_whitelist *w = whitelist_new();
		struct rp_netaddr a;
		snprintf(ctx, sizeof ctx, "client line \"%s\" vs %s[%s]", t->line, t->name, t->addr);
		T_EQ_INT(whitelist_add_line(w, GREY_WL_CLIENTS, t->line, "f:1", err, sizeof err), 1, ctx);
		T_CHECK(netaddr_parse(t->addr, &a) == 0, "%s", ctx);
		const char *got = whitelist_client(w, t->name, &a);
		T_CHECK((got != NULL) == t->hit, "%s: got %s", ctx, got ? got : "no match");
		if (t->hit)
			T_EQ_STR(got, "f:1", ctx);
		/* no recipient ever matches a client line */
		T_CHECK(whitelist_recipient(w, "postmaster@example.com") == NULL, "%s", ctx);
		whitelist_free(w);
	}
}

static void test_recipients(void)
{
	char err[256], ctx[200];
	for (size_t i = 0; i < RP_ARRAY_LEN(rcpts); i++) {
		const struct rcpt_case *t = &rcpts[i];
		struct grey_whitelist *w = whitelist_new();
		snprintf(ctx, sizeof ctx, "recipient line \"%s\" vs %s", t->line, t->rcpt);
		T_EQ_INT(whitelist_add_line(w, GREY_WL_RECIPIENTS, t->line, "r:7", err, sizeof err), 1, ctx);
		const char *got = whitelist_recipient(w, t->rcpt);
		T_CHECK((got != NULL) == t->hit, "%s: got %s", ctx, got ? got : "no match");
		if (t->hit)
			T_EQ_STR(got, "r:7", ctx);
		whitelist_free(w);
	}
}

static void test_bad_and_blank(void)
{
	char err[256];
	struct grey_whitelist *w = whitelist_new();
	for (size_t i = 0; i < RP_ARRAY_LEN(bad); i++) {
		T_EQ_INT(whitelist_add_line(w, bad[i].kind, bad[i].line, "b:1", err, sizeof err), -1, bad[i].line);
		T_EQ_STR(err, bad[i].reason, bad[i].line);
	}
	T_EQ_INT(whitelist_count(w, GREY_WL_CLIENTS) + whitelist_count(w, GREY_WL_RECIPIENTS), 0,
		"bad lines add nothing");
	T_EQ_INT(whitelist_add_line(w, GREY_WL_CLIENTS, "   \t\n", "b:2", err, sizeof err), 0, "blank");
	T_EQ_INT(whitelist_add_line(w, GREY_WL_CLIENTS, "# 192.0.2.1", "b:3", err, sizeof err), 0, "comment");
	T_EQ_INT(whitelist_add_line(w, GREY_WL_RECIPIENTS, "", "b:4", err, sizeof err), 0, "empty");
	/* an empty list and a NULL list match nothing */
	struct rp_netaddr a;
	netaddr_parse("192.0.2.1", &a);
	T_CHECK(whitelist_client(w, "example.com", &a) == NULL, "empty list");
	T_CHECK(whitelist_client(NULL, "example.com", &a) == NULL, "no list");
	T_CHECK(whitelist_recipient(NULL, "a@example.com") == NULL, "no list");
	whitelist_free(w);
}

/* a regex that would backtrack for ever on a hostile name gives up (no
 * match) instead of holding the worker */
static void test_backtracking_bounded(void)
{
	char err[256], name[256];
	struct grey_whitelist *w = whitelist_new();
	T_EQ_INT(whitelist_add_line(w, GREY_WL_CLIENTS, "/^(a+)+$/", "x:1", err, sizeof err), 1, "nested");
	memset(name, 'a', 60);
	strcpy(name + 60, "!.example");
	T_CHECK(whitelist_client(w, name, NULL) == NULL, "no match, returned");
	whitelist_free(w);
}

static char *write_file(const char *text)
{
	char *path = strdup("/tmp/rampart-wl-XXXXXX");
	int fd = mkstemp(path);
	T_CHECK(fd >= 0, "mkstemp");
	T_CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write");
	close(fd);
	return path;
}

static void test_files(void)
{
	struct rp_errlist errs = { 0 };
	char want[300];
	struct grey_whitelist *w = whitelist_new();
	char *p = write_file("# partners\nexample.com\n\nbad line here\n192.0.2.0/24\n/x(/\n");

	T_EQ_INT(whitelist_load_file(w, GREY_WL_CLIENTS, p, &errs), 2, "two bad lines");
	snprintf(want, sizeof want, "%s:4: \"bad line here\": doesn't look like a host name", p);
	T_CHECK(errs.n == 2 && strcmp(errs.msg[0], want) == 0, "line 4 named: %s", errs.n ? errs.msg[0] : "-");
	snprintf(want, sizeof want, "%s:6: \"/x(/\": regular expression:", p);
	T_CHECK(errs.n == 2 && strncmp(errs.msg[1], want, strlen(want)) == 0, "line 6 named: %s",
		errs.n > 1 ? errs.msg[1] : "-");
	T_EQ_INT(whitelist_count(w, GREY_WL_CLIENTS), 2, "the good lines kept");
	struct rp_netaddr a;
	netaddr_parse("192.0.2.9", &a);
	snprintf(want, sizeof want, "%s:5", p);
	T_EQ_STR(whitelist_client(w, "unknown", &a), want, "the matching entry named by FILE:LINE");
	errlist_clear(&errs);
	unlink(p);
	free(p);

	/* a missing file is an error, a missing .local file is not */
	T_EQ_INT(whitelist_load_file(w, GREY_WL_CLIENTS, "/nonexistent/whitelist_clients", &errs), 1, "missing");
	T_CHECK(t_errlist_has(&errs, "/nonexistent/whitelist_clients: cannot open: No such file or directory"),
		"missing named");
	errlist_clear(&errs);
	T_EQ_INT(whitelist_load_file(w, GREY_WL_CLIENTS, "/nonexistent/whitelist_clients.local", &errs), 0,
		"missing .local");
	T_EQ_INT(errs.n, 0, "no message for a missing .local");

	/* a line longer than the bound is one error, the next line still read */
	char *big = malloc(3000);
	memset(big, 'a', 2000);
	strcpy(big + 2000, ".example\nexample.org\n");
	p = write_file(big);
	free(big);
	T_EQ_INT(whitelist_load_file(w, GREY_WL_CLIENTS, p, &errs), 1, "long line");
	snprintf(want, sizeof want, "%s:1: line longer than 1024 octets", p);
	T_CHECK(errs.n == 1 && strcmp(errs.msg[0], want) == 0, "long line named: %s", errs.n ? errs.msg[0] : "-");
	T_CHECK(whitelist_client(w, "mx.example.org", NULL) != NULL, "the line after it read");
	errlist_clear(&errs);
	unlink(p);
	free(p);
	whitelist_free(w);
}

/* The files Debian's postgrey package ships load with no error. */
static void test_debian_files(void)
{
	struct rp_errlist errs = { 0 };
	struct grey_whitelist *w = whitelist_new();
	struct rp_netaddr a;

	T_EQ_INT(whitelist_load_file(w, GREY_WL_CLIENTS, "/etc/postgrey/whitelist_clients", &errs), 0,
		"Debian's whitelist_clients (package postgrey)");
	T_EQ_INT(whitelist_load_file(w, GREY_WL_RECIPIENTS, "/etc/postgrey/whitelist_recipients", &errs), 0,
		"Debian's whitelist_recipients");
	t_errlist_dump(&errs);
	T_CHECK(whitelist_count(w, GREY_WL_CLIENTS) >= 160, "clients: %zu entries (164 in postgrey 1.37)",
		whitelist_count(w, GREY_WL_CLIENTS));
	T_EQ_INT(whitelist_count(w, GREY_WL_RECIPIENTS), 2, "postmaster@ and abuse@");
	/* entries from the shipped files, each form */
	netaddr_parse("203.0.113.1", &a);
	T_CHECK(whitelist_client(w, "lists.debian.org", &a) != NULL, "suffix debian.org");
	T_CHECK(whitelist_client(w, "mail7.telekom.de", &a) != NULL, "regex ^mail\\d+\\.telekom\\.de$");
	netaddr_parse("66.216.126.174", &a);
	T_CHECK(whitelist_client(w, "unknown", &a) != NULL, "address 66.216.126.174");
	netaddr_parse("195.235.39.200", &a);
	T_CHECK(whitelist_client(w, "unknown", &a) != NULL, "partial 195.235.39");
	netaddr_parse("203.0.113.1", &a);
	T_CHECK(whitelist_client(w, "mx.example.test", &a) == NULL, "an unlisted client");
	T_CHECK(whitelist_recipient(w, "postmaster@example.test") != NULL, "postmaster@");
	T_CHECK(whitelist_recipient(w, "info@example.test") == NULL, "an unlisted recipient");
	errlist_clear(&errs);
	whitelist_free(w);
}

int main(void)
{
	test_clients();
	test_recipients();
	test_bad_and_blank();
	test_backtracking_bounded();
	test_files();
	test_debian_files();
	return t_done();
}
