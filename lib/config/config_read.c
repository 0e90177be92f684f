/*
 * config_read - reading rampart.conf for config.c: the file read whole and
 * bounded, a line scan that records where each section and key stands (for
 * messages: values are read through iniparser), iniparser's own messages
 * caught, unknown sections and keys, and the problem list sorted by line.
 * Called under config_load only; cf_ini_lock serialises iniparser, whose
 * error callback is process-global.
 */
#include "config/config_int.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/util.h"

void cf_problem_add(struct problems *p, unsigned line, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	if (p->n > PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (p->n == PROBLEMS_MAX) {
		line = UINT_MAX;
		snprintf(buf, sizeof buf, "too many problems, the rest are not shown");
	}
	p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
	p->v[p->n].line = line;
	p->v[p->n].seq = p->n;
	p->v[p->n].msg = xstrdup(buf);
	p->n++;
}

int cf_problem_cmp(const void *a, const void *b)
{
	const struct problem *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

char *cf_strip_dup(const char *s, size_t len, bool lower)
{
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	char *d = xstrndup(s, len);
	if (lower)
		for (char *p = d; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Order: section, the section line before its cf_keys, key, line. */
static int seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->section, y->section);
	if (c)
		return c;
	if (!x->key || !y->key) {
		if (x->key != y->key)
			return x->key ? 1 : -1;
	} else if ((c = strcmp(x->key, y->key)) != 0) {
		return c;
	}
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool seen_same(const struct seen *x, const char *section, const char *key)
{
	if (strcmp(x->section, section) != 0)
		return false;
	return key ? x->key && strcmp(x->key, key) == 0 : !x->key;
}

/* After cf_scan_text (sorted): a section's first line, or a key's last line
 * (the one iniparser keeps). */
static const struct seen *scan_find(const struct scan *sc, const char *section, const char *key)
{
	struct seen probe = { (char *)(uintptr_t)section, (char *)(uintptr_t)key, 0, NULL };
	size_t lo = 0, hi = sc->n;
	while (lo < hi) {                        /* first entry not below probe */
		size_t mid = lo + (hi - lo) / 2;
		if (seen_cmp(&sc->v[mid], &probe) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo >= sc->n || !seen_same(&sc->v[lo], section, key))
		return NULL;
	if (key)
		while (lo + 1 < sc->n && seen_same(&sc->v[lo + 1], section, key))
			lo++;
	return &sc->v[lo];
}

static void seen_add(struct scan *sc, size_t *cap, struct seen s)
{
	if (sc->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		sc->v = xrealloc(sc->v, *cap * sizeof *sc->v);
	}
	sc->v[sc->n++] = s;
}

void cf_echo_value(char *dst, size_t size, const char *v)
{
	char tmp[ECHO_MAX + 1];
	size_t n = rp_printable(tmp, sizeof tmp, v ? v : "");
	snprintf(dst, size, "%s%s", tmp, v && strlen(v) > n ? "..." : "");
}

/*
 * Scan text line by line as iniparser reads it (comments, "\" line
 * continuations, [section] lines, key = value lines), recording where each
 * section and key appears and reporting duplicate cf_keys.
 */
void cf_scan_text(const char *path, const char *text, struct scan *sc, struct problems *pb)
{
	const char *p = text;
	unsigned lineno = 0;
	size_t cap_seen = 0;
	char *section = xstrdup("");

	while (*p) {
		/* one logical line, joined over continuations */
		size_t cap = 256, len = 0;
		char *line = xmalloc(cap);
		unsigned first = lineno + 1;
		for (;;) {
			const char *e = strchr(p, '\n');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			lineno++;
			if (len + n + 1 > cap) {
				cap = len + n + 1;
				line = xrealloc(line, cap);
			}
			memcpy(line + len, p, n);
			len += n;
			line[len] = '\0';
			p = e ? e + 1 : p + n;
			while (len && isspace((unsigned char)line[len - 1]))
				line[--len] = '\0';
			if (len && line[len - 1] == '\\' && *p) {
				line[--len] = '\0';
				continue;
			}
			break;
		}
		const char *s = line + strspn(line, " \t\r");
		size_t slen = strlen(s);
		if (slen == 0 || *s == '#' || *s == ';') {
			free(line);
			continue;
		}
		if (*s == '[' && s[slen - 1] == ']') {
			const char *close = strchr(s, ']');
			free(section);
			section = cf_strip_dup(s + 1, (size_t)(close - s - 1), true);
			seen_add(sc, &cap_seen, (struct seen){ xstrdup(section), NULL, first, NULL });
		} else if (strchr(s, '=')) {
			const char *eq = strchr(s, '=');
			char *key = cf_strip_dup(s, (size_t)(eq - s), true);
			char *val = cf_strip_dup(eq + 1, strlen(eq + 1), false);
			seen_add(sc, &cap_seen, (struct seen){ xstrdup(section), key, first, val });
		}
		/* anything else is a syntax error that iniparser reports */
		free(line);
	}
	free(section);

	/* sorted, a key's occurrences are adjacent: every one after the first
	 * is a duplicate (iniparser would silently keep the last) */
	if (sc->n)
		qsort(sc->v, sc->n, sizeof *sc->v, seen_cmp);
	for (size_t i = 1, first = 0; i < sc->n; i++) {
		const struct seen *x = &sc->v[i];
		if (!x->key || !seen_same(&sc->v[first], x->section, x->key)) {
			first = i;
			continue;
		}
		char ev[ECHO_MAX + 8], es[ECHO_MAX + 8], ek[ECHO_MAX + 8];
		cf_echo_value(ev, sizeof ev, x->value);
		cf_echo_value(es, sizeof es, x->section);
		cf_echo_value(ek, sizeof ek, x->key);
		if (*x->section)
			cf_problem_add(pb, x->line, "%s:%u: [%s] %s = \"%s\": duplicate key, first set at line %u",
				path, x->line, es, ek, ev, sc->v[first].line);
		else
			cf_problem_add(pb, x->line, "%s:%u: %s = \"%s\": duplicate key, first set at line %u",
				path, x->line, ek, ev, sc->v[first].line);
	}
}

void cf_scan_free(struct scan *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		free(sc->v[i].section);
		free(sc->v[i].key);
		free(sc->v[i].value);
	}
	free(sc->v);
}

/* iniparser's error callback is process-global: loads take this lock, and
 * the callback appends to cf_ini_msgs. */
pthread_mutex_t cf_ini_lock = PTHREAD_MUTEX_INITIALIZER;
struct rp_strlist *cf_ini_msgs;

int cf_ini_error(const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (cf_ini_msgs)
		strlist_add(cf_ini_msgs, buf);
	return 0;
}

/* Turn one iniparser message ("iniparser: syntax error in F (N):\n-> L")
 * into "FILE:N: ...: expected ...". */
unsigned cf_ini_problem(const char *path, const char *msg, const struct scan *sc,
	const char *text, struct problems *pb)
{
	/* the message names the file, then " (LINE)" */
	const char *at = strstr(msg, path);
	unsigned line = 0;
	char clean[ECHO_MAX + 8];

	(void)sc;
	if (at && strncmp(at + strlen(path), " (", 2) == 0)
		line = (unsigned)strtoul(at + strlen(path) + 2, NULL, 10);
	if (strstr(msg, "too long")) {
		cf_problem_add(pb, line, "%s:%u: line too long: expected at most 1023 bytes per line", path, line);
		return line;
	}
	if (strstr(msg, "syntax error") && line) {
		/* the text of that line, from the file itself */
		const char *p = text;
		for (unsigned i = 1; i < line && p; i++) {
			p = strchr(p, '\n');
			if (p)
				p++;
		}
		char *l = p ? cf_strip_dup(p, strcspn(p, "\n"), false) : xstrdup("");
		cf_echo_value(clean, sizeof clean, l);
		free(l);
		cf_problem_add(pb, line, "%s:%u: \"%s\": syntax error: expected [section], key = value or a # comment",
			path, line, clean);
		return line;
	}
	char flat[ECHO_MAX * 2];
	rp_printable(flat, sizeof flat, msg);
	cf_problem_add(pb, line, "%s: %s", path, flat);
	return 0;
}

char *cf_blank_lines(const char *text, const unsigned *lines, size_t n)
{
	size_t len = strlen(text);
	char *out = xmalloc(len + 1);
	unsigned line = 1;
	size_t o = 0;

	for (const char *p = text; *p; p++) {
		bool drop = false;
		for (size_t i = 0; i < n; i++)
			drop |= lines[i] == line;
		if (*p == '\n') {
			line++;
			out[o++] = '\n';
		} else if (!drop) {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
	return out;
}

char *cf_read_file(const char *path, struct problems *pb)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	if (!f) {
		cf_problem_add(pb, 0, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf = xmalloc(FILE_MAX + 1);
	n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f)) {
		cf_problem_add(pb, 0, "%s: cannot read: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (n > FILE_MAX) {
		cf_problem_add(pb, 0, "%s: file too large: expected at most %d bytes", path, FILE_MAX);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (strlen(buf) != n) {
		cf_problem_add(pb, 0, "%s: NUL byte in file: expected text", path);
		free(buf);
		return NULL;
	}
	return buf;
}



unsigned cf_line_of(const struct scan *sc, const char *section, const char *key)
{
	const struct seen *s = scan_find(sc, section, key);
	return s ? s->line : 0;
}

void cf_where(char *buf, size_t size, const char *path, unsigned line)
{
	if (line)
		snprintf(buf, size, "%s:%u:", path, line);
	else
		snprintf(buf, size, "%s:", path);
}

/* Report unknown sections, unknown cf_keys and cf_keys before any section. */
void cf_check_names(const char *path, dictionary *d, const struct scan *sc, struct problems *pb)
{
	char where[512], ev[ECHO_MAX + 8];
	int nsec = iniparser_getnsec(d);

	for (int i = 0; i < nsec; i++) {
		const char *sec = iniparser_getsecname(d, i);
		if (!sec)
			continue;
		if (!cf_section_known(sec)) {
			unsigned line = cf_line_of(sc, sec, NULL);
			char es[ECHO_MAX + 8];
			cf_echo_value(es, sizeof es, sec);
			cf_where(where, sizeof where, path, line);
			cf_problem_add(pb, line, "%s [%s]: unknown section: expected one of milter, log, policy, dns, helo, client, envelope, spf, greylist, dnsbl, rhsbl",
				where, es);
			continue;
		}
		int nk = iniparser_getsecnkeys(d, sec);
		if (nk <= 0)
			continue;
		const char **names = xcalloc((size_t)nk, sizeof *names);
		if (iniparser_getseckeys(d, sec, names)) {
			size_t plen = strlen(sec) + 1;
			for (int j = 0; j < nk; j++) {
				const char *full = names[j];
				if (pb->n > PROBLEMS_MAX)
					break;
				if (!full || strlen(full) < plen || cf_key_find(sec, full + plen))
					continue;
				unsigned line = cf_line_of(sc, sec, full + plen);
				cf_echo_value(ev, sizeof ev, iniparser_getstring(d, full, ""));
				cf_where(where, sizeof where, path, line);
				char hint[160] = "";
				const struct key *near = cf_key_nearest(sec, full + plen);
				if (near && strcasecmp(near->section, sec) == 0)
					snprintf(hint, sizeof hint, ": did you mean %s?", near->name);
				else if (near)
					snprintf(hint, sizeof hint, ": did you mean [%s] %s?", near->section,
						near->name);
				char ek[ECHO_MAX + 8];
				cf_echo_value(ek, sizeof ek, full + plen);
				cf_problem_add(pb, line, "%s [%s] %s = \"%s\": unknown key%s", where, sec,
					ek, ev, hint);
			}
		}
		free(names);
	}
	for (ssize_t j = 0; j < d->size; j++) {
		const char *full = d->key[j];
		if (!full || full[0] != ':')
			continue;
		unsigned line = cf_line_of(sc, "", full + 1);
		cf_echo_value(ev, sizeof ev, d->val[j]);
		char ek[ECHO_MAX + 8];
		cf_echo_value(ek, sizeof ek, full + 1);
		cf_where(where, sizeof where, path, line);
		cf_problem_add(pb, line, "%s %s = \"%s\": key outside any section: expected a [section] line before it",
			where, ek, ev);
	}
}

