/* greylist - see greylist.h */
#include "greylist/greylist.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <ldns/sha2.h>

#include "base/util.h"

void greylist_params_from_config(const struct grey_conf *c, struct grey_params *p)
{
	p->delay = c->delay;
	p->retry_window = c->retry_window;
	p->max_age = c->max_age;
	p->auto_allow_clients = c->auto_allow_clients;
	p->refresh = GREY_REFRESH_DEFAULT;
}

void greylist_text(const char *tmpl, unsigned long secs, const char *rdomain,
	char *out, size_t size)
{
	size_t o = 0;

	if (!size)
		return;
	if (!tmpl)
		tmpl = GREY_TEXT_DEFAULT;
	for (const char *p = tmpl; *p && o + 1 < size; p++) {
		char piece[80];
		const char *add = piece;
		size_t n;

		if (*p != '%' || (p[1] != 's' && p[1] != 'r' && p[1] != '%')) {
			piece[0] = *p;
			piece[1] = '\0';
		} else if (*++p == 's') {
			snprintf(piece, sizeof piece, "%lu", secs);
		} else if (*p == 'r') {
			size_t i = 0;
			for (const char *d = rdomain ? rdomain : ""; *d && i < 64; d++)
				piece[i++] = (unsigned char)*d > 0x20 && (unsigned char)*d < 0x7f ? *d : '?';
			piece[i] = '\0';
		} else {
			add = "%";
		}
		n = strlen(add);
		if (n > size - 1 - o)
			n = size - 1 - o;
		memcpy(out + o, add, n);
		o += n;
	}
	out[o] = '\0';
}

int greylist_text_check(const char *tmpl, char *err, size_t errsize)
{
	if (strlen(tmpl) > GREY_TEXT_MAX) {
		snprintf(err, errsize, "expected at most %d characters", GREY_TEXT_MAX);
		return -1;
	}
	if (!*tmpl) {
		snprintf(err, errsize, "expected a text, e.g. \"%s\"", GREY_TEXT_DEFAULT);
		return -1;
	}
	for (const char *p = tmpl; *p; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			snprintf(err, errsize, "expected printable ASCII text");
			return -1;
		}
		if (*p == '%') {
			if (p[1] != 's' && p[1] != 'r' && p[1] != '%') {
				snprintf(err, errsize, "expected %%s (seconds left), %%r (recipient domain) or "
					"%%%% after %%");
				return -1;
			}
			p++;
		}
	}
	return 0;
}

/* Bounded lower-case copy of an address without its surrounding "<>". */
static void addr_lower(const char *in, char *buf, size_t size)
{
	size_t n = in ? strlen(in) : 0, i, o = 0;

	if (n >= 2 && in[0] == '<' && in[n - 1] == '>') {
		in++;
		n -= 2;
	}
	for (i = 0; i < n && o + 1 < size; i++)
		buf[o++] = (char)tolower((unsigned char)in[i]);
	buf[o] = '\0';
}

static bool is_word(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static bool is_tag(const char *s, size_t n)
{
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]))
			return false;
	return true;
}

/* BATV: returns the start of the original local part inside local, or local. */
static const char *batv_strip(const char *local)
{
	const char *tag, *end;

	if (strncmp(local, "prvs=", 5) == 0) {
		tag = local + 5;
		end = strchr(tag, '=');
		if (end && is_tag(tag, (size_t)(end - tag)) && end[1])
			return end + 1;
	} else if (strncmp(local, "btv1==", 6) == 0) {
		tag = local + 6;
		end = strstr(tag, "==");
		if (end && is_tag(tag, (size_t)(end - tag)) && end[2])
			return end + 2;
	}
	return local;
}

static bool is_srs_sep(char c)
{
	return c == '=' || c == '+' || c == '-';
}

