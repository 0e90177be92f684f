/*
 * config_env - what `rampart -t` checks beyond the file's own syntax: the
 * user and group exist, the directories the daemon creates files in exist
 * and are usable by that user, the files it reads again on reload (the
 * config, the access file) are readable by it, and budgets fit the MTA's
 * milter timeouts. Reads the file system and the user database; any
 * thread. See config.h.
 */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_int.h"

/* Postfix's default milter_command_timeout and Sendmail's default
 * T=S:10s;R:10s;E:5m (the latter documented in rampart.conf(5)). */
#define POSTFIX_MILTER_TIMEOUT_MS (30 * 1000u)

struct who {
	bool known;              /* the run-as user was found */
	uid_t uid;
	gid_t gid;
};

/* May who use path with the rights in want (R_OK, W_OK|X_OK...), by the
 * file's mode bits? root may do anything. */
static bool usable_by(const struct stat *st, const struct who *w, int want)
{
	mode_t m;
	if (!w->known || w->uid == 0)
		return true;
	if (st->st_uid == w->uid)
		m = (st->st_mode >> 6) & 7;
	else if (st->st_gid == w->gid)
		m = (st->st_mode >> 3) & 7;
	else
		m = st->st_mode & 7;
	return (!(want & R_OK) || (m & 4)) && (!(want & W_OK) || (m & 2))
		&& (!(want & X_OK) || (m & 1));
}

/* The directory of path must exist and take new files from who. */
static void check_dir_of(const char *cfgpath, const char *what, const char *value,
	const char *path, const struct who *w, const char *user, struct rp_errlist *errs)
{
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	struct stat st;

	if (stat(dir, &st) != 0)
		errlist_add(errs, "%s: %s = \"%s\": directory %s does not exist", cfgpath, what, value,
			dir);
	else if (!S_ISDIR(st.st_mode))
		errlist_add(errs, "%s: %s = \"%s\": %s is not a directory", cfgpath, what, value, dir);
	else if (!usable_by(&st, w, W_OK | X_OK))
		errlist_add(errs, "%s: %s = \"%s\": directory %s is not writable by user %s",
			cfgpath, what, value, dir, user);
	free(copy);
}

/* A file read again after the privilege drop (reload) must be readable. */
static void check_readable(const char *cfgpath, const char *what, const char *path,
	const struct who *w, const char *user, struct rp_errlist *errs)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return;              /* the loader reports a missing file */
	if (!usable_by(&st, w, R_OK))
		errlist_add(errs, "%s: %s%s%s: not readable by user %s, so a reload would fail",
			cfgpath, what, *what ? " = " : "", path, user);
}

void config_check_env(const struct rp_config *c, struct rp_errlist *errs,
	struct rp_errlist *warns)
{
	const char *p = c->path ? c->path : RP_DEFAULT_CONFIG;
	const char *user = c->milter.user && c->milter.user[0] ? c->milter.user : NULL;
	struct who w = { 0 };

	if (user && geteuid() == 0) {
		struct passwd *pw = getpwnam(user);
		if (!pw) {
			errlist_add(errs, "%s: [milter] user = \"%s\": no such user", p, user);
		} else {
			w.known = true;
			w.uid = pw->pw_uid;
			w.gid = pw->pw_gid;
		}
		if (c->milter.group && c->milter.group[0]) {
			struct group *gr = getgrnam(c->milter.group);
			if (!gr)
				errlist_add(errs, "%s: [milter] group = \"%s\": no such group", p,
					c->milter.group);
			else
				w.gid = gr->gr_gid;
		}
	}
	if (!user)
		user = "root";
	if (c->milter.socket && strncmp(c->milter.socket, "unix:", 5) == 0)
		check_dir_of(p, "[milter] socket", c->milter.socket, c->milter.socket + 5, &(struct who){ 0 }, user,
			errs);
	else if (c->milter.socket && strncmp(c->milter.socket, "local:", 6) == 0)
		check_dir_of(p, "[milter] socket", c->milter.socket, c->milter.socket + 6, &(struct who){ 0 }, user,
			errs);
	if (c->milter.pidfile && c->milter.pidfile[0])
		check_dir_of(p, "[milter] pidfile", c->milter.pidfile, c->milter.pidfile, &(struct who){ 0 }, user, errs);
	if (c->greylist.mode != RP_GREY_OFF && c->greylist.database)
		check_dir_of(p, "[greylist] database", c->greylist.database, c->greylist.database, &w, user, errs);
	if (c->path)
		check_readable(p, "", c->path, &w, user, errs);
	if (c->policy.access_file)
		check_readable(p, "[policy] access_file", c->policy.access_file, &w, user, errs);
	if (c->sql.password_file)
		check_readable(p, "[sql] password_file", c->sql.password_file, &w, user, errs);
	if (warns && c->policy.sql) {
		char why[512], safe[512];
		if (table_probe(c->policy.sql, why, sizeof why) < 0) {
			rp_printable(safe, sizeof safe, why);
			errlist_add(warns, "%s: [sql] hosts = %s: cannot reach the database: %s "
				"(lookups give on_error = %s until it answers)", p, c->sql.hosts.v[0], safe,
				c->sql.on_error == RP_SQL_ON_ERROR_DEFER ? "defer" : "continue");
		}
	}

	if (warns && c->dns.stage_budget_ms >= POSTFIX_MILTER_TIMEOUT_MS)
		errlist_add(warns, "%s: [dns] stage_budget = %us: not shorter than Postfix's "
			"milter_command_timeout (30s by default): the MTA gives up on rampart first",
			p, c->dns.stage_budget_ms / 1000);
}
