// SPDX-License-Identifier: GPL-2.0-only
/* The [report] configuration: the shipped example, and every bad line class. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ledger/report_conf.h"

static void test_example(void **state)
{
	const char *dir = getenv("DL_CONFIGDIR");
	struct dl_report_conf c;
	char path[512], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/dropledger.conf", dir ? dir : "config");
	assert_int_equal(dl_report_conf__load(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.interface, "eth1");
	assert_true(c.duration == 0);
	assert_true(c.interval == 60);
	assert_int_equal(c.json, 1);
	assert_int_equal(c.flows, 1);
	assert_int_equal(c.skb_mode, 0);
	assert_string_equal(c.attach, "libxdp");
}

static void expect_error(const char *text, const char *want)
{
	char tmp[] = "/tmp/dl-conf-XXXXXX", err[256];
	struct dl_report_conf c;
	int fd = mkstemp(tmp);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(dl_report_conf__load(tmp, &c, err, sizeof(err)), -EINVAL);
	unlink(tmp);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
}

static void test_errors(void **state)
{
	struct dl_report_conf c;
	char err[256];

	(void)state;
	expect_error("[report]\nfoo = 1\n", ":2: unknown key 'foo'");
	expect_error("[reprot]\ninterface = eth0\n", ":2: unknown section [reprot]");
	expect_error("interface = eth0\n", ":1: unknown section []");
	expect_error("[report]\n# c\nduration = soon\n", ":3: bad duration 'soon'");
	expect_error("[report]\nduration = -5\n", ":2: bad duration '-5'");
	expect_error("[report]\ninterval = 0.01\n", ":2: bad interval '0.01'");
	expect_error("[report]\njson = maybe\n", ":2: json wants true or false, not 'maybe'");
	expect_error("[report]\nattach = replace\n", ":2: attach wants libxdp or link");
	expect_error("[report]\ninterface = averyveryverylonginterfacename0123\n", ":2: bad interface name");
	expect_error("[report]\nthis line has no equals sign\n", ":2: not a key = value line");
	assert_int_equal(dl_report_conf__load("/nonexistent/x.conf", &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