/* SRS0/SRS1 rewrite of local into out; false when local is not SRS. */
static bool srs_rewrite(const char *local, char *out, size_t size)
{
	const char *h, *t, *d;

	if (strlen(local) < 6 || !is_srs_sep(local[4]))
		return false;
	if (strncmp(local, "srs0", 4) == 0) {
		h = strchr(local + 5, '=');          /* HASH=TT=DOMAIN=LOCAL */
		t = h ? strchr(h + 1, '=') : NULL;
		if (!t || !t[1])
			return false;
		snprintf(out, size, "srs0%c#=#=%s", local[4], t + 1);
		return true;
	}
	if (strncmp(local, "srs1", 4) == 0) {
		const char *h1 = strchr(local + 5, '=');   /* HASH=SRSDOMAIN=xHASH=TT=REST */
		d = h1 ? strchr(h1 + 1, '=') : NULL;
		if (!d || !is_srs_sep(d[1]))
			return false;
		h = strchr(d + 2, '=');
		t = h ? strchr(h + 1, '=') : NULL;
		if (!t || !t[1])
			return false;
		snprintf(out, size, "srs1%c#=%.*s=%c#=#=%s", local[4],
			(int)(d - h1 - 1), h1 + 1, d[1], t + 1);
		return true;
	}
	return false;
}

/* Whole-word digit runs -> '#'. */
static void numbers_hash(const char *in, char *out, size_t size)
{
	size_t i = 0, j, o = 0, n = strlen(in);

	while (i < n && o + 1 < size) {
		if (isdigit((unsigned char)in[i]) && (i == 0 || !is_word(in[i - 1]))) {
			for (j = i; j < n && isdigit((unsigned char)in[j]); j++)
				;
			if (j == n || !is_word(in[j])) {
				out[o++] = '#';
				i = j;
				continue;
			}
			while (i < j && o + 1 < size)
				out[o++] = in[i++];
			continue;
		}
		out[o++] = in[i++];
	}
	out[o] = '\0';
}

size_t greylist_normalize_sender(const char *sender, char *out, size_t size)
{
	char buf[GREY_ADDR_MAX * 2], local[GREY_ADDR_MAX * 2], res[GREY_ADDR_MAX * 2];
	const char *domain = "", *l;
	char *at, *plus;

	if (!size)
		return 0;
	addr_lower(sender, buf, sizeof buf);
	at = strrchr(buf, '@');
	if (at) {
		domain = at + 1;
		*at = '\0';
	}
	l = batv_strip(buf);
	if (!srs_rewrite(l, res, sizeof res)) {
		rp_strlcpy(local, l, sizeof local);
		plus = strchr(local + (local[0] != '\0'), '+');
		if (plus)
			*plus = '\0';
		numbers_hash(local, res, sizeof res);
	}
	if (at)
		snprintf(out, size, "%s@%s", res, domain);
	else
		rp_strlcpy(out, res, size);
	return strlen(out);
}

size_t greylist_normalize_rcpt(const char *rcpt, char *out, size_t size)
{
	if (!size)
		return 0;
	addr_lower(rcpt, out, size);
	return strlen(out);
}

int greylist_client_part(const struct rp_netaddr *a, unsigned netmask4, unsigned netmask6,
	const char *spf_domain, char *out, size_t size)
{
	struct rp_netaddr m;
	char text[RP_ADDRSTRLEN];
	unsigned prefix;

	if (!size)
		return -1;
	out[0] = '\0';
	if (spf_domain && *spf_domain) {
		char dom[GREY_CLIENT_MAX];
		addr_lower(spf_domain, dom, sizeof dom - 4);
		snprintf(out, size, "spf:%s", dom);
		return 0;
	}
	if (!a || (a->family != AF_INET && a->family != AF_INET6))
		return -1;
	m = *a;
	if (a->family == AF_INET)
		prefix = netmask4 > 32 ? 32 : netmask4;
	else
		prefix = netmask6 > 128 ? 128 : netmask6;
	netaddr_mask(&m, prefix);
	netaddr_format(&m, text, sizeof text);
	snprintf(out, size, "%s/%u", text, prefix);
	return 0;
}

