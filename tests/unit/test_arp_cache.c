// SPDX-License-Identifier: GPL-2.0-only
/*
 * Neighbour table statistics (/proc/net/stat/arp_cache) on the real samples:
 * per-CPU rows summed by column NAME, "entries" taken once, a column the
 * kernel does not print is absent, and broken tables are refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counters/arp_cache.h"
#include "counters/stat_table.h"
#include "test_util.h"

static void parse_file(const char *name, struct dl_neigh_stats *st)
{
	size_t len;
	char *buf = load_data(name, &len);

	assert_int_equal(dl_arp_cache__parse(buf, len, name, st), 0);
	free(buf);
}

static void test_table_fulls(void **state)
{
	struct dl_neigh_stats st;

	(void)state;
	parse_file("proc-net-stat-arp_cache.table_fulls.txt", &st);
	assert_true(st.available);
	assert_int_equal(st.have, (1u << DL_NEIGH__NR) - 1);
	assert_int_equal(st.v[DL_NEIGH_TABLE_FULLS], 0x39c + 0x240);
	assert_int_equal(st.v[DL_NEIGH_UNRESOLVED_DISCARDS], 0x23 + 0x46);
	assert_int_equal(st.v[DL_NEIGH_FORCED_GC_RUNS], 0x3a1 + 0x252);
	assert_int_equal(st.v[DL_NEIGH_LOOKUPS], 0x515 + 0x1675);
	/* entries is one table-wide number printed on each CPU row. */
	assert_int_equal(st.v[DL_NEIGH_ENTRIES], 2);
}

static void test_unresolved_discards(void **state)
{
	struct dl_neigh_stats st;

	(void)state;
	parse_file("proc-net-stat-arp_cache.unresolved_discards.txt", &st);
	assert_int_equal(st.v[DL_NEIGH_UNRESOLVED_DISCARDS], 5);
	assert_int_equal(st.v[DL_NEIGH_TABLE_FULLS], 0);
	assert_int_equal(st.v[DL_NEIGH_HITS], 0x18 + 0x3b);
	assert_string_equal(dl_neigh_stat__name(DL_NEIGH_TABLE_FULLS), "table_fulls");
}

/* Drop the last column of every line: the layout of a kernel without it. */
static size_t drop_last_column(char *buf, size_t len)
{
	size_t o = 0;
	char *line = buf, *nl, *sp;

	while (line < buf + len) {
		nl = memchr(line, '\n', buf + len - line);
		if (!nl)
			nl = buf + len;
		sp = line;
		for (char *p = line; p < nl; p++)
			if (*p == ' ')
				sp = p;
		memmove(buf + o, line, sp - line);
		o += sp - line;
		buf[o++] = '\n';
		line = nl + 1;
	}
	return o;
}

static void test_columns_by_name(void **state)
{
	struct dl_neigh_stats st;
	struct dl_stat_table *t = NULL;
	size_t len;
	char *buf = load_data("proc-net-stat-arp_cache.table_fulls.txt", &len);
	uint64_t v;

	(void)state;
	len = drop_last_column(buf, len);
	assert_int_equal(dl_arp_cache__parse(buf, len, "cut", &st), 0);
	assert_false(st.have & (1u << DL_NEIGH_TABLE_FULLS));
	assert_int_equal(st.v[DL_NEIGH_UNRESOLVED_DISCARDS], 0x23 + 0x46);
	/* The generic table answers for any name the header has. */
	assert_int_equal(dl_stat_table__parse(buf, len, "cut", &t), 0);
	assert_int_equal(dl_stat_table__nr_cols(t), 12);
	assert_int_equal(dl_stat_table__nr_rows(t), 2);
	assert_int_equal(dl_stat_table__cell(t, 1, "res_failed", &v), 0);
	assert_int_equal(v, 0x93);
	assert_int_equal(dl_stat_table__sum(t, "table_fulls", &v), -ENOENT);
	assert_int_equal(dl_stat_table__cell(t, 2, "res_failed", &v), -ENOENT);
	dl_stat_table__free(t);
	free(buf);
}

static void expect_bad(const char *buf, size_t len)
{
	struct dl_neigh_stats st;

	assert_int_equal(dl_arp_cache__parse(buf, len, "test", &st), -EBADMSG);
}

static void test_bad(void **state)
{
	struct dl_neigh_stats st;
	size_t len, first;
	char *buf = load_data("proc-net-stat-arp_cache.table_fulls.txt", &len);

	(void)state;
	first = strchr(buf, '\n') - buf + 1;
	test_log_capture();
	expect_bad(buf, first);			/* header, no rows */
	assert_non_null(strstr(test_log, "no CPU rows"));
	expect_bad(buf, first + 30);		/* row cut short */
	expect_bad(buf + first, len - first);	/* rows without header */
	expect_bad("", 0);
	expect_bad("\x80\x81\0\n\x01", 5);
	buf[first + 3] = 'q';			/* not hex */
	expect_bad(buf, len);
	free(buf);
	/* No such file: not available, and not an error. */
	assert_int_equal(dl_arp_cache__read("/nonexistent/arp_cache", &st), 0);
	assert_false(st.available);
	assert_int_equal(st.have, 0);
}

static void test_live(void **state)
{
	struct dl_neigh_stats st;

	(void)state;
	assert_int_equal(dl_arp_cache__read(NULL, &st), 0);
	assert_true(st.available);
	assert_true(st.have & (1u << DL_NEIGH_LOOKUPS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_fulls),
		cmocka_unit_test(test_unresolved_discards),
		cmocka_unit_test(test_columns_by_name),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
