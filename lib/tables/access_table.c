/* access_table - the access file (tables/access.h) as a table backend
 * ("file"): see table.h. Immutable once loaded: lookups need no lock. */
#include "tables/access.h"
#include "tables/table.h"

static void *file_open(const char *spec, const void *settings, struct rp_errlist *errs)
{
	(void)settings;
	return access_load(spec, errs);
}

static int file_lookup(const void *impl, const struct rp_table_query *q,
	struct rp_access_result *res)
{
	switch (q->kind) {
	case RP_ACC_CLIENT:
		access_match_client(impl, q->addr, q->name, res);
		break;
	case RP_ACC_HELO:
		access_match_helo(impl, q->name, res);
		break;
	case RP_ACC_SENDER:
	case RP_ACC_RECIPIENT:
		access_match_address(impl, q->kind, q->name, res);
		break;
	}
	return res->act == RP_ACC_NONE ? RP_TABLE_NOTFOUND : RP_TABLE_FOUND;
}

static void *file_reload(const void *impl, const char *spec, const void *settings,
	struct rp_errlist *errs)
{
	(void)settings;
	(void)impl;
	return access_load(spec, errs);
}

static void file_close(void *impl)
{
	access_free(impl);
}

const struct rp_table_ops rp_table_file_ops = {
	.name = "file",
	.open = file_open,
	.lookup = file_lookup,
	.reload = file_reload,
	.close = file_close,
};
