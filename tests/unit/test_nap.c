// SPDX-License-Identifier: GPL-2.0-only
/* Worker naps: grow while idle, capped, never past a quarter ring at the rate seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "linerate/nap.h"

/* Nothing found: 50 us doubles to the 1 ms cap and stays there. */
static void test_idle_grows_to_cap(void **state)
{
	unsigned int nap = 50, i;

	(void)state;
	for (i = 0; i < 10; i++)
		nap = dl_nap__next(nap, 50, 0, 1000.0, 8192);
	assert_int_equal(nap, DL_NAP_MAX_US);
	assert_int_equal(dl_nap__next(nap, 50, 0, 0.0, 8192), DL_NAP_MAX_US);
}

/*
 * At any steady rate the nap never lets a quarter ring fill: at r records
 * per us it is at most quarter / r (or the minimum, when even that is too
 * long: then polls find full batches and do not sleep at all).
 */
static void test_rate_clamps(void **state)
{
	const double rates[] = { 0.001, 0.02, 0.2, 1.5, 5.0, 14.88 };	/* records/us */
	const unsigned int quarter = 8192;
	unsigned int i, k, nap;

	(void)state;
	for (k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
		nap = 50;
		for (i = 0; i < 20; i++) {
			double since = nap + 10.0;	/* the nap plus a poll */
			unsigned int got = (unsigned int)(rates[k] * since);

			nap = dl_nap__next(nap, 50, got, since, quarter);
			assert_true(nap >= 50 && nap <= DL_NAP_MAX_US);
			if (nap > 50)
				assert_true(rates[k] * nap <= quarter);
		}
	}
	/* 1.5 M records/s, 8192 of room: 5461 us safe, the cap rules. */
	assert_int_equal(dl_nap__next(1000, 50, 1500, 1000.0, 8192), DL_NAP_MAX_US);
	/* 20 M records/s into 2048 of room: 102 us at most. */
	assert_int_equal(dl_nap__next(1000, 50, 20000, 1000.0, 2048), 102);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_grows_to_cap),
		cmocka_unit_test(test_rate_clamps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
