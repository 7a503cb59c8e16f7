// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger diff's logic on two recorded lab runs (tests/data): the same
 * traffic, B with a slow reader added (SOCKET_RCVBUFF). Exactly that cause
 * (and the queue it lives on) is flagged worse; a run against itself
 * flags nothing; the statistics match hand-computed values.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/diff.h"
#include "test_util.h"

static json_t *load(const char *name)
{
	char why[512];
	json_t *r = dl_run_diff__load(data_path(name), why, sizeof(why));

	if (!r)
		fail_msg("%s", why);
	return r;
}

/* Rows of @rows whose verdict is @verdict. */
static unsigned int count_verdict(const json_t *rows, const char *verdict)
{
	const json_t *r;
	unsigned int n = 0;
	size_t i;

	json_array_foreach(rows, i, r)
		n += !strcmp(json_string_value(json_object_get(r, "verdict")), verdict);
	return n;
}

static const json_t *cause_row(const json_t *d, const char *reason)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(d, "causes"), i, r)
		if (!strcmp(json_string_value(json_object_get(r, "reason")), reason))
			return r;
	return NULL;
}

static void test_added_fault(void **state)
{
	json_t *a = load("report-run.lab-a.json"), *b = load("report-run.lab-b-rcvbuf.json");
	const json_t *causes, *r;
	char why[256];
	json_t *d;

	(void)state;
	d = dl_run_diff__compare(a, b, NULL, why, sizeof(why));
	assert_non_null(d);
	assert_true(json_is_true(json_object_get(d, "worse")));
	causes = json_object_get(d, "causes");
	assert_int_equal(count_verdict(causes, "worse"), 1);
	assert_int_equal(count_verdict(causes, "better"), 0);
	r = cause_row(d, "SOCKET_RCVBUFF");
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(r, "verdict")), "worse");
	assert_int_equal(json_integer_value(json_object_get(r, "a")), 13);
	assert_int_equal(json_integer_value(json_object_get(r, "b")), 209);
	assert_true(json_real_value(json_object_get(r, "z")) > 10);
	/* Unchanged causes are exactly equal; the 2 frames freed at close too few. */
	assert_string_equal(json_string_value(json_object_get(cause_row(d, "NO_SOCKET"),
							      "verdict")), "same");
	assert_string_equal(json_string_value(json_object_get(cause_row(d, "NOT_SPECIFIED"),
							      "verdict")), "same");
	/* The queue the slow reader's flow arrives on, and only it. */
	assert_int_equal(count_verdict(json_object_get(d, "queues"), "worse"), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "rss"),
							      "verdict")), "same");
	assert_int_equal(json_array_size(json_object_get(d, "flagged")), 2);
	assert_non_null(strstr(json_string_value(json_array_get(json_object_get(d, "flagged"), 0)),
			       "SOCKET_RCVBUFF"));
	assert_non_null(strstr(json_string_value(json_object_get(d, "test")),
			       "two-proportion z-test"));
	json_decref(d);

	/* The other way round: better, not worse. */
	d = dl_run_diff__compare(b, a, NULL, why, sizeof(why));
	assert_false(json_is_true(json_object_get(d, "worse")));
	assert_string_equal(json_string_value(json_object_get(cause_row(d, "SOCKET_RCVBUFF"),
							      "verdict")), "better");
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static void test_identical(void **state)
{
	json_t *a = load("report-run.lab-a.json");
	char why[256];
	json_t *d;

	(void)state;
	d = dl_run_diff__compare(a, a, NULL, why, sizeof(why));
	assert_non_null(d);
	assert_false(json_is_true(json_object_get(d, "worse")));
	assert_int_equal(json_array_size(json_object_get(d, "flagged")), 0);
	assert_int_equal(count_verdict(json_object_get(d, "causes"), "same"),
			 json_array_size(json_object_get(d, "causes")));
	json_decref(d);
	json_decref(a);
}

static void test_other_interface(void **state)
{
	json_t *a = load("report-run.lab-a.json"), *b = json_deep_copy(a);
	char why[256];

	(void)state;
	json_object_set_new(b, "interface", json_string("eth1"));
	assert_null(dl_run_diff__compare(a, b, NULL, why, sizeof(why)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(why, "v0b, eth1"));
	json_decref(a);
	json_decref(b);
}

static void test_statistics(void **state)
{
	(void)state;
	/* p1 0.1, p2 0.2, pooled 0.15: (0.1) / sqrt(0.15 * 0.85 * 0.02) */
	assert_true(fabs(dl_run_diff__z_prop(10, 100, 20, 100) - 1.98030) < 1e-4);
	assert_true(dl_run_diff__z_prop(0, 100, 0, 100) == 0);
	assert_true(dl_run_diff__z_prop(5, 0, 5, 10) == 0);
	/* 10 vs 40 in equal time: (40 - 25) / sqrt(12.5) */
	assert_true(fabs(dl_run_diff__z_rate(10, 1, 40, 1) - 4.24264) < 1e-4);
	/* Twice the time, twice the count: no change. */
	assert_true(fabs(dl_run_diff__z_rate(10, 1, 20, 2)) < 1e-9);
}

static void test_min_count(void **state)
{
	json_t *a = load("report-run.lab-a.json"), *b = load("report-run.lab-b-rcvbuf.json");
	struct dl_run_diff_opts o = { .min_count = 1000 };
	char why[256];
	json_t *d;

	(void)state;
	/* 209 drops are too few when 1000 are asked for: nothing flagged. */
	d = dl_run_diff__compare(a, b, &o, why, sizeof(why));
	assert_false(json_is_true(json_object_get(d, "worse")));
	assert_int_equal(json_array_size(json_object_get(d, "flagged")), 0);
	json_decref(d);
	json_decref(a);
	json_decref(b);
}

static void test_bad_file(void **state)
{
	char why[256];

	(void)state;
	assert_null(dl_run_diff__load(data_path("kallsyms.sample"), why, sizeof(why)));
	assert_non_null(strstr(why, "kallsyms.sample:1: not JSON"));
	assert_null(dl_run_diff__load(data_path("no-such-file.json"), why, sizeof(why)));
	assert_non_null(strstr(why, "No such file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added_fault),
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_other_interface),
		cmocka_unit_test(test_statistics),
		cmocka_unit_test(test_min_count),
		cmocka_unit_test(test_bad_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
