// SPDX-License-Identifier: GPL-2.0-only
/*
 * MIB counter parser on real /proc/net/snmp, /proc/net/netstat and
 * /proc/net/snmp6 copies: lookups by (group, name), counters a kernel does
 * not print are absent, and cut or garbled files are refused whole.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counters/snmp.h"
#include "test_util.h"

static struct dl_snmp *load(const char *const *names)
{
	struct dl_snmp *t = NULL;

	assert_int_equal(dl_snmp__new(&t), 0);
	for (; *names; names++)
		assert_int_equal(dl_snmp__load(t, data_path(*names)), 0);
	return t;
}

static uint64_t get(const struct dl_snmp *t, const char *group, const char *name)
{
	uint64_t v = 0;

	assert_int_equal(dl_snmp__get(t, group, name, &v), 0);
	return v;
}

static void test_snmp_procfs(void **state)
{
	struct dl_snmp *t = load((const char *[]){ "proc-net-snmp.procfs.txt", NULL });
	uint64_t v;

	(void)state;
	assert_int_equal(get(t, "Ip", "InReceives"), 594223);
	assert_int_equal(get(t, "Ip", "InAddrErrors"), 1);
	assert_int_equal(get(t, "Ip", "InUnknownProtos"), 0);
	assert_int_equal(get(t, "Ip", "OutNoRoutes"), 231);
	assert_int_equal(get(t, "Udp", "InDatagrams"), 10179);
	assert_int_equal(get(t, "Udp", "NoPorts"), 50);
	assert_int_equal(get(t, "Udp", "InErrors"), 0);
	assert_int_equal(get(t, "Udp", "RcvbufErrors"), 0);
	assert_int_equal(get(t, "Udp", "IgnoredMulti"), 58);
	assert_int_equal(get(t, "IcmpMsg", "OutType3"), 50);
	/* MaxConn is -1: stored as two's complement. */
	assert_int_equal((int64_t)get(t, "Tcp", "MaxConn"), -1);
	/* UdpLite has the same names: the group keeps them apart. */
	assert_int_equal(get(t, "UdpLite", "NoPorts"), 0);
	/* Udp MemErrors and Ip OutTransmits came later: absent, not 0. */
	assert_int_equal(dl_snmp__get(t, "Udp", "MemErrors", &v), -ENOENT);
	assert_int_equal(dl_snmp__get(t, "Ip", "OutTransmits", &v), -ENOENT);
	assert_int_equal(dl_snmp__get(t, "Nope", "InReceives", &v), -ENOENT);
	dl_snmp__free(t);
}

static void test_snmp_old_and_new(void **state)
{
	struct dl_snmp *t = load((const char *[]){ "proc-net-snmp.netutils-linux.txt", NULL });
	uint64_t v;

	(void)state;
	assert_int_equal(get(t, "Udp", "NoPorts"), 14809371);
	assert_int_equal(get(t, "Udp", "InErrors"), 76);
	assert_int_equal(dl_snmp__get(t, "Udp", "InCsumErrors", &v), -ENOENT);
	dl_snmp__free(t);

	t = load((const char *[]){ "proc-net-snmp.kernel-2.6.32.pcp.txt", NULL });
	assert_int_equal(get(t, "Udp", "InDatagrams"), 76584);
	dl_snmp__free(t);

	t = load((const char *[]){ "proc-net-snmp.kernel-6.18.txt", NULL });
	assert_int_equal(get(t, "Ip", "OutTransmits"), 0);
	assert_int_equal(get(t, "Udp", "MemErrors"), 0);
	assert_int_equal(get(t, "Icmp", "OutRateLimitHost"), 0);
	dl_snmp__free(t);

	/* Lab capture: 7 UDP datagrams to a closed port. */
	t = load((const char *[]){ "proc-net-snmp.udp-noports.kernel-6.18.txt", NULL });
	assert_int_equal(get(t, "Udp", "NoPorts"), 7);
	assert_int_equal(get(t, "Udp", "InDatagrams"), 0);
	dl_snmp__free(t);
}

