// SPDX-License-Identifier: GPL-2.0-only
/*
 * The [report] configuration, read through report's own option table: the
 * shipped example, every bad line class, numbers refused the way the
 * command line refuses them, files that are not small text files, and the
 * first of two errors named.
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

#include "fastpath/ingress.h"
#include "ledger/report_conf.h"

static void test_example(void **state)
{
	const char *dir = getenv("DL_CONFIGDIR");
	struct dl_report_conf c;
	char path[512], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/dropledger.conf", dir ? dir : "config");
	assert_int_equal(dl_report_conf__load(path, &c, err, sizeof(err)), 0);
	assert_string_equal(c.c.ifname, "eth1");
	assert_true(c.c.duration == 0);
	assert_true(c.interval == 60);
	assert_true(c.c.json);
	assert_true(c.flows);
	assert_false(c.skb_mode);
	assert_int_equal(c.attach, DL_ATTACH_LIBXDP);
	dl_report_conf__release(&c);
}

/* Load @text from a temporary file; returns the result, error in @err. */
static int load_text(const char *text, struct dl_report_conf *c, char *err, size_t len)
{
	char tmp[] = "/tmp/dl-conf-XXXXXX";
	int fd = mkstemp(tmp), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = dl_report_conf__load(tmp, c, err, len);
	unlink(tmp);
	return rc;
}

/* Values that outlive the load: strings and lists. */
static void test_values(void **state)
{
	struct dl_report_conf c;
	char err[512];

	(void)state;
	assert_int_equal(load_text("[report]\nfail_on = residual>1%\ncores = 0\nmirror = 8\n"
				   "skew-threshold = 2.5\nflows = off\n", &c, err, sizeof(err)), 0);
	assert_string_equal(c.fail_on, "residual>1%");
	assert_int_equal(c.ncores, 1);
	assert_int_equal(c.cores[0], 0);
	assert_int_equal(c.mirror, 8);
	assert_true(c.skew_threshold == 2.5);
	assert_false(c.flows);
	dl_report_conf__release(&c);
}

static void expect_error(const char *text, const char *want)
{
	struct dl_report_conf c;
	char err[512];

	assert_int_equal(load_text(text, &c, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
	dl_report_conf__release(&c);
}

static void test_errors(void **state)
{
	struct dl_report_conf c;
	char err[512];

	(void)state;
	expect_error("[report]\nfoo = 1\n", ":2: unknown key 'foo'");
	expect_error("[reprot]\ninterface = eth0\n", ":1: unknown section [reprot]");
	expect_error("interface = eth0\n", ":1: key outside a [report] section");
	expect_error("[report]\n# c\nduration = soon\n", ":3: duration: 'soon' is not seconds");
	expect_error("[report]\nduration = -5\n", ":2: duration: '-5' is not seconds in 0..31536000");
	expect_error("[report]\ninterval = 0.01\n", ":2: interval: '0.01' is not seconds in 0.1..");
	expect_error("[report]\njson = maybe\n", ":2: json: 'maybe' is not true or false");
	expect_error("[report]\nattach = replace\n", ":2: attach: 'replace' is not one of libxdp, link");
	expect_error("[report]\ninterface = averyveryverylonginterfacename0123\n",
		     ":2: interface: 'averyveryverylonginterfacename0123' is not an interface name: at most 15 bytes");
	expect_error("[report]\nthis line has no equals sign\n", ":2: not a key = value line");
	expect_error("[report]\nready_file = /tmp/x\n", ":2: unknown key 'ready-file'");
	expect_error("[report]\nconfig = /etc/other\n", ":2: unknown key 'config'");
	assert_int_equal(dl_report_conf__load("/nonexistent/x.conf", &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));
}

/* What the probe found: NaN, infinity and hex were taken as numbers. */
static void test_numbers(void **state)
{
	(void)state;
	expect_error("[report]\nduration = nan\n", ":2: duration: 'nan' is not seconds");
	expect_error("[report]\ninterval = NaN\n", ":2: interval: 'NaN' is not seconds");
	expect_error("[report]\nduration = inf\n", ":2: duration: 'inf' is not seconds");
	expect_error("[report]\nduration = 0x10\n", ":2: duration: '0x10' is not seconds");
	expect_error("[report]\nduration = 5s\n", ":2: duration: '5s' is not seconds");
	expect_error("[report]\nduration = 1e999\n", ":2: duration: '1e999' is not seconds");
	expect_error("[report]\nmirror = 0\n", ":2: mirror: '0' is not a whole number 1..1000000");
	expect_error("[report]\nmirror = -1\n", ":2: mirror: '-1' is not a whole number");
	expect_error("[report]\nskew_threshold = 1\n", ":2: skew-threshold: '1' is not a number above 1, up to 64");
	expect_error("[report]\nskew_threshold = nan\n", ":2: skew-threshold: 'nan' is not a number");
}

/* Two bad lines: the first one is named, with its own message. */
static void test_first_error(void **state)
{
	(void)state;
	expect_error("[report]\nduration = 5\nnot a pair\nfoo = 1\n", ":3: not a key = value line");
	expect_error("[report]\nfoo = 1\nnot a pair\n", ":2: unknown key 'foo'");
	expect_error("[report]\ninterval = nan\nduration = nan\n", ":2: interval");
}

/* Not a small regular file: refused before reading anything. */
static void test_not_a_file(void **state)
{
	struct dl_report_conf c;
	char err[512];

	(void)state;
	assert_int_equal(dl_report_conf__load("/tmp", &c, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "/tmp: is a directory"));
	assert_int_equal(dl_report_conf__load("/dev/zero", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/dev/zero: not a regular file"));
	assert_int_equal(load_text("[report]\n\x01\x02\x00junk", &c, err, sizeof(err)), -EINVAL);
}

/* Escape sequences in the file are never echoed raw. */
static void test_escaped(void **state)
{
	(void)state;
	expect_error("[report]\nfoo\x1b[31m = 1\n", "unknown key 'foo\\x1b[31m'");
	expect_error("[report]\nduration = 1\x1b]0;x\x07\n", "'1\\x1b]0;x\\x07'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_first_error),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
