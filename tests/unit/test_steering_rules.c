// SPDX-License-Identifier: GPL-2.0-only
/*
 * Steering rules parser: the example file, canonical text, matching, and
 * one test per class of malformed line, each with its exact message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "rss/steering_rules.h"

static char err[512];

static void expect_error(const char *text, const char *msg)
{
	struct dl_steer_rules *rs = (void *)1;

	err[0] = 0;
	assert_int_equal(dl_steer_rules__parse_string("t.rules", text, &rs, err, sizeof(err)),
			 -EINVAL);
	assert_null(rs);
	assert_string_equal(err, msg);
}

static void expect_rule(const char *text, const char *canonical)
{
	struct dl_steer_rule r;
	char buf[DL_STEER_TEXT_MAX];

	assert_int_equal(dl_steer_rule__parse(text, &r, err, sizeof(err)), 0);
	dl_steer_rule__format(&r, buf, sizeof(buf));
	assert_string_equal(buf, canonical);
}

static void test_example_file(void **state)
{
	const char *dir = getenv("DL_CONFIGDIR");
	const struct dl_steer_rule *r;
	struct dl_steer_rules *rs;
	char path[512], buf[DL_STEER_TEXT_MAX];
	static const char *const want[] = {
		"udp dport 5000 -> queue 3",
		"tcp dst 10.0.0.0/8 -> queues 0-3 even",
		"udp src 198.18.0.1 sport 1000-2000 -> queues 1,2",
		"ip6 dst 2001:db8::/32 -> queues 4-7",
		"default -> queues 0-7 even",
	};
	size_t i;

	(void)state;
	snprintf(path, sizeof(path), "%s/steering.rules.example", dir ? dir : "config");
	assert_int_equal(dl_steer_rules__parse_file(path, &rs, err, sizeof(err)), 0);
	assert_int_equal(dl_steer_rules__count(rs), 5);
	for (i = 0; i < 5; i++) {
		r = dl_steer_rules__get(rs, i);
		assert_int_equal(r->index, i + 1);
		dl_steer_rule__format(r, buf, sizeof(buf));
		assert_string_equal(buf, want[i]);
	}
	r = dl_steer_rules__get(rs, 0);
	assert_int_equal(r->line, 20);
	assert_int_equal(r->proto, DL_STEER_UDP);
	assert_true(r->dport.set);
	assert_int_equal(r->dport.lo, 5000);
	assert_false(r->sport.set);
	assert_int_equal(r->queues, 1ull << 3);
	r = dl_steer_rules__default(rs);
	assert_non_null(r);
	assert_int_equal(r->index, 5);
	assert_int_equal(r->queues, 0xff);
	assert_true(r->even);
	assert_null(dl_steer_rules__get(rs, 5));
	dl_steer_rules__free(rs);
}

static void test_canonical(void **state)
{
	(void)state;
	expect_rule("udp   dport 5000->queue 3   ", "udp dport 5000 -> queue 3");
	expect_rule("tcp sport 80 dst 10.1.0.0/16 src 192.0.2.0/24 -> queues 0,1,2,5 even",
		    "tcp src 192.0.2.0/24 dst 10.1.0.0/16 sport 80 -> queues 0-2,5 even");
	expect_rule("any -> queues 7", "any -> queue 7");
	expect_rule("icmp dst 2001:db8::1 -> queues 3 even", "icmp dst 2001:db8::1 -> queues 3 even");
	expect_rule("ip src 0.0.0.0/0 -> queues 0-63", "ip src 0.0.0.0/0 -> queues 0-63");
	expect_rule("udp dport 0-65535 -> queues 1,2,4,5", "udp dport 0-65535 -> queues 1,2,4,5");
	expect_rule("default->queues 0-1", "default -> queues 0,1");
}

static void flow4(struct dl_flow *f, __u8 l4, const char *s, const char *d,
		  __u16 sp, __u16 dp)
{
	memset(f, 0, sizeof(*f));
	f->l3proto = htons(0x0800);
	f->l4proto = l4;
	inet_pton(AF_INET, s, &f->saddr[0]);
	inet_pton(AF_INET, d, &f->daddr[0]);
	f->sport = htons(sp);
	f->dport = htons(dp);
}

static void test_match(void **state)
{
	const char *text =
		"udp dport 5000 -> queue 3\n"
		"tcp dst 10.0.0.0/8 -> queues 0-3 even\n"
		"udp src 198.18.0.1 sport 1000-2000 -> queues 1,2\n"
		"icmp -> queue 5\n"
		"ip6 dst 2001:db8::/32 -> queues 4-7\n"
		"default -> queues 0-7 even\n";
	struct dl_steer_rules *rs;
	struct dl_flow f;

	(void)state;
	assert_int_equal(dl_steer_rules__parse_string("m", text, &rs, err, sizeof(err)), 0);
	flow4(&f, IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 1500, 5000);
	/* First match wins: rule 1, although rule 3 also matches. */
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 1);
	f.dport = htons(5001);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 3);
	f.sport = htons(2001);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 6);
	flow4(&f, IPPROTO_TCP, "198.18.0.1", "10.200.0.1", 1, 2);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 2);
	flow4(&f, IPPROTO_TCP, "198.18.0.1", "11.0.0.1", 1, 2);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 6);
	/* A later fragment has no ports: port rules do not claim it. */
	flow4(&f, IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 0, 0);
	f.frag = 1;
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 6);
	flow4(&f, IPPROTO_ICMP, "198.18.0.1", "198.18.0.2", 8, 0);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 4);

	memset(&f, 0, sizeof(f));
	f.l3proto = htons(0x86DD);
	f.l4proto = IPPROTO_ICMPV6;
	inet_pton(AF_INET6, "2001:db8:1::5", f.daddr);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 4);
	f.l4proto = IPPROTO_TCP;
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 5);
	inet_pton(AF_INET6, "2001:db9::5", f.daddr);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 6);
	/* IPv4 prefix never matches an IPv6 flow whose word 0 happens to fit. */
	f.daddr[0] = htonl(0x0a000001);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 6);
	/* Non-IP only matches 'any' (or default). */
	memset(&f, 0, sizeof(f));
	f.l3proto = htons(0x88CC);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 6);
	dl_steer_rules__free(rs);

	assert_int_equal(dl_steer_rules__parse_string("m", "udp -> queue 1\nany -> queue 2\n",
						      &rs, err, sizeof(err)), 0);
	assert_int_equal(dl_steer_rules__lookup(rs, &f)->index, 2);
	assert_null(dl_steer_rules__default(rs));
	dl_steer_rules__free(rs);
	assert_int_equal(dl_steer_rules__parse_string("m", "udp -> queue 1\n", &rs, err,
						      sizeof(err)), 0);
	assert_null(dl_steer_rules__lookup(rs, &f));
	dl_steer_rules__free(rs);
}

