// SPDX-License-Identifier: GPL-2.0-only
/*
 * Context-based verdicts on hand-built contexts (no root): multicast joined
 * on the wrong interface (seed 000), rp_filter values and the route back,
 * neighbour failures with the next hop, netfilter drops with the port and
 * hook, STP BPDUs as no fault. The tables come from lab captures.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "verdict/verdict_context.h"
#include "test_util.h"

static char S[320], V[640];

static struct in_addr A(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct dl_flow udp(const char *src, unsigned int sport, const char *dst,
			  unsigned int dport)
{
	struct dl_flow f = {
		.l3proto = htons(0x0800), .l4proto = 17,
		.sport = htons(sport), .dport = htons(dport),
	};

	f.saddr[0] = A(src).s_addr;
	f.daddr[0] = A(dst).s_addr;
	return f;
}

#define assert_has(hay, needle) do {					\
	if (!strstr((hay), (needle)))					\
		fail_msg("'%s' not in '%s'", (needle), (hay));		\
} while (0)

static int refine(const struct dl_vctx *ctx, const char *reason, const char *fn,
		  const struct dl_flow *f)
{
	strcpy(S, "untouched");
	strcpy(V, "untouched");
	return dl_vctx__refine(ctx, reason, fn, f, S, sizeof(S), V, sizeof(V));
}

/* Receiver B of the lab: v0b 198.18.0.2/24, v1b 198.18.1.2/24, default via v1b. */
static struct dl_vctx_addr b_addrs[] = {
	{ "lo", { 0 }, 8 }, { "v0b", { 0 }, 24 }, { "v1b", { 0 }, 24 },
};
static struct dl_route4 *b_routes;
static size_t b_nroutes;

static int setup(void **state)
{
	unsigned int bad;
	size_t len;
	char *buf = load_data("proc-net-route.kernel-6.18.txt", &len);

	(void)state;
	b_addrs[0].addr = A("127.0.0.1");
	b_addrs[1].addr = A("198.18.0.2");
	b_addrs[2].addr = A("198.18.1.2");
	if (dl_route4__parse(buf, len, &b_routes, &b_nroutes, &bad) || bad)
		return -1;
	free(buf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(b_routes);
	return 0;
}

static struct dl_vctx b_ctx(void)
{
	return (struct dl_vctx){
		.ifname = "v0b", .ifindex = 2, .rp_filter_all = 1, .rp_filter_dev = 1,
		.unres_qlen_bytes = -1, .addrs = b_addrs, .naddrs = 3,
		.routes = b_routes, .nroutes = b_nroutes, .have_routes = true,
	};
}

static void test_mcast_wrong_interface(void **state)
{
	struct dl_igmp_group g[] = {
		{ 3, "v1b", { 0 }, 1 }, { 2, "v0b", { 0 }, 1 },
	};
	struct dl_flow f = udp("198.18.0.1", 42000, "239.1.2.3", 7002);
	struct dl_vctx ctx = b_ctx();

	(void)state;
	g[0].group = A("239.1.2.3");
	g[1].group = A("224.0.0.1");
	ctx.groups = g;
	ctx.ngroups = 2;
	ctx.have_groups = true;
	/* 6.18 says NOT_SPECIFIED at ip_rcv_finish_core (lab, seed 000). */
	assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "ip_rcv_finish_core", &f), 1);
	assert_has(S, "multicast 239.1.2.3 arrived on v0b but the group is joined on v1b (IP_ADD_MEMBERSHIP with imr_interface=INADDR_ANY picks the default-route interface)");
	assert_has(S, "udp 198.18.0.1:42000 -> 239.1.2.3:7002");
	assert_has(V, "join on the receiving interface: set imr_interface / imr_ifindex to v0b's address (198.18.0.2, index 2)");
	assert_has(V, "ip maddr show dev v0b");
	assert_has(V, "seed 000");
	/* Older kernels name a reason, or drop in the route functions. */
	assert_int_equal(refine(&ctx, "IP_INNOROUTES", "ip_route_input_slow", &f), 1);
	assert_has(S, "joined on v1b");

	/* A route for the group names the interface it picks. */
	{
		struct dl_route4 r[] = { { .ifname = "v1b", .flags = 1, .plen = 8 } };

		r[0].dst = A("239.0.0.0");
		r[0].mask = A("255.0.0.0");
		ctx.routes = r;
		ctx.nroutes = 1;
		assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "ip_rcv_finish_core", &f), 1);
		assert_has(S, "picks the interface of the route to 239.1.2.3: 239.0.0.0/8 dev v1b");
	}
}

