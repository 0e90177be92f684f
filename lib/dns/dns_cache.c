/* dns_cache - see dns_cache.h */
#include "dns/dns_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/clock.h"
#include "base/util.h"

struct entry {
	struct entry *next;      /* hash chain */
	uint64_t hash;
	time_t expires;
	const struct rp_dns_answer *ans;  /* NULL: slot unused */
	enum rp_dns_type type;
	unsigned char ref;       /* CLOCK reference bit */
	size_t size;             /* dns_answer_size(ans) */
	char name[RP_DNS_NAME_MAX + 1];
};

struct stripe {
	pthread_mutex_t mu;      /* guards everything below */
	struct entry **bucket;
	size_t nbucket;          /* power of two */
	struct entry *slot;      /* the CLOCK ring, cap entries */
	size_t cap, used, hand;
	size_t bytes, max_bytes; /* held by the answers / the bound */
	uint64_t hits, misses, inserts, evictions, expired, too_big;
} __attribute__((aligned(64)));

struct rp_dns_cache {
	struct stripe stripe[RP_DNS_CACHE_STRIPES];
	uint64_t seed;
	unsigned max_ttl;        /* atomic */
	unsigned refs;           /* atomic */
};

static uint64_t key_hash(uint64_t seed, const char *name, enum rp_dns_type type)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= (uint64_t)type + 1;
	h *= 0x100000001b3ULL;
	/* final mix (splitmix64) so that the high bits pick the stripe well */
	h ^= h >> 30; h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27; h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static struct stripe *stripe_of(struct rp_dns_cache *c, uint64_t h)
{
	return &c->stripe[h >> 60 & (RP_DNS_CACHE_STRIPES - 1)];
}

struct rp_dns_cache *dns_cache_new(unsigned entries, unsigned max_ttl)
{
	struct rp_dns_cache *c = xcalloc(1, sizeof(*c));
	size_t per = (entries + RP_DNS_CACHE_STRIPES - 1) / RP_DNS_CACHE_STRIPES;
	if (per == 0)
		per = 1;
	if (getrandom(&c->seed, sizeof(c->seed), GRND_NONBLOCK) != sizeof(c->seed))
		c->seed = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ULL ^ (uintptr_t)c;
	for (size_t i = 0; i < RP_DNS_CACHE_STRIPES; i++) {
		struct stripe *s = &c->stripe[i];
		pthread_mutex_init(&s->mu, NULL);
		s->cap = per;
		s->nbucket = 4;
		while (s->nbucket < per * 2)
			s->nbucket <<= 1;
		s->bucket = xcalloc(s->nbucket, sizeof(*s->bucket));
		s->slot = xcalloc(per, sizeof(*s->slot));
		s->max_bytes = per * RP_DNS_CACHE_AVG_BYTES;
		if (s->max_bytes < RP_DNS_CACHE_ENTRY_MAX)
			s->max_bytes = RP_DNS_CACHE_ENTRY_MAX;
	}
	c->max_ttl = max_ttl ? max_ttl : 3600;
	c->refs = 1;
	return c;
}

struct rp_dns_cache *dns_cache_ref(struct rp_dns_cache *c)
{
	if (c)
		__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

void dns_cache_free(struct rp_dns_cache *c)
{
	if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < RP_DNS_CACHE_STRIPES; i++) {
		struct stripe *s = &c->stripe[i];
		for (size_t k = 0; k < s->used; k++)
			dns_answer_unref(s->slot[k].ans);   /* NULL for freed slots */
		free(s->slot);
		free(s->bucket);
		pthread_mutex_destroy(&s->mu);
	}
	free(c);
}

void dns_cache_set_max_ttl(struct rp_dns_cache *c, unsigned max_ttl)
{
	__atomic_store_n(&c->max_ttl, max_ttl ? max_ttl : 3600, __ATOMIC_RELAXED);
}

