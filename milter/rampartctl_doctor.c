/*
 * rampartctl_doctor - "rampartctl doctor": checks this server the way the
 * hosts it sends to will check it, with rampart's own resolver ([dns]
 * nameservers, dns.h) and SPF evaluator (spf.h):
 *   ptr      each address has a PTR, a valid FQDN that forward-confirms
 *            (its A or AAAA holds the address);
 *   hostname [milter] hostname (or --hostname) resolves to each address;
 *   spf      the domain has exactly one SPF record, valid, without "ptr"
 *            (warn), and each address passes it within the RFC 7208
 *            limits; none: a record to publish is suggested;
 *   mx       the domain has MX records and their hosts resolve;
 *   socket   rampart's [milter] socket accepts connections (ctl_sock.h);
 *   postfix  smtpd_milters lists it and smtpd reaches it (inside its
 *            chroot when it runs chrooted), read with postconf through
 *            rampartctl_postfix.c.
 * One line per finding: "ok   ...", "warn ...", "FAIL ...", "skip ...",
 * then a summary. Everything from DNS or postconf is made printable.
 * Returns CTL_OK (warnings allowed), CTL_FINDINGS when a finding failed,
 * CTL_USAGE (bad arguments), CTL_RUNTIME (no resolver). Single-threaded.
 */
#include <getopt.h>
#include <ifaddrs.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include "base/clock.h"
#include "base/hostname.h"
#include "base/netaddr.h"
#include "base/util.h"
#include "dns/dns.h"
#include "ctl_sock.h"
#include "rampartctl.h"
#include "spf/spf.h"
#include "spf/spf_syntax.h"

#define MAX_ADDRS 16               /* addresses checked */
#define LINE_MAX_OUT 6000          /* one finding line, before it is cut */
#define ADDRS_SHOWN 4              /* addresses listed per record set */

void ctl_doctor_usage(FILE *out)
{
	fputs("  doctor [--addr ADDR]... [--domain DOMAIN] [--hostname NAME]\n"
	      "         [--postfix-config DIR] [--postconf PROGRAM]\n"
	      "                check PTR, forward DNS, SPF, MX and the milter socket the way\n"
	      "                receivers and the MTA see them; exit 3 when a check fails\n", out);
}

enum level { L_OK, L_WARN, L_FAIL, L_SKIP };

struct doc {
	struct rp_config *cfg;
	struct rp_dns *dns;
	struct rp_spf *spf;
	struct rp_netaddr addr[MAX_ADDRS];
	size_t n_addr;
	char hostname[RP_DNS_NAME_MAX + 1];
	char domain[RP_DNS_NAME_MAX + 1];
	const char *pf_confdir, *postconf;
	unsigned count[4];
	/* the first round of queries and their indexes */
	struct rp_dns_batch *b1, *b2;
	size_t q_ptr[MAX_ADDRS], q_host[2], q_txt, q_mx, q_dom[2];
	/* the second round: forward lookups of PTR names and MX hosts */
	size_t q_fwd[MAX_ADDRS][RP_DNS_MAX_RR];
	size_t q_mxhost[RP_DNS_MAX_RR][2];
};

static void finding(struct doc *d, enum level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void finding(struct doc *d, enum level l, const char *fmt, ...)
{
	static const char *const tag[] = { "ok   ", "warn ", "FAIL ", "skip " };
	char line[LINE_MAX_OUT], safe[LINE_MAX_OUT];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	rp_printable(safe, sizeof safe, line);
	printf("%s%s\n", tag[l], safe);
	d->count[l]++;
}

static uint64_t deadline(const struct doc *d)
{
	return clock_mono_ms() + d->cfg->dns.stage_budget_ms;
}

static enum rp_dns_type addr_type(const struct rp_netaddr *a)
{
	return a->family == AF_INET6 ? RP_DNS_AAAA : RP_DNS_A;
}

static const struct rp_dns_answer *answer(const struct rp_dns_batch *b, size_t i)
{
	return dns_batch_result(b, i)->ans;
}

static bool answer_has(const struct rp_dns_answer *a, const struct rp_netaddr *addr)
{
	if (a->outcome != RP_DNS_FOUND)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (netaddr_equal(&a->rr[i].addr, addr))
			return true;
	return false;
}

/* "192.0.2.1, 192.0.2.2" of a FOUND address answer, at most ADDRS_SHOWN. */
static void answer_addrs(const struct rp_dns_answer *a, char *buf, size_t size)
{
	char one[RP_ADDRSTRLEN];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->n && i < ADDRS_SHOWN && len < size; i++) {
		netaddr_format(&a->rr[i].addr, one, sizeof one);
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", one);
	}
	if ((a->n > ADDRS_SHOWN || a->more) && len < size)
		snprintf(buf + len, size - len, ", ...");
}

