// SPDX-License-Identifier: GPL-2.0-only
/*
 * RSS configuration reader against simulated drivers (a full NIC, an old
 * one with only GRXFHINDIR, veth answering EOPNOTSUPP), and the conversion
 * of ethtool_rx_flow_spec ntuple rules into steering rules.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "rss/rss_config.h"

static const __u8 ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct fake_nic {
	bool rssh;		/* ETHTOOL_GRSSH supported */
	bool fhindir;		/* ETHTOOL_GRXFHINDIR supported */
	bool ntuple;
	__u32 hfunc;
	int calls;
};

static void spec_udp4_dport(struct ethtool_rx_flow_spec *fs, __u16 port, __u64 q)
{
	memset(fs, 0, sizeof(*fs));
	fs->flow_type = UDP_V4_FLOW;
	fs->h_u.udp_ip4_spec.pdst = htons(port);
	fs->m_u.udp_ip4_spec.pdst = 0xffff;
	fs->ring_cookie = q;
}

static void spec_tcp4_src(struct ethtool_rx_flow_spec *fs, const char *net, const char *mask,
			  __u64 q)
{
	memset(fs, 0, sizeof(*fs));
	fs->flow_type = TCP_V4_FLOW;
	inet_pton(AF_INET, net, &fs->h_u.tcp_ip4_spec.ip4src);
	inet_pton(AF_INET, mask, &fs->m_u.tcp_ip4_spec.ip4src);
	fs->ring_cookie = q;
}

static int fake_ethtool(void *priv, const char *ifname, void *cmd)
{
	static const __u32 locs[3] = { 1023, 1022, 5 };
	struct fake_nic *nic = priv;
	__u32 c = *(__u32 *)cmd;
	int i;

	nic->calls++;
	assert_string_equal(ifname, "eth9");
	switch (c) {
	case ETHTOOL_GRXRINGS: {
		struct ethtool_rxnfc *n = cmd;

		n->data = 4;
		return 0;
	}
	case ETHTOOL_GRSSH: {
		struct ethtool_rxfh *f = cmd;

		if (!nic->rssh)
			return -EOPNOTSUPP;
		if (!f->indir_size && !f->key_size) {
			f->indir_size = 128;
			f->key_size = 40;
			f->hfunc = nic->hfunc;
			return 0;
		}
		assert_int_equal(f->indir_size, 128);
		assert_int_equal(f->key_size, 40);
		for (i = 0; i < 128; i++)
			f->rss_config[i] = i % 4;
		memcpy(&f->rss_config[128], ms_key, 40);
		f->hfunc = nic->hfunc;
		return 0;
	}
	case ETHTOOL_GRXFHINDIR: {
		struct ethtool_rxfh_indir *ind = cmd;

		if (!nic->fhindir)
			return -EOPNOTSUPP;
		if (!ind->size) {
			ind->size = 8;
			return 0;
		}
		for (i = 0; i < 8; i++)
			ind->ring_index[i] = i % 2;
		return 0;
	}
	case ETHTOOL_GRXFH: {
		struct ethtool_rxnfc *n = cmd;

		n->data = RXH_IP_SRC | RXH_IP_DST;
		if (n->flow_type == TCP_V4_FLOW)
			n->data |= RXH_L4_B_0_1 | RXH_L4_B_2_3;
		return 0;
	}
	case ETHTOOL_GRXCLSRLCNT: {
		struct ethtool_rxnfc *n = cmd;

		if (!nic->ntuple)
			return -EOPNOTSUPP;
		n->rule_cnt = 3;
		n->data = 1024 | RX_CLS_LOC_SPECIAL;
		return 0;
	}
	case ETHTOOL_GRXCLSRLALL: {
		struct ethtool_rxnfc *n = cmd;

		assert_int_equal(n->rule_cnt, 3);
		memcpy(n->rule_locs, locs, sizeof(locs));
		return 0;
	}
	case ETHTOOL_GRXCLSRULE: {
		struct ethtool_rxnfc *n = cmd;
		__u32 loc = n->fs.location;

		if (loc == 1023)
			spec_udp4_dport(&n->fs, 5000, 3);
		else if (loc == 1022)
			spec_tcp4_src(&n->fs, "10.0.0.0", "255.0.0.0", 1);
		else if (loc == 5)
			spec_udp4_dport(&n->fs, 53, RX_CLS_FLOW_DISC);
		else
			return -ENOENT;
		n->fs.location = loc;
		return 0;
	}
	default:
		return -EOPNOTSUPP;
	}
}