/* Caller holds s->mu. */
static struct entry *find(struct stripe *s, uint64_t h, const char *name,
	enum rp_dns_type type)
{
	for (struct entry *e = s->bucket[h & (s->nbucket - 1)]; e; e = e->next)
		if (e->hash == h && e->type == type && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* Caller holds s->mu. */
static void unlink_entry(struct stripe *s, struct entry *e)
{
	struct entry **pp = &s->bucket[e->hash & (s->nbucket - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->next;
	if (*pp)
		*pp = e->next;
	e->next = NULL;
}

const struct rp_dns_answer *dns_cache_get(struct rp_dns_cache *c, const char *name,
	enum rp_dns_type type, uint32_t *ttl_left)
{
	const struct rp_dns_answer *a = NULL;
	uint64_t h;
	struct stripe *s;
	struct entry *e;
	time_t now;

	if (!c || strlen(name) > RP_DNS_NAME_MAX)
		return NULL;
	h = key_hash(c->seed, name, type);
	s = stripe_of(c, h);
	now = clock_now();
	pthread_mutex_lock(&s->mu);
	e = find(s, h, name, type);
	if (e && e->expires > now) {
		e->ref = 1;
		a = e->ans;
		dns_answer_ref(a);
		if (ttl_left)
			*ttl_left = (uint32_t)(e->expires - now);
		s->hits++;
	} else {
		if (e)
			s->expired++;
		s->misses++;
	}
	pthread_mutex_unlock(&s->mu);
	return a;
}

/* CLOCK: a free slot, or an expired or not recently used entry; skips
 * recently used entries once, so it ends within two turns of the ring.
 * Never returns keep. Caller holds s->mu; s->used == s->cap. */
static struct entry *clock_victim(struct stripe *s, time_t now, const struct entry *keep)
{
	for (;;) {
		struct entry *cand = &s->slot[s->hand];
		s->hand = (s->hand + 1) % s->cap;
		if (cand == keep)
			continue;
		if (!cand->ans || cand->expires <= now || !cand->ref)
			return cand;
		cand->ref = 0;
	}
}

/* Unlink slot e and uncount its bytes; the caller releases e->ans. Caller
 * holds s->mu. */
static void entry_clear(struct stripe *s, struct entry *e)
{
	if (!e->ans)
		return;
	unlink_entry(s, e);
	s->bytes -= e->size;
	e->size = 0;
	s->evictions++;
}

void dns_cache_put(struct rp_dns_cache *c, const char *name, enum rp_dns_type type,
	const struct rp_dns_answer *a, uint32_t ttl)
{
	const struct rp_dns_answer *old = NULL;
	size_t size;
	unsigned cap_ttl;
	uint64_t h;
	struct stripe *s;
	struct entry *e;
	time_t now;

	if (!c || !a || ttl == 0 || strlen(name) > RP_DNS_NAME_MAX)
		return;
	if (a->outcome != RP_DNS_FOUND && a->outcome != RP_DNS_NOTFOUND)
		return;
	cap_ttl = __atomic_load_n(&c->max_ttl, __ATOMIC_RELAXED);
	if (ttl > cap_ttl)
		ttl = cap_ttl;
	h = key_hash(c->seed, name, type);
	s = stripe_of(c, h);
	size = dns_answer_size(a);
	if (size > RP_DNS_CACHE_ENTRY_MAX || size > s->max_bytes) {
		pthread_mutex_lock(&s->mu);
		s->too_big++;
		pthread_mutex_unlock(&s->mu);
		return;
	}
	now = clock_now();
	dns_answer_ref(a);
	pthread_mutex_lock(&s->mu);
	e = find(s, h, name, type);
	if (!e) {
		if (s->used < s->cap) {
			e = &s->slot[s->used++];
		} else {
			e = clock_victim(s, now, NULL);
			entry_clear(s, e);
		}
		old = e->ans;
		e->hash = h;
		e->type = type;
		rp_strlcpy(e->name, name, sizeof(e->name));
		e->next = s->bucket[h & (s->nbucket - 1)];
		s->bucket[h & (s->nbucket - 1)] = e;
	} else {
		old = e->ans;
		s->bytes -= e->size;
	}
	e->ans = a;
	e->size = size;
	e->expires = now + (time_t)ttl;
	e->ref = 0;
	s->bytes += size;
	s->inserts++;
	/* The memory bound: evict others until the stripe fits again. */
	while (s->bytes > s->max_bytes) {
		struct entry *v = clock_victim(s, now, e);
		const struct rp_dns_answer *va = v->ans;
		entry_clear(s, v);
		v->ans = NULL;
		dns_answer_unref(va);    /* rare: memory bound reached */
	}
	pthread_mutex_unlock(&s->mu);
	dns_answer_unref(old);
}

void dns_cache_stats(struct rp_dns_cache *c, struct rp_dns_cache_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	for (size_t i = 0; i < RP_DNS_CACHE_STRIPES; i++) {
		struct stripe *s = &c->stripe[i];
		pthread_mutex_lock(&s->mu);
		out->hits += s->hits;
		out->misses += s->misses;
		out->inserts += s->inserts;
		out->evictions += s->evictions;
		out->expired += s->expired;
		for (size_t k = 0; k < s->used; k++)
			out->entries += s->slot[k].ans != NULL;
		out->bytes += s->bytes;
		out->too_big += s->too_big;
		pthread_mutex_unlock(&s->mu);
	}
}
