/* engine - see engine.h */
#include "engine/engine.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "spf/spf.h"
#include "base/util.h"

static void own_add(struct rp_engine *e, const struct rp_netaddr *a)
{
	if (engine_is_own_addr(e, a))
		return;
	e->own_addrs = xrealloc(e->own_addrs, (e->n_own_addrs + 1) * sizeof *e->own_addrs);
	e->own_addrs[e->n_own_addrs++] = *a;
}

static void own_collect(struct rp_engine *e)
{
	struct ifaddrs *ifa, *i;
	struct rp_netaddr a;

	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i; i = i->ifa_next) {
			if (netaddr_from_sockaddr(i->ifa_addr, &a) == 0)
				own_add(e, &a);
		}
		freeifaddrs(ifa);
	}
	for (size_t k = 0; k < e->cfg->helo.own_names.n; k++)
		if (netaddr_parse(e->cfg->helo.own_names.v[k], &a) == 0)
			own_add(e, &a);
}

/* Does any enabled check of this snapshot query DNS? */
static bool needs_dns(const struct rp_config *c)
{
	static const enum rp_check dns_checks[] = {
		RP_CHK_CLIENT_PTR, RP_CHK_CLIENT_FCRDNS, RP_CHK_DNSBL, RP_CHK_RHSBL,
		RP_CHK_HELO_UNKNOWN, RP_CHK_SENDER_UNKNOWN_DOMAIN, RP_CHK_RECIPIENT_UNKNOWN_DOMAIN,
	};
	for (size_t i = 0; i < RP_ARRAY_LEN(dns_checks); i++)
		if (c->action[dns_checks[i]] != RP_ACT_OFF)
			return true;
	for (int r = 0; r < RP_SPF__COUNT; r++)
		if (c->spf.result[r] != RP_ACT_OFF)
			return true;
	return false;
}

struct rp_engine *engine_new(struct rp_config *cfg, const struct rp_shared *shared,
	char *err, size_t errsize)
{
	struct rp_engine *e = xcalloc(1, sizeof *e);

	e->refs = 1;
	e->cfg = config_ref(cfg);
	e->shared = shared;
	if (needs_dns(cfg) && cfg->dns.nameservers.n) {
		struct rp_dns_opts o = {
			.nameservers = (const char *const *)cfg->dns.nameservers.v,
			.n_nameservers = cfg->dns.nameservers.n,
			.port = cfg->dns.port,
			.timeout_ms = cfg->dns.timeout_ms,
			.attempts = cfg->dns.attempts,
			.cache_max_ttl = cfg->dns.cache_max_ttl,
		};
		e->dns = dns_new(&o, shared ? shared->dns_cache : NULL, err, errsize);
		if (!e->dns) {
			engine_unref(e);
			return NULL;
		}
		if (cfg->action[RP_CHK_SPF] != RP_ACT_OFF) {
			e->spf = spf_new(e->dns, cfg->milter.hostname, err, errsize);
			if (!e->spf) {
				engine_unref(e);
				return NULL;
			}
		}
	}
	own_collect(e);
	return e;
}

struct rp_engine *engine_ref(struct rp_engine *e)
{
	if (e)
		__atomic_add_fetch(&e->refs, 1, __ATOMIC_RELAXED);
	return e;
}

void engine_unref(struct rp_engine *e)
{
	if (!e || __atomic_sub_fetch(&e->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	spf_free(e->spf);
	dns_free(e->dns);
	config_unref(e->cfg);
	free(e->own_addrs);
	free(e);
}

bool engine_is_own_addr(const struct rp_engine *e, const struct rp_netaddr *a)
{
	for (size_t i = 0; i < e->n_own_addrs; i++)
		if (netaddr_equal(&e->own_addrs[i], a))
			return true;
	return false;
}