static void test_comments_and_blanks(void **state)
{
	struct dl_steer_rules *rs;

	(void)state;
	assert_int_equal(dl_steer_rules__parse_string("c",
		"# only a comment\n\n   \t\nudp dport 53 -> queue 1 # DNS\r\n\n", &rs, err,
		sizeof(err)), 0);
	assert_int_equal(dl_steer_rules__count(rs), 1);
	assert_int_equal(dl_steer_rules__get(rs, 0)->line, 4);
	dl_steer_rules__free(rs);
	assert_int_equal(dl_steer_rules__parse_string("c", "", &rs, err, sizeof(err)), 0);
	assert_int_equal(dl_steer_rules__count(rs), 0);
	dl_steer_rules__free(rs);
}

static void test_err_unknown_keyword(void **state)
{
	(void)state;
	expect_error("udp dprot 5000 -> queue 3",
		     "t.rules:1: unknown keyword 'dprot' (expected src, dst, sport, dport or ->)");
	expect_error("# c\nsctp dport 1 -> queue 3",
		     "t.rules:2: unknown protocol 'sctp' (expected tcp, udp, icmp, ip, ip6, any or default)");
	expect_error("udp dport 1 -> qeue 3",
		     "t.rules:1: unknown action 'qeue' (expected 'queue N' or 'queues LIST')");
	expect_error("udp dport -> queue 3", "t.rules:1: missing value after 'dport'");
	expect_error("icmp dport 7 -> queue 3", "t.rules:1: 'dport' needs tcp or udp, not icmp");
	expect_error("udp dport 1 dport 2 -> queue 3", "t.rules:1: 'dport' given twice");
	expect_error("default udp -> queue 3",
		     "t.rules:1: 'default' takes no match fields, found 'udp'");
}

