// SPDX-License-Identifier: GPL-2.0-only
/*
 * /proc/net/igmp, /proc/net/route and /proc/net/arp parsers on captures from
 * the lab (tests/data/SOURCES.md): memberships per interface including a
 * 15-character name touching the colon, longest-prefix route lookup, FAILED
 * neighbour entries; garbage is counted as malformed, never a crash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "verdict/proc_ipv4.h"
#include "test_util.h"

static struct in_addr A(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static void test_igmp_sample(void **state)
{
	struct dl_igmp_group *g;
	unsigned int bad = 99;
	size_t n, len, i, on_v1b = 0, on_long = 0, on_v0b = 0;
	char *buf = load_data("proc-net-igmp.kernel-6.18.txt", &len);

	(void)state;
	assert_int_equal(dl_igmp__parse(buf, len, &g, &n, &bad), 0);
	assert_int_equal(bad, 0);
	/* lo 1, v0b 1, v1b 2, lngpeer 1, abcdefghijklmno 3. */
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++) {
		if (!strcmp(g[i].ifname, "v1b")) {
			assert_int_equal(g[i].ifindex, 3);
			on_v1b += g[i].group.s_addr == A("239.1.2.3").s_addr;
		}
		if (!strcmp(g[i].ifname, "abcdefghijklmno")) {
			assert_int_equal(g[i].ifindex, 5);
			on_long += g[i].group.s_addr == A("239.255.0.9").s_addr;
			on_long += g[i].group.s_addr == A("239.1.2.3").s_addr;
		}
		if (!strcmp(g[i].ifname, "v0b")) {
			assert_int_equal(g[i].group.s_addr, A("224.0.0.1").s_addr);
			assert_int_equal(g[i].users, 1);
			on_v0b++;
		}
	}
	assert_int_equal(on_v1b, 1);
	assert_int_equal(on_long, 2);
	assert_int_equal(on_v0b, 1);
	free(g);
	free(buf);
}

static void test_igmp_garbage(void **state)
{
	/* A group before any device, a bad device line and its orphan group,
	 * a bad hex group, then one good device with one good group (no
	 * final newline).
	 */
	static const char text[] =
		"Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n"
		"\t\t\t\t030201EF     1 0:00000000\t\t0\n"
		"x\tbroken\n"
		"\t\t\t\t010000E0     1 0:00000000\t\t0\n"
		"7\teth1      :     2      V2\n"
		"\t\t\t\tZZZZ     1 0:00000000\t\t0\n"
		"\t\t\t\t250100E0     2 0:00000000\t\t0";
	struct dl_igmp_group *g;
	unsigned int bad;
	size_t n;

	(void)state;
	assert_int_equal(dl_igmp__parse(text, sizeof(text) - 1, &g, &n, &bad), 0);
	assert_int_equal(bad, 4);
	assert_int_equal(n, 1);
	assert_string_equal(g[0].ifname, "eth1");
	assert_int_equal(g[0].ifindex, 7);
	assert_int_equal(g[0].group.s_addr, A("224.0.1.37").s_addr);
	assert_int_equal(g[0].users, 2);
	free(g);

	assert_int_equal(dl_igmp__parse("", 0, &g, &n, &bad), 0);
	assert_int_equal(n, 0);
	assert_null(g);
	assert_int_equal(dl_igmp__parse(NULL, 0, &g, &n, &bad), -EINVAL);
}

