// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conntrack statistics (/proc/net/stat/nf_conntrack) on the real sample:
 * sums by column name, names of newer kernels absent, a missing file is
 * "not available" rather than an error, broken tables are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counters/conntrack_stat.h"
#include "test_util.h"

static void test_sample(void **state)
{
	struct dl_ct_stats st;
	size_t len;
	char *buf = load_data("proc-net-stat-nf_conntrack.node_exporter.txt", &len);

	(void)state;
	assert_int_equal(dl_conntrack_stat__parse(buf, len, NULL, &st), 0);
	assert_true(st.available);
	assert_int_equal(st.v[DL_CT_ENTRIES], 0x21);
	assert_int_equal(st.v[DL_CT_INVALID], 3 + 2 + 1 + 0x2f);
	assert_int_equal(st.v[DL_CT_IGNORE], 0x588a + 0x56a4 + 0x58d4 + 0x5688);
	assert_int_equal(st.v[DL_CT_SEARCH_RESTART], 0 + 2 + 1 + 4);
	assert_true(st.have & (1u << DL_CT_INSERT_FAILED));
	assert_int_equal(st.v[DL_CT_INSERT_FAILED], 0);
	assert_int_equal(st.v[DL_CT_DROP], 0);
	assert_int_equal(st.v[DL_CT_EARLY_DROP], 0);
	/* Columns of later kernels are absent here, not 0. */
	assert_false(st.have & (1u << DL_CT_CLASHRES));
	assert_false(st.have & (1u << DL_CT_CHAINLENGTH));
	assert_string_equal(dl_ct_stat__name(DL_CT_EARLY_DROP), "early_drop");
	free(buf);
}

static void test_bad(void **state)
{
	struct dl_ct_stats st;
	size_t len;
	char *buf = load_data("proc-net-stat-nf_conntrack.node_exporter.txt", &len);

	(void)state;
	/* Cut in the middle of the last row. */
	assert_int_equal(dl_conntrack_stat__parse(buf, len - 20, "cut", &st), -EBADMSG);
	assert_int_equal(dl_conntrack_stat__parse("entries\n", 8, "t", &st), -EBADMSG);
	assert_int_equal(dl_conntrack_stat__parse("1 2 3\n4 5 6\n", 12, "t", &st), -EBADMSG);
	free(buf);
}

static void test_not_loaded(void **state)
{
	struct dl_ct_stats st;

	(void)state;
	memset(&st, 0xff, sizeof(st));
	assert_int_equal(dl_conntrack_stat__read("/nonexistent/nf_conntrack", &st), 0);
	assert_false(st.available);
	assert_int_equal(st.have, 0);
	/* The real file may or may not exist here; both answers are fine. */
	assert_int_equal(dl_conntrack_stat__read(NULL, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_not_loaded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
