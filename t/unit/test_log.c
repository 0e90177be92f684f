/* test_log - the bytes log_msg writes to stderr: journal level prefixes
 * when JOURNAL_STREAM names fd 2, the timestamped form otherwise, the
 * level filter, and no control character from the text. */
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "base/log.h"
#include "test.h"

static char path[] = "/tmp/rampart-test-log.XXXXXX";
static int saved_stderr;

/* Point fd 2 at a fresh, empty file; JOURNAL_STREAM as mode says:
 * 0 unset, 1 naming fd 2, 2 naming another inode, 3 malformed. */
static void start(int mode, enum rp_log_level level)
{
	int fd = mkstemp(path);
	struct stat st;
	char v[64];
	if (fd < 0 || fstat(fd, &st) != 0) {
		perror("mkstemp");
		exit(2);
	}
	dup2(fd, STDERR_FILENO);
	close(fd);
	unsetenv("JOURNAL_STREAM");
	if (mode == 1 || mode == 2) {
		snprintf(v, sizeof v, "%llu:%llu", (unsigned long long)st.st_dev,
			(unsigned long long)st.st_ino + (mode == 2));
		setenv("JOURNAL_STREAM", v, 1);
	} else if (mode == 3) {
		snprintf(v, sizeof v, "%llu:%llux", (unsigned long long)st.st_dev,
			(unsigned long long)st.st_ino);
		setenv("JOURNAL_STREAM", v, 1);
	}
	log_open(RP_LOG_STDERR, LOG_MAIL, level);
}

static char *finish(void)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	dup2(saved_stderr, STDERR_FILENO);
	unlink(path);
	strcpy(path + strlen(path) - 6, "XXXXXX");
	return buf;
}

static void every_level(void)
{
	log_msg(RP_LOG_ERR, "e %d", 1);
	log_msg(RP_LOG_WARNING, "w");
	log_msg(RP_LOG_NOTICE, "n");
	log_msg(RP_LOG_INFO, "i\r\nx");
	log_msg(RP_LOG_DEBUG, "d");
}

int main(void)
{
	saved_stderr = dup(STDERR_FILENO);

	/* The journal's stream: sd-daemon prefixes, syslog's text. */
	start(1, RP_LOG_DEBUG);
	T_CHECK(log_to_journal(), "JOURNAL_STREAM naming fd 2 is the journal");
	every_level();
	T_EQ_STR(finish(), "<3>e 1\n<4>w\n<5>n\n<6>i??x\n<7>d\n", "journal, debug");

	/* [log] level still filters. */
	start(1, RP_LOG_NOTICE);
	every_level();
	T_EQ_STR(finish(), "<3>e 1\n<4>w\n<5>n\n", "journal, notice");
	start(1, RP_LOG_INFO);
	log_set_level(RP_LOG_ERR);
	every_level();
	T_EQ_STR(finish(), "<3>e 1\n", "journal, level lowered to err");

	/* Not the journal: unset, another inode (stderr redirected after
	 * systemd set it), malformed. */
	static const struct { int mode; const char *what; } other[] = {
		{ 0, "unset" }, { 2, "another inode" }, { 3, "malformed" },
	};
	regex_t re;
	T_EQ_INT(regcomp(&re, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} "
		"rampart: error: e 1\n"
		"[0-9T:.-]+ rampart: warning: w\n"
		"[0-9T:.-]+ rampart: n\n"
		"[0-9T:.-]+ rampart: i\\?\\?x\n$", REG_EXTENDED), 0, "regcomp");
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
		start(other[i].mode, RP_LOG_INFO);
		T_CHECK(!log_to_journal(), "%s: not the journal", other[i].what);
		every_level();
		const char *got = finish();
		T_CHECK(regexec(&re, got, 0, NULL, 0) == 0, "%s: got \"%s\"", other[i].what, got);
	}
	regfree(&re);
	return t_done();
}
