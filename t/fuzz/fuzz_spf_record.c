/*
 * fuzz_spf_record - an SPF TXT record on its way to libspf2, through the
 * guards spf_dns.c applies to every v=spf1 text (spf/spf_syntax.h,
 * spf/spf.h): spf_syntax_check, spf_record_rewrite for the client's
 * family, spf_txt_unsafe; a record that passes them is compiled and
 * interpreted by libspf2 (a server with an empty zone: no DNS traffic).
 * Input: one byte (bit 0: an IPv6 client), then the TXT text as joined
 * (NULs allowed). Invariants: the reasons are printable; a rewrite of a
 * valid record is valid and bounded; libspf2 never reaches its fatal
 * error handler on a record the guards let through.
 */
#include "fuzz.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <arpa/nameser.h>
#include <spf2/spf.h>

#include "dns/answer.h"
#include "spf/spf.h"
#include "spf/spf_syntax.h"

static SPF_server_t *srv;

static void __attribute__((noreturn)) h_error(const char *file, int line, const char *msg)
{
	fprintf(stderr, "libspf2 error at %s:%d: %s\n", file ? file : "?", line, msg ? msg : "");
	abort();
}

static void h_quiet(const char *file, int line, const char *msg)
{
	(void)file;
	(void)line;
	(void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	SPF_error_handler = h_error;
	SPF_warning_handler = h_quiet;
	SPF_info_handler = h_quiet;
	SPF_debug_handler = h_quiet;
	srv = SPF_server_new(SPF_DNS_ZONE, 0);
	SPF_response_t *resp = NULL;
	if (!srv || SPF_server_set_rec_dom(srv, "mx.example.net") != SPF_E_SUCCESS
	    || SPF_server_set_sanitize(srv, 1) != SPF_E_SUCCESS
	    || SPF_server_set_explanation(srv, "", &resp) != SPF_E_SUCCESS)
		abort();
	if (resp)
		SPF_response_free(resp);
	return 0;
}

static void evaluate(const char *record, bool v6)
{
	SPF_request_t *rq = SPF_request_new(srv);
	SPF_response_t *rs = SPF_response_new(rq);
	SPF_record_t *rec = NULL;

	if (!rq || !rs)
		abort();
	if (v6) {
		struct in6_addr a6;
		inet_pton(AF_INET6, "2001:db8::25", &a6);
		SPF_request_set_ipv6(rq, a6);
	} else {
		struct in_addr a4;
		inet_pton(AF_INET, "192.0.2.25", &a4);
		SPF_request_set_ipv4(rq, a4);
	}
	SPF_request_set_helo_dom(rq, "mail.example.org");
	SPF_request_set_env_from(rq, "user+tag@example.org");
	rq->use_helo = 0;
	rq->cur_dom = rq->env_from_dp;
	if (SPF_record_compile(srv, rs, &rec, record) == SPF_E_SUCCESS && rec) {
		rs->spf_record_exp = rec;   /* as spf.c's query_mailfrom */
		(void)SPF_record_interpret(rec, rq, rs, 0);
		rs->spf_record_exp = NULL;
		const char *c = SPF_response_get_header_comment(rs);
		(void)c;
	}
	if (rec)
		SPF_record_free(rec);
	SPF_response_free(rs);
	SPF_request_free(rq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!srv)
		LLVMFuzzerInitialize(NULL, NULL);
	if (size < 1 || size - 1 > RP_DNS_TXT_MAX)
		return 0;
	bool v6 = data[0] & 1;
	char *t = fuzz_cstr(data + 1, size - 1);
	size_t len = size - 1, l = strnlen(t, len);
	char why[80];

	memset(why, 'x', sizeof why);
	bool ok = spf_syntax_check(t, len, why, sizeof why);
	if (!ok)
		FUZZ_ASSERT(strnlen(why, sizeof why) < sizeof why && fuzz_printable(why));
	if (ok)
		FUZZ_ASSERT(l == len && l >= 6 && strncasecmp(t, "v=spf1", 6) == 0);
	if (!(l >= 6 && strncasecmp(t, "v=spf1", 6) == 0 && (l == 6 || t[6] == ' '))) {
		/* not a record: spf_dns.c hands libspf2 only a cut explanation */
		(void)spf_txt_unsafe(t, l);
		free(t);
		return 0;
	}
	static char rw[2 * RP_DNS_TXT_MAX + 256];
	size_t wl = spf_record_rewrite(t, l, v6 ? AF_INET6 : AF_INET, rw, sizeof rw);
	if (wl == (size_t)-1) {
		free(t);
		return 0;
	}
	FUZZ_ASSERT(wl < sizeof rw && strlen(rw) == wl);
	char small[16];
	size_t sw = spf_record_rewrite(t, l, v6 ? AF_INET6 : AF_INET, small, sizeof small);
	FUZZ_ASSERT(sw == (size_t)-1 || (sw < sizeof small && strlen(small) == sw));
	if (ok) {
		char why2[80];
		if (!spf_syntax_check(rw, wl, why2, sizeof why2))
			fprintf(stderr, "rewrite of a valid record is not valid: %s: \"%s\"\n", why2, rw);
		FUZZ_ASSERT(spf_syntax_check(rw, wl, NULL, 0));
	}
	bool unsafe = spf_txt_unsafe(rw, wl);
	if (ok && !unsafe)
		evaluate(rw, v6);
	free(t);
	return 0;
}
