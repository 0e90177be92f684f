/*
 * log - one place where rampart's log lines go: syslog (ident "rampart",
 * the configured facility) or stderr (-f). Lines never contain CR, LF or
 * other control characters: log_msg passes the formatted line through
 * rp_printable before writing it.
 *
 * Threads: safe from any thread; the target is set once at start (and on
 * reload, under the log's own mutex).
 */
#ifndef RAMPART_LOG_H
#define RAMPART_LOG_H

#include <stdbool.h>

enum rp_log_level { RP_LOG_ERR, RP_LOG_WARNING, RP_LOG_NOTICE, RP_LOG_INFO, RP_LOG_DEBUG };
enum rp_log_target { RP_LOG_SYSLOG, RP_LOG_STDERR };

void log_open(enum rp_log_target target, int facility, enum rp_log_level level);
void log_set_level(enum rp_log_level level);
bool log_enabled(enum rp_log_level level);
void log_msg(enum rp_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Name <-> value for config: "err", "warning", "notice", "info", "debug". */
int log_level_from_name(const char *name);
const char *log_level_name(enum rp_log_level level);
/* syslog facility from "mail", "daemon", "local0".."local7", "user"; -1 if unknown. */
int log_facility_from_name(const char *name);
const char *log_facility_name(int facility);

#endif
