// SPDX-License-Identifier: GPL-2.0-only
/*
 * The option table parser (util/params.h): every value type, numbers
 * refused one way (NaN, infinity, hex, sign, trailing text, range), --no-X
 * after a config file, repeatable flags, positionals, and help generated
 * from the table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/params.h"

struct t_opts {
	struct dl_common_opts c;
	bool flag;
	bool on;		/* default true: --no-on */
	const char *path;
	double secs;
	double factor;
	uint8_t u8;
	uint16_t u16;
	unsigned int ring;
	unsigned long long big;
	int *cpus, ncpus;
	int mode;
	const char *names[3];
	unsigned int nnames;
	uint8_t mac[6];
	struct in_addr v4;
	struct in6_addr v6;
};

static const struct dl_param_enum modes[] = {
	{ "fast", 1 }, { "slow", 2 }, { NULL, 0 },
};

static const struct dl_param t_table[] = {
	DL_OPT_FLAG("flag", 'f', struct t_opts, flag, "a flag"),
	DL_OPT_FLAG("on", 0, struct t_opts, on, "on by default"),
	DL_OPT_STRING("path", 'p', struct t_opts, path, "FILE", "a path"),
	DL_OPT_SECONDS("secs", 's', struct t_opts, secs, 0.1, 60, "seconds"),
	DL_OPT_DOUBLE("factor", 0, struct t_opts, factor, 1, 64, "F", "factor above 1",
		      .flags = DL_OPTF_GT_MIN),
	DL_OPT_UINT("u8", 0, struct t_opts, u8, 1, 255, "N", "a byte"),
	DL_OPT_UINT("u16", 0, struct t_opts, u16, 1, 65535, "PORT", "a port"),
	DL_OPT_UINT("ring", 0, struct t_opts, ring, 64, 65536, "N", "a ring",
		    .flags = DL_OPTF_POW2),
	DL_OPT_UINT("big", 0, struct t_opts, big, 0, 1e15, "N", "a big one"),
	DL_OPT_CPULIST("list", 'q', struct t_opts, cpus, ncpus, "LIST", "queues"),
	DL_OPT_ENUM("mode", 'm', struct t_opts, mode, modes, "MODE", "fast or slow"),
	DL_OPT_STRINGS("name", 'N', struct t_opts, names, nnames, "IFACE", "repeatable",
		       .flags = DL_OPTF_IFNAMES),
	DL_OPT_MAC("mac", 0, struct t_opts, mac, "a MAC"),
	DL_OPT_IPV4("v4", 0, struct t_opts, v4, "an IPv4 address"),
	DL_OPT_IPV6("v6", 0, struct t_opts, v6, "an IPv6 address"),
	{}
};

static const struct dl_cmd t_cmd = {
	.name = "tcmd",
	.args = "[options] [ARG]",
	.doc = "A test command.",
	.opts = t_table,
	.common = DL_COMMON_REPORTING,
	.common_off = offsetof(struct t_opts, c),
	.max_args = 1,
	.examples = "dropledger tcmd -i lo -s 1\n",
};

#define SEE "; see 'dropledger tcmd --help'"

static struct dl_params ps;

/* Parse a NULL-terminated list of words after "tcmd" into @o. */
static int run(struct t_opts *o, const char *const *words)
{
	char *argv[64];
	int argc = 0;

	memset(o, 0, sizeof(*o));
	o->on = true;
	o->c.duration = 10;
	argv[argc++] = "tcmd";
	while (*words)
		argv[argc++] = (char *)*words++;
	argv[argc] = NULL;
	dl_params__free(&ps);
	return dl_params__parse(&ps, &t_cmd, o, argc, argv);
}

#define RUN(o, ...) run(o, (const char *const[]){ __VA_ARGS__, NULL })

static void expect_bad(const char *opt, const char *val, const char *want)
{
	struct t_opts o;

	assert_int_equal(RUN(&o, opt, val), -EINVAL);
	if (!strstr(ps.err, want))
		fail_msg("%s %s: error '%s' lacks '%s'", opt, val, ps.err, want);
	free(o.cpus);
}

