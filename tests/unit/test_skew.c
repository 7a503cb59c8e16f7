// SPDX-License-Identifier: GPL-2.0-only
/*
 * Skew metrics: even, one hot queue, several hot queues, no packets, one
 * queue, too few packets, options, large counters and the softnet CPU view.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "rss/skew.h"

#define assert_close(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-3)

static void test_even(void **state)
{
	__u64 c[4] = { 250, 250, 250, 250 };
	struct dl_skew s;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 4, "queue", NULL, &s), 0);
	assert_int_equal(s.total, 1000);
	assert_close(s.jain, 1.0);
	assert_close(s.cv, 0.0);
	assert_close(s.max_over_mean, 1.0);
	assert_close(dl_skew__share(&s, c, 2), 0.25);
	assert_true(s.enough);
	assert_false(s.skewed);
	assert_int_equal(s.nr_hot, 0);
	assert_string_equal(s.summary, "traffic spread over 4 queues (Jain 1.00, max/mean 1.00)");
}

static void test_one_hot(void **state)
{
	__u64 c[4] = { 97, 96, 97, 710 };
	struct dl_skew s;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 4, "queue", NULL, &s), 0);
	assert_true(s.skewed);
	assert_int_equal(s.nr_hot, 1);
	assert_int_equal(s.hot[0], 3);
	assert_int_equal(s.max_bin, 3);
	assert_close(s.max_over_mean, 2.84);
	/* 1000^2 / (4 * (97^2 + 96^2 + 97^2 + 710^2)) */
	assert_close(s.jain, 1e6 / (4.0 * 532134));
	assert_close(s.hot_share, 0.71);
	assert_string_equal(s.summary,
			    "queue 3 holds 71% of traffic (4 queues, fair share 25%, Jain 0.47)");
}

static void test_two_hot(void **state)
{
	__u64 c[8] = { 400, 500, 50, 50, 0, 0, 0, 0 };
	struct dl_skew s;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 8, "queue", NULL, &s), 0);
	assert_true(s.skewed);
	assert_int_equal(s.nr_hot, 2);
	/* Hottest first. */
	assert_int_equal(s.hot[0], 1);
	assert_int_equal(s.hot[1], 0);
	assert_close(s.hot_share, 0.9);
	assert_string_equal(s.summary,
			    "queues 1, 0 hold 90% of traffic (8 queues, fair share 12%, Jain 0.30)");
}

static void test_all_on_one(void **state)
{
	__u64 c[4] = { 0, 0, 0, 1000 };
	struct dl_skew s;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 4, NULL, NULL, &s), 0);
	assert_close(s.jain, 0.25);
	assert_close(s.cv, sqrt(3.0));
	assert_close(s.max_over_mean, 4.0);
	assert_close(dl_skew__share(&s, c, 0), 0.0);
	assert_string_equal(s.summary,
			    "queue 3 holds 100% of traffic (4 queues, fair share 25%, Jain 0.25)");
}

static void test_zero_packets(void **state)
{
	__u64 c[4] = { 0 };
	struct dl_skew s;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 4, "queue", NULL, &s), 0);
	assert_int_equal(s.total, 0);
	assert_true(isnan(s.jain));
	assert_true(isnan(s.cv));
	assert_true(isnan(s.max_over_mean));
	assert_true(isnan(dl_skew__share(&s, c, 0)));
	assert_false(s.enough);
	assert_false(s.skewed);
	assert_string_equal(s.summary, "no packets on 4 queues");
}

static void test_one_queue(void **state)
{
	__u64 c[1] = { 5000 };
	struct dl_skew s;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 1, "queue", NULL, &s), 0);
	assert_close(s.jain, 1.0);
	assert_close(s.max_over_mean, 1.0);
	assert_close(s.cv, 0.0);
	assert_false(s.skewed);
	assert_string_equal(s.summary, "single queue: all traffic on queue 0, nothing to spread");
}

