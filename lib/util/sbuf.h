/* SPDX-License-Identifier: GPL-2.0-only */
/* Appending text to a fixed buffer: output past the end is dropped, never overrun. */
#ifndef DL_SBUF_H
#define DL_SBUF_H

#include <stddef.h>

struct dl_sbuf {
	char *b;
	size_t len;
	size_t off;
};

void dl_sbuf__printf(struct dl_sbuf *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