static void test_types(void **state)
{
	struct t_opts o;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(RUN(&o, "-f", "-p", "/x", "-s", "0.5", "--factor", "1.5",
			     "--u8", "255", "--u16", "65535", "--ring", "4096",
			     "--big", "1000000000000000", "-q", "0-2,5", "-m", "slow",
			     "--mac", "02:0a:FF:00:00:01", "--v4", "198.18.0.1",
			     "--v6", "2001:db8::1", "-i", "lo", "-d", "2.5", "--json",
			     "--ready-file", "/tmp/r", "arg"), 0);
	assert_true(o.flag);
	assert_string_equal(o.path, "/x");
	assert_true(o.secs == 0.5);
	assert_true(o.factor == 1.5);
	assert_int_equal(o.u8, 255);
	assert_int_equal(o.u16, 65535);
	assert_int_equal(o.ring, 4096);
	assert_true(o.big == 1000000000000000ULL);
	assert_int_equal(o.ncpus, 4);
	assert_int_equal(o.cpus[3], 5);
	assert_int_equal(o.mode, 2);
	assert_int_equal(o.mac[0], 0x02);
	assert_int_equal(o.mac[2], 0xff);
	assert_int_equal(o.mac[5], 0x01);
	assert_string_equal(inet_ntop(AF_INET, &o.v4, a, sizeof(a)), "198.18.0.1");
	assert_string_equal(inet_ntop(AF_INET6, &o.v6, a, sizeof(a)), "2001:db8::1");
	assert_string_equal(o.c.ifname, "lo");
	assert_int_equal(o.c.ifindex, 1);
	assert_true(o.c.duration == 2.5);
	assert_true(o.c.json);
	assert_string_equal(o.c.ready_file, "/tmp/r");
	assert_int_equal(ps.nargs, 1);
	assert_true(dl_params__given(&ps, "secs"));
	assert_false(dl_params__given(&ps, "on"));
	free(o.cpus);
	/* --name=value and bundled short options */
	assert_int_equal(RUN(&o, "--secs=3", "-fj"), 0);
	assert_true(o.secs == 3 && o.flag && o.c.json);
}

static void test_numbers(void **state)
{
	static const char *const not_secs[] = {
		"nan", "NaN", "inf", "-inf", "infinity", "0x10", "1e999", "5s", " 5",
		"5 ", "", "-1", "+1", "0", "61", "1,5", ".", "e5", "0.05",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(not_secs) / sizeof(not_secs[0]); i++)
		expect_bad("--secs", not_secs[i], "--secs: '");
	expect_bad("-s", "nan", "-s/--secs: 'nan' is not seconds in 0.1..60");
	expect_bad("--factor", "1", "--factor: '1' is not a number above 1, up to 64");
	expect_bad("--factor", "inf", "is not a number above 1");
	expect_bad("--u8", "256", "'256' is not a whole number 1..255");
	expect_bad("--u8", "0x10", "'0x10' is not a whole number");
	expect_bad("--u8", "-1", "'-1' is not a whole number");
	expect_bad("--u8", "1.0", "'1.0' is not a whole number");
	expect_bad("--u16", "65536", "1..65535");
	expect_bad("--big", "18446744073709551616", "0..1000000000000000");
	expect_bad("--ring", "100", "a power of two");
	expect_bad("--ring", "32", "64..65536");
	expect_bad("-d", "nan", "-d/--duration: 'nan' is not seconds");
	expect_bad("-d", "0x10", "-d/--duration");
	expect_bad("-q", "3-1", "-q/--list: '3-1' is not a list like 0-3,6");
	expect_bad("-m", "medium", "'medium' is not one of fast, slow");
	expect_bad("--mac", "02:00:00:00:00", "not a MAC address");
	expect_bad("--mac", "02:00:00:00:00:001", "not a MAC address");
	expect_bad("--v4", "198.18.0", "not an IPv4 address");
	expect_bad("--v6", "198.18.0.1", "not an IPv6 address");
	expect_bad("-p", "", "'' is not a non-empty value");
	expect_bad("-i", "averyveryverylongname", "at most 15 bytes");
}

