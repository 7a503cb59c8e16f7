// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/class/net/IF/statistics reader on a real copy of a veth's directory
 * (tests/data) and on lo: values, a missing file is absent, garbage in a
 * file is refused, bad interface names never reach the filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "counters/sysfs_stats.h"
#include "test_util.h"

#define SAMPLE "sysfs-statistics.veth.kernel-6.18"

static void test_sample(void **state)
{
	struct dl_sysfs_stats st;
	uint64_t v;

	(void)state;
	assert_int_equal(dl_sysfs_stats__read_dir(data_path(SAMPLE), &st), 0);
	assert_int_equal(st.have, (1u << DL_SYSFS__NR) - 1);
	assert_int_equal(dl_sysfs_stats__get(&st, DL_SYSFS_RX_PACKETS, &v), 0);
	assert_int_equal(v, 27);
	assert_int_equal(st.v[DL_SYSFS_RX_BYTES], 2041);
	assert_int_equal(st.v[DL_SYSFS_TX_PACKETS], 25);
	assert_int_equal(st.v[DL_SYSFS_MULTICAST], 0);
	assert_int_equal(st.v[DL_SYSFS_RX_MISSED_ERRORS], 0);
	assert_string_equal(dl_sysfs_stat__name(DL_SYSFS_RX_NOHANDLER), "rx_nohandler");
}

/* A scratch copy of the sample directory we may damage. */
static char *copy_sample(void)
{
	static char tmpl[] = "/tmp/dl-sysfs-XXXXXX";
	char *dir = mkdtemp(strcpy(malloc(sizeof(tmpl)), tmpl));
	char path[PATH_MAX];

	assert_non_null(dir);
	for (int i = 0; i < DL_SYSFS__NR; i++) {
		const char *name = dl_sysfs_stat__name(i);
		char src[PATH_MAX];
		size_t len;
		char *buf;
		int fd;

		snprintf(src, sizeof(src), "%s/%s", SAMPLE, name);
		buf = load_data(src, &len);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, buf, len), (ssize_t)len);
		close(fd);
		free(buf);
	}
	return dir;
}

static void remove_copy(char *dir)
{
	char path[PATH_MAX];

	for (int i = 0; i < DL_SYSFS__NR; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dl_sysfs_stat__name(i));
		unlink(path);
	}
	rmdir(dir);
	free(dir);
}

static void test_missing_and_garbage(void **state)
{
	struct dl_sysfs_stats st;
	char *dir = copy_sample();
	char path[PATH_MAX];
	uint64_t v;
	int fd;

	(void)state;
	/* Older kernels have no rx_nohandler: absent, the rest still read. */
	snprintf(path, sizeof(path), "%s/rx_nohandler", dir);
	unlink(path);
	assert_int_equal(dl_sysfs_stats__read_dir(dir, &st), 0);
	assert_int_equal(dl_sysfs_stats__get(&st, DL_SYSFS_RX_NOHANDLER, &v), -ENOENT);
	assert_int_equal(st.v[DL_SYSFS_RX_PACKETS], 27);
	/* Garbage in a counter file. */
	snprintf(path, sizeof(path), "%s/rx_dropped", dir);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, "12abc\n", 6), 6);
	close(fd);
	test_log_capture();
	assert_int_equal(dl_sysfs_stats__read_dir(dir, &st), -EBADMSG);
	assert_non_null(strstr(test_log, "rx_dropped"));
	/* Empty file (a read cut short). */
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	assert_int_equal(dl_sysfs_stats__read_dir(dir, &st), -EBADMSG);
	remove_copy(dir);
}

static void test_names(void **state)
{
	struct dl_sysfs_stats st;

	(void)state;
	assert_int_equal(dl_sysfs_stats__read("../../etc", &st), -EINVAL);
	assert_int_equal(dl_sysfs_stats__read("..", &st), -EINVAL);
	assert_int_equal(dl_sysfs_stats__read("", &st), -EINVAL);
	assert_int_equal(dl_sysfs_stats__read("averyveryverylongifname", &st), -EINVAL);
	assert_int_equal(dl_sysfs_stats__read("dlc-no-such-if", &st), -ENODEV);
	assert_int_equal(dl_sysfs_stats__read_dir("/nonexistent", &st), -ENODEV);
}

static void test_lo(void **state)
{
	struct dl_sysfs_stats st;

	(void)state;
	assert_int_equal(dl_sysfs_stats__read("lo", &st), 0);
	assert_true(st.have & (1u << DL_SYSFS_RX_PACKETS));
	assert_true(st.have & (1u << DL_SYSFS_RX_MISSED_ERRORS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_missing_and_garbage),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