static void test_mcast_from_capture(void **state)
{
	struct dl_flow f = udp("198.18.0.1", 42000, "239.1.2.3", 7002);
	struct dl_vctx ctx = b_ctx();
	unsigned int bad;
	size_t len;
	char *buf = load_data("proc-net-igmp.kernel-6.18.txt", &len);

	(void)state;
	assert_int_equal(dl_igmp__parse(buf, len, &ctx.groups, &ctx.ngroups, &bad), 0);
	ctx.have_groups = true;
	assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "ip_rcv_finish_core", &f), 1);
	assert_has(S, "the group is joined on v1b, abcdefghijklmno (");

	/* A group nobody joined. */
	f = udp("198.18.0.1", 42000, "239.9.9.9", 7002);
	assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "ip_rcv_finish_core", &f), 1);
	assert_has(S, "multicast 239.9.9.9 arrived on v0b but no socket on this host joined the group");
	assert_has(V, "imr_interface=198.18.0.2");

	/* Joined on this very interface: a source filter is left. */
	f = udp("198.18.0.1", 42000, "239.1.2.3", 7002);
	snprintf(ctx.ifname, sizeof(ctx.ifname), "v1b");
	ctx.ifindex = 3;
	assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "ip_rcv_finish_core", &f), 1);
	assert_has(S, "is joined on v1b, yet");
	assert_has(V, "/proc/net/mcfilter");

	/* Unicast at the same place, or no membership table: nothing to add. */
	f = udp("198.18.0.1", 42000, "198.18.0.2", 7002);
	assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "ip_rcv_finish_core", &f), 0);
	assert_string_equal(S, "untouched");
	f = udp("198.18.0.1", 42000, "239.1.2.3", 7002);
	ctx.have_groups = false;
	assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "ip_rcv_finish_core", &f), 0);
	assert_string_equal(V, "untouched");
	free(ctx.groups);
	free(buf);
}

static void test_rpfilter(void **state)
{
	struct dl_flow f = udp("198.19.5.1", 41000, "198.18.0.2", 7001);
	struct dl_vctx ctx = b_ctx();

	(void)state;
	assert_int_equal(refine(&ctx, "IP_RPFILTER", "ip_rcv_finish_core", &f), 1);
	assert_has(S, "rp_filter=1 (strict) on v0b via net.ipv4.conf.all.rp_filter=1 and net.ipv4.conf.v0b.rp_filter=1");
	assert_has(S, "the route back to 198.19.5.1 leaves via v1b (198.19.5.0/24 via 198.18.1.1 dev v1b)");
	assert_has(S, "udp 198.19.5.1:41000 -> 198.18.0.2:7001");
	assert_has(V, "set net.ipv4.conf.v0b.rp_filter=2 (loose");
	assert_has(V, "0 needs both net.ipv4.conf.all and conf.v0b at 0");
	assert_has(V, "IPReversePathFilter");

	/* Only the interface's own sysctl set. */
	ctx.rp_filter_all = 0;
	assert_int_equal(refine(&ctx, "IP_RPFILTER", "ip_rcv_finish_core", &f), 1);
	assert_has(S, "rp_filter=1 (strict) on v0b via net.ipv4.conf.v0b.rp_filter=1 (conf.all.rp_filter=0; the larger applies)");

	/* Loose mode drops only what has no route back at all. */
	ctx.rp_filter_all = 2;
	ctx.rp_filter_dev = 0;
	ctx.nroutes = 0;
	assert_int_equal(refine(&ctx, "IP_RPFILTER", "ip_rcv_finish_core", &f), 1);
	assert_has(S, "rp_filter=2 (loose) on v0b via net.ipv4.conf.all.rp_filter=2 (conf.v0b.rp_filter=0; the larger applies), and there is no route back to 198.19.5.1");
	assert_has(V, "add a route to 198.19.5.1");

	/* Without a context it says nothing new. */
	assert_int_equal(refine(NULL, "IP_RPFILTER", "ip_rcv_finish_core", &f), 0);
}

