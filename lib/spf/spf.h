/*
 * spf - SPF (RFC 7208) on libspf2, over rampart's own resolver (dns.h)
 * through the DNS layer in spf_dns.c. Owns one configured SPF_server_t per
 * engine, the mapping of libspf2's answers to the seven RFC results, and
 * the texts built from an outcome: the Received-SPF value, the
 * Authentication-Results fragment and the SMTP reply (SPEC §2, §7).
 *
 * Threads: spf_new/spf_free from the thread that builds/frees the engine;
 * spf_check from any number of threads at once on one rp_spf (the
 * SPF_server_t is read-only after spf_new, the per-check state lives on
 * the calling thread for the duration of the call). The formatting
 * functions are pure.
 *
 * Results: spf_check always fills an outcome; nothing undetermined is
 * ever a pass (DNS trouble, the deadline -> temperror; RFC limits, record
 * errors, records refused as unsafe -> permerror). libspf2's fatal error
 * handler is replaced so that it never aborts the daemon during a check.
 *
 * Loopback clients (127.0.0.0/8, ::1) are evaluated like any other client:
 * the record is fetched and 127.0.0.1 is matched against it, so a domain
 * with "-all" fails and one without a record is none. libspf2's
 * SPF_request_query_mailfrom() instead passes them (SPF_REASON_LOCALHOST)
 * without a lookup, which would put "pass ... designates 127.0.0.1" into
 * the headers for any domain; spf.c runs the same steps without that
 * short-cut. Why not "none, not evaluated": a client reaches spf_check
 * only when it is not trusted ([policy] trusted_networks holds loopback by
 * default), and an admin who took loopback out of it (a local proxy or
 * relay in front of the MTA) wants those clients judged, not waved
 * through; an honest result is what the record says.
 */
#ifndef RAMPART_SPF_H
#define RAMPART_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/check_id.h"
#include "dns/dns.h"
#include "base/netaddr.h"
#include "base/verdict.h"

#define RP_SPF_EXP_MAX      200  /* octets kept of a domain's exp= text */
#define RP_SPF_IDENT_MAX    321  /* identity ("postmaster@helo", sender): 64 + 1 + 255 + NUL */
#define RP_SPF_HELO_FIELD   255  /* octets of the HELO kept in helo= */
#define RP_SPF_HEADER_MAX   4096 /* a whole Received-SPF value, folded, fits */
#define RP_HEADER_LINE_MAX  998  /* RFC 5322 §2.1.1: octets per line, MUST */
#define RP_HEADER_LINE_GOAL 78   /* RFC 5322 §2.1.1: SHOULD, where a fold point exists */
#define RP_SPF_DOMAIN_MAX   256
#define RP_SPF_COMMENT_MAX  300
#define RP_SPF_PROBLEM_MAX  120
#define RP_SPF_MAX_TERMS    10   /* RFC 7208 §4.6.4 DNS-querying terms */
#define RP_SPF_MAX_VOID     2    /* RFC 7208 §4.6.4 void lookups */

enum rp_spf_result {
	RP_SPF_PASS, RP_SPF_FAIL, RP_SPF_SOFTFAIL, RP_SPF_NEUTRAL,
	RP_SPF_NONE, RP_SPF_PERMERROR, RP_SPF_TEMPERROR, RP_SPF__COUNT
};
/* [spf] header */
enum rp_spf_header { RP_SPFH_RECEIVED_SPF, RP_SPFH_AUTH_RESULTS, RP_SPFH_BOTH, RP_SPFH_NONE };

enum rp_spf_identity { RP_SPF_ID_HELO, RP_SPF_ID_MAILFROM };

struct rp_spf_outcome {
	enum rp_spf_result result;
	enum rp_spf_identity identity;  /* the identity the result is for */
	bool helo_checked;              /* the HELO identity was evaluated */
	enum rp_spf_result helo_result; /* its result when helo_checked */
	bool null_sender;               /* MAIL FROM was <> */
	/* All strings below are printable ASCII, NUL-terminated, bounded. */
	char domain[RP_SPF_DOMAIN_MAX];     /* the domain checked */
	char ident[RP_SPF_IDENT_MAX];       /* "postmaster@helo" or the sender */
	char envelope_from[RP_SPF_IDENT_MAX]; /* the sender as given, "" for <> */
	char comment[RP_SPF_COMMENT_MAX];   /* libspf2's header comment, or "" */
	char mechanism[32];                 /* "default" when no term matched, else "" */
	char explanation[RP_SPF_EXP_MAX + 1]; /* fail only: the domain's exp= text, or "" */
	char problem[RP_SPF_PROBLEM_MAX];   /* permerror/temperror: why, else "" */
	unsigned terms;                     /* DNS-querying terms counted */
	unsigned voids;                     /* void lookups counted */
};

struct rp_spf;

/*
 * Build the SPF evaluator over dns (not owned; it must outlive the
 * rp_spf). receiver is our host name ([milter] hostname): the receiving
 * domain in libspf2's texts and the %{r} macro. NULL with a message in err
 * when libspf2 cannot be set up.
 */
struct rp_spf *spf_new(struct rp_dns *dns, const char *receiver, char *err, size_t errsize);
void spf_free(struct rp_spf *s);

/*
 * Evaluate SPF for one transaction. client: the SMTP client (IPv4-mapped
 * addresses arrive as IPv4). helo: the HELO/EHLO argument (may be NULL or
 * ""). sender: the extracted MAIL FROM address without <>, "" for the null
 * sender (then the identity is postmaster@HELO, RFC 7208 §2.4).
 * check_helo: evaluate the HELO identity first when the HELO is a valid
 * multi-label host name; its fail is final (RFC 7208 §2.3). The HELO as
 * given (one trailing dot off) is the %{h} of the MAIL FROM check even when
 * it is no host name (RFC 7208 §7.3). deadline_ms
 * (clock_mono_ms scale) bounds the whole call. Returns out->result.
 */
