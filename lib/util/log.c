// SPDX-License-Identifier: GPL-2.0-only
/* Logging hook; see log.h. */
#include <stdio.h>
#include <stdlib.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "util/log.h"

static enum dl_log_level cur_level = DL_LOG_INFO;

size_t dl_log__printable(const char *s, char *out, size_t len)
{
	size_t o = 0;

	if (!len)
		return 0;
	for (; *s && o + 1 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
			if (o + 5 > len)
				break;
			o += snprintf(out + o, len - o, "\\x%02x", c);
		} else {
			out[o++] = c;
		}
	}
	out[o] = '\0';
	return o;
}

/*
 * Messages name interfaces, files and rules tokens the user (or whoever
 * named the interface) chose: control bytes are shown escaped, so an
 * interface named with an escape sequence cannot drive the terminal.
 */
static void default_sink(enum dl_log_level level, const char *fmt, va_list ap)
{
	char raw[1024], *buf = raw, *shown;
	va_list ap2;
	int n;

	if (level == DL_LOG_WARN)
		fputs("dropledger: ", stderr);
	va_copy(ap2, ap);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if (n >= (int)sizeof(raw)) {	/* a long one (libbpf's verifier log) */
		buf = malloc(n + 1);
		if (buf)
			vsnprintf(buf, n + 1, fmt, ap2);
	}
	va_end(ap2);
	shown = buf ? malloc(4 * (size_t)n + 1) : NULL;
	if (shown) {
		dl_log__printable(buf, shown, 4 * (size_t)n + 1);
		fputs(shown, stderr);
	} else if (buf) {
		fputs(buf, stderr);
	}
	free(shown);
	if (buf != raw)
		free(buf);
}

static dl_log_fn sink = default_sink;

void dl_log__set_sink(dl_log_fn fn)
{
	sink = fn ? fn : default_sink;
}

void dl_log__set_level(enum dl_log_level level)
{
	cur_level = level;
}

enum dl_log_level dl_log__level(void)
{
	return cur_level;
}

void dl_log(enum dl_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	sink(level, fmt, ap);
	va_end(ap);
}

static int libbpf_sink(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	enum dl_log_level l = level == LIBBPF_WARN ? DL_LOG_DEBUG :
			      level == LIBBPF_INFO ? DL_LOG_DEBUG : DL_LOG_LIBBPF;

	/*
	 * libbpf and libxdp warn about things we handle ourselves (probing
	 * for a dispatcher, missing pins); our own message says what matters,
	 * theirs show at -v.
	 */
	if (l > cur_level)
		return 0;
	sink(l, fmt, ap);
	return 0;
}

static int libxdp_sink(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	enum dl_log_level l = level == LIBXDP_DEBUG ? DL_LOG_LIBBPF : DL_LOG_DEBUG;

	if (l > cur_level)
		return 0;
	sink(l, fmt, ap);
	return 0;
}

void dl_log__route_libbpf(void)
{
	libbpf_set_print(libbpf_sink);
	libxdp_set_print(libxdp_sink);
}