static void test_netstat(void **state)
{
	struct dl_snmp *t = load((const char *[]){
		"proc-net-snmp.procfs.txt", "proc-net-netstat.kernel-4.15.14.pcp.txt", NULL });
	uint64_t v;

	(void)state;
	/* Both files in one table: Udp from snmp, TcpExt/IpExt from netstat. */
	assert_int_equal(get(t, "Udp", "NoPorts"), 50);
	assert_int_equal(get(t, "TcpExt", "IPReversePathFilter"), 84960);
	assert_int_equal(get(t, "TcpExt", "ListenDrops"), 90);
	assert_int_equal(get(t, "IpExt", "InNoRoutes"), 0);
	assert_int_equal(get(t, "IpExt", "InMcastPkts"), 241157);
	/* Group NULL: the first group that has the name. */
	assert_int_equal(dl_snmp__get(t, NULL, "IPReversePathFilter", &v), 0);
	assert_int_equal(v, 84960);
	assert_int_equal(dl_snmp__get(t, "Ip", "InNoRoutes", &v), -ENOENT);
	dl_snmp__free(t);

	t = load((const char *[]){ "proc-net-netstat.procfs.txt", NULL });
	assert_int_equal(get(t, "TcpExt", "TCPBacklogDrop"), 6);
	dl_snmp__free(t);

	t = load((const char *[]){ "proc-net-netstat.mptcpext-38.eminence-procfs.txt", NULL });
	assert_int_equal(get(t, "MPTcpExt", "SubflowRecover"), 0);
	dl_snmp__free(t);

	/* 6.18's TcpExt header line ends in a blank. */
	t = load((const char *[]){ "proc-net-netstat.kernel-6.18.txt", NULL });
	assert_int_equal(get(t, "TcpExt", "IPReversePathFilter"), 0);
	dl_snmp__free(t);
}

static void test_snmp6(void **state)
{
	/* Lab capture: 4 UDP datagrams to a closed port over IPv6. */
	struct dl_snmp *t = load((const char *[]){ "proc-net-snmp6.kernel-6.18.txt", NULL });
	uint64_t v;

	(void)state;
	assert_int_equal(get(t, "Udp6", "NoPorts"), 4);
	assert_int_equal(get(t, "Udp6", "InErrors"), 0);
	assert_int_equal(get(t, "Ip6", "InReceives"), 14);
	assert_int_equal(get(t, "Icmp6", "InMsgs"), 4);
	assert_int_equal(get(t, "UdpLite6", "InDatagrams"), 0);
	assert_int_equal(dl_snmp__get(t, "Udp", "NoPorts", &v), -ENOENT);
	dl_snmp__free(t);
}

static void expect_bad(struct dl_snmp *t, const char *buf, size_t len)
{
	size_t before = dl_snmp__count(t);

	assert_int_equal(dl_snmp__parse(t, buf, len, "test"), -EBADMSG);
	/* Nothing of a refused input stays in the table. */
	assert_int_equal(dl_snmp__count(t), before);
}

static void test_bad(void **state)
{
	struct dl_snmp *t = NULL;
	size_t len, cut;
	char *buf = load_data("proc-net-snmp.procfs.txt", &len);
	static const char junk[] = "\x01\x02\x03garbage\0\xff\n";
	char *p;

	(void)state;
	assert_int_equal(dl_snmp__new(&t), 0);
	/* A header without its value line (file cut after line 1). */
	cut = strchr(buf, '\n') - buf + 1;
	test_log_capture();
	expect_bad(t, buf, cut);
	assert_non_null(strstr(test_log, "test:"));
	/* The value line cut in the middle: fewer values than names. */
	expect_bad(t, buf, cut + 20);
	/* Cut after a complete pair, then the next header alone. */
	cut = strstr(buf, "Icmp: 45") - buf;
	cut += strchr(buf + cut, '\n') - (buf + cut) + 1;
	expect_bad(t, buf, cut + 10);
	/* A letter in a value. */
	p = strstr(buf, "594223");
	*p = 'x';
	expect_bad(t, buf, len);
	*p = '5';
	expect_bad(t, "hello world\n", 12);
	expect_bad(t, junk, sizeof(junk) - 1);
	expect_bad(t, "", 0);
	/* Values before their header: a file cut at the top. */
	p = strstr(buf, "Ip: 2 64");
	expect_bad(t, p, len - (p - buf));
	/* The good file still parses into the same table afterwards. */
	assert_int_equal(dl_snmp__parse(t, buf, len, "test"), 0);
	assert_true(dl_snmp__count(t) > 50);
	free(buf);
	dl_snmp__free(t);
	assert_int_equal(dl_snmp__load(NULL, "x"), -EINVAL);
}

static void test_live(void **state)
{
	struct dl_snmp *t = NULL;
	const char *g, *n;
	uint64_t v;

	(void)state;
	assert_int_equal(dl_snmp__read_proc(&t), 0);
	assert_int_equal(dl_snmp__get(t, "Udp", "RcvbufErrors", &v), 0);
	assert_int_equal(dl_snmp__entry(t, 0, &g, &n, &v), 0);
	assert_string_equal(g, "Ip");
	assert_int_equal(dl_snmp__entry(t, dl_snmp__count(t), &g, &n, &v), -ENOENT);
	dl_snmp__free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snmp_procfs),
		cmocka_unit_test(test_snmp_old_and_new),
		cmocka_unit_test(test_netstat),
		cmocka_unit_test(test_snmp6),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