/* Why a lookup of type t did not give records: "no A record", "SERVFAIL". */
static void why_not(const struct rp_dns_answer *a, enum rp_dns_type t, char *buf, size_t size)
{
	if (a->outcome == RP_DNS_NOTFOUND)
		snprintf(buf, size, "no %s record", dns_type_name(t));
	else
		snprintf(buf, size, "%s lookup failed: %s", dns_type_name(t),
			a->detail ? a->detail : dns_outcome_name(a->outcome));
}

/* ------------------------------------------------------------------ */
/* the host's public addresses                                         */

static bool addr_public(const struct rp_netaddr *a)
{
	static const char *const private_nets[] = {
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16",
		"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",
		"240.0.0.0/4", "::/127", "100::/64", "2001:db8::/32", "3fff::/20",
		"fc00::/7", "fe80::/10", "ff00::/8",
	};
	struct rp_cidr c;

	for (size_t i = 0; i < RP_ARRAY_LEN(private_nets); i++)
		if (cidr_parse(private_nets[i], &c) == 0 && cidr_match(&c, a))
			return false;
	return true;
}

static void add_addr(struct doc *d, const struct rp_netaddr *a)
{
	for (size_t i = 0; i < d->n_addr; i++)
		if (netaddr_equal(&d->addr[i], a))
			return;
	if (d->n_addr < MAX_ADDRS)
		d->addr[d->n_addr++] = *a;
}

static void host_addrs(struct doc *d)
{
	struct ifaddrs *ifa, *i;
	struct rp_netaddr a;

	if (getifaddrs(&ifa) != 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (netaddr_from_sockaddr(i->ifa_addr, &a) == 0 && addr_public(&a))
			add_addr(d, &a);
	}
	freeifaddrs(ifa);
}

/* ------------------------------------------------------------------ */
/* DNS: two rounds of queries                                          */

static void ask_first(struct doc *d)
{
	char rev[80], name[100];

	d->b1 = dns_batch_new(d->dns);
	for (size_t i = 0; i < d->n_addr; i++) {
		netaddr_reverse(&d->addr[i], rev, sizeof rev);
		snprintf(name, sizeof name, "%s.%s", rev,
			d->addr[i].family == AF_INET6 ? "ip6.arpa" : "in-addr.arpa");
		d->q_ptr[i] = dns_batch_add(d->b1, name, RP_DNS_PTR);
	}
	d->q_host[0] = dns_batch_add(d->b1, d->hostname, RP_DNS_A);
	d->q_host[1] = dns_batch_add(d->b1, d->hostname, RP_DNS_AAAA);
	d->q_txt = dns_batch_add(d->b1, d->domain, RP_DNS_TXT);
	d->q_mx = dns_batch_add(d->b1, d->domain, RP_DNS_MX);
	d->q_dom[0] = dns_batch_add(d->b1, d->domain, RP_DNS_A);
	d->q_dom[1] = dns_batch_add(d->b1, d->domain, RP_DNS_AAAA);
	dns_batch_run(d->b1, deadline(d));
}

static void ask_second(struct doc *d)
{
	const struct rp_dns_answer *a;

	d->b2 = dns_batch_new(d->dns);
	for (size_t i = 0; i < d->n_addr; i++) {
		a = answer(d->b1, d->q_ptr[i]);
		for (size_t j = 0; a->outcome == RP_DNS_FOUND && j < a->n; j++)
			d->q_fwd[i][j] = dns_batch_add(d->b2, a->rr[j].name, addr_type(&d->addr[i]));
	}
	a = answer(d->b1, d->q_mx);
	for (size_t j = 0; a->outcome == RP_DNS_FOUND && j < a->n; j++) {
		d->q_mxhost[j][0] = dns_batch_add(d->b2, a->rr[j].name, RP_DNS_A);
		d->q_mxhost[j][1] = dns_batch_add(d->b2, a->rr[j].name, RP_DNS_AAAA);
	}
	dns_batch_run(d->b2, deadline(d));
}

