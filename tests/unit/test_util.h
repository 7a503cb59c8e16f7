/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers shared by the unit tests: load a file of tests/data (DL_TESTDATA)
 * or config/ (DL_CONFIGDIR), and capture what lib/ logs so a test can check
 * that an error message names the file and line.
 */
#ifndef DL_TEST_UTIL_H
#define DL_TEST_UTIL_H

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/text_parse.h"

static inline const char *test_dir(const char *env)
{
	const char *d = getenv(env);

	if (!d) {
		fprintf(stderr, "%s is not set (run through meson test)\n", env);
		exit(1);
	}
	return d;
}

/* Path of tests/data/@name in a static buffer. */
static inline const char *data_path(const char *name)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", test_dir("DL_TESTDATA"), name);
	return path;
}

/*
 * Contents of tests/data/@name (NUL-terminated, malloc'ed); exits if missing.
 * noinline: inlined, GCC 12 mistakes the result for a pointer to a local.
 */
static __attribute__((noinline, unused)) char *load_data(const char *name, size_t *len)
{
	char *buf = NULL;
	size_t n;

	if (dl_text__read_file(data_path(name), &buf, &n)) {
		fprintf(stderr, "cannot read test data %s\n", data_path(name));
		exit(1);
	}
	if (len)
		*len = n;
	return buf;
}

/* The last warnings lib/ logged, concatenated. */
static char test_log[8192];

static void test_log_sink(enum dl_log_level level, const char *fmt, va_list ap)
{
	size_t n = strlen(test_log);

	if (level == DL_LOG_WARN && n < sizeof(test_log) - 1)
		vsnprintf(test_log + n, sizeof(test_log) - n, fmt, ap);
}

static inline void test_log_capture(void)
{
	test_log[0] = '\0';
	dl_log__set_sink(test_log_sink);
}

#endif
