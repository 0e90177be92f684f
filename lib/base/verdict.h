/*
 * verdict - SMTP replies as rampart gives them: code, enhanced status code,
 * text. Outside text (HELO, addresses, TXT records, SPF explanations) is
 * made printable here, the enhanced code's class digit always equals the
 * reply code's first digit, and the whole line "CODE X.Y.Z TEXT" stays
 * within 512 octets with its CRLF (SPEC §2).
 *
 * Pure functions on caller-owned structs; safe from any thread.
 */
#ifndef RAMPART_VERDICT_H
#define RAMPART_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/check_id.h"

/* "CODE X.YYY.ZZZ " is at most 14 octets and CRLF 2: 512 - 16. */
#define RP_REPLY_TEXT_MAX 496

struct rp_reply {
	int code;                         /* 0: no reply */
	char xcode[12];                   /* "5.7.1" */
	char text[RP_REPLY_TEXT_MAX + 1]; /* printable, no code prefix */
	enum rp_check check;              /* which check produced it */
};

/*
 * Fill r. code must be 4xx or 5xx; xcode "C.S.D"; its class digit is set
 * to code's first digit. The formatted text passes through rp_printable and
 * is cut to RP_REPLY_TEXT_MAX octets.
 */
void reply_set(struct rp_reply *r, enum rp_check check, int code, const char *xcode,
	const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Turn a permanent reply temporary: 5xx becomes 450 and the enhanced code
 * class 4. A 4xx reply is left as it is. */
void reply_tempify(struct rp_reply *r);
static inline bool reply_is_temp(const struct rp_reply *r) { return r->code / 100 == 4; }

/* "CODE XCODE TEXT" for log lines. */
void reply_format_line(const struct rp_reply *r, char *buf, size_t size);
/* The text with every '%' doubled, for smfi_setreply (libmilter passes it
 * verbatim; Postfix and sendmail read '%' specially). size ≥ 2*text+1 is
 * always enough. */
void reply_format_milter_text(const struct rp_reply *r, char *buf, size_t size);

/*
 * Put outside text into a reply argument: printable, at most max octets,
 * and marked "..." when cut. Used for HELO names and addresses inside
 * "<...>" so that a 4 KiB HELO still leaves room for the rest of the text.
 */
void reply_arg(char *dst, size_t size, const char *src, size_t max);

#endif