/* ------------------------------------------------------------------ */
/* the findings                                                        */

static void check_ptr(struct doc *d, size_t i)
{
	const struct rp_dns_answer *a = answer(d->b1, d->q_ptr[i]), *f;
	enum rp_dns_type t = addr_type(&d->addr[i]);
	char ip[RP_ADDRSTRLEN], list[200], why[160];

	netaddr_format(&d->addr[i], ip, sizeof ip);
	if (a->outcome == RP_DNS_NOTFOUND) {
		finding(d, L_FAIL, "ptr %s: no PTR record", ip);
		return;
	}
	if (a->outcome != RP_DNS_FOUND) {
		why_not(a, RP_DNS_PTR, why, sizeof why);
		finding(d, L_FAIL, "ptr %s: %s", ip, why);
		return;
	}
	if (a->n > 1)
		finding(d, L_WARN, "ptr %s: %s%zu PTR records; receivers may use any one of them", ip,
			a->more ? "more than " : "", a->n);
	for (size_t j = 0; j < a->n; j++) {
		const char *name = a->rr[j].name;
		if (!domain_is_fqdn(name, false)) {
			finding(d, L_FAIL, "ptr %s -> %s: not a valid host name (FQDN)", ip,
				name[0] ? name : ".");
			continue;
		}
		f = answer(d->b2, d->q_fwd[i][j]);
		if (answer_has(f, &d->addr[i])) {
			finding(d, L_OK, "ptr %s -> %s (forward-confirmed)", ip, name);
		} else if (f->outcome == RP_DNS_FOUND) {
			answer_addrs(f, list, sizeof list);
			finding(d, L_FAIL, "ptr %s -> %s: does not forward-confirm (%s: %s)", ip, name,
				dns_type_name(t), list);
		} else {
			why_not(f, t, why, sizeof why);
			finding(d, L_FAIL, "ptr %s -> %s: does not forward-confirm (%s)", ip, name, why);
		}
	}
}

static void check_hostname(struct doc *d)
{
	const struct rp_dns_answer *a[2] = { answer(d->b1, d->q_host[0]), answer(d->b1, d->q_host[1]) };
	char list[200], why[160];

	if (!domain_is_fqdn(d->hostname, false)) {
		finding(d, L_FAIL, "hostname %s: not a valid host name (FQDN)", d->hostname);
		return;
	}
	if (!d->n_addr) {
		if (a[0]->outcome == RP_DNS_FOUND || a[1]->outcome == RP_DNS_FOUND) {
			answer_addrs(a[a[0]->outcome == RP_DNS_FOUND ? 0 : 1], list, sizeof list);
			finding(d, L_OK, "hostname %s resolves (%s)", d->hostname, list);
		} else if (a[0]->outcome == RP_DNS_NOTFOUND && a[1]->outcome == RP_DNS_NOTFOUND) {
			finding(d, L_FAIL, "hostname %s: no A or AAAA record", d->hostname);
		} else {
			bool v4 = a[0]->outcome != RP_DNS_NOTFOUND;
			why_not(a[v4 ? 0 : 1], v4 ? RP_DNS_A : RP_DNS_AAAA, why, sizeof why);
			finding(d, L_FAIL, "hostname %s: %s", d->hostname, why);
		}
		return;
	}
	for (size_t i = 0; i < d->n_addr; i++) {
		const struct rp_dns_answer *f = a[d->addr[i].family == AF_INET6];
		enum rp_dns_type t = addr_type(&d->addr[i]);
		char ip[RP_ADDRSTRLEN];

		netaddr_format(&d->addr[i], ip, sizeof ip);
		if (answer_has(f, &d->addr[i])) {
			finding(d, L_OK, "hostname %s -> %s", d->hostname, ip);
		} else if (f->outcome == RP_DNS_FOUND) {
			answer_addrs(f, list, sizeof list);
			finding(d, L_FAIL, "hostname %s: does not resolve to %s (%s: %s)", d->hostname, ip,
				dns_type_name(t), list);
		} else {
			why_not(f, t, why, sizeof why);
			finding(d, L_FAIL, "hostname %s: does not resolve to %s (%s)", d->hostname, ip, why);
		}
	}
}

