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

#include <arpa/inet.h>

#include "verdict/causes.h"
#include "verdict/verdict.h"
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
	assert_true(dl_causes__count(c) >= 130);
	assert_true(dl_causes__fn_count(c) >= 100);
	assert_true(dl_causes__site_count(c) >= 40);
	dl_causes__lookup(c, "SOCKET_RCVBUFF", &r);
	assert_true(r.from_table);
	assert_string_equal(r.category, "stack");
	assert_string_equal(r.group, "socket");
	assert_non_null(strstr(r.advice, "rmem_max"));
	/*
	 * Reasons in the table unknown to this kernel are older names or
	 * subsystem reasons (tests/data/reasons); count them for the log.
	 */
	kr = dl_reasons__load(NULL);
	for (i = 0; kr && i < dl_causes__count(c); i++) {
		uint32_t v;
		const char *name = dl_causes__rule(c, i)->reason;

		if (dl_reasons__value(kr, name, &v))
			print_message("causes.tsv: %s is not a reason of this kernel\n", name);
	}
	dl_reasons__free(kr);
	/* Every site and expected row names a reason with a row, or "*". */
	for (i = 0; i < dl_causes__site_count(c); i++) {
		const struct dl_cause_site *s = dl_causes__site(c, i);

		dl_causes__lookup(c, s->reason, &r);
		if (strcmp(s->reason, "*") && !r.from_table)
			fail_msg("site row %zu: reason %s has no causes.tsv row", i, s->reason);
		if (dl_verdict__cond(s->when, "lo", NULL, NULL) == -EINVAL)
			fail_msg("site row %zu: condition '%s' has an unknown term", i, s->when);
	}
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
	/* {function}: the location without its offset (was printed literally). */
	ctx.location = "ip6_mc_input+0x1a6";
	dl_causes__render("dropledger explain {function}", &ctx, buf, sizeof(buf));
	assert_string_equal(buf, "dropledger explain ip6_mc_input");
}

static struct dl_flow flow4(const char *src, const char *dst, int l4, int dport)
{
	struct dl_flow f = { .l3proto = htons(0x0800), .l4proto = l4,
			     .dport = htons(dport), .sport = htons(40000) };

	inet_pton(AF_INET, src, &f.saddr[0]);
	inet_pton(AF_INET, dst, &f.daddr[0]);
	return f;
}

static void test_conditions(void **state)
{
	struct dl_flow m = flow4("198.18.0.1", "224.0.0.251", 17, 5353);
	struct dl_flow u = flow4("198.18.0.1", "198.18.0.2", 6, 80);
	struct dl_flow six = { .l3proto = htons(0x86dd), .l4proto = 58 };
	struct dl_flow lldp = { .l3proto = htons(0x88cc) };
	struct dl_flow stp = { .l3proto = htons(0x0026) };

	(void)state;
	inet_pton(AF_INET6, "ff02::16", six.daddr);
	assert_int_equal(dl_verdict__cond("-", "lo", NULL, NULL), 1);
	assert_int_equal(dl_verdict__cond("dst=mcast&dport=5353,1900", NULL, &m, NULL), 1);
	assert_int_equal(dl_verdict__cond("dst=mcast&dport=1900", NULL, &m, NULL), 0);
	assert_int_equal(dl_verdict__cond("dst=224.0.0.251", NULL, &m, NULL), 1);
	assert_int_equal(dl_verdict__cond("dst=llmcast", NULL, &m, NULL), 1);
	assert_int_equal(dl_verdict__cond("dst=v6mcast", NULL, &six, NULL), 1);
	assert_int_equal(dl_verdict__cond("dst=v6mcast", NULL, &u, NULL), 0);
	assert_int_equal(dl_verdict__cond("proto=tcp&dport=80", NULL, &u, NULL), 1);
	assert_int_equal(dl_verdict__cond("ethertype=0x88cc", NULL, &lldp, NULL), 1);
	assert_int_equal(dl_verdict__cond("ethertype=llc", NULL, &stp, NULL), 1);
	assert_int_equal(dl_verdict__cond("ethertype=llc", NULL, &lldp, NULL), 0);
	/* State that cannot be read: unknown, not false. */
	assert_int_equal(dl_verdict__cond("dport=80", NULL, NULL, NULL), -1);
	assert_int_equal(dl_verdict__cond("route=none", NULL, &u, NULL), -1);
	assert_int_equal(dl_verdict__cond("carrier=1", "no-such-dev0", NULL, NULL), -1);
	assert_int_equal(dl_verdict__cond("sysctl:net/no/such=1", "lo", NULL, NULL), -1);
	/* lo always exists in procfs, with carrier 1. */
	assert_int_equal(dl_verdict__cond("carrier=1", "lo", NULL, NULL), 1);
	/* lo is never promiscuous unless someone made it so. */
	assert_int_equal(dl_verdict__cond("promisc=0", "lo", NULL, NULL), 1);
	assert_int_equal(dl_verdict__cond("promisc=1", "no-such-dev0", NULL, NULL), -1);
	assert_int_equal(dl_verdict__cond("sysctl:net/ipv4/conf/{iface}/forwarding=0,1", "lo",
					  NULL, NULL), 1);
	assert_int_equal(dl_verdict__cond("bogus=1", NULL, &u, NULL), -EINVAL);
}