static void test_neigh(void **state)
{
	struct dl_vctx_addr addrs[] = { { "v0a", { 0 }, 24 } };
	struct dl_route4 routes[] = {
		{ .ifname = "v0a", .flags = 1, .plen = 24 },
		{ .ifname = "v0a", .flags = 3, .plen = 0 },
	};
	struct dl_flow f = udp("198.18.0.1", 44000, "198.18.0.77", 7777);
	struct dl_vctx ctx = {
		.ifname = "v0a", .ifindex = 2, .rp_filter_all = 0, .rp_filter_dev = 0,
		.unres_qlen_bytes = 212992, .addrs = addrs, .naddrs = 1,
		.routes = routes, .nroutes = 2, .have_routes = true,
	};
	unsigned int bad;
	size_t len;
	char *buf = load_data("proc-net-arp.neigh-failed.kernel-6.18.txt", &len);

	(void)state;
	addrs[0].addr = A("198.18.0.1");
	routes[0].dst = A("198.18.0.0");
	routes[0].mask = A("255.255.255.0");
	routes[1].gw = A("198.18.0.254");
	assert_int_equal(dl_arp__parse(buf, len, &ctx.neigh, &ctx.nneigh, &bad), 0);
	ctx.have_neigh = true;

	/* 6.18: NEIGH_FAILED at neigh_invalidate, on the sending side. */
	assert_int_equal(refine(&ctx, "NEIGH_FAILED", "neigh_invalidate", &f), 1);
	assert_has(S, "ARP for next hop 198.18.0.77 on v0a got no answer (on-link: v0a has 198.18.0.1/24; neighbour entry unresolved)");
	assert_has(S, "udp 198.18.0.1:44000 -> 198.18.0.77:7777");
	assert_has(V, "arping -I v0a 198.18.0.77");

	assert_int_equal(refine(&ctx, "NEIGH_QUEUEFULL", "__neigh_event_send", &f), 1);
	assert_has(S, "more than unres_qlen_bytes=212992 were queued");
	assert_has(V, "net.ipv4.neigh.v0a.unres_qlen_bytes");

	/* Off-link destination: the next hop is the gateway. */
	f = udp("198.18.0.1", 44000, "10.1.2.3", 53);
	assert_int_equal(refine(&ctx, "NEIGH_FAILED", "neigh_invalidate", &f), 1);
	assert_has(S, "next hop 198.18.0.254, the gateway for 10.1.2.3 (default via 198.18.0.254 dev v0a) on v0a");
	free(ctx.neigh);
	free(buf);
}