static bool is_spf_record(const struct rp_dns_rr *rr)
{
	return rr->text_len >= 6 && strncasecmp(rr->text, "v=spf1", 6) == 0 &&
		(rr->text_len == 6 || rr->text[6] == ' ');
}

/* Does the record use the ptr mechanism ("ptr", "-ptr:example.com")? */
static bool has_ptr_term(const char *rec)
{
	char buf[RP_DNS_TXT_MAX + 1], *save = NULL;

	rp_strlcpy(buf, rec, sizeof buf);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (strchr("+-~?", t[0]))
			t++;
		if (strncasecmp(t, "ptr", 3) == 0 && (t[3] == '\0' || t[3] == ':' || t[3] == '/'))
			return true;
	}
	return false;
}

/* The domain has MX records that are not a null MX. */
static bool has_mx(const struct doc *d)
{
	const struct rp_dns_answer *mx = answer(d->b1, d->q_mx);
	return mx->outcome == RP_DNS_FOUND && mx->n && !dns_answer_is_null_mx(mx);
}

static void suggest(const struct doc *d)
{
	char rec[1024], ip[RP_ADDRSTRLEN];
	size_t len = 0;

	len += (size_t)snprintf(rec + len, sizeof rec - len, "v=spf1");
	for (size_t i = 0; i < d->n_addr && len < sizeof rec; i++) {
		netaddr_format(&d->addr[i], ip, sizeof ip);
		len += (size_t)snprintf(rec + len, sizeof rec - len, " %s:%s",
			d->addr[i].family == AF_INET6 ? "ip6" : "ip4", ip);
	}
	if (has_mx(d) && len < sizeof rec)
		len += (size_t)snprintf(rec + len, sizeof rec - len, " mx");
	if (len < sizeof rec)
		snprintf(rec + len, sizeof rec - len, " -all");
	if (d->n_addr || has_mx(d))
		printf("suggest: %s TXT \"%s\"\n", d->domain, rec);
}

/*
 * The RFC 7208 4.6.4 limits over the whole record: evaluated for an
 * address it should not list (192.0.2.0, TEST-NET-1's network address), so
 * that no term matches and every one is looked up, as for forged mail.
 */
#define SPF_PROBE_ADDR "192.0.2.0"
static void check_limits(struct doc *d, const char *sender)
{
	struct rp_netaddr probe;
	struct rp_spf_outcome o;

	netaddr_parse(SPF_PROBE_ADDR, &probe);
	spf_check(d->spf, &probe, NULL, sender, false, deadline(d), &o);
	if (o.terms > RP_SPF_MAX_TERMS)
		finding(d, L_FAIL, "spf %s: more than %d DNS lookups (limit %d): permerror for "
			"addresses it does not list", d->domain, RP_SPF_MAX_TERMS, RP_SPF_MAX_TERMS);
	else if (o.voids > RP_SPF_MAX_VOID)
		finding(d, L_FAIL, "spf %s: more than %d void lookups (limit %d): permerror for "
			"addresses it does not list", d->domain, RP_SPF_MAX_VOID, RP_SPF_MAX_VOID);
	else if (o.result == RP_SPF_TEMPERROR)
		finding(d, L_WARN, "spf %s: lookups not counted: temperror: %s", d->domain, o.problem);
	else if (o.result == RP_SPF_PERMERROR)
		finding(d, L_FAIL, "spf %s: permerror for addresses it does not list: %s", d->domain,
			o.problem);
	else if (o.result == RP_SPF_PASS)
		finding(d, L_WARN, "spf %s: passes %s too, an address no server sends from: does it "
			"let any address pass?", d->domain, SPF_PROBE_ADDR);
	else
		finding(d, L_OK, "spf %s: %u of %d DNS lookups, %u of %d void lookups", d->domain,
			o.terms, RP_SPF_MAX_TERMS, o.voids, RP_SPF_MAX_VOID);
}

