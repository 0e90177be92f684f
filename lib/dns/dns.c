/* dns - see dns.h */
#include "dns/dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "base/clock.h"
#include "base/log.h"
#include "dns/dns_cache.h"
#include "dns/reply.h"
#include "base/util.h"

#define EDNS_UDP_SIZE 1232       /* no IP fragmentation; larger answers use TCP */
#define MAX_TRIES     24         /* sockets one query may have open */
#define DNS_WIRE_MAX  65535

struct rp_dns {
	struct sockaddr_storage ns[RP_DNS_MAX_NS];
	socklen_t nslen[RP_DNS_MAX_NS];
	size_t n_ns;
	unsigned timeout_ms, attempts, max_ttl;
	struct rp_dns_cache *cache;
};

enum try_state { TRY_CLOSED, TRY_UDP, TRY_TCP_CONNECT, TRY_TCP_WRITE, TRY_TCP_READ };

struct try {
	int fd;
	enum try_state st;
	uint16_t id;
	uint8_t *buf;            /* TCP: the framed query, then the reply */
	size_t len, off;         /* bytes in buf / done so far */
};

struct query {
	char name[RP_DNS_NAME_MAX + 1];
	enum rp_dns_type type;
	ldns_rdf *qname;         /* NULL: not queryable */
	struct rp_dns_answer *ans;   /* set when done */
	uint32_t ttl;
	bool cached, tcp;
	size_t ntries, max_tries, ns_cur;
	uint64_t try_deadline;
	int last_rcode;
	const char *last_detail;
	struct try tries[MAX_TRIES];
};

struct rp_dns_batch {
	struct rp_dns *d;
	struct query **q;
	size_t nq;
	size_t *map;             /* added index -> query */
	struct rp_dns_result *res;
	size_t nres, cap;
	bool ran;
};

/* ---- the process-wide socket budget ---- */

static unsigned sock_cap;        /* atomic; 0: not set yet (derived at first use) */
static unsigned sock_open;       /* atomic: DNS sockets open now */
static int sock_short;           /* atomic: the last socket wanted was refused */

unsigned dns_socket_limit_set(unsigned n)
{
	struct rlimit rl;

	if (n == 0) {
		rlim_t soft = getrlimit(RLIMIT_NOFILE, &rl) == 0 ? rl.rlim_cur : 1024;
		if (soft == RLIM_INFINITY || soft > 2 * (rlim_t)DNS_SOCKETS_MAX)
			soft = 2 * (rlim_t)DNS_SOCKETS_MAX;
		n = (unsigned)(soft / 2);
		if (n < DNS_SOCKETS_MIN)
			n = DNS_SOCKETS_MIN;
	}
	__atomic_store_n(&sock_cap, n, __ATOMIC_RELAXED);
	return n;
}

unsigned dns_socket_limit(void)
{
	unsigned cap = __atomic_load_n(&sock_cap, __ATOMIC_RELAXED);
	return cap ? cap : dns_socket_limit_set(0);
}

unsigned dns_sockets_open(void)
{
	return __atomic_load_n(&sock_open, __ATOMIC_RELAXED);
}

/* Count one socket in, if the budget allows it. */
static bool sock_take(void)
{
	unsigned cap = dns_socket_limit(), cur = __atomic_load_n(&sock_open, __ATOMIC_RELAXED);

	do {
		if (cur >= cap)
			return false;
	} while (!__atomic_compare_exchange_n(&sock_open, &cur, cur + 1, true, __ATOMIC_RELAXED,
		__ATOMIC_RELAXED));
	return true;
}

static void sock_give(void)
{
	__atomic_sub_fetch(&sock_open, 1, __ATOMIC_RELAXED);
}

/* A socket was refused (why) or, why NULL, obtained: one log line when
 * that changes, not one per query. */
static void sock_state(const char *why)
{
	if (why) {
		if (!__atomic_exchange_n(&sock_short, 1, __ATOMIC_ACQ_REL))
			log_msg(RP_LOG_WARNING, "dns: %s (%u DNS sockets open, at most %u); lookups "
				"fail temporarily until sockets are free", why, dns_sockets_open(),
				dns_socket_limit());
	} else if (__atomic_load_n(&sock_short, __ATOMIC_ACQUIRE) &&
		   __atomic_exchange_n(&sock_short, 0, __ATOMIC_ACQ_REL)) {
		log_msg(RP_LOG_NOTICE, "dns: sockets available again (%u open, at most %u)",
			dns_sockets_open(), dns_socket_limit());
	}
}

