/* table - see table.h: the backend list and the calls through it. */
#include "tables/table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct rp_table_ops rp_table_file_ops;   /* access_table.c */
extern const struct rp_table_ops rp_table_sql_ops;    /* sql_table.c */

/* One row per backend. */
static const struct rp_table_ops *const backends[] = {
	&rp_table_file_ops,
	&rp_table_sql_ops,
};

struct rp_table {
	const struct rp_table_ops *ops;
	void *impl;
	char *spec;
	char *label;
};

static struct rp_table *wrap(const struct rp_table_ops *ops, void *impl, const char *spec)
{
	struct rp_table *t = xcalloc(1, sizeof *t);
	size_t n = strlen(ops->name) + strlen(spec) + 2;

	t->ops = ops;
	t->impl = impl;
	t->spec = xstrdup(spec);
	t->label = xmalloc(n);
	snprintf(t->label, n, "%s:%s", ops->name, spec);
	return t;
}

struct rp_table *table_open(const char *backend, const char *spec, const void *settings,
	struct rp_errlist *errs)
{
	void *impl;

	for (size_t i = 0; i < RP_ARRAY_LEN(backends); i++) {
		if (strcmp(backend, backends[i]->name) != 0)
			continue;
		if (!(impl = backends[i]->open(spec, settings, errs)))
			return NULL;
		return wrap(backends[i], impl, spec);
	}
	errlist_add(errs, "%s: unknown table type \"%s\"", spec, backend);
	return NULL;
}

struct rp_table *table_reload(const struct rp_table *t, const void *settings,
	struct rp_errlist *errs)
{
	void *impl = t->ops->reload(t->impl, t->spec, settings, errs);
	return impl ? wrap(t->ops, impl, t->spec) : NULL;
}

void table_close(struct rp_table *t)
{
	if (!t)
		return;
	t->ops->close(t->impl);
	free(t->spec);
	free(t->label);
	free(t);
}

const char *table_label(const struct rp_table *t)
{
	return t->label;
}

int table_lookup(const struct rp_table *t, const struct rp_table_query *q,
	struct rp_access_result *res)
{
	memset(res, 0, sizeof *res);
	res->act = RP_ACC_NONE;
	if (!t)
		return RP_TABLE_NOTFOUND;
	return t->ops->lookup(t->impl, q, res);
}

int table_probe(const struct rp_table *t, char *why, size_t whysize)
{
	if (!t || !t->ops->probe)
		return 0;
	return t->ops->probe(t->impl, why, whysize);
}