static void check_spf(struct doc *d)
{
	const struct rp_dns_answer *a = answer(d->b1, d->q_txt);
	const struct rp_dns_rr *rec = NULL;
	char text[RP_DNS_TXT_MAX + 1], why[160], sender[RP_SPF_IDENT_MAX];
	size_t n = 0;

	if (a->outcome != RP_DNS_FOUND && a->outcome != RP_DNS_NOTFOUND) {
		why_not(a, RP_DNS_TXT, why, sizeof why);
		finding(d, L_FAIL, "spf %s: %s", d->domain, why);
		return;
	}
	for (size_t i = 0; a->outcome == RP_DNS_FOUND && i < a->n; i++)
		if (is_spf_record(&a->rr[i])) {
			rec = &a->rr[i];
			n++;
		}
	if (n == 0) {
		finding(d, L_FAIL, "spf %s: no SPF record", d->domain);
		suggest(d);
		return;
	}
	if (n > 1) {
		finding(d, L_FAIL, "spf %s: %zu SPF records (receivers answer permerror; publish one)",
			d->domain, n);
		return;
	}
	/* the text as receivers get it: NULs and control bytes shown as '?' */
	for (size_t i = 0; i < rec->text_len && i < RP_DNS_TXT_MAX; i++)
		text[i] = rec->text[i] ? rec->text[i] : '?';
	text[rec->text_len < RP_DNS_TXT_MAX ? rec->text_len : RP_DNS_TXT_MAX] = '\0';
	if (rec->text_cut) {
		finding(d, L_FAIL, "spf %s: SPF record longer than %d bytes", d->domain, RP_DNS_TXT_MAX);
		return;
	}
	if (!spf_syntax_check(rec->text, rec->text_len, why, sizeof why)) {
		finding(d, L_FAIL, "spf %s: invalid record \"%s\": %s", d->domain, text, why);
		return;
	}
	finding(d, L_OK, "spf %s: \"%s\"", d->domain, text);
	if (has_ptr_term(text))
		finding(d, L_WARN, "spf %s: uses the ptr mechanism (slow, RFC 7208 5.5 says not to "
			"use it): list the addresses with ip4:/ip6: instead", d->domain);
	snprintf(sender, sizeof sender, "postmaster@%s", d->domain);
	check_limits(d, sender);
	for (size_t i = 0; i < d->n_addr; i++) {
		struct rp_spf_outcome o;
		char ip[RP_ADDRSTRLEN];

		netaddr_format(&d->addr[i], ip, sizeof ip);
		spf_check(d->spf, &d->addr[i], NULL, sender, false, deadline(d), &o);
		if (o.problem[0])
			finding(d, L_FAIL, "spf %s %s: %s: %s", d->domain, ip, spf_result_name(o.result),
				o.problem);
		else
			finding(d, o.result == RP_SPF_PASS ? L_OK : L_FAIL, "spf %s %s: %s%s", d->domain,
				ip, spf_result_name(o.result), o.mechanism[0] ? " (no mechanism matched)" : "");
	}
}

static void check_mx(struct doc *d)
{
	const struct rp_dns_answer *mx = answer(d->b1, d->q_mx);
	const struct rp_dns_answer *da = answer(d->b1, d->q_dom[0]), *d6 = answer(d->b1, d->q_dom[1]);
	char why[160], list[420], l4[200], l6[200];

	if (mx->outcome == RP_DNS_NOTFOUND) {
		if (da->outcome == RP_DNS_FOUND || d6->outcome == RP_DNS_FOUND)
			finding(d, L_WARN, "mx %s: no MX record; mail for it goes to its address "
				"record (RFC 5321 5.1)", d->domain);
		else
			finding(d, L_FAIL, "mx %s: no MX record and no address record", d->domain);
		return;
	}
	if (mx->outcome != RP_DNS_FOUND) {
		why_not(mx, RP_DNS_MX, why, sizeof why);
		finding(d, L_FAIL, "mx %s: %s", d->domain, why);
		return;
	}
	if (dns_answer_is_null_mx(mx)) {
		finding(d, L_FAIL, "mx %s: null MX (RFC 7505): the domain takes no mail and "
			"receivers refuse it as a sender domain", d->domain);
		return;
	}
	for (size_t j = 0; j < mx->n; j++) {
		const struct rp_dns_answer *a4 = answer(d->b2, d->q_mxhost[j][0]);
		const struct rp_dns_answer *a6 = answer(d->b2, d->q_mxhost[j][1]);
		const char *host = mx->rr[j].name;

		if (a4->outcome != RP_DNS_FOUND && a6->outcome != RP_DNS_FOUND) {
			if (a4->outcome == RP_DNS_NOTFOUND && a6->outcome == RP_DNS_NOTFOUND) {
				finding(d, L_FAIL, "mx %s -> %s (preference %u): no A or AAAA record",
					d->domain, host, mx->rr[j].pref);
			} else {
				why_not(a4->outcome == RP_DNS_NOTFOUND ? a6 : a4,
					a4->outcome == RP_DNS_NOTFOUND ? RP_DNS_AAAA : RP_DNS_A, why, sizeof why);
				finding(d, L_FAIL, "mx %s -> %s (preference %u): %s", d->domain, host,
					mx->rr[j].pref, why);
			}
			continue;
		}
		l4[0] = l6[0] = '\0';
		if (a4->outcome == RP_DNS_FOUND)
			answer_addrs(a4, l4, sizeof l4);
		if (a6->outcome == RP_DNS_FOUND)
			answer_addrs(a6, l6, sizeof l6);
		snprintf(list, sizeof list, "%s%s%s", l4, l4[0] && l6[0] ? ", " : "", l6);
		finding(d, L_OK, "mx %s -> %s (preference %u): %s", d->domain, host, mx->rr[j].pref, list);
	}
}

