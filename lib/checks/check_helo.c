/*
 * check_helo - HELO checks that need no DNS: helo_required, helo_invalid,
 * helo_non_fqdn, with Postfix's replies (SPEC §2, §6).
 */
#include "checks/check.h"
#include "base/hostname.h"

#include <string.h>
#include <strings.h>

#include "base/util.h"

/*
 * The HELO as Postfix echoes it in its HELO replies: printable (reply_arg),
 * and each of the characters Postfix's smtpd replaces when it quotes a
 * HELO name in "<%s>: Helo command rejected" (space < > ( ) \ " ; @) as
 * '?', so the reply text is the one Postfix's own restriction gives
 * (t/e2e/test_helo_diff.py).
 */
static void helo_arg(char *dst, size_t size, const char *helo)
{
	reply_arg(dst, size, helo, RP_REPLY_ARG_MAX);
	for (char *p = dst; *p; p++)
		if (strchr(" <>()\\\";@", *p))
			*p = '?';
}

enum rp_result check_helo_required(struct rp_eval *ev, struct rp_reply *out)
{
	if (ev->c->helo)
		return RP_RES_PASS;
	reply_set(out, RP_CHK_HELO_REQUIRED, 503, "5.5.1", "Error: send HELO/EHLO first");
	return RP_RES_FAIL;
}

enum rp_result check_helo_invalid(struct rp_eval *ev, struct rp_reply *out)
{
	char h[RP_REPLY_ARG_MAX + 1];
	enum helo_validity v = helo_validity(ev->arg);

	if (v == HELO_VALID)
		return RP_RES_PASS;
	helo_arg(h, sizeof h, ev->arg);
	reply_set(out, RP_CHK_HELO_INVALID, 501, "5.5.2", "<%s>: Helo command rejected: %s", h,
		v == HELO_INVALID_LITERAL ? "invalid ip address" : "Invalid name");
	return RP_RES_FAIL;
}

enum rp_result check_helo_non_fqdn(struct rp_eval *ev, struct rp_reply *out)
{
	char h[RP_REPLY_ARG_MAX + 1];

	if (!helo_non_fqdn(ev->arg, false))
		return RP_RES_PASS;
	helo_arg(h, sizeof h, ev->arg);
	reply_set(out, RP_CHK_HELO_NON_FQDN, 504, "5.5.2",
		"<%s>: Helo command rejected: need fully-qualified hostname", h);
	return RP_RES_FAIL;
}

/* The HELO names a literal or bare address: is it one of ours? */
static bool helo_is_own_addr(const struct rp_engine *e, const char *helo)
{
	char inside[RP_ADDRSTRLEN + 8];
	struct rp_netaddr a;
	size_t len = strlen(helo);

	if (helo[0] == '[' && len > 2 && helo[len - 1] == ']' && len - 2 < sizeof inside) {
		memcpy(inside, helo + 1, len - 2);
		inside[len - 2] = '\0';
		return netaddr_parse(inside, &a) == 0 && engine_is_own_addr(e, &a);
	}
	return netaddr_parse(helo, &a) == 0 && engine_is_own_addr(e, &a);
}

/* helo_forged: the client claims to be us (our hostname, a name or domain
 * of [helo] own_names, or one of our addresses). */
enum rp_result check_helo_forged(struct rp_eval *ev, struct rp_reply *out)
{
	const struct rp_config *cfg = ev->c->cfg;
	char name[RP_NAME_MAX], h[RP_REPLY_ARG_MAX + 1];
	size_t len;
	bool forged = false;

	rp_strlcpy(name, ev->arg, sizeof name);
	len = strlen(name);
	if (len > 1 && name[len - 1] == '.' && name[len - 2] != '.')
		name[len - 1] = '\0';
	if (!name[0])
		return RP_RES_NONE;
	if (helo_is_own_addr(ev->c->eng, name))
		forged = true;
	else if (cfg->milter.hostname && strcasecmp(name, cfg->milter.hostname) == 0)
		forged = true;
	for (size_t i = 0; !forged && i < cfg->helo.own_names.n; i++) {
		const char *own = cfg->helo.own_names.v[i];
		forged = own[0] == '.' ? rp_ends_with_ci(name, own) || strcasecmp(name, own + 1) == 0
				       : strcasecmp(name, own) == 0;
	}
	if (!forged)
		return RP_RES_PASS;
	reply_arg(h, sizeof h, ev->arg, RP_REPLY_ARG_MAX);
	reply_set(out, RP_CHK_HELO_FORGED, 550, "5.7.1",
		"<%s>: Helo command rejected: forged HELO, you are not me", h);
	return RP_RES_FAIL;
}
