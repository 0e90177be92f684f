/*
 * access - the access file (SPEC §4; see access.h): load, validate, match.
 *
 * Owns one immutable struct rp_access per config snapshot: the rules in
 * file order, and per KIND a sorted table of exact/suffix keys (names,
 * "user@domain", "user@", "@domain", ".domain") and a list of CIDRs. A
 * lookup gathers every candidate and keeps the one earliest in the file,
 * so "first match per KIND wins" holds across pattern forms.
 *
 * Threads: access_load runs in the loading thread; the match functions only
 * read and are safe from any thread. access_load returns NULL with one
 * message per problem in errs; the match functions fill res (act
 * RP_ACC_NONE when nothing matched).
 */
#include "tables/access.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/hostname.h"

#define ACC_LINE_MAX 4096   /* longest accepted line */
#define ACC_TEXT_MAX 400    /* longest REJECT/DEFER text */
#define ACC_NAME_MAX 1024   /* longest name or address a lookup considers */
#define ECHO_MAX 80         /* values echoed in messages are cut here */
#define NKINDS 4

struct acc_rule {
	enum rp_access_act act;
	char *text;
	rp_checkset skip;
	unsigned line;
};

struct acc_key {
	char *key;               /* lower case */
	size_t rule;             /* index into rules: smaller = earlier */
};

struct acc_cidr {
	struct rp_cidr cidr;
	size_t rule;
};

struct acc_table {
	struct acc_key *keys;
	size_t nkeys;
	struct acc_cidr *cidrs;  /* file order */
	size_t ncidrs;
};

struct rp_access {
	struct acc_rule *rules;
	size_t nrules;
	struct acc_table t[NKINDS];
};

static const char *const kind_names[NKINDS] = { "client", "helo", "sender", "recipient" };
#define NO_RULE ((size_t)-1)

static void echo(char *dst, size_t size, const char *src)
{
	char tmp[ECHO_MAX + 1];
	rp_printable(tmp, sizeof tmp, src);
	rp_strlcpy(dst, tmp, size);
}

/* A domain in a pattern: a name, or an address literal "[...]". */
static bool domain_ok(const char *s)
{
	size_t len = strlen(s);
	if (len >= 3 && s[0] == '[' && s[len - 1] == ']') {
		for (size_t i = 1; i + 1 < len; i++)
			if (!isalnum((unsigned char)s[i]) && !strchr(".:", s[i]))
				return false;
		return true;
	}
	return domain_syntax_ok(s);
}

static bool printable_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static void strip_dot(char *s)
{
	size_t n = strlen(s);
	if (n > 1 && s[n - 1] == '.' && s[n - 2] != '.')
		s[n - 1] = '\0';
}

static void table_add_key(struct acc_table *t, const char *key, size_t rule)
{
	t->keys = xrealloc(t->keys, (t->nkeys + 1) * sizeof *t->keys);
	t->keys[t->nkeys].key = xstrdup(key);
	t->keys[t->nkeys].rule = rule;
	t->nkeys++;
}

static int key_cmp(const void *a, const void *b)
{
	const struct acc_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Sort each table and keep only the earliest rule of equal keys. */
static void table_finish(struct acc_table *t)
{
	size_t out = 0;
	if (!t->nkeys)
		return;
	qsort(t->keys, t->nkeys, sizeof *t->keys, key_cmp);
	for (size_t i = 0; i < t->nkeys; i++) {
		if (out && strcmp(t->keys[out - 1].key, t->keys[i].key) == 0) {
			free(t->keys[i].key);
			continue;
		}
		t->keys[out++] = t->keys[i];
	}
	t->nkeys = out;
}

static size_t table_find(const struct acc_table *t, const char *key)
{
	size_t lo = 0, hi = t->nkeys;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, t->keys[mid].key);
		if (c == 0)
			return t->keys[mid].rule;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NO_RULE;
}

static void keep_min(size_t *best, size_t cand)
{
	if (cand < *best)
		*best = cand;
}

/* Exact key, then every ".parent" suffix of name (name is lower case). */
static size_t find_name(const struct acc_table *t, const char *name)
{
	size_t best = table_find(t, name);
	for (const char *p = strchr(name, '.'); p; p = strchr(p + 1, '.'))
		if (p[1])
			keep_min(&best, table_find(t, p));
	return best;
}

/* Copy name lower case into buf, one trailing dot stripped; false when
 * it does not fit or is empty. */
static bool normalise(char *buf, size_t size, const char *name)
{
	if (!name || !*name || rp_strlcpy_lower(buf, name, size) >= size)
		return false;
	strip_dot(buf);
	return true;
}