/* ------------------------------------------------------------------ */
/* sockets                                                             */

static void check_socket(struct doc *d)
{
	const char *sock = d->cfg->milter.socket;
	char why[1400];

	if (ctl_sock_probe_milter(sock, why, sizeof why))
		finding(d, L_OK, "socket %s: accepts connections", sock);
	else
		finding(d, L_FAIL, "socket %s: %s", sock, why);
}

static void check_postfix(struct doc *d)
{
	struct ctl_pf_view *v = xcalloc(1, sizeof *v);
	char why[1400], where[1800];
	bool ok;

	ctl_postfix_view(d->cfg->milter.socket, d->pf_confdir, d->postconf, v);
	if (!v->installed) {
		finding(d, L_SKIP, "postfix: skipped: postconf not found");
		goto out;
	}
	if (!v->read) {
		finding(d, L_WARN, "postfix: skipped: Postfix's settings could not be read: %s", v->error);
		goto out;
	}
	if (v->reach < 0) {
		finding(d, L_FAIL, "postfix: %s", v->why);
		goto out;
	}
	if (v->reach > 0)
		finding(d, L_WARN, "postfix: %s", v->why);
	if (!v->listed) {
		finding(d, L_FAIL, "postfix: smtpd_milters (%s) does not list rampart's socket %s; "
			"\"rampartctl postfix\" prints the setting", v->milters[0] ? v->milters : "empty",
			v->endpoint);
		goto out;
	}
	if (v->path[0]) {
		if (v->chrooted == 1)
			snprintf(where, sizeof where, "smtpd, chrooted in %s, opens %s", v->queue_dir, v->path);
		else
			snprintf(where, sizeof where, "smtpd, not chrooted, opens %s", v->path);
		ok = ctl_sock_probe_unix(v->path, why, sizeof why);
	} else {
		snprintf(where, sizeof where, "smtpd connects to it");
		ok = ctl_sock_probe_postfix_inet(v->endpoint, why, sizeof why);
	}
	if (ok)
		finding(d, L_OK, "postfix: smtpd_milters lists %s; %s: accepts connections",
			v->endpoint, where);
	else
		finding(d, L_FAIL, "postfix: smtpd_milters lists %s; %s: %s", v->endpoint, where, why);
out:
	free(v);
}

/* ------------------------------------------------------------------ */
/* the command                                                         */

/* The domain of a host name: the name without its first label, when
 * that leaves two labels or more; else the name. */
static void domain_of(const char *host, char *out, size_t size)
{
	const char *dot = strchr(host, '.');
	rp_strlcpy(out, dot && strchr(dot + 1, '.') ? dot + 1 : host, size);
}

/* A name given on the command line, one trailing dot off, lower case. */
static int name_arg(const char *opt, const char *arg, char *out, size_t size)
{
	size_t n = strlen(arg);

	if (n && arg[n - 1] == '.')
		n--;
	if (n == 0 || n >= size) {
		ctl_error("%s %s: expected a domain name", opt, arg);
		return -1;
	}
	rp_strlcpy_lower(out, arg, n + 1);
	if (!domain_syntax_ok(out)) {
		ctl_error("%s %s: expected a domain name", opt, arg);
		return -1;
	}
	return 0;
}