static void test_err_bad_cidr(void **state)
{
	(void)state;
	expect_error("tcp dst 10.0.0.0/33 -> queue 1",
		     "t.rules:1: bad dst address '10.0.0.0/33': prefix length must be 0-32");
	expect_error("tcp src 10.0.0.256 -> queue 1", "t.rules:1: bad src address '10.0.0.256'");
	expect_error("tcp dst 10.0.0.1/8 -> queue 1",
		     "t.rules:1: bad dst address '10.0.0.1/8': host bits set (did you mean 10.0.0.0/8?)");
	expect_error("tcp dst 2001:db8::/129 -> queue 1",
		     "t.rules:1: bad dst address '2001:db8::/129': prefix length must be 0-128");
	expect_error("tcp dst 10.0.0.0/ -> queue 1",
		     "t.rules:1: bad dst address '10.0.0.0/': prefix length must be 0-32");
	expect_error("tcp src 10.0.0.1 dst 2001:db8::1 -> queue 1",
		     "t.rules:1: address '2001:db8::1' is IPv6 but the rule is IPv4");
	expect_error("ip6 src 10.0.0.1 -> queue 1",
		     "t.rules:1: address '10.0.0.1' is IPv4 but the rule is IPv6");
}

static void test_err_bad_port(void **state)
{
	(void)state;
	expect_error("udp dport 70000 -> queue 1",
		     "t.rules:1: bad dport '70000': expected N or N-M (0-65535)");
	expect_error("udp sport 2000-1000 -> queue 1",
		     "t.rules:1: bad sport range '2000-1000': 2000 is above 1000");
	expect_error("udp sport 10- -> queue 1",
		     "t.rules:1: bad sport '10-': expected N or N-M (0-65535)");
	expect_error("udp dport +5 -> queue 1",
		     "t.rules:1: bad dport '+5': expected N or N-M (0-65535)");
	expect_error("udp dport http -> queue 1",
		     "t.rules:1: bad dport 'http': expected N or N-M (0-65535)");
}

static void test_err_missing_arrow(void **state)
{
	(void)state;
	expect_error("udp dport 5000 queue 3", "t.rules:1: missing '->' between match and action");
	expect_error("-> queue 3", "t.rules:1: missing match before '->'");
	expect_error("udp dport 5000 ->",
		     "t.rules:1: missing action after '->' (expected 'queue N' or 'queues LIST')");
}

static void test_err_bad_queue_list(void **state)
{
	(void)state;
	expect_error("udp -> queues 0-",
		     "t.rules:1: bad queue list '0-': expected N, N-M or N,M,...");
	expect_error("udp -> queues 1,,2",
		     "t.rules:1: bad queue list '1,,2': expected N, N-M or N,M,...");
	expect_error("udp -> queues 3-1",
		     "t.rules:1: bad queue list '3-1': range 3-1 runs backwards");
	expect_error("udp -> queues 0-64",
		     "t.rules:1: bad queue list '0-64': queue 64 out of range (0-63)");
	expect_error("udp -> queue 99", "t.rules:1: queue 99 out of range (0-63)");
	expect_error("udp -> queue x", "t.rules:1: bad queue 'x': expected a number (0-63)");
	expect_error("udp -> queues", "t.rules:1: missing queue list after 'queues'");
	expect_error("udp -> queue 3 even",
		     "t.rules:1: 'even' needs 'queues LIST', not a single queue");
}

static void test_err_duplicate_default(void **state)
{
	(void)state;
	expect_error("default -> queue 1\nudp -> queue 2\n\ndefault -> queues 0-3 even\n",
		     "t.rules:4: duplicate default (first on line 1)");
}

