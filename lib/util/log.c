// SPDX-License-Identifier: GPL-2.0-only
/* Logging hook; see log.h. */
#include <stdio.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "util/log.h"

static enum dl_log_level cur_level = DL_LOG_INFO;

static void default_sink(enum dl_log_level level, const char *fmt, va_list ap)
{
	if (level == DL_LOG_WARN)
		fputs("dropledger: ", stderr);
	vfprintf(stderr, fmt, ap);
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