static void fill_result(const struct rp_access *a, size_t rule, struct rp_access_result *res)
{
	memset(res, 0, sizeof *res);
	res->act = RP_ACC_NONE;
	if (!a || rule == NO_RULE || rule >= a->nrules)
		return;
	res->act = a->rules[rule].act;
	res->text = a->rules[rule].text;
	res->skip = a->rules[rule].skip;
	res->line = a->rules[rule].line;
}

void access_match_client(const struct rp_access *a, const struct rp_netaddr *addr,
	const char *name, struct rp_access_result *res)
{
	size_t best = NO_RULE;
	char buf[ACC_NAME_MAX];
	if (a) {
		const struct acc_table *t = &a->t[RP_ACC_CLIENT];
		if (addr)
			for (size_t i = 0; i < t->ncidrs; i++)
				if (cidr_match(&t->cidrs[i].cidr, addr)) {
					best = t->cidrs[i].rule;
					break;
				}
		if (name && strcasecmp(name, "unknown") != 0 && normalise(buf, sizeof buf, name))
			keep_min(&best, find_name(t, buf));
	}
	fill_result(a, best, res);
}

void access_match_helo(const struct rp_access *a, const char *helo,
	struct rp_access_result *res)
{
	size_t best = NO_RULE;
	char buf[ACC_NAME_MAX];
	if (a && normalise(buf, sizeof buf, helo))
		best = find_name(&a->t[RP_ACC_HELO], buf);
	fill_result(a, best, res);
}

void access_match_address(const struct rp_access *a, enum rp_access_kind kind,
	const char *addr, struct rp_access_result *res)
{
	size_t best = NO_RULE;
	char buf[ACC_NAME_MAX], key[ACC_NAME_MAX + 2];
	if (a && (kind == RP_ACC_SENDER || kind == RP_ACC_RECIPIENT)
	    && normalise(buf, sizeof buf, addr)) {
		const struct acc_table *t = &a->t[kind];
		char *at = strrchr(buf, '@');
		const char *domain = at ? at + 1 : "";
		size_t local_len = at ? (size_t)(at - buf) : strlen(buf);

		if (at)
			best = table_find(t, buf);             /* user@domain */
		if (local_len) {                               /* user@ */
			memcpy(key, buf, local_len);
			memcpy(key + local_len, "@", 2);
			keep_min(&best, table_find(t, key));
		}
		if (*domain) {
			snprintf(key, sizeof key, "@%s", domain);  /* @domain */
			keep_min(&best, table_find(t, key));
			for (const char *p = strchr(domain, '.'); p; p = strchr(p + 1, '.'))
				if (p[1])
					keep_min(&best, table_find(t, p));
		}
	}
	fill_result(a, best, res);
}

/* Validate one pattern of kind k and add it to the tables for rule r.
 * Returns NULL, or the expected form on error. */
