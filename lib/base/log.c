/* log - see log.h */
#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <errno.h>
#include <unistd.h>

#include "base/util.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static enum rp_log_target log_target = RP_LOG_STDERR;
static enum rp_log_level log_level = RP_LOG_INFO;
static bool log_syslog_open;
static bool log_journal;    /* stderr is the journal's stream (JOURNAL_STREAM) */

static const int level_prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };
static const char *const level_names[] = { "err", "warning", "notice", "info", "debug" };

static const struct { const char *name; int value; } facilities[] = {
	{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

/* systemd sets JOURNAL_STREAM=DEV:INODE when it connects stdout/stderr to
 * the journal; the variable is inherited, so it counts only while fd 2 is
 * still that very stream (a shell redirection in between changes the inode). */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	char end;
	struct stat st;
	if (!e || sscanf(e, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

bool log_to_journal(void)
{
	return __atomic_load_n(&log_journal, __ATOMIC_ACQUIRE);
}

/* The lock only orders log_open/log_set_level against each other; a line
 * is written without it: glibc's syslog() takes its own lock (and covers
 * openlog/closelog), and a stderr line goes out in one write(2), so lines
 * from several threads never interleave and a slow syslog socket or a full
 * journal pipe never holds the other threads' log calls behind a mutex. */
void log_open(enum rp_log_target target, int facility, enum rp_log_level level)
{
	pthread_mutex_lock(&log_lock);
	if (target == RP_LOG_SYSLOG) {
		if (log_syslog_open)
			closelog();
		openlog("rampart", LOG_PID | LOG_NDELAY, facility);
		log_syslog_open = true;
	}
	__atomic_store_n(&log_journal, target == RP_LOG_STDERR && stderr_is_journal(), __ATOMIC_RELEASE);
	__atomic_store_n(&log_target, target, __ATOMIC_RELEASE);
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&log_lock);
}

void log_set_level(enum rp_log_level level)
{
	pthread_mutex_lock(&log_lock);
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&log_lock);
}

bool log_enabled(enum rp_log_level level)
{
	return level <= __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void log_msg(enum rp_log_level level, const char *fmt, ...)
{
	char raw[2048], line[2048];
	va_list ap;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	rp_printable(line, sizeof line, raw);

	if (__atomic_load_n(&log_target, __ATOMIC_ACQUIRE) == RP_LOG_SYSLOG) {
		syslog(level_prio[level], "%s", line);
	} else if (__atomic_load_n(&log_journal, __ATOMIC_ACQUIRE)) {
		/* sd-daemon(3) level prefix; the journal adds the time, the
		 * identifier and the facility (the unit's SyslogFacility=). The
		 * text is syslog's: the level is in the prefix. */
		char out[2100];
		int n = snprintf(out, sizeof out, "<%d>%s\n", level_prio[level], line);
		if (n < 0)
			return;
		if ((size_t)n >= sizeof out) {
			n = (int)sizeof out - 1;
			out[n - 1] = '\n';
		}
		write_all(STDERR_FILENO, out, (size_t)n);
	} else {
		struct timespec ts;
		struct tm tm;
		char stamp[32], out[2200];
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
		int n = snprintf(out, sizeof out, "%s.%03ld rampart: %s%s\n", stamp, ts.tv_nsec / 1000000,
			level <= RP_LOG_WARNING ? (level == RP_LOG_ERR ? "error: " : "warning: ") : "",
			line);
		if (n < 0)
			return;
		if ((size_t)n >= sizeof out) {          /* keep the newline */
			n = (int)sizeof out - 1;
			out[n - 1] = '\n';
		}
		write_all(STDERR_FILENO, out, (size_t)n);
	}
}

int log_level_from_name(const char *name)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(level_names); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *log_level_name(enum rp_log_level level)
{
	return (unsigned)level < RP_ARRAY_LEN(level_names) ? level_names[level] : "?";
}

int log_facility_from_name(const char *name)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(facilities); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].value;
	return -1;
}

const char *log_facility_name(int facility)
{
	for (size_t i = 0; i < RP_ARRAY_LEN(facilities); i++)
		if (facilities[i].value == facility)
			return facilities[i].name;
	return "?";
}
