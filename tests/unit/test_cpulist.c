// SPDX-License-Identifier: GPL-2.0-only
/* CPU list parsing (--cores) and the check against online CPUs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/cpulist.h"
#include "util/log.h"

static void quiet(enum dl_log_level l, const char *fmt, va_list ap)
{
	(void)l;
	(void)fmt;
	(void)ap;
}

static void test_parse_ok(void **state)
{
	int *c = NULL, n = 0;

	(void)state;
	assert_int_equal(dl_cpulist__parse("0-3,8,10-11\n", &c, &n), 0);
	assert_int_equal(n, 7);
	assert_int_equal(c[0], 0);
	assert_int_equal(c[3], 3);
	assert_int_equal(c[4], 8);
	assert_int_equal(c[6], 11);
	free(c);
	/* Overlaps and repeats collapse, output is sorted. */
	assert_int_equal(dl_cpulist__parse("5,1-2,2,1", &c, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(c[0], 1);
	assert_int_equal(c[2], 5);
	free(c);
}

static void test_parse_bad(void **state)
{
	static const char *bad[] = {
		"", "-1", "3-1", "1,", ",1", "a", "1-", "1--2", "0 1", "1-2-3",
		"99999999999999999999",
	};
	int *c = NULL, n = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = dl_cpulist__parse(bad[i], &c, &n);

		assert_true(err == -EINVAL || err == -ERANGE);
	}
	assert_int_equal(dl_cpulist__parse("4096", &c, &n), -ERANGE);
	assert_int_equal(dl_cpulist__parse(NULL, &c, &n), -EINVAL);
}

static void test_usable(void **state)
{
	int *c = NULL, n = 0;

	(void)state;
	/* CPU 0 is online on every Linux machine. */
	assert_int_equal(dl_cpulist__parse_usable("0", &c, &n), 0);
	assert_int_equal(n, 1);
	free(c);
	/* No machine here has CPU 1000 online. */
	assert_int_equal(dl_cpulist__parse_usable("0,1000", &c, &n), -ENODEV);
	assert_null(c);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_usable),
	};

	dl_log__set_sink(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