static void test_usage_errors(void **state)
{
	struct t_opts o;

	(void)state;
	assert_int_equal(RUN(&o, "--nope"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: unknown option '--nope'" SEE);
	assert_int_equal(RUN(&o, "--nope=3"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: unknown option '--nope'" SEE);
	assert_int_equal(RUN(&o, "-Z"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: unknown option '-Z'" SEE);
	assert_int_equal(RUN(&o, "-s"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: option '-s' needs a value" SEE);
	assert_int_equal(RUN(&o, "--secs"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: option '--secs' needs a value" SEE);
	assert_int_equal(RUN(&o, "--flag=yes"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: option '--flag' takes no value" SEE);
	assert_int_equal(RUN(&o, "a", "b"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: unexpected argument 'b'" SEE);
	assert_int_equal(RUN(&o, "--\x1b[2J"), -EINVAL);
	assert_string_equal(ps.err, "dropledger tcmd: unknown option '--\\x1b[2J'" SEE);
	assert_int_equal(RUN(&o, "-i", "nosuch\xff"), DL_PARAMS_NO_IFACE);
	assert_string_equal(ps.err, "dropledger tcmd: no interface 'nosuch\\xff' in this network namespace");
}

/* -v -v and -vv count; --no-X clears; the last word wins. */
static void test_repeat_and_no(void **state)
{
	struct t_opts o;

	(void)state;
	assert_int_equal(RUN(&o, "-v", "-v"), 0);
	assert_int_equal(o.c.verbose, 2);
	assert_int_equal(RUN(&o, "-vvv", "--verbose"), 0);
	assert_int_equal(o.c.verbose, 4);
	assert_int_equal(RUN(&o, "--no-on"), 0);
	assert_false(o.on);
	assert_int_equal(RUN(&o, "--flag", "--no-flag"), 0);
	assert_false(o.flag);
	assert_int_equal(RUN(&o, "--no-flag", "--flag"), 0);
	assert_true(o.flag);
	assert_int_equal(RUN(&o, "-j", "--no-json"), 0);
	assert_false(o.c.json);
	assert_int_equal(RUN(&o, "-s", "1", "-s", "2"), 0);
	assert_true(o.secs == 2);
	/* a repeatable list keeps every value, up to its size */
	assert_int_equal(RUN(&o, "-N", "a", "--name", "b", "-N", "c"), 0);
	assert_int_equal(o.nnames, 3);
	assert_string_equal(o.names[0], "a");
	assert_string_equal(o.names[2], "c");
	assert_int_equal(RUN(&o, "-N", "a", "-N", "b", "-N", "c", "-N", "d"), -EINVAL);
	assert_non_null(strstr(ps.err, "-N/--name: 'd' is not an interface name of 1..15 bytes, "
				   "at most 3 of them"));
	assert_int_equal(RUN(&o, "-N", "averyveryverylongname"), -EINVAL);
}

static char *write_tmp(const char *text)
{
	static char tmp[32];
	int fd;

	snprintf(tmp, sizeof(tmp), "/tmp/dl-params-XXXXXX");
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return tmp;
}

/* The file fills what the command line left; the command line wins. */
static void test_config(void **state)
{
	const char *f = write_tmp("[tcmd]\njson = true\non = true\nflag = yes\nsecs = 5\n"
				  "path = /from/file\ninterface = lo\nmode = fast\n");
	struct t_opts o;

	(void)state;
	assert_int_equal(RUN(&o, "-c", f, "--no-json", "--no-on", "-s", "1"), 0);
	assert_false(o.c.json);
	assert_false(o.on);
	assert_true(o.flag);
	assert_true(o.secs == 1);
	assert_string_equal(o.path, "/from/file");
	assert_string_equal(o.c.ifname, "lo");
	assert_int_equal(o.c.ifindex, 1);
	assert_int_equal(o.mode, 1);
	unlink(f);
	/* A bad value is an error even where the command line overrides it. */
	f = write_tmp("[tcmd]\nsecs = nan\n");
	assert_int_equal(RUN(&o, "-c", f, "-s", "1"), -EINVAL);
	assert_non_null(strstr(ps.err, ":2: secs: 'nan' is not seconds"));
	unlink(f);
	/* Two errors: the first is named. */
	f = write_tmp("[tcmd]\n\nmode = warp\nsecs = nan\n");
	assert_int_equal(RUN(&o, "-c", f), -EINVAL);
	assert_non_null(strstr(ps.err, ":3: mode: 'warp' is not one of fast, slow"));
	unlink(f);
	assert_int_equal(RUN(&o, "-c", "/tmp"), -EINVAL);
	assert_non_null(strstr(ps.err, "/tmp: is a directory"));
	assert_int_equal(RUN(&o, "-c", "/dev/zero"), -EINVAL);
	assert_non_null(strstr(ps.err, "not a regular file"));
}

static void test_parsers(void **state)
{
	double d;
	uint64_t u;
	bool b;

	(void)state;
	assert_int_equal(dl_parse__double("1e3", 0, 1e4, &d), 0);
	assert_true(d == 1000);
	assert_int_equal(dl_parse__double("-2.5", -3, 0, &d), 0);
	assert_true(d == -2.5);
	assert_int_equal(dl_parse__double("nan", 0, 1, &d), -EINVAL);
	assert_int_equal(dl_parse__double("2", 0, 1, &d), -ERANGE);
	assert_int_equal(dl_parse__u64("18446744073709551615", 0, UINT64_MAX, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(dl_parse__u64("18446744073709551616", 0, UINT64_MAX, &u), -ERANGE);
	assert_int_equal(dl_parse__bool("Off", &b), 0);
	assert_false(b);
	assert_int_equal(dl_parse__bool("maybe", &b), -EINVAL);
}

static void test_escape(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(dl_params__escape("eth0", buf, sizeof(buf)), "eth0");
	assert_string_equal(dl_params__escape("a\x1b[31mb", buf, sizeof(buf)), "a\\x1b[31mb");
	/* valid UTF-8 stays, invalid and C1 controls are escaped */
	assert_string_equal(dl_params__escape("caf\xc3\xa9", buf, sizeof(buf)), "caf\xc3\xa9");
	assert_string_equal(dl_params__escape("x\xc3(", buf, sizeof(buf)), "x\\xc3(");
	assert_string_equal(dl_params__escape("\xc2\x9b", buf, sizeof(buf)), "\\xc2\\x9b");
	assert_string_equal(dl_params__escape("\xc0\xaf", buf, sizeof(buf)), "\\xc0\\xaf");
	assert_string_equal(dl_params__escape("\x7f\n", buf, sizeof(buf)), "\\x7f\\x0a");
	assert_string_equal(dl_params__escape("abcdef", buf, 4), "abc");
	assert_string_equal(dl_params__escape("\x01\x02", buf, 6), "\\x01");
}

static void test_help(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	char *line;

	(void)state;
	assert_non_null(f);
	dl_params__usage(&t_cmd, f);
	fclose(f);
	assert_non_null(strstr(text, "Usage: dropledger tcmd [options] [ARG]\n"));
	assert_non_null(strstr(text, "\nOPTIONS\n"));
	assert_non_null(strstr(text, "\nEXAMPLES\n  dropledger tcmd -i lo -s 1\n"));
	assert_non_null(strstr(text, "\nEXIT CODES\n"));
	assert_non_null(strstr(text, "  -s, --secs SECONDS"));
	assert_non_null(strstr(text, "      --[no-]on"));
	assert_non_null(strstr(text, "  -j, --[no-]json"));
	assert_non_null(strstr(text, "  -c, --config FILE"));
	assert_non_null(strstr(text, "[tcmd] section"));
	assert_non_null(strstr(text, "  -h, --help"));
	assert_null(strstr(text, "ready-file"));
	/* every line fits 80 columns and none ends in a blank */
	for (line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		assert_true(strlen(line) <= 80);
		assert_true(line[strlen(line) - 1] != ' ');
	}
	free(text);
}

static int teardown(void **state)
{
	(void)state;
	dl_params__free(&ps);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_repeat_and_no),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