enum rp_spf_result spf_check(struct rp_spf *s, const struct rp_netaddr *client,
	const char *helo, const char *sender, bool check_helo, uint64_t deadline_ms,
	struct rp_spf_outcome *out);

/* "pass", "fail", "softfail", "neutral", "none", "permerror", "temperror". */
const char *spf_result_name(enum rp_spf_result r);

/*
 * The Received-SPF field value (no field name), RFC 7208 §9.1:
 *   pass (mx.example.com: domain of a@b designates 192.0.2.1 as permitted
 *   sender) client-ip=192.0.2.1; envelope-from="a@b"; helo=h;
 *   receiver=mx.example.com; identity=mailfrom
 * on one line when "Received-SPF: " and the value fit RP_HEADER_LINE_MAX
 * octets, else folded by spf_header_fold. Values that are not dot-atoms
 * are quoted; everything else is printable. Fields are bounded: helo= to
 * RP_SPF_HELO_FIELD octets, envelope-from= and the identity in the comment
 * to RP_SPF_IDENT_MAX - 1, receiver= to 255, problem= to
 * RP_SPF_PROBLEM_MAX, so the value always fits RP_SPF_HEADER_MAX; a
 * smaller size cuts the text.
 */
/*
 * Fold a header value per RFC 5322 §2.2.3 for libmilter (smfi_insheader /
 * smfi_addheader take "\n\t" as the fold; the MTA writes CRLF): when
 * first (the octets of "Name: ") plus the value exceed RP_HEADER_LINE_MAX,
 * each space outside a quoted string becomes a fold when the line would
 * pass RP_HEADER_LINE_GOAL. Never folds inside a quoted string; a line is
 * longer than the goal only when it is one token. Otherwise copies the
 * value as it is. Cut to fit size.
 */
void spf_header_fold(size_t first, const char *in, char *out, size_t size);
void spf_received_header(const struct rp_spf_outcome *o, const char *client_addr,
	const char *helo, const char *receiver, char *buf, size_t size);

/* The RFC 8601 method fragment: "spf=pass smtp.mailfrom=example.com" or
 * "spf=fail smtp.helo=h.example.com", to be joined with others. */
void spf_ar_fragment(const struct rp_spf_outcome *o, char *buf, size_t size);

/*
 * The SMTP reply for a refused result (SPEC §2, policyd-spf's texts).
 * fail/softfail/neutral/none: 550 5.7.23 "Message rejected due to: SPF
 * RESULT - not authorized. Please see http://www.open-spf.org/Why?s=mfrom;
 * id=A;ip=ADDR;r=RCPTDOMAIN" (fail: the domain's exp= text replaces "SPF
 * fail - not authorized"); permerror: 550 5.7.24; temperror: 451 4.7.24
 * "Message deferred due to: SPF temperror. Please try again later".
 * defer: 451 and class 4, "Message deferred due to: ...". rcpt_domain
 * NULL: "<UNKNOWN>". pass: out->code = 0 (no reply).
 */
void spf_reply(const struct rp_spf_outcome *o, const char *client_addr,
	const char *rcpt_domain, bool defer, struct rp_reply *out);

/*
 * Between spf.c and spf_dns.c (not for other modules).
 *
 * The per-check state of the DNS layer: libspf2's lookup callback has no
 * request context, so spf_check keeps one of these on its stack and
 * spf_dns_begin points the calling thread's DNS layer at it until
 * spf_dns_end. Reset per identity with spf_dns_reset.
 */
struct rp_spf_dnsstate {
	struct rp_dns *dns;
	uint64_t deadline_ms;
	unsigned terms;           /* DNS-querying terms seen */
	unsigned voids;           /* void lookups seen */
	unsigned spf_txt;         /* TXT answers that held a v=spf1 record */
	bool over_terms, over_voids, unsafe, too_long, deadline, temp;
	bool syntax;              /* a v=spf1 record failed spf_syntax_check */
	char syntax_detail[80];   /* why, for the problem text */
	struct rp_netaddr client; /* the client: record rewrites and /0 answers */
	char temp_detail[48];     /* the first temporary failure, for logs */
	/* names of the last MX / PTR answer: their A/AAAA lookups belong to
	 * that term and are not terms of their own */
	size_t n_sub;
	char sub[RP_DNS_MAX_RR][RP_DNS_NAME_MAX + 1];
};

struct SPF_dns_server_struct;
struct SPF_dns_server_struct *spf_dns_layer_new(void);
void spf_dns_begin(struct rp_spf_dnsstate *st, struct rp_dns *dns, uint64_t deadline_ms);
void spf_dns_reset(struct rp_spf_dnsstate *st);
void spf_dns_end(void);
/*
 * Would libspf2 1.2.10's record/macro compiler reach the CVE-2023-42118
 * underflow on this TXT text (as it is handed to libspf2)? See spf_dns.c.
 */
bool spf_txt_unsafe(const char *txt, size_t len);
/*
 * The work-arounds for valid records libspf2 1.2.10 mis-evaluates (see
 * spf_dns.c): rewrite the record txt[0..len) (valid per spf_syntax_check)
 * for a client of family af into out. Returns the length written, or
 * (size_t)-1 when it does not fit size.
 */
#define RP_SPF_CIDR0_MARK ".rampart-cidr0.invalid"
size_t spf_record_rewrite(const char *txt, size_t len, int af, char *out, size_t size);

#endif