static void test_netfilter(void **state)
{
	struct dl_flow f = udp("198.18.0.1", 43000, "198.18.0.2", 7777);
	struct dl_vctx ctx = b_ctx();

	(void)state;
	/* 6.18 with iptables-nft: NETFILTER_DROP at nft_do_chain. */
	assert_int_equal(refine(&ctx, "NETFILTER_DROP", "nft_do_chain", &f), 1);
	assert_has(S, "a netfilter rule dropped udp 198.18.0.1:43000 -> 198.18.0.2:7777 on v0b, for a local address");
	assert_has(S, "iptables INPUT");
	assert_has(S, "nftables");
	assert_has(V, "matching udp port 7777: nft -a list ruleset, or iptables -L INPUT");

	/* iptables-legacy: the drop is seen at nf_hook_slow. */
	assert_int_equal(refine(&ctx, "NETFILTER_DROP", "nf_hook_slow", &f), 1);
	assert_has(V, "iptables-legacy -L INPUT");

	f = udp("198.18.0.1", 43000, "203.0.113.5", 80);
	assert_int_equal(refine(&ctx, "NETFILTER_DROP", "nft_do_chain", &f), 1);
	assert_has(S, "not for this host");
	assert_has(V, "iptables -L FORWARD");
}

static void test_stp(void **state)
{
	struct dl_flow llc = { .l3proto = htons(0x0004) };
	struct dl_flow lldp = { .l3proto = htons(0x88cc) };
	struct dl_vctx ctx = b_ctx();

	(void)state;
	/* 6.18 with the bridge built in: NOT_SPECIFIED at stp_pdu_rcv. */
	assert_int_equal(refine(&ctx, "NOT_SPECIFIED", "stp_pdu_rcv", &llc), 1);
	assert_has(S, "STP BPDUs (802.3 frames, LLC DSAP 0x42) arriving on v0b");
	assert_has(S, "not a fault");
	assert_has(V, "nothing to fix");
	/* No context needed. */
	assert_int_equal(refine(NULL, "NOT_SPECIFIED", "stp_pdu_rcv+0x92", &llc), 1);
	assert_has(S, "arriving on the interface");
	/* No LLC layer: the core has no handler. */
	assert_int_equal(refine(&ctx, "UNHANDLED_PROTO", "__netif_receive_skb_core", &llc), 1);
	assert_has(S, "not a fault");
	/* LLDP is the causes table's business. */
	assert_int_equal(refine(&ctx, "UNHANDLED_PROTO", "__netif_receive_skb_core", &lldp), 0);
}

static void test_edges(void **state)
{
	struct dl_flow f = udp("198.19.5.1", 41000, "198.18.0.2", 7001);
	struct dl_vctx ctx = b_ctx();
	char s[16], a[8];

	(void)state;
	assert_int_equal(refine(&ctx, "NO_SOCKET", "__udp4_lib_rcv", &f), 0);
	assert_int_equal(refine(&ctx, "IP_RPFILTER", "ip_rcv_finish_core", NULL), 0);
	assert_int_equal(dl_vctx__refine(&ctx, "IP_RPFILTER", NULL, &f, NULL, 0, V, 1),
			 -EINVAL);
	/* Truncated, still terminated. */
	assert_int_equal(dl_vctx__refine(&ctx, "IP_RPFILTER", NULL, &f, s, sizeof(s), a,
					 sizeof(a)), 1);
	assert_int_equal(strlen(s), sizeof(s) - 1);
	assert_int_equal(strlen(a), sizeof(a) - 1);
}

static void test_gather_here(void **state)
{
	struct dl_vctx *ctx;

	(void)state;
	/* The loopback of whatever namespace runs the test; no root needed. */
	ctx = dl_vctx__gather("lo", 1);
	assert_non_null(ctx);
	assert_string_equal(ctx->ifname, "lo");
	assert_true(ctx->have_routes);
	assert_true(ctx->rp_filter_all >= 0);
	dl_vctx__free(ctx);

	errno = 0;
	assert_null(dl_vctx__gather("../all", 1));
	assert_int_equal(errno, EINVAL);
	assert_null(dl_vctx__gather("", 1));
	dl_vctx__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mcast_wrong_interface),
		cmocka_unit_test(test_mcast_from_capture),
		cmocka_unit_test(test_rpfilter),
		cmocka_unit_test(test_neigh),
		cmocka_unit_test(test_netfilter),
		cmocka_unit_test(test_stp),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_gather_here),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