/* ---- resolver ---- */

struct rp_dns *dns_new(const struct rp_dns_opts *o, struct rp_dns_cache *cache,
	char *err, size_t errsize)
{
	struct rp_dns *d;
	unsigned port = o->port ? o->port : 53;

	if (o->n_nameservers == 0 || o->n_nameservers > RP_DNS_MAX_NS || port > 65535) {
		snprintf(err, errsize, "expected 1 to %d nameservers and a port 1..65535",
			RP_DNS_MAX_NS);
		return NULL;
	}
	d = xcalloc(1, sizeof(*d));
	for (size_t i = 0; i < o->n_nameservers; i++) {
		struct rp_netaddr a;
		char safe[64];
		if (!o->nameservers[i] || netaddr_parse(o->nameservers[i], &a) != 0) {
			rp_printable(safe, sizeof(safe), o->nameservers[i] ? o->nameservers[i] : "");
			snprintf(err, errsize, "nameserver \"%s\": expected an IPv4 or IPv6 address", safe);
			free(d);
			return NULL;
		}
		if (a.family == AF_INET) {
			struct sockaddr_in *s = (struct sockaddr_in *)&d->ns[i];
			s->sin_family = AF_INET;
			s->sin_port = htons((uint16_t)port);
			memcpy(&s->sin_addr, a.a, 4);
			d->nslen[i] = sizeof(*s);
		} else {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&d->ns[i];
			s->sin6_family = AF_INET6;
			s->sin6_port = htons((uint16_t)port);
			memcpy(&s->sin6_addr, a.a, 16);
			d->nslen[i] = sizeof(*s);
		}
	}
	d->n_ns = o->n_nameservers;
	d->timeout_ms = o->timeout_ms ? o->timeout_ms : 2000;
	d->attempts = o->attempts ? o->attempts : 2;
	d->max_ttl = o->cache_max_ttl;
	d->cache = dns_cache_ref(cache);
	return d;
}

void dns_free(struct rp_dns *d)
{
	if (!d)
		return;
	dns_cache_free(d->cache);
	free(d);
}

/* ---- batches ---- */

struct rp_dns_batch *dns_batch_new(struct rp_dns *d)
{
	struct rp_dns_batch *b = xcalloc(1, sizeof(*b));
	b->d = d;
	return b;
}

/* Normalise name into out (lower case, no trailing dot); false if it
 * cannot be a query name. */
static bool name_normalise(const char *name, char *out)
{
	size_t len = strlen(name), label = 0;
	if (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len > RP_DNS_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x21 || c > 0x7e || c == '\\')
			return false;
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (++label > 63) {
			return false;
		}
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	out[len] = '\0';
	return true;
}

size_t dns_batch_add(struct rp_dns_batch *b, const char *name, enum rp_dns_type type)
{
	char norm[RP_DNS_NAME_MAX + 1];
	struct query *q = NULL;
	bool ok = name && name_normalise(name, norm);
	size_t qi;

	if (b->ran) {
		fprintf(stderr, "dns_batch_add: batch already run\n");
		abort();
	}
	if (!ok)
		rp_printable(norm, sizeof(norm), name ? name : "");
	for (qi = 0; ok && qi < b->nq; qi++)
		if (b->q[qi]->qname && b->q[qi]->type == type && strcmp(b->q[qi]->name, norm) == 0) {
			q = b->q[qi];
			break;
		}
	if (!q) {
		q = xcalloc(1, sizeof(*q));
		rp_strlcpy(q->name, norm, sizeof(q->name));
		q->type = type;
		q->qname = ok ? ldns_dname_new_frm_str(norm) : NULL;
		q->last_rcode = -1;
		for (size_t t = 0; t < MAX_TRIES; t++)
			q->tries[t].fd = -1;
		b->q = xrealloc(b->q, (b->nq + 1) * sizeof(*b->q));
		qi = b->nq;
		b->q[b->nq++] = q;
	}
	if (b->nres == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->map = xrealloc(b->map, b->cap * sizeof(*b->map));
	}
	b->map[b->nres] = qi;
	return b->nres++;
}

size_t dns_batch_count(const struct rp_dns_batch *b)
{
	return b->nres;
}

const struct rp_dns_result *dns_batch_result(const struct rp_dns_batch *b, size_t i)
{
	if (!b->ran || i >= b->nres)
		return NULL;
	return &b->res[i];
}

static void try_close(struct try *t)
{
	if (t->fd >= 0) {
		close(t->fd);
		sock_give();
	}
	t->fd = -1;
	t->st = TRY_CLOSED;
	free(t->buf);
	t->buf = NULL;
	t->len = t->off = 0;
}

