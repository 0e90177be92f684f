/* test_config_env - what rampart -t checks outside the file
 * (config_check_env): user, group, directories, files readable by the
 * run-as user, budgets against the MTA's timeout. Table-driven; as root
 * (the checks that name the user apply when run as root). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "test.h"

static char dir[] = "/tmp/rampart-env.XXXXXX";

/* Load BODY (with @D@ for the temp dir) and check the environment. */
static void check(const char *name, const char *body, const char *want_err, const char *want_warn)
{
	char path[256], text[2048], *o = text;
	struct rp_errlist errs = { 0 }, warns = { 0 };

	for (const char *p = body; *p && o < text + sizeof text - 64; p++) {
		if (strncmp(p, "@D@", 3) == 0) {
			o += sprintf(o, "%s", dir);
			p += 2;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	snprintf(path, sizeof path, "%s/%s.conf", dir, name);
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, 0644);
	struct rp_config *c = config_load(path, &errs);
	T_CHECK(c != NULL, "%s loads", name);
	if (!c) {
		t_errlist_dump(&errs);
		return;
	}
	config_check_env(c, &errs, &warns);
	if (want_err) {
		char want[512];
		snprintf(want, sizeof want, "%s: %s", path, want_err);
		for (char *w = strstr(want, "@D@"); w; w = strstr(want, "@D@")) {
			char rest[512];
			snprintf(rest, sizeof rest, "%s%s", dir, w + 3);
			strcpy(w, rest);
		}
		T_EQ_INT(errs.n, 1, name);
		T_CHECK(errs.n && strcmp(errs.msg[0], want) == 0, "%s: got \"%s\", want \"%s\"", name,
			errs.n ? errs.msg[0] : "", want);
	} else {
		T_EQ_INT(errs.n, 0, name);
		t_errlist_dump(&errs);
	}
	if (want_warn) {
		char ww[768];
		snprintf(ww, sizeof ww, "%s", want_warn);
		for (char *w = strstr(ww, "@D@"); w; w = strstr(ww, "@D@")) {
			char rest[768];
			snprintf(rest, sizeof rest, "%s%s", dir, w + 3);
			strcpy(w, rest);
		}
		T_EQ_INT(warns.n, 1, name);
		T_CHECK(warns.n && strstr(warns.msg[0], ww), "%s: warning \"%s\", want \"%s\"", name,
			warns.n ? warns.msg[0] : "", ww);
	} else {
		T_EQ_INT(warns.n, 0, name);
	}
	errlist_clear(&errs);
	errlist_clear(&warns);
	config_unref(c);
}

#define BASE "[milter]\nsocket = unix:@D@/sock\npidfile = @D@/pid\n"

int main(void)
{
	if (geteuid() != 0) {
		printf("test_config_env: needs root (the user checks apply to a root start)\n");
		return 1;
	}
	if (!mkdtemp(dir))
		return 1;
	chmod(dir, 0755);
	char sub[300], acc[300];
	snprintf(sub, sizeof sub, "%s/rootonly", dir);
	mkdir(sub, 0755);
	snprintf(acc, sizeof acc, "%s/access", dir);
	FILE *f = fopen(acc, "w");
	fclose(f);
	chmod(acc, 0600);

	static const struct { const char *name, *body, *err, *warn; } cases[] = {
		{ "clean", BASE "user = root\ngroup = root\n", NULL, NULL },
		{ "user", BASE "user = nobodyx\ngroup = root\n", "[milter] user = \"nobodyx\": no such user", NULL },
		{ "group", BASE "user = root\ngroup = nogroupx\n", "[milter] group = \"nogroupx\": no such group", NULL },
		{ "pidfile", "[milter]\nuser = root\ngroup = root\nsocket = unix:@D@/sock\npidfile = @D@/none/r.pid\n",
		  "[milter] pidfile = \"@D@/none/r.pid\": directory @D@/none does not exist", NULL },
		{ "socket", "[milter]\nuser = root\ngroup = root\nsocket = unix:@D@/none/s.sock\npidfile = @D@/pid\n",
		  "[milter] socket = \"unix:@D@/none/s.sock\": directory @D@/none does not exist", NULL },
		{ "inet", "[milter]\nuser = root\ngroup = root\nsocket = inet:8895@127.0.0.1\npidfile = @D@/pid\n", NULL, NULL },
		{ "dbdir", BASE "user = root\ngroup = root\n[greylist]\nmode = always\ndatabase = @D@/none/g.lmdb\n",
		  "[greylist] database = \"@D@/none/g.lmdb\": directory @D@/none does not exist", NULL },
		{ "dbwrite", BASE "user = nobody\ngroup = nogroup\n[greylist]\nmode = always\ndatabase = @D@/rootonly/g.lmdb\n",
		  "[greylist] database = \"@D@/rootonly/g.lmdb\": directory @D@/rootonly is not writable by user nobody", NULL },
		{ "dboff", BASE "user = root\ngroup = root\n[greylist]\nmode = off\ndatabase = @D@/none/g.lmdb\n", NULL, NULL },
		{ "access", BASE "user = nobody\ngroup = nogroup\n[policy]\naccess_file = @D@/access\n",
		  "[policy] access_file = @D@/access: not readable by user nobody, so a reload would fail", NULL },
		{ "access_root", BASE "user = root\ngroup = root\n[policy]\naccess_file = @D@/access\n", NULL, NULL },
		{ "budget", BASE "user = root\ngroup = root\n[dns]\nstage_budget = 40s\n", NULL,
		  "[dns] stage_budget = 40s: not shorter than Postfix's milter_command_timeout (30s by default): the MTA gives up on rampart first" },
		{ "sql_down", BASE "user = root\ngroup = root\n[sql]\nhosts = unix:@D@/none.sock\n"
		  "client_query = SELECT access FROM mail_access WHERE source = '%s'\n", NULL,
		  "[sql] hosts = unix:@D@/none.sock: cannot reach the database: unix:@D@/none.sock: "
		  "Can't connect to local server through socket '@D@/none.sock' (2) (lookups give on_error = continue until it answers)" },
		{ "sql_password", BASE "user = nobody\ngroup = nogroup\n[sql]\nhosts = unix:@D@/none.sock\n"
		  "password_file = @D@/access\non_error = defer\n"
		  "client_query = SELECT access FROM mail_access WHERE source = '%s'\n",
		  "[sql] password_file = @D@/access: not readable by user nobody, so a reload would fail",
		  "(lookups give on_error = defer until it answers)" },
		{ "budget_ok", BASE "user = root\ngroup = root\n[dns]\nstage_budget = 29s\n", NULL, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(cases[i].name, cases[i].body, cases[i].err, cases[i].warn);

	/* a password file every user can read is refused at load */
	{
		char pw[300], conf[300], want[700];
		struct rp_errlist errs = { 0 };
		snprintf(pw, sizeof pw, "%s/sql.password", dir);
		f = fopen(pw, "w");
		fputs("secret\n", f);
		fclose(f);
		chmod(pw, 0644);
		snprintf(conf, sizeof conf, "%s/sqlpw.conf", dir);
		f = fopen(conf, "w");
		fprintf(f, "[sql]\nhosts = unix:%s/none.sock\npassword_file = %s\n"
			"client_query = SELECT access FROM mail_access WHERE source = '%%s'\n", dir, pw);
		fclose(f);
		struct rp_config *c = config_load(conf, &errs);
		T_CHECK(c == NULL, "world-readable password_file refused");
		snprintf(want, sizeof want, "unix:%s/none.sock/: [sql] password_file = %s: readable by every "
			"user (mode 0644): expected a file only root and rampart's group can read (0600 or 0640)",
			dir, pw);
		T_EQ_INT(errs.n, 1, "one message");
		T_EQ_STR(errs.n ? errs.msg[0] : "", want, "password_file message");
		config_unref(c);
		errlist_clear(&errs);
		chmod(pw, 0640);
		c = config_load(conf, &errs);
		T_CHECK(c != NULL, "mode 0640 accepted");
		config_unref(c);
		errlist_clear(&errs);
	}
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return t_done();
}
