// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/net/softnet_stat parser on the real samples of every format (9 to 15
 * columns): values of specific CPUs, columns absent (not 0) where a kernel
 * does not print them, and refusal of truncated or garbage input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/counter.h"
#include "counters/softnet.h"
#include "test_util.h"

static struct dl_softnet *parse_file(const char *name)
{
	struct dl_softnet *s = NULL;
	size_t len;
	char *buf = load_data(name, &len);

	assert_int_equal(dl_softnet__parse(buf, len, name, &s), 0);
	free(buf);
	return s;
}

static uint64_t get(const struct dl_softnet *s, unsigned int row, enum dl_softnet_col c)
{
	uint64_t v = 0;

	assert_int_equal(dl_softnet__get(s, row, c, &v), 0);
	return v;
}

static void test_9col(void **state)
{
	struct dl_softnet *s = parse_file("proc-net-softnet_stat.9col.kernel-2.6.32.txt");
	uint64_t v;

	(void)state;
	assert_int_equal(s->nr_cols, 9);
	assert_int_equal(s->nr_cpus, 6);
	assert_int_equal(get(s, 0, DL_SOFTNET_PROCESSED), 0x6dcad223);
	assert_int_equal(get(s, 4, DL_SOFTNET_TIME_SQUEEZE), 5);
	assert_int_equal(get(s, 4, DL_SOFTNET_CPU_COLLISION), 0);
	/* No CPU column before 5.10: the row number stands in. */
	assert_int_equal(s->cpu[5].cpu, 5);
	assert_int_equal(dl_softnet__get(s, 0, DL_SOFTNET_RECEIVED_RPS, &v), -ENOENT);
	assert_int_equal(dl_softnet__sum(s, DL_SOFTNET_FLOW_LIMIT, &v), -ENOENT);
	assert_int_equal(dl_softnet__sum(s, DL_SOFTNET_TIME_SQUEEZE, &v), 0);
	assert_int_equal(v, 1 + 2 + 3 + 0 + 5 + 1);
	dl_softnet__free(s);
}

static void test_10col(void **state)
{
	struct dl_softnet *s = parse_file("proc-net-softnet_stat.10col.netutils-linux.txt");
	uint64_t v;

	(void)state;
	assert_int_equal(s->nr_cols, 10);
	assert_int_equal(s->nr_cpus, 8);
	assert_int_equal(get(s, 0, DL_SOFTNET_TIME_SQUEEZE), 0x1b3);
	assert_int_equal(get(s, 7, DL_SOFTNET_PROCESSED), 0x7c0f3f79);
	assert_int_equal(get(s, 3, DL_SOFTNET_RECEIVED_RPS), 0);
	assert_int_equal(dl_softnet__get(s, 3, DL_SOFTNET_FLOW_LIMIT, &v), -ENOENT);
	assert_int_equal(dl_softnet__sum(s, DL_SOFTNET_TIME_SQUEEZE, &v), 0);
	assert_int_equal(v, 0x1b3 + 0xe1 + 0xcb + 0xcf + 0xf9 + 0xd9 + 0xb6 + 0xc3);
	dl_softnet__free(s);

	s = parse_file("proc-net-softnet_stat.10col.kernel-2.6.36.txt");
	assert_int_equal(s->nr_cpus, 6);
	assert_int_equal(get(s, 2, DL_SOFTNET_TIME_SQUEEZE), 3);
	dl_softnet__free(s);
}

static void test_11col(void **state)
{
	/* node_exporter's fixture: the only sample with backlog drops (CPU 1), no final newline */
	struct dl_softnet *s = parse_file("proc-net-softnet_stat.11col.node_exporter.txt");
	uint64_t v;

	(void)state;
	assert_int_equal(s->nr_cols, 11);
	assert_int_equal(s->nr_cpus, 4);
	assert_int_equal(get(s, 1, DL_SOFTNET_DROPPED), 0x29);
	assert_int_equal(get(s, 1, DL_SOFTNET_PROCESSED), 0xdfb82);
	assert_int_equal(get(s, 1, DL_SOFTNET_TIME_SQUEEZE), 0x0a);
	assert_int_equal(get(s, 3, DL_SOFTNET_FLOW_LIMIT), 0);
	assert_int_equal(dl_softnet__get(s, 1, DL_SOFTNET_BACKLOG_LEN, &v), -ENOENT);
	assert_int_equal(dl_softnet__sum(s, DL_SOFTNET_DROPPED, &v), 0);
	assert_int_equal(v, 41);
	dl_softnet__free(s);

	s = parse_file("proc-net-softnet_stat.11col.kernel-3.11.txt");
	assert_int_equal(s->nr_cpus, 8);
	assert_int_equal(get(s, 0, DL_SOFTNET_PROCESSED), 0x22be3);
	dl_softnet__free(s);
}

