/* ctl_util - see ctl_util.h */
#include "ctl_util.h"

#include <stdio.h>

#include "base/util.h"

void ctl_vprintable(char *out, size_t size, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof line, fmt, ap);
	rp_printable(out, size, line);
}

void ctl_error(const char *fmt, ...)
{
	char safe[1024];
	va_list ap;

	va_start(ap, fmt);
	ctl_vprintable(safe, sizeof safe, fmt, ap);
	va_end(ap);
	fprintf(stderr, "rampartctl: %s\n", safe);
}
