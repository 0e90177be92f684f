/*
 * log - one place where rampart's log lines go: syslog (ident "rampart",
 * the configured facility) or stderr (-f). Lines never contain CR, LF or
 * other control characters: log_msg passes the formatted line through
 * rp_printable before writing it.
 *
 * On stderr, when systemd's JOURNAL_STREAM names fd 2 (the unit runs
 * rampart -f with stderr to the journal), each line is "<N>TEXT" with
 * N the syslog priority (sd-daemon(3)), so the journal keeps the level and
 * the unit's SyslogFacility=mail routes it to mail.log; otherwise a line is
 * "TIME rampart: [error: |warning: ]TEXT".
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
/* Lines carry journal level prefixes (see above); set by log_open. */
bool log_to_journal(void);
void log_msg(enum rp_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Name <-> value for config: "err", "warning", "notice", "info", "debug". */
int log_level_from_name(const char *name);
const char *log_level_name(enum rp_log_level level);
/* syslog facility from "mail", "daemon", "local0".."local7", "user"; -1 if unknown. */
int log_facility_from_name(const char *name);
const char *log_facility_name(int facility);

#endif
