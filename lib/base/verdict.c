/* verdict - see verdict.h */
#include "base/verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"

void reply_set(struct rp_reply *r, enum rp_check check, int code, const char *xcode,
	const char *fmt, ...)
{
	char raw[2048];
	va_list ap;

	r->check = check;
	r->code = (code >= 400 && code <= 599) ? code : 450;
	rp_strlcpy(r->xcode, xcode && xcode[0] ? xcode : "4.7.1", sizeof r->xcode);
	r->xcode[0] = (char)('0' + r->code / 100);
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	rp_printable(r->text, sizeof r->text, raw);
}

void reply_tempify(struct rp_reply *r)
{
	if (r->code / 100 == 5) {
		r->code = 450;
		r->xcode[0] = '4';
	}
}

void reply_format_line(const struct rp_reply *r, char *buf, size_t size)
{
	snprintf(buf, size, "%d %s %s", r->code, r->xcode, r->text);
}

void reply_format_milter_text(const struct rp_reply *r, char *buf, size_t size)
{
	size_t o = 0;
	if (!size)
		return;
	for (const char *p = r->text; *p && o + 1 < size; p++) {
		if (*p == '%') {
			if (o + 2 >= size)
				break;
			buf[o++] = '%';
		}
		buf[o++] = *p;
	}
	buf[o] = '\0';
}

void reply_arg(char *dst, size_t size, const char *src, size_t max)
{
	size_t len;
	if (!size)
		return;
	if (max >= size)
		max = size - 1;
	len = rp_printable(dst, max + 1, src ? src : "");
	if (src && strlen(src) > len && max >= 3)
		memcpy(dst + max - 3, "...", 4);
}
