// SPDX-License-Identifier: GPL-2.0-only
/*
 * hooks.tsv: the shipped table, the "*" fallback, and the exact
 * "file:line: ..." message for a malformed row.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fastpath/hook.h"

static char why[512];

static void write_tmp(char *path, const char *text)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_shipped_table(void **state)
{
	const char *dir = getenv("DL_CONFIGDIR");
	struct dl_hook_choice c;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/hooks.tsv", dir ? dir : "config");
	assert_int_equal(dl_hook__lookup(path, "veth", &c, why, sizeof(why)), 0);
	assert_int_equal(c.hook, DL_HOOK_TC);
	assert_true(c.tc_qm_raw);
	assert_true(c.from_table);
	assert_string_equal(c.driver, "veth");
	assert_int_equal(dl_hook__lookup(path, "mlx5_core", &c, why, sizeof(why)), 0);
	assert_int_equal(c.hook, DL_HOOK_XDP);
	assert_false(c.tc_qm_raw);
	assert_true(c.from_table);
	assert_string_equal(c.why, "physical NIC drivers run XDP in their RX path");
}

static void test_rows(void **state)
{
	struct dl_hook_choice c;
	char drv[64];

	(void)state;
	assert_int_equal(dl_hook__parse_line("  # comment", drv, sizeof(drv), &c), 0);
	assert_int_equal(dl_hook__parse_line("\r\n", drv, sizeof(drv), &c), 0);
	/* Tab runs are one separator; CR ends the row. */
	assert_int_equal(dl_hook__parse_line("tun\t\ttc\trecorded\twhy\r\n", drv,
					     sizeof(drv), &c), 1);
	assert_string_equal(drv, "tun");
	assert_int_equal(c.hook, DL_HOOK_TC);
	assert_string_equal(c.why, "why");
	assert_int_equal(dl_hook__parse_line("x\txdp", drv, sizeof(drv), &c), -EINVAL);
	assert_int_equal(dl_hook__parse_line("x\tebpf\trecorded", drv, sizeof(drv), &c),
			 -EINVAL);
	assert_int_equal(dl_hook__parse_line("x\ttc\tqueue", drv, sizeof(drv), &c), -EINVAL);
}

static void test_errors(void **state)
{
	char path[] = "/tmp/dl-hooks-XXXXXX", want[600];
	struct dl_hook_choice c;

	(void)state;
	write_tmp(path, "# head\n\nveth\ttc\ttxq\tok\nbad\tline\n*\txdp\trecorded\tx\n");
	assert_int_equal(dl_hook__lookup(path, "mlx5_core", &c, why, sizeof(why)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:4: want driver<TAB>xdp|tc<TAB>txq|recorded<TAB>why", path);
	assert_string_equal(why, want);
	/* The driver's row comes first: the bad line is never read. */
	assert_int_equal(dl_hook__lookup(path, "veth", &c, why, sizeof(why)), 0);
	unlink(path);

	assert_int_equal(dl_hook__lookup(path, "veth", &c, why, sizeof(why)), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(why, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_table),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