/* The verdict picks the meaning by site and state, or lists the ones left. */
static void test_explain(void **state)
{
	char err[256], s[640], a[1024];
	struct dl_causes *c = dl_causes__load(shipped, err, sizeof(err));
	struct dl_flow m = flow4("198.18.0.1", "198.18.0.255", 17, 137);
	struct dl_flow t = flow4("198.18.0.1", "198.18.9.9", 17, 7000);
	struct dl_flow six = { .l3proto = htons(0x86dd), .l4proto = 58, .sport = htons(143) };
	struct dl_cause_ctx ctx = { .iface = "lo", .flow = "udp 198.18.0.1 -> 198.18.9.9:7000",
				    .dst = "198.18.9.9", .src = "198.18.0.1", .dport = "7000",
				    .location = "ip_forward+0x2c1" };
	struct dl_cause_rule r;

	(void)state;
	assert_non_null(c);
	/* IP_INHDR in ip_forward is the TTL, not a malformed header. */
	assert_int_equal(dl_verdict__explain(c, NULL, "IP_INHDR", "ip_forward", &t, &ctx, &r,
					     s, sizeof(s), a, sizeof(a)), 1);
	assert_non_null(strstr(s, "TTL of udp 198.18.0.1 -> 198.18.9.9:7000 ran out"));
	assert_string_equal(r.category, "stack");
	/* NOT_SPECIFIED in a catalogued function: its meaning, real name. */
	ctx.location = "ip6_mc_input+0x1a6";
	inet_pton(AF_INET6, "ff02::2", six.daddr);
	assert_int_equal(dl_verdict__explain(c, NULL, "NOT_SPECIFIED", "ip6_mc_input", &six,
					     &ctx, &r, s, sizeof(s), a, sizeof(a)), 1);
	assert_string_equal(r.category, "expected");
	/* Broadcast to NetBIOS with nobody listening: background. */
	ctx.location = "__udp4_lib_mcast_deliver+0x10";
	assert_int_equal(dl_verdict__explain(c, NULL, "NOT_SPECIFIED", "__udp4_lib_mcast_deliver",
					     &m, &ctx, &r, s, sizeof(s), a, sizeof(a)), 1);
	assert_string_equal(r.category, "expected");
	/* An uncatalogued function: the advice names it, never "FUNCTION". */
	ctx.location = "some_new_fn+0x10";
	assert_int_equal(dl_verdict__explain(c, NULL, "NOT_SPECIFIED", "some_new_fn", &t,
					     &ctx, &r, s, sizeof(s), a, sizeof(a)), 0);
	assert_non_null(strstr(a, "dropledger explain some_new_fn"));
	assert_null(strstr(a, "FUNCTION"));
	/* QDISC_DROP on lo (carrier 1): a full queue, not a dead link. */
	ctx.location = "__dev_queue_xmit+0x10";
	assert_int_equal(dl_verdict__explain(c, NULL, "QDISC_DROP", "__dev_queue_xmit", &t,
					     &ctx, &r, s, sizeof(s), a, sizeof(a)), 1);
	assert_non_null(strstr(s, "egress queue of lo was full"));
	/* A site the table has no row for: the meanings that remain are listed. */
	ctx.location = "other_fn+0x1";
	assert_int_equal(dl_verdict__explain(c, NULL, "IP_INHDR", "other_fn", &t, &ctx, &r,
					     s, sizeof(s), a, sizeof(a)), 0);
	assert_non_null(strstr(s, "IP_INHDR has 4 meanings"));
	assert_non_null(strstr(s, "[ip_forward] TTL"));
	dl_causes__free(c);
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
	expect_error("# c\nNO_SOCKET\tstack\tsocket\tsummary\n", ":2: expected 6 tab-separated fields");
	expect_error("NO_SOCKET\tdisk\tsocket\ts\ta\t-\n", ":1: unknown category 'disk'");
	expect_error("\n\nNO_SOCKET\tstack\tsockets\ts\ta\t-\n", ":3: unknown group 'sockets'");
	expect_error("NO_SOCKET\tstack\tsocket\ts\ta\t-\textra\n", ":1: more than 6 fields");
	expect_error("NO_SOCKET\tstack\tsocket\t\ta\t-\n", ":1: field 4 is empty");
	/* Silent before: an empty table, and placeholders render cannot fill. */
	expect_error("# only comments\n\n", "no causes in the table");
	expect_error("", "no causes in the table");
	expect_error("NO_SOCKET\tstack\tsocket\tport {port}\ta\t-\n", ":1: unknown placeholder '{port}'");
	expect_error("# c\nNO_SOCKET\tstack\tsocket\ts\tsee {dport} and {flw}\t-\n",
		     ":2: unknown placeholder '{flw}'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_table),
		cmocka_unit_test(test_fallback_from_name),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_explain),
	};
	const char *dir = getenv("DL_CONFIGDIR");

	snprintf(shipped, sizeof(shipped), "%s/causes.tsv", dir ? dir : "config");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