static int veth_ethtool(void *priv, const char *ifname, void *cmd)
{
	(void)priv;
	(void)cmd;
	assert_string_equal(ifname, "v1");
	return -EOPNOTSUPP;
}

static int gone_ethtool(void *priv, const char *ifname, void *cmd)
{
	(void)priv;
	(void)ifname;
	(void)cmd;
	return -ENODEV;
}

static void test_full_nic(void **state)
{
	struct fake_nic nic = { .rssh = true, .ntuple = true, .hfunc = DL_RSS_HASH_TOP };
	struct dl_rss_config *c;
	struct dl_rss_table tbl;
	char buf[512];

	(void)state;
	assert_int_equal(dl_rss_config__read_with("eth9", fake_ethtool, &nic, &c), 0);
	assert_true(dl_rss_config__exposed(c));
	assert_true(c->has_rings);
	assert_int_equal(c->rx_rings, 4);
	assert_true(c->has_indir);
	assert_int_equal(c->indir_size, 128);
	assert_int_equal(c->indir[127], 3);
	assert_true(c->has_key);
	assert_memory_equal(c->key, ms_key, 40);
	assert_true(c->has_hash_fields);
	assert_true(c->ports_tcp);
	assert_false(c->ports_udp);
	assert_true(c->has_ntuple);
	assert_int_equal(c->ntuple_total, 3);
	assert_int_equal(c->ntuple_skipped, 1);
	assert_int_equal(dl_steer_rules__count(c->ntuple), 2);
	dl_steer_rule__format(dl_steer_rules__get(c->ntuple, 0), buf, sizeof(buf));
	assert_string_equal(buf, "udp dport 5000 -> queue 3");
	assert_int_equal(dl_steer_rules__get(c->ntuple, 0)->line, 1023);
	dl_steer_rule__format(dl_steer_rules__get(c->ntuple, 1), buf, sizeof(buf));
	assert_string_equal(buf, "tcp src 10.0.0.0/8 -> queue 1");
	assert_string_equal(c->ntuple_notes, "rule 5: action drop");

	assert_int_equal(dl_rss_config__table(c, &tbl), 0);
	assert_ptr_equal(tbl.indir, c->indir);
	assert_int_equal(tbl.key_len, 40);
	assert_true(tbl.ports_tcp);
	assert_false(tbl.ports_udp);

	dl_rss_config__summary(c, buf, sizeof(buf));
	assert_string_equal(buf, "eth9: 4 RX rings, indirection table 128 entries over queues 0-3, "
			    "key 40 bytes, hash toeplitz, 3 ntuple rules "
			    "(1 not expressible: rule 5: action drop)");
	dl_rss_config__free(c);

	/* A CRC32 or symmetric hash cannot be predicted with Toeplitz. */
	nic.hfunc = DL_RSS_HASH_CRC32;
	assert_int_equal(dl_rss_config__read_with("eth9", fake_ethtool, &nic, &c), 0);
	assert_int_equal(dl_rss_config__table(c, &tbl), -EOPNOTSUPP);
	c->hfunc = DL_RSS_HASH_TOP;
	c->input_xfrm = DL_RSS_XFRM_SYM_XOR;
	assert_int_equal(dl_rss_config__table(c, &tbl), -EOPNOTSUPP);
	dl_rss_config__free(c);
}

static void test_old_driver(void **state)
{
	struct fake_nic nic = { .fhindir = true };
	struct dl_rss_config *c;
	struct dl_rss_table tbl;
	char buf[512];

	(void)state;
	assert_int_equal(dl_rss_config__read_with("eth9", fake_ethtool, &nic, &c), 0);
	assert_true(c->has_indir);
	assert_int_equal(c->indir_size, 8);
	assert_int_equal(c->indir[7], 1);
	assert_false(c->has_key);
	assert_false(c->has_hfunc);
	assert_false(c->has_ntuple);
	assert_int_equal(dl_rss_config__table(c, &tbl), -ENODATA);
	dl_rss_config__summary(c, buf, sizeof(buf));
	assert_string_equal(buf, "eth9: 4 RX rings, indirection table 8 entries over queues 0,1, "
			    "key n/a, ntuple n/a");
	dl_rss_config__free(c);
}