static void query_close_all(struct query *q)
{
	for (size_t i = 0; i < q->ntries; i++)
		try_close(&q->tries[i]);
}

void dns_batch_free(struct rp_dns_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->nq; i++) {
		struct query *q = b->q[i];
		query_close_all(q);
		if (q->qname)
			ldns_rdf_deep_free(q->qname);
		dns_answer_unref(q->ans);
		free(q);
	}
	free(b->q);
	free(b->map);
	free(b->res);
	free(b);
}

static void query_finish(struct query *q, struct rp_dns_answer *a)
{
	q->ans = a;
	q->ttl = a->ttl;
	query_close_all(q);
}

static void query_fail(struct query *q, enum rp_dns_outcome o, int rcode, const char *detail)
{
	query_finish(q, dns_answer_new(o, rcode, detail, 0));
}

enum verdict { V_IGNORE, V_DONE, V_TC, V_NEXT };

/* Judge one reply to try t of q. */
static enum verdict judge(struct query *q, const struct try *t, const uint8_t *w, size_t len,
	bool tcp)
{
	ldns_pkt *p = NULL;
	ldns_pkt_rcode rc;
	bool tc;

	if (!dns_reply_header_matches(w, len, t->id)) {
		if (!tcp)
			return V_IGNORE;
		q->last_rcode = -1;
		q->last_detail = "reply for another question";
		return V_NEXT;
	}
	tc = !tcp && LDNS_TC_WIRE(w);
	if (ldns_wire2pkt(&p, w, len) != LDNS_STATUS_OK) {
		if (tc)
			return V_TC;
		query_fail(q, RP_DNS_MALFORMED, -1, "unparsable reply");
		return V_DONE;
	}
	if (!dns_reply_matches(p, q->qname, q->type)) {
		ldns_pkt_free(p);
		if (tcp) {
			q->last_rcode = -1;
			q->last_detail = "reply for another question";
		}
		return tcp ? V_NEXT : V_IGNORE;
	}
	if (tc) {
		ldns_pkt_free(p);
		return V_TC;
	}
	rc = ldns_pkt_get_rcode(p);
	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN) {
		query_finish(q, dns_reply_answer(p, q->qname, q->type));
		ldns_pkt_free(p);
		return V_DONE;
	}
	q->last_rcode = (int)rc;
	q->last_detail = rc == LDNS_RCODE_SERVFAIL ? "SERVFAIL"
		: rc == LDNS_RCODE_REFUSED ? "REFUSED" : "error rcode";
	ldns_pkt_free(p);
	return V_NEXT;
}

/* ---- sending ---- */