static int resolver(struct doc *d)
{
	struct rp_dns_opts o = {
		.nameservers = (const char *const *)d->cfg->dns.nameservers.v,
		.n_nameservers = d->cfg->dns.nameservers.n,
		.port = d->cfg->dns.port,
		.timeout_ms = d->cfg->dns.timeout_ms,
		.attempts = d->cfg->dns.attempts,
		.cache_max_ttl = d->cfg->dns.cache_max_ttl,
	};
	char err[256];

	if (!o.n_nameservers) {
		ctl_error("doctor: no nameserver: set [dns] nameservers (resolv.conf has none)");
		return -1;
	}
	d->dns = dns_new(&o, NULL, err, sizeof err);
	if (!d->dns) {
		ctl_error("doctor: %s", err);
		return -1;
	}
	d->spf = spf_new(d->dns, d->hostname, err, sizeof err);
	if (!d->spf) {
		ctl_error("doctor: %s", err);
		return -1;
	}
	return 0;
}

static int parse_args(struct doc *d, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "domain", required_argument, NULL, 'd' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "postfix-config", required_argument, NULL, 'p' },
		{ "postconf", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool given = false;
	struct rp_netaddr a;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc + 1, argv - 1, "+h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			if (netaddr_parse(optarg, &a) != 0) {
				ctl_error("--addr %s: expected an IPv4 or IPv6 address", optarg);
				return CTL_USAGE;
			}
			if (d->n_addr == MAX_ADDRS) {
				ctl_error("--addr: at most %d addresses", MAX_ADDRS);
				return CTL_USAGE;
			}
			add_addr(d, &a);
			given = true;
			break;
		case 'd':
			if (name_arg("--domain", optarg, d->domain, sizeof d->domain) != 0)
				return CTL_USAGE;
			break;
		case 'H':
			if (name_arg("--hostname", optarg, d->hostname, sizeof d->hostname) != 0)
				return CTL_USAGE;
			break;
		case 'p':
			if (optarg[0] != '/' || strlen(optarg) >= 1024) {
				ctl_error("--postfix-config %s: expected an absolute directory", optarg);
				return CTL_USAGE;
			}
			d->pf_confdir = optarg;
			break;
		case 'P':
			d->postconf = optarg;
			break;
		case 'h':
			ctl_doctor_usage(stdout);
			return -1;
		default:
			ctl_doctor_usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind != argc + 1) {
		ctl_error("doctor: unexpected argument \"%s\"", argv[optind - 1]);
		ctl_doctor_usage(stderr);
		return CTL_USAGE;
	}
	if (!given)
		host_addrs(d);
	if (!d->hostname[0])
		rp_strlcpy_lower(d->hostname, d->cfg->milter.hostname, sizeof d->hostname);
	if (!d->domain[0])
		domain_of(d->hostname, d->domain, sizeof d->domain);
	return CTL_OK;
}

int ctl_doctor(struct ctl *c, int argc, char **argv)
{
	struct doc *d = xcalloc(1, sizeof *d);
	char ip[RP_ADDRSTRLEN];
	int rc;

	d->cfg = c->cfg;
	rc = parse_args(d, argc, argv);
	if (rc != CTL_OK) {
		free(d);
		return rc < 0 ? CTL_OK : rc;
	}
	if (resolver(d) != 0) {
		rc = CTL_RUNTIME;
		goto out;
	}
	printf("doctor: host name %s, mail domain %s, addresses", d->hostname, d->domain);
	for (size_t i = 0; i < d->n_addr; i++) {
		netaddr_format(&d->addr[i], ip, sizeof ip);
		printf("%s %s", i ? "," : "", ip);
	}
	printf("%s\n", d->n_addr ? "" : " none");
	ask_first(d);
	ask_second(d);
	if (!d->n_addr)
		finding(d, L_FAIL, "addr: no public address; use --addr");
	for (size_t i = 0; i < d->n_addr; i++)
		check_ptr(d, i);
	check_hostname(d);
	check_spf(d);
	check_mx(d);
	check_socket(d);
	check_postfix(d);
	printf("doctor: %u ok, %u warnings, %u failed, %u skipped\n", d->count[L_OK],
		d->count[L_WARN], d->count[L_FAIL], d->count[L_SKIP]);
	rc = d->count[L_FAIL] ? CTL_FINDINGS : CTL_OK;
out:
	if (d->b1)
		dns_batch_free(d->b1);
	if (d->b2)
		dns_batch_free(d->b2);
	if (d->spf)
		spf_free(d->spf);
	if (d->dns)
		dns_free(d->dns);
	free(d);
	return rc;
}