static void test_13col(void **state)
{
	struct dl_softnet *s = parse_file("proc-net-softnet_stat.13col.kernel-5.10.47.txt");
	uint64_t v;

	(void)state;
	assert_int_equal(s->nr_cols, 13);
	assert_int_equal(s->nr_cpus, 2);
	assert_int_equal(get(s, 0, DL_SOFTNET_TIME_SQUEEZE), 0x383);
	assert_int_equal(get(s, 1, DL_SOFTNET_TIME_SQUEEZE), 0xc1);
	assert_int_equal(get(s, 1, DL_SOFTNET_BACKLOG_LEN), 0);
	assert_int_equal(s->cpu[1].cpu, 1);
	assert_int_equal(get(s, 1, DL_SOFTNET_CPU_INDEX), 1);
	assert_int_equal(dl_softnet__get(s, 1, DL_SOFTNET_INPUT_QLEN, &v), -ENOENT);
	dl_softnet__free(s);
}

static void test_15col(void **state)
{
	struct dl_softnet *s = parse_file("proc-net-softnet_stat.15col.kernel-6.4.7.txt");

	(void)state;
	assert_int_equal(s->nr_cols, 15);
	assert_int_equal(s->nr_cpus, 2);
	assert_int_equal(get(s, 1, DL_SOFTNET_TIME_SQUEEZE), 0x4f);
	assert_int_equal(get(s, 1, DL_SOFTNET_PROCESSED), 0x6d1ebe);
	assert_int_equal(get(s, 1, DL_SOFTNET_INPUT_QLEN), 0);
	assert_int_equal(get(s, 1, DL_SOFTNET_PROCESS_QLEN), 0);
	assert_int_equal(s->cpu[1].cpu, 1);
	dl_softnet__free(s);

	s = parse_file("proc-net-softnet_stat.15col.kernel-6.18.txt");
	assert_int_equal(get(s, 1, DL_SOFTNET_PROCESSED), 0x008a751e);
	assert_int_equal(get(s, 0, DL_SOFTNET_PROCESSED), 0x1d3b);
	dl_softnet__free(s);
}

static void expect_bad(const char *buf, size_t len)
{
	struct dl_softnet *s = NULL;

	assert_int_equal(dl_softnet__parse(buf, len, "test", &s), -EBADMSG);
	assert_null(s);
}

static void test_truncated(void **state)
{
	size_t len, first;
	char *buf = load_data("proc-net-softnet_stat.15col.kernel-6.18.txt", &len);
	struct dl_softnet *s = NULL;

	(void)state;
	first = strchr(buf, '\n') - buf + 1;
	/* Cut in the middle of the second row: a ragged table. */
	test_log_capture();
	expect_bad(buf, first + 40);
	assert_non_null(strstr(test_log, "test:2:"));
	/* Cut right after a row: one complete CPU, still valid. */
	assert_int_equal(dl_softnet__parse(buf, first, "test", &s), 0);
	assert_int_equal(s->nr_cpus, 1);
	dl_softnet__free(s);
	/* Cut inside the first row: fewer than 9 columns. */
	expect_bad(buf, 30);
	expect_bad(buf, 0);
	free(buf);
}

static void test_garbage(void **state)
{
	size_t len;
	char *buf = load_data("proc-net-softnet_stat.11col.node_exporter.txt", &len);
	static const char junk[] = "\x7f" "ELF\0\0\x01\x02 binary junk\n\xff\xfe";
	struct dl_softnet *s;

	(void)state;
	expect_bad("hello world\n", 12);
	expect_bad(junk, sizeof(junk) - 1);
	expect_bad("\n\n  \n", 5);
	/* A non-hex digit in a real row. */
	buf[12] = 'z';
	expect_bad(buf, len);
	buf[12] = '0';
	/* A NUL byte in a real row. */
	buf[30] = '\0';
	expect_bad(buf, len);
	free(buf);
	/* 17 hex digits do not fit what the kernel prints. */
	expect_bad("00000000000000001 0 0 0 0 0 0 0 0\n", 34);
	assert_int_equal(dl_softnet__parse(NULL, 0, NULL, &s), -EINVAL);
	assert_int_equal(dl_softnet__read("/nonexistent/softnet_stat", &s), -ENOENT);
}

static void test_live(void **state)
{
	struct dl_softnet *s = NULL;

	(void)state;
	/* Every Linux has the file; its format depends on the kernel. */
	assert_int_equal(dl_softnet__read(NULL, &s), 0);
	assert_true(s->nr_cols >= 9);
	assert_true(s->nr_cpus >= 1);
	assert_true(s->cpu[0].have & (1u << DL_SOFTNET_DROPPED));
	dl_softnet__free(s);
}

static void test_wrap(void **state)
{
	uint64_t d = 1;

	(void)state;
	/* softnet values are 32 bits: a smaller reading is a wrap, not a reset. */
	assert_int_equal(dl_counter__delta(0xfffffff0, 0x10, 32, &d), 0);
	assert_int_equal(d, 0x20);
	assert_int_equal(dl_counter__delta(5, 7, 32, &d), 0);
	assert_int_equal(d, 2);
	assert_int_equal(dl_counter__delta(0x100000000ULL, 1, 32, &d), -EINVAL);
	assert_int_equal(dl_counter__delta(1, 1, 0, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_9col),
		cmocka_unit_test(test_10col),
		cmocka_unit_test(test_11col),
		cmocka_unit_test(test_13col),
		cmocka_unit_test(test_15col),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
