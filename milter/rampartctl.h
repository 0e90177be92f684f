/*
 * rampartctl - the subcommands of the admin tool, as its main
 * (rampartctl.c: options, config, dispatch) calls them; each lives in its
 * rampartctl_*.c file and uses only the helpers of ctl_util.h, never main.
 * Single-threaded; links rampart_lib only.
 *
 * Subcommands return CTL_OK, CTL_USAGE (bad arguments: exit 1) or
 * CTL_RUNTIME (missing database, no permission, not found: exit 2), having
 * printed their message ("rampartctl: ...") to stderr; doctor also
 * CTL_FINDINGS (some check failed: exit 3), see ctl_util.h.
 */
#ifndef RAMPART_RAMPARTCTL_H
#define RAMPART_RAMPARTCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "ctl_util.h"

/* argv[0] is the subcommand's first word after "greylist". */
int ctl_greylist(struct ctl *c, int argc, char **argv);
void ctl_greylist_usage(FILE *out);
/* argv[0] is the first word after "postfix" (rampartctl_postfix.c). */
int ctl_postfix(struct ctl *c, int argc, char **argv);
void ctl_postfix_usage(FILE *out);

/*
 * Postfix's view of rampart's socket sock ([milter] socket), read with
 * postconf [-c confdir] (postconf: the program, NULL for "postconf" from
 * PATH, else /usr/sbin): for rampartctl doctor (rampartctl_doctor.c).
 */
struct ctl_pf_view {
	bool installed;          /* postconf could be run at all */
	bool read;               /* postconf read main.cf; else error says why */
	char error[512];
	int chrooted;            /* smtpd runs chrooted: 1, 0, -1 unknown */
	char queue_dir[512];     /* queue_directory, the chroot */
	char endpoint[600];      /* sock as smtpd_milters names it */
	int reach;               /* 0; 1: works, why says what to know; -1: cannot */
	char why[1024];
	bool listed;             /* smtpd_milters (expanded) lists endpoint */
	char milters[4096];      /* smtpd_milters, expanded */
	char path[1200];         /* unix: the file smtpd opens, seen from outside
	                          * its chroot; "" for inet */
};
void ctl_postfix_view(const char *sock, const char *confdir, const char *postconf,
	struct ctl_pf_view *v);
/* argv[0] is the first word after "doctor" (rampartctl_doctor.c). */
int ctl_doctor(struct ctl *c, int argc, char **argv);
void ctl_doctor_usage(FILE *out);

#endif