void greylist_hash_client(const char *client, unsigned char out[GREY_HASH_LEN])
{
	ldns_sha256_CTX ctx;

	ldns_sha256_init(&ctx);
	ldns_sha256_update(&ctx, (const uint8_t *)"C", 2);   /* tag and its NUL */
	ldns_sha256_update(&ctx, (const uint8_t *)client, strlen(client));
	ldns_sha256_final(out, &ctx);
}

void greylist_hash_triplet(const char *client, const char *sender, const char *rcpt,
	unsigned char out[GREY_HASH_LEN])
{
	ldns_sha256_CTX ctx;

	/* NUL separators: no two different triplets share an input. */
	ldns_sha256_init(&ctx);
	ldns_sha256_update(&ctx, (const uint8_t *)"T", 2);
	ldns_sha256_update(&ctx, (const uint8_t *)client, strlen(client) + 1);
	ldns_sha256_update(&ctx, (const uint8_t *)sender, strlen(sender) + 1);
	ldns_sha256_update(&ctx, (const uint8_t *)rcpt, strlen(rcpt));
	ldns_sha256_final(out, &ctx);
}

void greylist_key_from_parts(const char *client, const char *sender, const char *rcpt,
	struct grey_key *k)
{
	rp_strlcpy(k->client, client, sizeof k->client);
	rp_strlcpy(k->sender, sender, sizeof k->sender);
	rp_strlcpy(k->rcpt, rcpt, sizeof k->rcpt);
	greylist_hash_client(k->client, k->client_hash);
	greylist_hash_triplet(k->client, k->sender, k->rcpt, k->triplet_hash);
}

int greylist_key_make(const struct grey_conf *g, const struct rp_netaddr *client,
	const char *spf_domain, const char *sender, const char *rcpt, struct grey_key *k)
{
	char cp[GREY_CLIENT_MAX], s[GREY_ADDR_MAX], r[GREY_ADDR_MAX];

	memset(k, 0, sizeof *k);
	if (g->key != RP_GREYKEY_SPF_DOMAIN)
		spf_domain = NULL;
	if (greylist_client_part(client, g->netmask4, g->netmask6,
			spf_domain, cp, sizeof cp) < 0)
		return -1;
	greylist_normalize_sender(sender, s, sizeof s);
	greylist_normalize_rcpt(rcpt, r, sizeof r);
	greylist_key_from_parts(cp, s, r, k);
	return 0;
}

static void record_init(struct grey_record *r, const struct grey_key *k, bool client_only,
	enum grey_state st, time_t now)
{
	memset(r, 0, sizeof *r);
	r->state = (uint8_t)st;
	r->first_seen = r->last_seen = now;
	rp_strlcpy(r->client, k->client, sizeof r->client);
	if (!client_only) {
		rp_strlcpy(r->sender, k->sender, sizeof r->sender);
		rp_strlcpy(r->rcpt, k->rcpt, sizeof r->rcpt);
	}
}

/* now - then in seconds, saturated: a damaged record's times (any int64)
 * must not overflow. */
static int64_t since(time_t now, int64_t then)
{
	int64_t d;
	if (__builtin_sub_overflow((int64_t)now, then, &d))
		return then < 0 ? INT64_MAX : INT64_MIN;
	return d;
}

bool greylist_expired(const struct grey_params *p, time_t now, const struct grey_record *r)
{
	switch (r->state) {
	case GREY_ST_PENDING:
		return since(now, r->first_seen) > (int64_t)p->retry_window;
	case GREY_ST_PASSED:
		return since(now, r->last_seen) > (int64_t)p->max_age;
	case GREY_ST_CLIENT:
		if (r->flags & GREY_F_MANUAL)
			return false;
		return since(now, r->last_seen) > (int64_t)p->max_age;
	default:
		return true;
	}
}

