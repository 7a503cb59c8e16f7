// SPDX-License-Identifier: GPL-2.0-only
/* Sequence accounting: gaps, late frames, copies, tail loss, stale frames. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "linerate/seqcheck.h"

static void feed(struct dl_seqcheck *s, const __u64 *seq, int n)
{
	int i;

	for (i = 0; i < n; i++)
		dl_seqcheck__add(s, seq[i]);
}

static void test_in_order(void **state)
{
	struct dl_seqcheck s;
	__u64 i;

	(void)state;
	dl_seqcheck__init(&s);
	for (i = 0; i < 5000; i++)
		dl_seqcheck__add(&s, i);
	assert_int_equal(s.received, 5000);
	assert_int_equal(s.lost, 0);
	assert_int_equal(s.reordered, 0);
	assert_int_equal(s.duplicated, 0);
	assert_int_equal(dl_seqcheck__finish(&s, 5000), 0);
	assert_int_equal(s.lost, 0);
}

static void test_gaps_and_tail(void **state)
{
	const __u64 seq[] = { 0, 1, 4, 5, 9 };
	struct dl_seqcheck s;

	(void)state;
	dl_seqcheck__init(&s);
	feed(&s, seq, 5);
	assert_int_equal(s.received, 5);
	assert_int_equal(s.lost, 5);	/* 2, 3, 6, 7, 8 */
	assert_int_equal(dl_seqcheck__finish(&s, 12), 0);
	assert_int_equal(s.lost, 7);	/* + 10, 11 */
	assert_int_equal(s.received + s.lost, 12);
}

static void test_reorder_fills_gap(void **state)
{
	const __u64 seq[] = { 0, 2, 3, 1, 5, 4 };
	struct dl_seqcheck s;

	(void)state;
	dl_seqcheck__init(&s);
	feed(&s, seq, 6);
	assert_int_equal(s.received, 6);
	assert_int_equal(s.lost, 0);
	assert_int_equal(s.reordered, 2);
	assert_int_equal(s.duplicated, 0);
}

static void test_duplicates(void **state)
{
	const __u64 seq[] = { 0, 1, 1, 2, 0, 2, 3 };
	struct dl_seqcheck s;

	(void)state;
	dl_seqcheck__init(&s);
	feed(&s, seq, 7);
	assert_int_equal(s.received, 4);
	assert_int_equal(s.duplicated, 3);
	assert_int_equal(s.reordered, 0);
	assert_int_equal(s.lost, 0);
}

static void test_window_edges(void **state)
{
	struct dl_seqcheck s;

	(void)state;
	dl_seqcheck__init(&s);
	/* A jump larger than the window, then a frame just inside it. */
	dl_seqcheck__add(&s, 0);
	dl_seqcheck__add(&s, 3 * DL_SEQ_WINDOW);
	assert_int_equal(s.lost, 3 * DL_SEQ_WINDOW - 1);
	dl_seqcheck__add(&s, 2 * DL_SEQ_WINDOW + 1);	/* in window, a gap */
	assert_int_equal(s.reordered, 1);
	assert_int_equal(s.stale, 0);
	dl_seqcheck__add(&s, 2 * DL_SEQ_WINDOW + 1);	/* now a copy */
	assert_int_equal(s.duplicated, 1);
	dl_seqcheck__add(&s, 5);			/* older than the window */
	assert_int_equal(s.stale, 1);
	assert_int_equal(s.received, 4);
	assert_int_equal(s.lost, 3 * DL_SEQ_WINDOW - 3);
	assert_int_equal(dl_seqcheck__finish(&s, 3 * DL_SEQ_WINDOW + 1), 0);
	assert_int_equal(s.received + s.lost, 3 * DL_SEQ_WINDOW + 1);
}

static void test_finish_range(void **state)
{
	struct dl_seqcheck s;

	(void)state;
	dl_seqcheck__init(&s);
	dl_seqcheck__add(&s, 10);
	assert_int_equal(dl_seqcheck__finish(&s, 5), -ERANGE);
	assert_int_equal(s.lost, 10);
	/* Nothing received at all: everything sent is lost. */
	dl_seqcheck__init(&s);
	assert_int_equal(dl_seqcheck__finish(&s, 7), 0);
	assert_int_equal(s.lost, 7);
	assert_int_equal(s.received, 0);
}

static void test_sum(void **state)
{
	struct dl_seqcheck a, b, c;

	(void)state;
	/* One worker saw 0 1 3, another 2 4: nothing is lost. */
	dl_seqcheck__init(&a);
	dl_seqcheck__init(&b);
	dl_seqcheck__add(&a, 0);
	dl_seqcheck__add(&a, 1);
	dl_seqcheck__add(&a, 3);
	dl_seqcheck__add(&b, 2);
	dl_seqcheck__add(&b, 4);
	assert_int_equal(a.lost + b.lost, 4);	/* each sees the other's as gaps */
	dl_seqcheck__sum(&a, &b);
	assert_int_equal(a.received, 5);
	assert_int_equal(a.lost, 0);
	assert_int_equal(a.next, 5);
	assert_int_equal(a.duplicated, 0);

	/* Split with a real gap (5) and the tail owed by the sender. */
	dl_seqcheck__init(&a);
	dl_seqcheck__init(&b);
	dl_seqcheck__add(&a, 0);
	dl_seqcheck__add(&a, 6);
	dl_seqcheck__add(&b, 1);
	dl_seqcheck__add(&b, 2);
	dl_seqcheck__add(&b, 3);
	dl_seqcheck__add(&b, 4);
	dl_seqcheck__init(&c);
	dl_seqcheck__sum(&c, &a);
	dl_seqcheck__sum(&c, &b);
	assert_int_equal(c.received, 6);
	assert_int_equal(c.lost, 1);
	assert_int_equal(dl_seqcheck__finish(&c, 9), 0);
	assert_int_equal(c.lost, 3);
	assert_int_equal(c.received + c.lost, 9);

	/* Both saw 0 and 1: more received than numbers issued = copies. */
	dl_seqcheck__init(&a);
	dl_seqcheck__init(&b);
	dl_seqcheck__add(&a, 0);
	dl_seqcheck__add(&a, 1);
	dl_seqcheck__add(&b, 0);
	dl_seqcheck__add(&b, 1);
	dl_seqcheck__add(&b, 1);
	dl_seqcheck__sum(&a, &b);
	assert_int_equal(a.received, 2);
	assert_int_equal(a.duplicated, 3);
	assert_int_equal(a.lost, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_gaps_and_tail),
		cmocka_unit_test(test_reorder_fills_gap),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_finish_range),
		cmocka_unit_test(test_sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
