/*
 * ctl_util - what every rampartctl subcommand shares: the tool's state
 * (config, database path), the exit codes, and one way to print an error.
 * Single-threaded. Includes nothing of the subcommands or of main.
 */
#ifndef RAMPART_CTL_UTIL_H
#define RAMPART_CTL_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#include "config/config.h"

/* CTL_FINDINGS: rampartctl doctor found a problem (a FAIL line). */
enum { CTL_OK = 0, CTL_USAGE = 1, CTL_RUNTIME = 2, CTL_FINDINGS = 3 };

struct ctl {
	struct rp_config *cfg;   /* -c FILE, the default file if present, else defaults */
	const char *db_path;     /* --db PATH, else cfg->greylist.database */
};

/* fmt formatted into out (size bytes), control bytes made printable. */
void ctl_vprintable(char *out, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* "rampartctl: MESSAGE" on stderr, made printable (no control bytes). */
void ctl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