unsigned greylist_decide(const struct grey_params *p, time_t now, const struct grey_key *k,
	struct grey_record *trip, bool *trip_found, struct grey_record *cli, bool *cli_found,
	struct grey_verdict *v)
{
	unsigned w = 0;
	bool pass = false;
	int64_t e;

	memset(v, 0, sizeof *v);
	if (*cli_found && (cli->state != GREY_ST_CLIENT || greylist_expired(p, now, cli)))
		*cli_found = false;   /* dead or expired: as if swept */
	if (*cli_found && ((cli->flags & GREY_F_MANUAL) ||
			(p->auto_allow_clients && cli->count >= p->auto_allow_clients))) {
		v->result = GREY_ALLOWED_CLIENT;
		if (since(now, cli->last_seen) >= (int64_t)p->refresh) {
			cli->last_seen = now;
			w |= GREY_W_CLIENT;
		}
		return w;
	}

	if (*trip_found && trip->state != GREY_ST_PENDING && trip->state != GREY_ST_PASSED)
		*trip_found = false;
	if (!*trip_found || (trip->state == GREY_ST_PASSED && greylist_expired(p, now, trip))) {
		record_init(trip, k, false, GREY_ST_PENDING, now);
		trip->count = 1;
		*trip_found = true;
		v->result = GREY_NEW;
		v->wait = p->delay;
		w |= GREY_W_TRIPLET;
	} else if (trip->state == GREY_ST_PENDING) {
		e = since(now, trip->first_seen);
		if (e < 0)
			e = 0;               /* the clock went back: wait the whole delay */
		trip->last_seen = now;
		if (trip->count < UINT32_MAX)
			trip->count++;
		if (e > (int64_t)p->retry_window) {
			trip->first_seen = now;
			v->result = GREY_RESTART;
			v->wait = p->delay;
		} else if (e < (int64_t)p->delay) {
			v->result = GREY_EARLY;
			v->wait = (unsigned long)((int64_t)p->delay - e);
		} else {
			trip->count--;       /* an accepted attempt is not a deferral */
			trip->state = GREY_ST_PASSED;
			trip->pass_time = now;
			v->result = GREY_PASS_FIRST;
			v->delayed = (unsigned long)e;
			pass = true;
		}
		w |= GREY_W_TRIPLET;
	} else {
		v->result = GREY_PASSED;
		pass = true;
		if (since(now, trip->last_seen) >= (int64_t)p->refresh) {
			trip->last_seen = now;
			w |= GREY_W_TRIPLET;
		}
	}

	if (pass && p->auto_allow_clients) {
		if (!*cli_found) {
			record_init(cli, k, true, GREY_ST_CLIENT, now);
			cli->count = 1;
			cli->pass_time = now;
			*cli_found = true;
			w |= GREY_W_CLIENT;
		} else if (since(now, cli->pass_time) >= GREY_HOUR) {
			cli->count++;
			cli->pass_time = now;
			cli->last_seen = now;
			w |= GREY_W_CLIENT;
		} else if (since(now, cli->last_seen) >= (int64_t)p->refresh) {
			cli->last_seen = now;
			w |= GREY_W_CLIENT;
		}
	}
	return w;
}

bool greylist_result_accepts(enum grey_result r)
{
	return r == GREY_PASS_FIRST || r == GREY_PASSED || r == GREY_ALLOWED_CLIENT;
}

const char *greylist_result_name(enum grey_result r)
{
	switch (r) {
	case GREY_NEW: return "new";
	case GREY_EARLY: return "early";
	case GREY_PASS_FIRST: return "pass-first";
	case GREY_PASSED: return "passed";
	case GREY_RESTART: return "restart";
	case GREY_ALLOWED_CLIENT: return "allowed-client";
	case GREY_TEMP: return "temp";
	}
	return "?";
}
