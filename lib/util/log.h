/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one logging hook of libdropledger. lib/ never prints on its own: all
 * messages go through dl_log(), which the application points at stderr (or
 * at a test's capture) and filters by level. libbpf's output is routed here.
 */
#ifndef DL_LOG_H
#define DL_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum dl_log_level {
	DL_LOG_WARN,
	DL_LOG_INFO,
	DL_LOG_DEBUG,
	DL_LOG_LIBBPF,	/* libbpf's own debug output: -vv */
};

typedef void (*dl_log_fn)(enum dl_log_level level, const char *fmt, va_list ap);

/* Install a sink; NULL restores the default (stderr, WARN and INFO). */
void dl_log__set_sink(dl_log_fn fn);
/* Messages above @level are dropped. */
void dl_log__set_level(enum dl_log_level level);
enum dl_log_level dl_log__level(void);
/* Route libbpf and libxdp messages through dl_log (DEBUG to DL_LOG_LIBBPF). */
void dl_log__route_libbpf(void);

/*
 * Copy @s to @out with control bytes (but newline and tab) and DEL shown
 * as \xNN, for names that reach a terminal. Returns the length written.
 */
size_t dl_log__printable(const char *s, char *out, size_t len);

void dl_log(enum dl_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_warn(...) dl_log(DL_LOG_WARN, __VA_ARGS__)
#define pr_info(...) dl_log(DL_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) dl_log(DL_LOG_DEBUG, __VA_ARGS__)

#endif