static void test_veth_not_exposed(void **state)
{
	struct dl_rss_config *c;
	struct dl_rss_table tbl;
	char buf[256];

	(void)state;
	assert_int_equal(dl_rss_config__read_with("v1", veth_ethtool, NULL, &c), 0);
	assert_false(dl_rss_config__exposed(c));
	assert_false(c->has_rings);
	assert_false(c->has_indir);
	assert_false(c->has_ntuple);
	assert_int_equal(dl_rss_config__table(c, &tbl), -ENODATA);
	dl_rss_config__summary(c, buf, sizeof(buf));
	assert_string_equal(buf, "v1: RSS not exposed by the driver");
	dl_rss_config__free(c);

	assert_int_equal(dl_rss_config__read_with("v1", gone_ethtool, NULL, &c), -ENODEV);
	assert_null(c);
	assert_int_equal(dl_rss_config__read_with("a-name-longer-than-ifnamsiz", gone_ethtool,
						  NULL, &c), -EINVAL);
}

static void expect_spec(const struct ethtool_rx_flow_spec *fs, const char *text)
{
	struct dl_steer_rule r;
	char buf[256], why[128];

	assert_int_equal(dl_rss_config__rule_from_spec(fs, &r, why, sizeof(why)), 0);
	dl_steer_rule__format(&r, buf, sizeof(buf));
	assert_string_equal(buf, text);
	assert_int_equal(r.line, fs->location);
}

static void expect_skip(const struct ethtool_rx_flow_spec *fs, const char *reason)
{
	struct dl_steer_rule r;
	char why[128];

	assert_int_equal(dl_rss_config__rule_from_spec(fs, &r, why, sizeof(why)), -EOPNOTSUPP);
	assert_string_equal(why, reason);
}

