/*
 * rampartctl - the admin tool's shared state between its main
 * (rampartctl.c: options, config, dispatch) and its subcommands
 * (rampartctl_greylist.c, ...). Single-threaded; links rampart_lib only.
 *
 * Subcommands return CTL_OK, CTL_USAGE (bad arguments: exit 1) or
 * CTL_RUNTIME (missing database, no permission, not found: exit 2), having
 * printed their message ("rampartctl: ...") to stderr.
 */
#ifndef RAMPART_RAMPARTCTL_H
#define RAMPART_RAMPARTCTL_H

#include "config/config.h"

enum { CTL_OK = 0, CTL_USAGE = 1, CTL_RUNTIME = 2 };

struct ctl {
	struct rp_config *cfg;   /* -c FILE, the default file if present, else defaults */
	const char *db_path;     /* --db PATH, else cfg->greylist.database */
};

void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* argv[0] is the subcommand's first word after "greylist". */
int ctl_greylist(struct ctl *c, int argc, char **argv);
void ctl_greylist_usage(FILE *out);
/* argv[0] is the first word after "postfix" (rampartctl_postfix.c). */
int ctl_postfix(struct ctl *c, int argc, char **argv);
void ctl_postfix_usage(FILE *out);

#endif
