// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ethtool -S` text parser on every real sample: with and without header and
 * indent, 4-space indent, "[N]: " and "rxqN: " prefixes, names with spaces,
 * vmxnet3's nested blocks, a leading command line; plus refusal of cut and
 * garbage input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counters/ethtool_stats.h"
#include "test_util.h"

struct sample {
	const char *file;
	size_t count;		/* counters in the file */
	const char *name;	/* one counter and its value in the file */
	uint64_t value;
};

static const struct sample samples[] = {
	{ "ethtool-S.be2net.ethq.txt", 222, "rxq1: rx_pkts", 6697989 },
	{ "ethtool-S.bnx2.ethq.txt", 47, "rx_ucast_packets", 19363870912ULL },
	{ "ethtool-S.bnx2x.ethq.txt", 189, "[0]: rx_ucast_packets", 194386668 },
	{ "ethtool-S.bnxt_en.ethq.txt", 499, "[0]: rx_discards", 11763190 },
	{ "ethtool-S.bnxt_en.rhel8-4.18.0-408.txt", 395, "[0]: rx_mcast_packets", 8020285 },
	{ "ethtool-S.e1000e.ethq.txt", 53, "rx_packets", 567425 },
	{ "ethtool-S.ena.ethq.txt", 104, "queue_0_rx_cnt", 9300271 },
	{ "ethtool-S.fsl_dpaa2_eth.ethq.txt", 73, "[hw] rx frames", 92343581 },
	{ "ethtool-S.gve.arm64-c4a.txt", 112, "rx_bytes[0]", 167896 },
	{ "ethtool-S.hv_netvsc.vf-lines-only.azure-docs.txt", 5, "vf_rx_packets", 226418 },
	{ "ethtool-S.i40e.ethq-v2.3.2k.txt", 418, "rx-11.packets", 36079820245ULL },
	{ "ethtool-S.i40e.ethq.txt", 202, "rx-3.rx_packets", 61598230947ULL },
	{ "ethtool-S.i40e.rhel8-4.18.0-448.txt", 678, "rx-3.packets", 3804967529ULL },
	{ "ethtool-S.iavf.ethq.txt", 76, "rx_unicast", 69039 },
	{ "ethtool-S.ice.ethq.txt", 602, "rx_unicast", 12117448 },
	{ "ethtool-S.ice.rhel8-4.18.0-536.txt", 607, "rx_multicast", 68400035 },
	{ "ethtool-S.igb.insights-core-test.txt", 82, "rx_packets", 912398 },
	{ "ethtool-S.igb.rhel8-4.18.0-269.txt", 115, "rx_queue_7_drops", 0 },
	{ "ethtool-S.ixgbe.usrp-users-list.txt", 352, "rx_packets", 146651 },
	{ "ethtool-S.mlx5_core.ethq.txt", 751, "rx_packets", 845320277 },
	{ "ethtool-S.mlx5_core.kernel-5.15.zeros-omitted.txt", 101, "rx_out_of_buffer", 990473555 },
	{ "ethtool-S.mlx5_core.kernel-6.5.zeros-omitted.txt", 108, "rx_packets", 7282880 },
	{ "ethtool-S.r8169.ethq.txt", 13, "rx_missed", 0 },
	{ "ethtool-S.sfc.ethq.txt", 152, "rx-0.rx_packets", 232 },
	{ "ethtool-S.tg3.ethq.txt", 72, "rx_ucast_packets", 141299868 },
	{ "ethtool-S.tg3.rhel8-4.18.0-269.txt", 72, "rx_discards", 0 },
	{ "ethtool-S.veth.4queue.kernel-6.18.txt", 37, "peer_ifindex", 2 },
	{ "ethtool-S.virtio_net.ethq.txt", 8, "rx_queue_1_packets", 10401806 },
	{ "ethtool-S.virtio_net.kernel5.15-digitalocean.txt", 13, "rx_queue_0_packets",
	  1869634984 },
	{ "ethtool-S.virtio_net.kernel6.14-gcp.txt", 30, "rx0_kicks", 1 },
	{ "ethtool-S.virtio_net.kernel6.8-yandexcloud.txt", 28, "rx_queue_0_bytes", 77626 },
	{ "ethtool-S.vmxnet3.ethq.txt", 67, "Rx Queue#1.ucast pkts rx", 143523 },
};

static struct dl_ethtool_stats *parse_file(const char *name, const char *driver)
{
	struct dl_ethtool_stats *s = NULL;
	size_t len;
	char *buf = load_data(name, &len);

	assert_int_equal(dl_ethtool_stats__parse_text(buf, len, driver, name, &s), 0);
	free(buf);
	return s;
}

static void test_all_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *sm = &samples[i];
		struct dl_ethtool_stats *s = parse_file(sm->file, "drv");
		uint64_t v = ~0ULL;

		if (dl_ethtool_stats__count(s) != sm->count)
			fail_msg("%s: %zu counters, expected %zu", sm->file,
				 dl_ethtool_stats__count(s), sm->count);
		if (dl_ethtool_stats__get(s, sm->name, &v) || v != sm->value)
			fail_msg("%s: %s = %llu, expected %llu", sm->file, sm->name,
				 (unsigned long long)v, (unsigned long long)sm->value);
		assert_string_equal(dl_ethtool_stats__driver(s), "drv");
		dl_ethtool_stats__free(s);
	}
}