static void test_min_sample_and_opts(void **state)
{
	struct dl_skew_opts o = { .min_total = 5 };
	__u64 c[4] = { 10, 0, 0, 0 };
	__u64 d[4] = { 200, 300, 250, 250 };
	struct dl_skew s;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 4, "queue", NULL, &s), 0);
	assert_false(s.enough);
	assert_false(s.skewed);
	assert_int_equal(s.nr_hot, 0);
	assert_string_equal(s.summary,
			    "only 10 packets on 4 queues: too few to judge skew (need 1000)");
	assert_int_equal(dl_skew__compute(c, 4, "queue", &o, &s), 0);
	assert_true(s.skewed);
	assert_int_equal(s.hot[0], 0);

	/* 300 is 1.2x the mean: hot only with a stricter factor. */
	assert_int_equal(dl_skew__compute(d, 4, "queue", NULL, &s), 0);
	assert_false(s.skewed);
	o.min_total = 0;
	o.hot_factor = 1.1;
	assert_int_equal(dl_skew__compute(d, 4, "queue", &o, &s), 0);
	assert_true(s.skewed);
	assert_int_equal(s.nr_hot, 1);
	assert_int_equal(s.hot[0], 1);

	assert_int_equal(dl_skew__compute(c, 0, "queue", NULL, &s), -EINVAL);
}

static void test_large_counts(void **state)
{
	__u64 c[2] = { 1000000000000ull, 1000000000001ull };
	__u64 many[64];
	struct dl_skew s;
	int i;

	(void)state;
	assert_int_equal(dl_skew__compute(c, 2, "queue", NULL, &s), 0);
	assert_close(s.jain, 1.0);
	assert_false(s.skewed);
	/* More hot bins than listed: the count is still right. */
	for (i = 0; i < 64; i++)
		many[i] = i < 20 ? 1000 : 1;
	assert_int_equal(dl_skew__compute(many, 64, "queue", NULL, &s), 0);
	assert_int_equal(s.nr_hot, 20);
	assert_true(s.skewed);
	assert_non_null(strstr(s.summary, "(+4 more)"));
}

static void test_softnet(void **state)
{
	struct dl_skew_softnet cpus[3] = {
		{ .cpu = 2, .processed = 100, .has_time_squeeze = true, .has_dropped = true },
		{ .cpu = 5, .processed = 9000, .time_squeeze = 42, .dropped = 7,
		  .has_time_squeeze = true, .has_dropped = true },
		{ .cpu = 7, .processed = 100, .has_time_squeeze = true, .has_dropped = true },
	};
	struct dl_cpu_skew s;

	(void)state;
	assert_int_equal(dl_skew__softnet(cpus, 3, NULL, &s), 0);
	assert_true(s.skew.skewed);
	assert_int_equal(s.skew.hot[0], 5);
	assert_int_equal(s.skew.max_bin, 5);
	assert_int_equal(s.time_squeeze, 42);
	assert_int_equal(s.nr_squeezed, 1);
	assert_int_equal(s.most_squeezed, 5);
	assert_int_equal(s.dropped, 7);
	assert_string_equal(s.summary,
			    "cpu 5 holds 98% of traffic (3 cpus, fair share 33%, Jain 0.35); "
			    "time_squeeze on 1 cpu (most on cpu 5: 42); "
			    "7 packets dropped at full backlog");

	/* Old kernels: no squeeze column means absent, not zero. */
	cpus[0].has_time_squeeze = cpus[1].has_time_squeeze = cpus[2].has_time_squeeze = false;
	assert_int_equal(dl_skew__softnet(cpus, 3, NULL, &s), 0);
	assert_false(s.has_time_squeeze);
	assert_int_equal(s.nr_squeezed, 0);
	assert_int_equal(dl_skew__softnet(cpus, 0, NULL, &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_even),
		cmocka_unit_test(test_one_hot),
		cmocka_unit_test(test_two_hot),
		cmocka_unit_test(test_all_on_one),
		cmocka_unit_test(test_zero_packets),
		cmocka_unit_test(test_one_queue),
		cmocka_unit_test(test_min_sample_and_opts),
		cmocka_unit_test(test_large_counts),
		cmocka_unit_test(test_softnet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