static const char *add_pattern(struct rp_access *a, int k, char *pat, size_t r)
{
	struct acc_table *t = &a->t[k];
	struct rp_cidr cidr;

	if (k == RP_ACC_CLIENT) {
		if (cidr_parse(pat, &cidr) == 0) {
			t->cidrs = xrealloc(t->cidrs, (t->ncidrs + 1) * sizeof *t->cidrs);
			t->cidrs[t->ncidrs].cidr = cidr;
			t->cidrs[t->ncidrs].rule = r;
			t->ncidrs++;
			return NULL;
		}
		if (strpbrk(pat, ":/") || strspn(pat, "0123456789.") == strlen(pat))
			return "expected an IPv4/IPv6 address or CIDR, a hostname or .domain";
	}
	for (char *p = pat; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (k == RP_ACC_CLIENT || k == RP_ACC_HELO) {
		const char *form = k == RP_ACC_CLIENT
			? "expected an IPv4/IPv6 address or CIDR, a hostname or .domain"
			: "expected a hostname, an address literal or .domain";
		strip_dot(pat);
		if (pat[0] == '.' ? !domain_syntax_ok(pat + 1) : !domain_ok(pat))
			return form;
		table_add_key(t, pat, r);
		return NULL;
	}
	/* sender / recipient */
	char *at = strrchr(pat, '@');
	if (!at) {
		strip_dot(pat);
		if (pat[0] != '.' || !domain_syntax_ok(pat + 1))
			return "expected user@domain, user@, @domain or .domain";
		table_add_key(t, pat, r);
		return NULL;
	}
	strip_dot(at + 1);
	if ((at == pat && !at[1]) || (at[1] && !domain_ok(at + 1)))
		return "expected user@domain, user@, @domain or .domain";
	table_add_key(t, pat, r);
	return NULL;
}

/* Parse "check[,check...]" into a set; NULL or the bad name (in buf). */
static const char *parse_skip(const char *list, rp_checkset *set, char *bad, size_t badsize)
{
	char tmp[ACC_LINE_MAX + 1];
	char *save = NULL;
	int count = 0;
	rp_strlcpy(tmp, list, sizeof tmp);
	*set = 0;
	for (char *tok = strtok_r(tmp, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		char lower[64];
		int id;
		if (strlen(tok) >= sizeof lower || (id = check_from_name(
				(rp_strlcpy_lower(lower, tok, sizeof lower), lower))) < 0) {
			echo(bad, badsize, tok);
			return bad;
		}
		*set |= RP_CHKBIT(id);
		count++;
	}
	if (!count) {
		rp_strlcpy(bad, "", badsize);
		return bad;
	}
	return NULL;
}

static void check_names_list(char *buf, size_t size)
{
	size_t pos = 0;
	buf[0] = '\0';
	for (int i = 0; i < RP_CHK__COUNT; i++) {
		int n = snprintf(buf + pos, size - pos, "%s%s", i ? ", " : "", check_name((enum rp_check)i));
		if (n < 0 || (size_t)n >= size - pos)
			break;
		pos += (size_t)n;
	}
}

/* The next blank-separated word of *p (NUL-terminated in place), or NULL;
 * *p is left at the start of what follows, blanks skipped. */
static char *next_token(char **p)
{
	char *s = *p + strspn(*p, " \t"), *e;
	if (!*s) {
		*p = s;
		return NULL;
	}
	e = s + strcspn(s, " \t");
	if (*e)
		*e++ = '\0';
	*p = e + strspn(e, " \t");
	return s;
}

int access_action_parse(const char *act, const char *text, bool dunno_ok,
	enum rp_access_act *out, rp_checkset *skip, char *why, size_t whysize)
{
	char e[ECHO_MAX + 1];

	*out = RP_ACC_NONE;
	*skip = 0;
	why[0] = '\0';
	if (!text)
		text = "";
	if (strcasecmp(act, "OK") == 0) {
		*out = RP_ACC_OK;
		if (*text) {
			snprintf(why, whysize, "OK: unexpected text after OK: expected OK alone");
			return -1;
		}
		return 0;
	}
	if (strcasecmp(act, "REJECT") == 0 || strcasecmp(act, "DEFER") == 0) {
		const char *word = strcasecmp(act, "REJECT") == 0 ? "REJECT" : "DEFER";
		*out = *word == 'R' ? RP_ACC_REJECT : RP_ACC_DEFER;
		if (!printable_ascii(text)) {
			snprintf(why, whysize, "%s text contains control characters: expected printable ASCII text", word);
			return -1;
		}
		if (strlen(text) > ACC_TEXT_MAX) {
			snprintf(why, whysize, "%s text is too long: expected at most %d characters",
				word, ACC_TEXT_MAX);
			return -1;
		}
		return 0;
	}
	if (strcasecmp(act, "SKIP") == 0) {
		char bad[ECHO_MAX + 1], names[512];
		*out = RP_ACC_SKIP;
		if (parse_skip(text, skip, bad, sizeof bad)) {
			check_names_list(names, sizeof names);
			if (*bad)
				snprintf(why, whysize, "SKIP \"%s\": unknown check: expected one of %s",
					bad, names);
			else
				snprintf(why, whysize, "SKIP without checks: expected SKIP check[,check...]");
			return -1;
		}
		return 0;
	}
	if (dunno_ok && strcasecmp(act, "DUNNO") == 0) {
		if (*text) {
			snprintf(why, whysize, "DUNNO: unexpected text after DUNNO: expected DUNNO alone");
			return -1;
		}
		return 0;
	}
	echo(e, sizeof e, act);
	snprintf(why, whysize, "\"%s\": unknown action: expected OK, REJECT [text], DEFER [text]%s"
		" or SKIP check[,check...]", e, dunno_ok ? ", DUNNO" : "");
	return -1;
}

int access_answer_parse(const char *answer, struct rp_access_result *res,
	char *textbuf, size_t textsize, char *why, size_t whysize)
{
	char buf[ACC_LINE_MAX + 1], *rest = buf, *act;

	memset(res, 0, sizeof *res);
	res->act = RP_ACC_NONE;
	if (strlen(answer) > ACC_LINE_MAX) {
		snprintf(why, whysize, "answer too long: expected at most %d bytes", ACC_LINE_MAX);
		return -1;
	}
	rp_strlcpy(buf, answer, sizeof buf);
	if (!(act = next_token(&rest))) {
		snprintf(why, whysize, "empty answer: expected OK, REJECT [text], DEFER [text], "
			"DUNNO or SKIP check[,check...]");
		return -1;
	}
	for (size_t n = strlen(rest); n && (rest[n - 1] == ' ' || rest[n - 1] == '\t'); n--)
		rest[n - 1] = '\0';
	if (access_action_parse(act, rest, true, &res->act, &res->skip, why, whysize) < 0) {
		res->act = RP_ACC_NONE;
		res->skip = 0;
		return -1;
	}
	if ((res->act == RP_ACC_REJECT || res->act == RP_ACC_DEFER) && *rest) {
		if (strlen(rest) >= textsize) {
			snprintf(why, whysize, "text too long: expected at most %zu characters", textsize - 1);
			res->act = RP_ACC_NONE;
			return -1;
		}
		rp_strlcpy(textbuf, rest, textsize);
		res->text = textbuf;
	}
	return 0;
}

/* One non-comment line; returns false after adding a message to errs. */
static bool parse_line(struct rp_access *a, const char *path, unsigned lineno, char *line,
	struct rp_errlist *errs)
{
	char e1[ECHO_MAX + 1], why[700];
	char *kind, *pat, *act, *rest;
	const char *form;
	struct acc_rule rule = { .line = lineno };
	int k;

	rest = line;
	kind = next_token(&rest);
	pat = next_token(&rest);
	act = next_token(&rest);
	for (size_t n = strlen(rest); n && (rest[n - 1] == ' ' || rest[n - 1] == '\t'); n--)
		rest[n - 1] = '\0';

	for (k = 0; k < NKINDS; k++)
		if (strcasecmp(kind, kind_names[k]) == 0)
			break;
	if (k == NKINDS) {
		echo(e1, sizeof e1, kind);
		errlist_add(errs, "%s:%u: \"%s\": unknown kind: expected client, helo, sender or recipient",
			path, lineno, e1);
		return false;
	}
	if (!pat || !act) {
		errlist_add(errs, "%s:%u: %s: missing %s: expected KIND PATTERN ACTION [TEXT]",
			path, lineno, kind_names[k], pat ? "action" : "pattern and action");
		return false;
	}
	echo(e1, sizeof e1, pat);
	if (!printable_ascii(pat)) {
		errlist_add(errs, "%s:%u: %s \"%s\": bad pattern: expected printable ASCII",
			path, lineno, kind_names[k], e1);
		return false;
	}
	if (access_action_parse(act, rest, false, &rule.act, &rule.skip, why, sizeof why) < 0) {
		/* only the OK message names the rule it is about */
		if (rule.act == RP_ACC_OK)
			errlist_add(errs, "%s:%u: %s %s %s", path, lineno, kind_names[k], e1, why);
		else
			errlist_add(errs, "%s:%u: %s", path, lineno, why);
		return false;
	}
	if ((form = add_pattern(a, k, pat, a->nrules)) != NULL) {
		errlist_add(errs, "%s:%u: %s \"%s\": bad pattern: %s", path, lineno, kind_names[k], e1, form);
		return false;
	}
	if ((rule.act == RP_ACC_REJECT || rule.act == RP_ACC_DEFER) && *rest)
		rule.text = xstrdup(rest);
	a->rules = xrealloc(a->rules, (a->nrules + 1) * sizeof *a->rules);
	a->rules[a->nrules++] = rule;
	return true;
}

struct rp_access *access_load(const char *path, struct rp_errlist *errs)
{
	FILE *f = fopen(path, "r");
	struct rp_access *a;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;
	bool ok = true;

	if (!f) {
		errlist_add(errs, "%s: cannot open the access file: %s", path, strerror(errno));
		return NULL;
	}
	a = xcalloc(1, sizeof *a);
	while ((len = getline(&line, &cap, f)) >= 0) {
		char *p;
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len > ACC_LINE_MAX) {
			errlist_add(errs, "%s:%u: line too long: expected at most %d bytes",
				path, lineno, ACC_LINE_MAX);
			ok = false;
			continue;
		}
		if ((size_t)len != strlen(line)) {
			errlist_add(errs, "%s:%u: NUL byte in line: expected text", path, lineno);
			ok = false;
			continue;
		}
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#')
			continue;
		if (!parse_line(a, path, lineno, p, errs))
			ok = false;
	}
	if (ferror(f)) {
		errlist_add(errs, "%s: read error: %s", path, strerror(errno));
		ok = false;
	}
	free(line);
	fclose(f);
	if (!ok) {
		access_free(a);
		return NULL;
	}
	for (int k = 0; k < NKINDS; k++)
		table_finish(&a->t[k]);
	return a;
}

void access_free(struct rp_access *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nrules; i++)
		free(a->rules[i].text);
	free(a->rules);
	for (int k = 0; k < NKINDS; k++) {
		for (size_t i = 0; i < a->t[k].nkeys; i++)
			free(a->t[k].keys[i].key);
		free(a->t[k].keys);
		free(a->t[k].cidrs);
	}
	free(a);
}
