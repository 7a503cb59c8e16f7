// SPDX-License-Identifier: GPL-2.0-only
/* The causes table (config/causes.tsv): validation, lookup, rendering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "verdict/causes.h"
#include "trace/drop_reasons.h"

static char shipped[512];

static void test_shipped_table(void **state)
{
	char err[256];
	struct dl_causes *c = dl_causes__load(shipped, err, sizeof(err));
	struct dl_cause_rule r;
	struct dl_reasons *kr;
	size_t i;

	(void)state;
	assert_non_null(c);
	assert_true(dl_causes__count(c) >= 40);
	dl_causes__lookup(c, "SOCKET_RCVBUFF", &r);
	assert_true(r.from_table);
	assert_string_equal(r.category, "stack");
	assert_string_equal(r.group, "socket");
	assert_non_null(strstr(r.advice, "rmem_max"));
	/* Every reason in the table exists in this kernel's BTF, when it has one. */
	kr = dl_reasons__load(NULL);
	for (i = 0; kr && i < dl_causes__count(c); i++) {
		uint32_t v;
		const char *name = dl_causes__rule(c, i)->reason;

		if (dl_reasons__value(kr, name, &v))
			fail_msg("causes.tsv names %s, unknown to this kernel", name);
	}
	dl_reasons__free(kr);
	/* functions.tsv: dropping functions name the usual reason. */
	{
		const char *reason, *note;

		assert_int_equal(dl_causes__function(c, "udp_destruct_common+0xb9", &reason, &note), 0);
		assert_string_equal(reason, "SOCKET_CLOSE");
		assert_int_equal(dl_causes__function(c, "ip_rcv_finish", &reason, &note), 0);
		assert_string_equal(reason, "IP_INNOROUTES");
		assert_int_equal(dl_causes__function(c, "no_such_function", &reason, &note), -ENOENT);
	}
	dl_causes__free(c);
}

static void test_fallback_from_name(void **state)
{
	struct dl_cause_rule r;

	(void)state;
	dl_causes__lookup(NULL, "TCP_INVALID_SYN", &r);
	assert_false(r.from_table);
	assert_string_equal(r.group, "tcp");
	dl_causes__lookup(NULL, "NEIGH_HH_FILLFAIL", &r);
	assert_string_equal(r.group, "neighbour");
	dl_causes__lookup(NULL, "SOMETHING_NEW", &r);
	assert_string_equal(r.group, "other");
	assert_string_equal(r.category, "stack");
}

static void test_render(void **state)
{
	struct dl_cause_ctx ctx = { .iface = "eth1", .dport = "9000", .proto = "udp" };
	char buf[64];

	(void)state;
	dl_causes__render("{proto} port {dport} on {iface}, {queue} {unknown}", &ctx,
			  buf, sizeof(buf));
	assert_string_equal(buf, "udp port 9000 on eth1, ? {unknown}");
	dl_causes__render("{iface}{iface}{iface}", &ctx, buf, 8);
	assert_string_equal(buf, "eth1eth");	/* truncated, terminated */
}

static void expect_error(const char *text, const char *want)
{
	char tmp[] = "/tmp/dl-causes-XXXXXX", err[256];
	int fd = mkstemp(tmp);
	struct dl_causes *c;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	c = dl_causes__load(tmp, err, sizeof(err));
	unlink(tmp);
	assert_null(c);
	assert_int_equal(errno, EINVAL);
	if (!strstr(err, want))
		fail_msg("error '%s' lacks '%s'", err, want);
}

static void test_bad_tables(void **state)
{
	(void)state;
	expect_error("# c\nNO_SOCKET\tstack\tsocket\tsummary\n", ":2: expected 5 tab-separated fields");
	expect_error("NO_SOCKET\tdisk\tsocket\ts\ta\n", ":1: unknown category 'disk'");
	expect_error("\n\nNO_SOCKET\tstack\tsockets\ts\ta\n", ":3: unknown group 'sockets'");
	expect_error("NO_SOCKET\tstack\tsocket\ts\ta\textra\n", ":1: more than 5 fields");
	expect_error("NO_SOCKET\tstack\tsocket\t\ta\n", ":1: empty reason, summary or advice");
	/* Silent before: an empty table, and placeholders render cannot fill. */
	expect_error("# only comments\n\n", ":2: no causes in the table");
	expect_error("", ":0: no causes in the table");
	expect_error("NO_SOCKET\tstack\tsocket\tport {port}\ta\n", ":1: unknown placeholder '{port}'");
	expect_error("# c\nNO_SOCKET\tstack\tsocket\ts\tsee {dport} and {flw}\n",
		     ":2: unknown placeholder '{flw}'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_table),
		cmocka_unit_test(test_fallback_from_name),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_bad_tables),
	};
	const char *dir = getenv("DL_CONFIGDIR");

	snprintf(shipped, sizeof(shipped), "%s/causes.tsv", dir ? dir : "config");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
