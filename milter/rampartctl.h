/*
 * rampartctl - the subcommands of the admin tool, as its main
 * (rampartctl.c: options, config, dispatch) calls them; each lives in its
 * rampartctl_*.c file and uses only the helpers of ctl_util.h, never main.
 * Single-threaded; links rampart_lib only.
 *
 * Subcommands return CTL_OK, CTL_USAGE (bad arguments: exit 1) or
 * CTL_RUNTIME (missing database, no permission, not found: exit 2), having
 * printed their message ("rampartctl: ...") to stderr.
 */
#ifndef RAMPART_RAMPARTCTL_H
#define RAMPART_RAMPARTCTL_H

#include <stdio.h>

#include "ctl_util.h"

/* argv[0] is the subcommand's first word after "greylist". */
int ctl_greylist(struct ctl *c, int argc, char **argv);
void ctl_greylist_usage(FILE *out);
/* argv[0] is the first word after "postfix" (rampartctl_postfix.c). */
int ctl_postfix(struct ctl *c, int argc, char **argv);
void ctl_postfix_usage(FILE *out);

#endif