static void test_route_sample(void **state)
{
	const struct dl_route4 *r;
	struct dl_route4 *rt;
	unsigned int bad;
	size_t n, len;
	char *buf = load_data("proc-net-route.kernel-6.18.txt", &len);

	(void)state;
	assert_int_equal(dl_route4__parse(buf, len, &rt, &n, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 5);

	r = dl_route4__lookup(rt, n, A("198.19.5.1"));
	assert_non_null(r);
	assert_string_equal(r->ifname, "v1b");
	assert_int_equal(r->plen, 24);
	assert_int_equal(r->gw.s_addr, A("198.18.1.1").s_addr);

	r = dl_route4__lookup(rt, n, A("198.18.0.77"));
	assert_non_null(r);
	assert_string_equal(r->ifname, "v0b");
	assert_int_equal(r->gw.s_addr, 0);

	r = dl_route4__lookup(rt, n, A("239.1.2.3"));
	assert_non_null(r);
	assert_int_equal(r->plen, 0);
	assert_string_equal(r->ifname, "v1b");

	r = dl_route4__lookup(rt, n, A("198.19.9.200"));
	assert_non_null(r);
	assert_string_equal(r->ifname, "abcdefghijklmno");

	/* A route that is not up never matches; without the default: none. */
	rt[0].flags &= ~1u;
	r = dl_route4__lookup(rt, n, A("8.8.8.8"));
	assert_null(r);
	free(rt);
	free(buf);
}

static void test_route_metric_and_garbage(void **state)
{
	static const char text[] =
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
		"eth0\t0000000A\t00000000\t0001\t0\t0\t100\t000000FF\t0\t0\t0\n"
		"eth1\t0000000A\t0100000A\t0003\t0\t0\t10\t000000FF\t0\t0\t0\n"
		"eth2\t0000000A\n"
		"eth3\tXYZ\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n";
	const struct dl_route4 *r;
	struct dl_route4 *rt;
	unsigned int bad;
	size_t n;

	(void)state;
	assert_int_equal(dl_route4__parse(text, sizeof(text) - 1, &rt, &n, &bad), 0);
	assert_int_equal(n, 2);
	assert_int_equal(bad, 2);
	/* Same prefix: the lower metric wins. */
	r = dl_route4__lookup(rt, n, A("10.9.9.9"));
	assert_non_null(r);
	assert_string_equal(r->ifname, "eth1");
	assert_int_equal(r->plen, 8);
	free(rt);
}

static void test_arp_sample(void **state)
{
	static const char garbage[] =
		"IP address HW type\n300.1.1.1 0x1 0x2 aa * eth0\n"
		"1.2.3.4 1 0x2 aa * eth0\n1.2.3.4 0x1\n";
	struct dl_arp_entry *e;
	unsigned int bad;
	size_t n, len, i, failed = 0;
	char *buf = load_data("proc-net-arp.neigh-failed.kernel-6.18.txt", &len);

	(void)state;
	assert_int_equal(dl_arp__parse(buf, len, &e, &n, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		if (e[i].addr.s_addr == A("198.18.0.77").s_addr) {
			assert_int_equal(e[i].flags, 0);
			assert_string_equal(e[i].ifname, "v0a");
			failed++;
		} else {
			assert_int_equal(e[i].flags, 0x6);
		}
		if (e[i].addr.s_addr == A("198.18.0.2").s_addr)
			assert_string_equal(e[i].lladdr, "02:d1:00:00:00:0b");
	}
	assert_int_equal(failed, 1);
	free(e);
	free(buf);

	/* A bad address, a type without "0x", a short line. */
	assert_int_equal(dl_arp__parse(garbage, sizeof(garbage) - 1, &e, &n, &bad), 0);
	assert_int_equal(n, 0);
	assert_int_equal(bad, 3);
	free(e);
}

/* A UDP socket on 127.0.0.1:9000 and one on 0.0.0.0:9002; a TCP listener on 127.0.0.1:9001. */
static void test_sock_sample(void **state)
{
	static const char garbage[] =
		"  sl  local_address rem_address   st\n"
		"0: 0100007F 00000000:0000 07\n0: 0100007F:1FFFF 00000000:0000 07\n"
		"0: 0100007F:2328 00000000:0000 7G\n0: 0100007F:2328\n";
	struct dl_sock4 *k;
	unsigned int bad;
	size_t n, len;
	char *buf = load_data("proc-net-udp.bound-loopback.kernel-6.18.txt", &len);

	(void)state;
	assert_int_equal(dl_sock4__parse(buf, len, &k, &n, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 2);
	assert_int_equal(k[0].addr.s_addr, A("127.0.0.1").s_addr);
	assert_int_equal(k[0].port, 9000);
	assert_int_equal(k[0].state, 0x07);
	assert_int_equal(k[1].addr.s_addr, 0);
	assert_int_equal(k[1].port, 9002);
	free(k);
	free(buf);

	buf = load_data("proc-net-tcp.bound-loopback.kernel-6.18.txt", &len);
	assert_int_equal(dl_sock4__parse(buf, len, &k, &n, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 3);
	assert_int_equal(k[0].port, 9001);
	assert_int_equal(k[0].state, 0x0A);
	assert_int_equal(k[1].state, 0x01);	/* the connected client */
	free(k);
	free(buf);

	/* An /proc/net/udp6 row: some IPv6 address, port 7001. */
	{
		static const char v6[] = "  sl  local_address                         remote_address                        st\n"
			"  1: 00000000000000000000000000000000:1B59 00000000000000000000000000000000:0000 07 0\n"
			"  2: 0000000000000000000000000000000G:1B59 00000000000000000000000000000000:0000 07 0\n";

		assert_int_equal(dl_sock4__parse(v6, sizeof(v6) - 1, &k, &n, &bad), 0);
		assert_int_equal(n, 1);
		assert_int_equal(bad, 1);
		assert_true(k[0].v6);
		assert_int_equal(k[0].port, 7001);
		free(k);
	}

	/* No port, a port beyond 16 bits, a bad state, a short line. */
	assert_int_equal(dl_sock4__parse(garbage, sizeof(garbage) - 1, &k, &n, &bad), 0);
	assert_int_equal(n, 0);
	assert_int_equal(bad, 4);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_igmp_sample),
		cmocka_unit_test(test_igmp_garbage),
		cmocka_unit_test(test_route_sample),
		cmocka_unit_test(test_route_metric_and_garbage),
		cmocka_unit_test(test_arp_sample),
		cmocka_unit_test(test_sock_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