static void test_order_and_prefixes(void **state)
{
	struct dl_ethtool_stats *s = parse_file("ethtool-S.bnxt_en.ethq.txt", "bnxt_en");
	uint64_t v;

	(void)state;
	/* Driver order is kept: the first line of the file comes first. */
	assert_string_equal(dl_ethtool_stats__name(s, 0), "[0]: rx_ucast_packets");
	assert_int_equal(dl_ethtool_stats__value(s, 0), 10198513532ULL);
	assert_null(dl_ethtool_stats__name(s, dl_ethtool_stats__count(s)));
	assert_int_equal(dl_ethtool_stats__get(s, "rx_total_ring_discards", &v), 0);
	assert_int_equal(v, 655430134);
	assert_int_equal(dl_ethtool_stats__get(s, "rx_discards", &v), -ENOENT);
	dl_ethtool_stats__free(s);

	/* Leading "sudo ethtool -S eno2" and the header. */
	s = parse_file("ethtool-S.ixgbe.usrp-users-list.txt", "ixgbe");
	assert_string_equal(dl_ethtool_stats__name(s, 0), "rx_packets");
	dl_ethtool_stats__free(s);

	/* 4-space indent as stored by insights-core. */
	s = parse_file("ethtool-S.igb.insights-core-test.txt", "igb");
	assert_int_equal(dl_ethtool_stats__get(s, "rx_queue_3_drops", &v), 0);
	assert_int_equal(v, 0);
	dl_ethtool_stats__free(s);
}

static void test_vmxnet3_nesting(void **state)
{
	struct dl_ethtool_stats *s = parse_file("ethtool-S.vmxnet3.ethq.txt", "vmxnet3");
	uint64_t v;

	(void)state;
	assert_string_equal(dl_ethtool_stats__name(s, 0), "Tx Queue#0.TSO pkts tx");
	assert_int_equal(dl_ethtool_stats__value(s, 0), 161);
	/* "giant hdr" twice in a block, at two depths: two different names. */
	assert_int_equal(dl_ethtool_stats__get(s, "Tx Queue#0.drv dropped tx total.giant hdr",
					       &v), 0);
	assert_int_equal(dl_ethtool_stats__get(s, "Tx Queue#0.giant hdr", &v), 0);
	assert_int_equal(dl_ethtool_stats__get(s, "Rx Queue#0.drv dropped rx total.fcs", &v), 0);
	assert_int_equal(dl_ethtool_stats__get(s, "Rx Queue#1.mcast pkts rx", &v), 0);
	assert_int_equal(v, 82558);
	/* The last line is back at the top level. */
	assert_string_equal(dl_ethtool_stats__name(s, dl_ethtool_stats__count(s) - 1),
			    "tx timeout count");
	dl_ethtool_stats__free(s);
}

static void expect_bad(const char *buf, size_t len)
{
	struct dl_ethtool_stats *s = NULL;

	assert_int_equal(dl_ethtool_stats__parse_text(buf, len, NULL, "test", &s), -EBADMSG);
	assert_null(s);
}

static void test_bad(void **state)
{
	size_t len;
	char *buf = load_data("ethtool-S.veth.4queue.kernel-6.18.txt", &len);
	char *p;
	static const char junk[] = "\x7f" "ELF\x02\x01\0\0\xff\xfe: 12\n";
	struct dl_ethtool_stats *s;

	(void)state;
	/* Cut in the middle of a name: "     rx_queue_0_xdp_by" */
	p = strstr(buf, "rx_queue_0_xdp_bytes");
	test_log_capture();
	expect_bad(buf, p + 14 - buf);
	assert_non_null(strstr(test_log, "test:4:"));
	/* Cut after the colon: a name without its value. */
	expect_bad(buf, p + strlen("rx_queue_0_xdp_bytes:") - buf);
	expect_bad("NIC statistics:\n", 16);
	expect_bad("", 0);
	expect_bad("hello world\n", 12);
	expect_bad(junk, sizeof(junk) - 1);
	expect_bad("rx_packets: 12abc\n", 18);
	expect_bad("rx_packets: -1\n", 15);
	expect_bad("rx_packets: 99999999999999999999999\n", 36);
	/* A command line after real counters is not a preamble. */
	p = strstr(buf, "rx_queue_2_drops: 0");
	memcpy(p, "$ ethtool -S v2a   ", 19);
	expect_bad(buf, len);
	free(buf);
	assert_int_equal(dl_ethtool_stats__parse_text(NULL, 0, NULL, NULL, &s), -EINVAL);
}

static void test_live_lo(void **state)
{
	struct dl_ethtool_stats *s = NULL;
	char drv[32];

	(void)state;
	/* lo has no driver statistics: "not supported", not a crash. */
	assert_int_equal(dl_ethtool_stats__read("lo", &s), -EOPNOTSUPP);
	assert_null(s);
	assert_int_equal(dl_ethtool_stats__read("dlc-no-such-if", &s), -ENODEV);
	assert_int_equal(dl_ethtool_stats__read("", &s), -EINVAL);
	assert_int_equal(dl_ethtool__driver("dlc-no-such-if", drv, sizeof(drv)), -ENODEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_samples),
		cmocka_unit_test(test_order_and_prefixes),
		cmocka_unit_test(test_vmxnet3_nesting),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_live_lo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