/* Open try number q->ntries; false if it failed at once (counted). */
static bool try_start(struct rp_dns *d, struct query *q, uint64_t now)
{
	struct try *t = &q->tries[q->ntries++];
	const struct sockaddr_storage *ns = &d->ns[q->ns_cur];
	socklen_t nslen = d->nslen[q->ns_cur];
	ldns_pkt *p;
	uint8_t *wire = NULL;
	size_t wlen = 0;
	int fd;

	q->try_deadline = now + d->timeout_ms;
	p = ldns_pkt_query_new(ldns_rdf_clone(q->qname), dns_ldns_type(q->type), LDNS_RR_CLASS_IN,
		LDNS_RD);
	if (!p)
		goto fail;
	ldns_pkt_set_random_id(p);
	if (!q->tcp)
		ldns_pkt_set_edns_udp_size(p, EDNS_UDP_SIZE);
	t->id = ldns_pkt_id(p);
	if (ldns_pkt2wire(&wire, p, &wlen) != LDNS_STATUS_OK) {
		ldns_pkt_free(p);
		goto fail;
	}
	ldns_pkt_free(p);

	if (!sock_take()) {
		free(wire);
		q->last_detail = "no socket: DNS socket limit reached";
		sock_state(q->last_detail);
		goto no_socket;
	}
	fd = socket(ns->ss_family, (q->tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		int e = errno;
		sock_give();
		free(wire);
		if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
			goto fail;
		q->last_detail = e == ENFILE ? "no socket: too many open files in the system"
			: e == EMFILE ? "no socket: too many open files"
			: "no socket: out of memory";
		sock_state(q->last_detail);
		goto no_socket;
	}
	sock_state(NULL);
	t->fd = fd;
	if (!q->tcp) {
		/* connected: the kernel drops datagrams from other sources and
		 * reports ICMP errors */
		if (connect(fd, (const struct sockaddr *)ns, nslen) != 0
		    || send(fd, wire, wlen, 0) != (ssize_t)wlen) {
			free(wire);
			try_close(t);
			goto fail;
		}
		free(wire);
		t->st = TRY_UDP;
		return true;
	}
	t->buf = xmalloc(wlen + 2);
	t->buf[0] = (uint8_t)(wlen >> 8);
	t->buf[1] = (uint8_t)wlen;
	memcpy(t->buf + 2, wire, wlen);
	free(wire);
	t->len = wlen + 2;
	t->off = 0;
	if (connect(fd, (const struct sockaddr *)ns, nslen) == 0)
		t->st = TRY_TCP_WRITE;
	else if (errno == EINPROGRESS)
		t->st = TRY_TCP_CONNECT;
	else {
		try_close(t);
		goto fail;
	}
	return true;
fail:
	q->last_detail = "network error";
no_socket:
	q->last_rcode = -1;
	return false;
}

/* Start the next try of q, or finish it as TEMP when none is left. */
static void query_advance(struct rp_dns *d, struct query *q, uint64_t now, bool same_ns)
{
	while (!q->ans) {
		if (q->ntries >= q->max_tries || q->ntries >= MAX_TRIES) {
			bool open = false;
			for (size_t i = 0; i < q->ntries; i++)
				open |= q->tries[i].st != TRY_CLOSED;
			/* the last try still has time: let it run out */
			if (open && now < q->try_deadline)
				return;
			query_fail(q, RP_DNS_TEMP, q->last_rcode,
				q->last_detail ? q->last_detail : "timeout");
			return;
		}
		if (q->ntries > 0 && !same_ns)
			q->ns_cur = (q->ns_cur + 1) % d->n_ns;
		same_ns = false;
		if (try_start(d, q, now))
			return;
	}
}

static void handle_verdict(struct rp_dns *d, struct query *q, struct try *t,
	enum verdict v, uint64_t now)
{
	switch (v) {
	case V_IGNORE:
	case V_DONE:
		return;
	case V_TC:
		try_close(t);
		if (!q->tcp) {
			q->tcp = true;
			if (q->max_tries < q->ntries + 1)
				q->max_tries = q->ntries + 1;
		}
		query_advance(d, q, now, true);
		return;
	case V_NEXT:
		try_close(t);
		if (t == &q->tries[q->ntries - 1]) {
			/* another server may do better; one server: no retry */
			if (d->n_ns == 1 && q->last_rcode > 0)
				query_fail(q, RP_DNS_TEMP, q->last_rcode, q->last_detail);
			else
				query_advance(d, q, now, false);
		}
		return;
	}
}

static void udp_readable(struct rp_dns *d, struct query *q, struct try *t, uint8_t *buf,
	uint64_t now)
{
	/* bounded, so that a stream of stray datagrams cannot hold the loop
	 * past the deadline; the rest waits for the next poll */
	for (int k = 0; k < 64; k++) {
		ssize_t n = recv(t->fd, buf, DNS_WIRE_MAX, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			q->last_rcode = -1;
			q->last_detail = "network error";
			handle_verdict(d, q, t, V_NEXT, now);
			return;
		}
		handle_verdict(d, q, t, judge(q, t, buf, (size_t)n, false), now);
		if (q->ans || t->st != TRY_UDP)
			return;
	}
}

static void tcp_event(struct rp_dns *d, struct query *q, struct try *t, uint64_t now)
{
	ssize_t n;
	int err = 0;
	socklen_t elen = sizeof(err);

	if (t->st == TRY_TCP_CONNECT) {
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0)
			goto fail;
		t->st = TRY_TCP_WRITE;
	}
	if (t->st == TRY_TCP_WRITE) {
		n = send(t->fd, t->buf + t->off, t->len - t->off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			goto fail;
		}
		t->off += (size_t)n;
		if (t->off < t->len)
			return;
		free(t->buf);
		t->buf = xmalloc(DNS_WIRE_MAX + 2);
		t->len = 2;          /* first the length */
		t->off = 0;
		t->st = TRY_TCP_READ;
		return;
	}
	if (t->st == TRY_TCP_READ) {
		n = recv(t->fd, t->buf + t->off, t->len - t->off, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			goto fail;
		}
		if (n == 0)
			goto fail;
		t->off += (size_t)n;
		if (t->off < t->len)
			return;
		if (t->len == 2) {
			size_t body = (size_t)t->buf[0] << 8 | t->buf[1];
			if (body == 0)
				goto fail;
			t->len = 2 + body;
			return;
		}
		handle_verdict(d, q, t, judge(q, t, t->buf + 2, t->len - 2, true), now);
		return;
	}
	return;
fail:
	q->last_rcode = -1;
	q->last_detail = "network error";
	handle_verdict(d, q, t, V_NEXT, now);
}

