// SPDX-License-Identifier: GPL-2.0-only
/* Appending text to a fixed buffer; see sbuf.h. */
#include <stdarg.h>
#include <stdio.h>

#include "util/sbuf.h"

void dl_sbuf__printf(struct dl_sbuf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->off >= s->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->b + s->off, s->len - s->off, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->off += n;
}
