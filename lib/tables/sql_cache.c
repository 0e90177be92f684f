/*
 * sql_cache - see sql.h: the SQL answers cache. A chained hash table under
 * one mutex; entries hold their key, their answer (NULL: no row) and the
 * clock_mono_ms() time they expire. Bounded: a put into a full table
 * first drops the expired entries, then, if still full, every entry.
 */
#include "tables/sql.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 1024

struct entry {
	struct entry *next;
	char *key, *answer;
	uint64_t expires;
};

struct sql_cache {
	pthread_mutex_t lock;
	struct entry *b[NBUCKETS];
	size_t n, max;
};

static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;          /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)(h % NBUCKETS);
}

struct sql_cache *sql_cache_new(size_t max)
{
	struct sql_cache *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->max = max ? max : 1;
	return c;
}

static void entry_free(struct entry *e)
{
	free(e->key);
	free(e->answer);
	free(e);
}

/* Drop entries expired at now (all of them when now is UINT64_MAX). */
static void sweep(struct sql_cache *c, uint64_t now)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		struct entry **pp = &c->b[i];
		while (*pp) {
			struct entry *e = *pp;
			if (now == UINT64_MAX || e->expires <= now) {
				*pp = e->next;
				entry_free(e);
				c->n--;
			} else {
				pp = &e->next;
			}
		}
	}
}

void sql_cache_free(struct sql_cache *c)
{
	if (!c)
		return;
	sweep(c, UINT64_MAX);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int sql_cache_get(struct sql_cache *c, const char *key, uint64_t now, bool *found,
	char *answer, size_t size)
{
	int rc = 0;
	pthread_mutex_lock(&c->lock);
	for (struct entry *e = c->b[hash(key)]; e; e = e->next) {
		if (strcmp(e->key, key) != 0)
			continue;
		if (e->expires > now) {
			*found = e->answer != NULL;
			if (e->answer)
				rp_strlcpy(answer, e->answer, size);
			rc = 1;
		}
		break;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void sql_cache_put(struct sql_cache *c, const char *key, const char *answer, uint64_t now,
	uint64_t expires)
{
	size_t h = hash(key);
	struct entry *e;

	pthread_mutex_lock(&c->lock);
	for (e = c->b[h]; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			break;
	if (e) {
		free(e->answer);
	} else {
		if (c->n >= c->max)
			sweep(c, now);
		if (c->n >= c->max)
			sweep(c, UINT64_MAX);
		e = xcalloc(1, sizeof *e);
		e->key = xstrdup(key);
		e->next = c->b[h];
		c->b[h] = e;
		c->n++;
	}
	e->answer = answer ? xstrdup(answer) : NULL;
	e->expires = expires;
	pthread_mutex_unlock(&c->lock);
}

size_t sql_cache_count(struct sql_cache *c)
{
	size_t n;
	pthread_mutex_lock(&c->lock);
	n = c->n;
	pthread_mutex_unlock(&c->lock);
	return n;
}