static void finish_results(struct rp_dns_batch *b)
{
	b->res = xcalloc(b->nres ? b->nres : 1, sizeof(*b->res));
	for (size_t i = 0; i < b->nres; i++) {
		const struct query *q = b->q[b->map[i]];
		b->res[i].name = q->name;
		b->res[i].type = q->type;
		b->res[i].ans = q->ans;
		b->res[i].ttl = q->ttl;
		b->res[i].cached = q->cached;
	}
	b->ran = true;
}

void dns_batch_run(struct rp_dns_batch *b, uint64_t deadline_ms)
{
	struct rp_dns *d = b->d;
	struct pollfd *pfd;
	struct try **owner_t;
	struct query **owner_q;
	uint8_t *buf;
	size_t maxfd = 0;

	if (b->ran)
		return;
	for (size_t i = 0; i < b->nq; i++) {
		struct query *q = b->q[i];
		const struct rp_dns_answer *hit;
		uint32_t left = 0;
		q->max_tries = (size_t)d->attempts * d->n_ns;
		if (q->max_tries > MAX_TRIES - 1)
			q->max_tries = MAX_TRIES - 1;
		if (!q->qname) {
			query_fail(q, RP_DNS_MALFORMED, -1, "bad query name");
			continue;
		}
		hit = dns_cache_get(d->cache, q->name, q->type, &left);
		if (hit) {
			q->ans = (struct rp_dns_answer *)hit;
			q->ttl = left;
			q->cached = true;
		}
		maxfd += MAX_TRIES;
	}
	pfd = xcalloc(maxfd + 1, sizeof(*pfd));
	owner_t = xcalloc(maxfd + 1, sizeof(*owner_t));
	owner_q = xcalloc(maxfd + 1, sizeof(*owner_q));
	buf = xmalloc(DNS_WIRE_MAX);

	for (;;) {
		uint64_t now = clock_mono_ms(), wake = deadline_ms;
		size_t npfd = 0, pending = 0;
		int timeout, rc;

		for (size_t i = 0; i < b->nq; i++) {
			struct query *q = b->q[i];
			if (q->ans)
				continue;
			if (now >= deadline_ms) {
				query_fail(q, RP_DNS_TEMP, -1, "deadline");
				continue;
			}
			if (q->ntries == 0 || now >= q->try_deadline)
				query_advance(d, q, now, false);
			if (q->ans)
				continue;
			pending++;
			if (q->try_deadline < wake)
				wake = q->try_deadline;
			for (size_t k = 0; k < q->ntries; k++) {
				struct try *t = &q->tries[k];
				if (t->st == TRY_CLOSED)
					continue;
				pfd[npfd].fd = t->fd;
				pfd[npfd].events = (t->st == TRY_TCP_CONNECT || t->st == TRY_TCP_WRITE)
					? POLLOUT : POLLIN;
				pfd[npfd].revents = 0;
				owner_t[npfd] = t;
				owner_q[npfd] = q;
				npfd++;
			}
		}
		if (pending == 0)
			break;
		timeout = wake > now ? (int)(wake - now) : 0;
		rc = poll(pfd, npfd, timeout);
		if (rc <= 0)
			continue;    /* timeouts and EINTR: the loop re-checks clocks */
		now = clock_mono_ms();
		for (size_t k = 0; k < npfd; k++) {
			struct query *q = owner_q[k];
			struct try *t = owner_t[k];
			if (!pfd[k].revents || q->ans || t->st == TRY_CLOSED || t->fd != pfd[k].fd)
				continue;
			if (t->st == TRY_UDP)
				udp_readable(d, q, t, buf, now);
			else
				tcp_event(d, q, t, now);
		}
	}
	free(pfd);
	free(owner_t);
	free(owner_q);
	free(buf);

	for (size_t i = 0; i < b->nq; i++) {
		struct query *q = b->q[i];
		uint32_t ttl;
		if (q->cached || !q->ans)
			continue;
		ttl = q->ans->ttl;
		if (d->max_ttl && ttl > d->max_ttl)
			ttl = d->max_ttl;
		dns_cache_put(d->cache, q->name, q->type, q->ans, ttl);
	}
	finish_results(b);
}