static void test_err_trailing(void **state)
{
	(void)state;
	expect_error("udp dport 5000 -> queue 3 please",
		     "t.rules:1: trailing 'please' after the action");
	expect_error("udp -> queues 0-3 even now", "t.rules:1: trailing 'now' after the action");
	expect_error("udp -> queue 1 -> queue 2", "t.rules:1: trailing '->' after the action");
}

static void test_err_too_long(void **state)
{
	char line[700], path[] = "/tmp/dl-steer-XXXXXX", want[600];
	struct dl_steer_rules *rs = NULL;
	FILE *f;
	int fd;

	(void)state;
	/* A long comment is still a too-long line: the limit is on the line. */
	memset(line, 'x', sizeof(line));
	memcpy(line, "udp -> queue 1 #", 16);
	line[sizeof(line) - 1] = 0;
	expect_error(line, "t.rules:1: line too long (max 511 characters)");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fprintf(f, "udp -> queue 1\n%s\n", line);
	fclose(f);
	assert_int_equal(dl_steer_rules__parse_file(path, &rs, err, sizeof(err)), -EINVAL);
	assert_null(rs);
	snprintf(want, sizeof(want), "%s:2: line too long (max 511 characters)", path);
	assert_string_equal(err, want);
	unlink(path);

	assert_int_equal(dl_steer_rules__parse_file(path, &rs, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err, want);
	/* NULL err is allowed. */
	assert_int_equal(dl_steer_rules__parse_string("x", "bogus", &rs, NULL, 0), -EINVAL);
}

/* Write @len bytes of @text to a new temporary file named in @path. */
static void write_tmp(char *path, const char *text, size_t len)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void test_err_file_lines(void **state)
{
	static const char nul[] = "udp -> queue 1\n# c\nudp dport 1\0 -> queue 2\n";
	static const char bad[] = "# c\n\n  # indented\r\nudp -> queue 1\r\ntcp -> qeue 2\n";
	char path[] = "/tmp/dl-steer-XXXXXX", want[600];
	struct dl_steer_rules *rs = NULL;

	(void)state;
	write_tmp(path, nul, sizeof(nul) - 1);
	assert_int_equal(dl_steer_rules__parse_file(path, &rs, err, sizeof(err)), -EINVAL);
	assert_null(rs);
	snprintf(want, sizeof(want), "%s:3: NUL byte in line", path);
	assert_string_equal(err, want);
	unlink(path);

	/* Comments, blank and CRLF lines still count for the line number. */
	strcpy(path, "/tmp/dl-steer-XXXXXX");
	write_tmp(path, bad, sizeof(bad) - 1);
	assert_int_equal(dl_steer_rules__parse_file(path, &rs, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:5: unknown action 'qeue' (expected 'queue N' or 'queues LIST')", path);
	assert_string_equal(err, want);
	unlink(path);
}

static void test_builder(void **state)
{
	struct dl_steer_rules *rs = dl_steer_rules__new("nic");
	struct dl_steer_rule r;

	(void)state;
	assert_non_null(rs);
	assert_string_equal(dl_steer_rules__name(rs), "nic");
	assert_int_equal(dl_steer_rule__parse("default -> queue 0", &r, err, sizeof(err)), 0);
	assert_int_equal(dl_steer_rules__add(rs, &r), 0);
	assert_int_equal(dl_steer_rules__add(rs, &r), -EEXIST);
	assert_int_equal(dl_steer_rule__parse("   ", &r, err, sizeof(err)), -ENODATA);
	dl_steer_rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_file),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_comments_and_blanks),
		cmocka_unit_test(test_err_unknown_keyword),
		cmocka_unit_test(test_err_bad_cidr),
		cmocka_unit_test(test_err_bad_port),
		cmocka_unit_test(test_err_missing_arrow),
		cmocka_unit_test(test_err_bad_queue_list),
		cmocka_unit_test(test_err_duplicate_default),
		cmocka_unit_test(test_err_trailing),
		cmocka_unit_test(test_err_too_long),
		cmocka_unit_test(test_err_file_lines),
		cmocka_unit_test(test_builder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