static void test_spec_conversion(void **state)
{
	struct ethtool_rx_flow_spec fs;
	struct dl_steer_rule r;
	struct dl_flow f;
	char why[128];

	(void)state;
	spec_udp4_dport(&fs, 5000, 3);
	fs.location = 7;
	expect_spec(&fs, "udp dport 5000 -> queue 3");
	/* The converted rule only matches IPv4, like udp4 in ethtool. */
	assert_int_equal(dl_rss_config__rule_from_spec(&fs, &r, why, sizeof(why)), 0);
	memset(&f, 0, sizeof(f));
	f.l3proto = htons(0x86DD);
	f.l4proto = IPPROTO_UDP;
	f.dport = htons(5000);
	assert_false(dl_steer_rule__match(&r, &f));
	f.l3proto = htons(0x0800);
	assert_true(dl_steer_rule__match(&r, &f));

	/* Masked value bits outside the mask are dropped. */
	spec_tcp4_src(&fs, "10.1.2.3", "255.255.0.0", 2);
	expect_spec(&fs, "tcp src 10.1.0.0/16 -> queue 2");

	/* Port mask 0xfff0: an aligned range of 16 ports. */
	memset(&fs, 0, sizeof(fs));
	fs.flow_type = TCP_V4_FLOW;
	fs.h_u.tcp_ip4_spec.psrc = htons(1000);
	fs.m_u.tcp_ip4_spec.psrc = htons(0xfff0);
	inet_pton(AF_INET, "198.18.0.2", &fs.h_u.tcp_ip4_spec.ip4dst);
	fs.m_u.tcp_ip4_spec.ip4dst = 0xffffffff;
	fs.ring_cookie = 5;
	expect_spec(&fs, "tcp dst 198.18.0.2 sport 992-1007 -> queue 5");

	/* IPv6 with a /64 destination and FLOW_EXT without ext matches. */
	memset(&fs, 0, sizeof(fs));
	fs.flow_type = UDP_V6_FLOW | FLOW_EXT;
	inet_pton(AF_INET6, "2001:db8:1:2::", fs.h_u.udp_ip6_spec.ip6dst);
	inet_pton(AF_INET6, "ffff:ffff:ffff:ffff::", fs.m_u.udp_ip6_spec.ip6dst);
	fs.h_u.udp_ip6_spec.pdst = htons(443);
	fs.m_u.udp_ip6_spec.pdst = 0xffff;
	fs.ring_cookie = 9;
	expect_spec(&fs, "udp dst 2001:db8:1:2::/64 dport 443 -> queue 9");

	/* ip4 user flow with protocol, ip6 user flow without. */
	memset(&fs, 0, sizeof(fs));
	fs.flow_type = IPV4_USER_FLOW;
	fs.h_u.usr_ip4_spec.proto = IPPROTO_ICMP;
	fs.m_u.usr_ip4_spec.proto = 0xff;
	fs.h_u.usr_ip4_spec.ip_ver = ETH_RX_NFC_IP4;
	fs.ring_cookie = 0;
	expect_spec(&fs, "icmp -> queue 0");
	memset(&fs, 0, sizeof(fs));
	fs.flow_type = IPV6_USER_FLOW;
	inet_pton(AF_INET6, "2001:db8::1", fs.h_u.usr_ip6_spec.ip6src);
	memset(fs.m_u.usr_ip6_spec.ip6src, 0xff, 16);
	fs.ring_cookie = 4;
	expect_spec(&fs, "ip6 src 2001:db8::1 -> queue 4");

	/* What the rule form cannot say. */
	spec_udp4_dport(&fs, 53, RX_CLS_FLOW_DISC);
	expect_skip(&fs, "action drop");
	spec_udp4_dport(&fs, 53, 3);
	fs.flow_type |= FLOW_RSS;
	expect_skip(&fs, "action is an RSS context");
	spec_udp4_dport(&fs, 53, 3 | (2ull << ETHTOOL_RX_FLOW_SPEC_RING_VF_OFF));
	expect_skip(&fs, "action targets VF 2");
	spec_udp4_dport(&fs, 53, 100);
	expect_skip(&fs, "queue 100 beyond the 64 tracked");
	spec_udp4_dport(&fs, 53, 3);
	fs.m_u.udp_ip4_spec.tos = 0xff;
	expect_skip(&fs, "matches TOS");
	spec_tcp4_src(&fs, "10.0.0.0", "255.0.255.0", 1);
	expect_skip(&fs, "src address mask is not a prefix");
	spec_udp4_dport(&fs, 53, 3);
	fs.m_u.udp_ip4_spec.pdst = htons(0x0ff0);
	expect_skip(&fs, "dst port mask 0x0ff0 is not a range");
	spec_udp4_dport(&fs, 53, 3);
	fs.flow_type |= FLOW_EXT;
	fs.m_ext.vlan_tci = htons(0x0fff);
	expect_skip(&fs, "matches VLAN or user data");
	memset(&fs, 0, sizeof(fs));
	fs.flow_type = ETHER_FLOW;
	expect_skip(&fs, "flow type 0x12 (not tcp, udp or ip over IPv4/IPv6)");
	memset(&fs, 0, sizeof(fs));
	fs.flow_type = IPV4_USER_FLOW;
	fs.h_u.usr_ip4_spec.proto = 47;
	fs.m_u.usr_ip4_spec.proto = 0xff;
	expect_skip(&fs, "matches IP protocol 47");
	fs.h_u.usr_ip4_spec.proto = IPPROTO_UDP;
	fs.m_u.usr_ip4_spec.l4_4_bytes = 0xffffffff;
	expect_skip(&fs, "matches raw L4 bytes");
}

static void test_hfunc_names(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(dl_rss_config__hfunc_name(0, buf, sizeof(buf)), "unknown");
	assert_string_equal(dl_rss_config__hfunc_name(DL_RSS_HASH_TOP, buf, sizeof(buf)), "toeplitz");
	assert_string_equal(dl_rss_config__hfunc_name(DL_RSS_HASH_XOR, buf, sizeof(buf)), "xor");
	assert_string_equal(dl_rss_config__hfunc_name(DL_RSS_HASH_CRC32, buf, sizeof(buf)), "crc32");
	assert_string_equal(dl_rss_config__hfunc_name(0x18, buf, sizeof(buf)), "0x18");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_nic),
		cmocka_unit_test(test_old_driver),
		cmocka_unit_test(test_veth_not_exposed),
		cmocka_unit_test(test_spec_conversion),
		cmocka_unit_test(test_hfunc_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
