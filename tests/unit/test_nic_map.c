// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver counter map (config/nic_counters.tsv): it validates, it maps
 * the real samples' counters to the right ledger columns and queues, no RX
 * drop counter of a covered driver is left unmapped, and every kind of bad
 * line is refused with "file:line: what is wrong".
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counters/nic_counters.h"
#include "test_util.h"

#define B(c) (1u << (c))

static struct dl_nic_map *map;

static int setup(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", test_dir("DL_CONFIGDIR"), DL_NIC_MAP_FILE);
	return dl_nic_map__load(path, &map);
}

static int teardown(void **state)
{
	(void)state;
	dl_nic_map__free(map);
	return 0;
}

/* Snapshot of one sample, ethtool text only (no qstats, no sysfs). */
static struct dl_nic_snapshot *snap_text(const char *driver, const char *buf, size_t len)
{
	struct dl_nic_inputs in = { .ifname = "t0", .ifindex = 7 };
	struct dl_nic_snapshot *s = NULL;

	assert_int_equal(dl_ethtool_stats__parse_text(buf, len, driver, "sample",
						      &in.ethtool), 0);
	assert_int_equal(dl_nic__snapshot_build(&in, map, &s), 0);
	return s;
}

static struct dl_nic_snapshot *snap(const char *driver, const char *file)
{
	size_t len;
	char *buf = load_data(file, &len);
	struct dl_nic_snapshot *s = snap_text(driver, buf, len);

	free(buf);
	return s;
}

static uint64_t col(const struct dl_nic_vals *v, enum dl_nic_col c)
{
	uint64_t x = 0;

	if (dl_nic_vals__get(v, c, &x))
		fail_msg("column %s absent", dl_nic_col__name(c));
	return x;
}

static void test_config_loads(void **state)
{
	static const char *const drivers[] = {
		"ixgbe", "i40e", "ice", "igb", "e1000e", "mlx5_core", "bnxt_en", "ena",
		"virtio_net", "veth", "gve", "sfc", "tg3",
	};

	(void)state;
	assert_true(dl_nic_map__nr_rows(map) > 150);
	for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (!dl_nic_map__has_driver(map, drivers[i]))
			fail_msg("no rows for %s", drivers[i]);
	assert_false(dl_nic_map__has_driver(map, "*nope*"));
}

static void expect_hit(const char *driver, const char *name, int c, int queue)
{
	struct dl_nic_map_hit hit;
	int err = dl_nic_map__lookup(map, driver, name, &hit);

	if (err || hit.col != c || hit.queue != queue)
		fail_msg("%s %s: err %d col %s queue %d, expected %s queue %d", driver, name,
			 err, err ? "-" : dl_nic_col__name(hit.col), err ? 0 : hit.queue,
			 dl_nic_col__name(c), queue);
}

static void test_lookup(void **state)
{
	struct dl_nic_map_hit hit;

	(void)state;
	expect_hit("veth", "rx_queue_3_drops", DL_NIC_OTHER_DROP, 3);
	/* The whole name must match: _drops is not _xdp_drops. */
	expect_hit("veth", "rx_queue_0_xdp_drops", DL_NIC_XDP_DROPS, 0);
	expect_hit("igb", "rx_queue_12_drops", DL_NIC_RING, 12);
	expect_hit("bnxt_en", "[3]: rx_discards", DL_NIC_RING, 3);
	expect_hit("mlx5_core", "rx_out_of_buffer", DL_NIC_NO_BUFFER, -1);
	expect_hit("mlx5_core", "rx15_xdp_drop", DL_NIC_XDP_DROPS, 15);
	expect_hit("mlx5_core", "rx_packets", DL_NIC_RX_PACKETS, -1);
	expect_hit("ena", "queue_2_rx_cnt", DL_NIC_RX_PACKETS, 2);
	expect_hit("sfc", "rx-7.rx_packets", DL_NIC_RX_PACKETS, 7);
	expect_hit("gve", "rx_bytes[1]", DL_NIC_RX_BYTES, 1);
	expect_hit("vmxnet3", "Rx Queue#1.pkts rx OOB", DL_NIC_RING, 1);
	expect_hit("fsl_dpaa2_eth", "[hw] rx nobuffer discards", DL_NIC_NO_BUFFER, -1);
	expect_hit("virtio_net", "rx0_drops", DL_NIC_OTHER_DROP, 0);
	expect_hit("i40e", "sysfs:rx_missed_errors", DL_NIC_RING, -1);
	/* The generic rows serve drivers the map does not know. */
	expect_hit("r8139", "rx_packets", DL_NIC_RX_PACKETS, -1);
	/* %* matches a number that is not a queue (a priority here). */
	expect_hit("mlx5_core", "rx_prio3_discards", DL_NIC_INFO, -1);
	assert_int_equal(dl_nic_map__lookup(map, "igb", "rx_queue_x_drops", &hit), -ENOENT);
	assert_int_equal(dl_nic_map__lookup(map, "igb", "rx_queue__drops", &hit), -ENOENT);
	assert_int_equal(dl_nic_map__lookup(map, "igb", "rx_queue_99999_drops", &hit), -ERANGE);
	assert_int_equal(dl_nic_map__lookup(map, "veth", "no_such_counter", &hit), -ENOENT);
	assert_int_equal(dl_nic_map__lookup(map, "ixgbe", "rx_no_buffer_count", &hit), 0);
	assert_true(hit.nosum);
	assert_int_equal(dl_nic_map__lookup(map, "virtio_net", "rx_queue_0_drops", &hit), 0);
	assert_int_equal(hit.minus, DL_NIC_XDP_DROPS);
	assert_non_null(strstr(hit.source, "virtio"));
}

static void test_ixgbe(void **state)
{
	struct dl_nic_snapshot *s = snap("ixgbe", "ethtool-S.ixgbe.usrp-users-list.txt");
	uint64_t sum = 0, v;

	(void)state;
	assert_string_equal(s->driver, "ixgbe");
	assert_int_equal(s->nr_queues, 64);
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS), 146651);
	assert_false(s->global.derived & B(DL_NIC_RX_PACKETS));
	/* The sample's own cross-check: the queues add up to rx_packets. */
	for (unsigned int q = 0; q < s->nr_queues; q++)
		sum += col(&s->queue[q], DL_NIC_RX_PACKETS);
	assert_int_equal(sum, 146651);
	assert_int_equal(col(&s->global, DL_NIC_MISSED), 0);
	assert_int_equal(col(&s->global, DL_NIC_RING), 0);
	assert_true(s->global.have & B(DL_NIC_NO_BUFFER));
	assert_int_equal(s->global.src[DL_NIC_MISSED], DL_NIC_SRC_ETHTOOL);
	/* ixgbe has no per-queue drop counter: n/a, not 0. */
	assert_int_equal(dl_nic_vals__get(&s->queue[0], DL_NIC_RING, &v), -ENOENT);
	assert_int_equal(dl_nic_vals__dropped(&s->queue[0], &v), -ENOENT);
	dl_nic__snapshot_free(s);
}

static void test_mlx5(void **state)
{
	struct dl_nic_snapshot *s = snap("mlx5_core",
					 "ethtool-S.mlx5_core.kernel-5.15.zeros-omitted.txt");
	uint64_t v;

	(void)state;
	assert_int_equal(col(&s->global, DL_NIC_NO_BUFFER), 990473555);
	assert_int_equal(col(&s->global, DL_NIC_MISSED), 58591428329ULL);
	/* rx_if_down_packets + rx_steer_missed_packets */
	assert_int_equal(col(&s->global, DL_NIC_OTHER_DROP), 67469721 + 1962570491ULL);
	assert_int_equal(col(&s->global, DL_NIC_XDP_DROPS), 3753342954ULL);
	assert_int_equal(col(&s->global, DL_NIC_XDP_TX), 5582660674ULL);
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS), 333854100);
	/* rx_prio0_discards repeats rx_discards_phy: not added. */
	assert_int_equal(dl_nic_vals__dropped(&s->global, &v), 0);
	assert_int_equal(v, 58591428329ULL + 990473555 + 67469721 + 1962570491ULL);
	assert_int_equal(dl_nic_vals__get(&s->global, DL_NIC_RING, &v), -ENOENT);
	dl_nic__snapshot_free(s);
}

static void test_bnxt(void **state)
{
	struct dl_nic_snapshot *s = snap("bnxt_en", "ethtool-S.bnxt_en.ethq.txt");

	(void)state;
	assert_int_equal(s->nr_queues, 12);
	assert_int_equal(col(&s->queue[0], DL_NIC_RING), 11763190);
	assert_int_equal(col(&s->queue[0], DL_NIC_RX_PACKETS),
			 10198513532ULL + 3854315 + 124570464);
	/* The interface total (incl. rings since freed) wins over the ring sum. */
	assert_int_equal(col(&s->global, DL_NIC_RING), 655430134);
	assert_false(s->global.derived & B(DL_NIC_RING));
	assert_int_equal(col(&s->global, DL_NIC_MISSED), 49337);
	/* No interface rx_packets line: the ring sum stands in. */
	assert_true(s->global.derived & B(DL_NIC_RX_PACKETS));
	dl_nic__snapshot_free(s);
}

static void test_intel(void **state)
{
	struct dl_nic_snapshot *s = snap("igb", "ethtool-S.igb.insights-core-test.txt");

	(void)state;
	assert_int_equal(s->nr_queues, 4);
	for (unsigned int q = 0; q < 4; q++)
		assert_true(s->queue[q].have & B(DL_NIC_RING));
	/* rx_fifo_errors is igb's total of rx_queue_N_drops: direct, not derived. */
	assert_true(s->global.have & B(DL_NIC_RING));
	assert_false(s->global.derived & B(DL_NIC_RING));
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS), 912398);
	dl_nic__snapshot_free(s);

	s = snap("ice", "ethtool-S.ice.ethq.txt");
	assert_int_equal(s->nr_queues, 128);
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS), 12117448 + 4 + 0);
	assert_true(s->global.have & B(DL_NIC_RING));
	assert_true(s->global.have & B(DL_NIC_MISSED));
	dl_nic__snapshot_free(s);

	s = snap("i40e", "ethtool-S.i40e.ethq.txt");
	assert_int_equal(s->nr_queues, 12);
	assert_int_equal(col(&s->queue[3], DL_NIC_RX_PACKETS), 61598230947ULL);
	dl_nic__snapshot_free(s);

	s = snap("e1000e", "ethtool-S.e1000e.ethq.txt");
	assert_int_equal(s->nr_queues, 0);
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS), 567425);
	assert_true(s->global.have & B(DL_NIC_MISSED));
	dl_nic__snapshot_free(s);
}

static void test_virtual(void **state)
{
	struct dl_nic_snapshot *s = snap("veth", "ethtool-S.veth.4queue.kernel-6.18.txt");
	uint64_t v;
	bool seen = false;

	(void)state;
	assert_int_equal(s->nr_queues, 4);
	for (unsigned int q = 0; q < 4; q++) {
		assert_int_equal(s->queue[q].have, B(DL_NIC_OTHER_DROP) | B(DL_NIC_XDP_DROPS) |
				 B(DL_NIC_XDP_REDIRECT) | B(DL_NIC_XDP_TX));
		/* veth's xdp_packets is NAPI-only: not reported as rx_packets. */
		assert_int_equal(dl_nic_vals__get(&s->queue[q], DL_NIC_RX_PACKETS, &v), -ENOENT);
	}
	assert_true(s->global.derived & B(DL_NIC_OTHER_DROP));
	for (unsigned int i = 0; i < s->nr_unmapped; i++)
		seen |= !strcmp(s->unmapped[i], "tx_queue_0_xdp_xmit");
	assert_true(seen);
	dl_nic__snapshot_free(s);

	s = snap("ena", "ethtool-S.ena.ethq.txt");
	assert_int_equal(s->nr_queues, 4);
	assert_int_equal(col(&s->queue[0], DL_NIC_RX_PACKETS), 9300271);
	assert_int_equal(dl_nic_vals__dropped(&s->queue[0], &v), -ENOENT);
	assert_true(s->global.derived & B(DL_NIC_RX_PACKETS));
	dl_nic__snapshot_free(s);

	s = snap("virtio_net", "ethtool-S.virtio_net.kernel6.14-gcp.txt");
	assert_int_equal(s->nr_queues, 2);
	assert_false(s->global.derived & B(DL_NIC_OTHER_DROP));
	assert_int_equal(dl_nic_vals__get(&s->global, DL_NIC_RX_PACKETS, &v), -ENOENT);
	dl_nic__snapshot_free(s);

	s = snap("gve", "ethtool-S.gve.arm64-c4a.txt");
	assert_int_equal(s->nr_queues, 2);
	assert_int_equal(col(&s->queue[0], DL_NIC_RX_BYTES), 167896);
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS), 482);
	assert_true(s->queue[1].have & B(DL_NIC_RING));
	dl_nic__snapshot_free(s);

	s = snap("vmxnet3", "ethtool-S.vmxnet3.ethq.txt");
	assert_int_equal(s->nr_queues, 2);
	assert_int_equal(col(&s->queue[1], DL_NIC_RX_PACKETS), 143523 + 82558 + 17327);
	dl_nic__snapshot_free(s);
}

static void test_other_drivers(void **state)
{
	struct dl_nic_snapshot *s = snap("sfc", "ethtool-S.sfc.ethq.txt");

	(void)state;
	assert_int_equal(s->nr_queues, 12);
	assert_int_equal(col(&s->queue[0], DL_NIC_RX_PACKETS), 232);
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS),
			 232 + 115 + 86 + 130 + 225 + 86 + 179 + 139 + 169 + 114 + 50 + 60);
	assert_int_equal(col(&s->global, DL_NIC_OTHER_DROP), 27);
	dl_nic__snapshot_free(s);

	s = snap("tg3", "ethtool-S.tg3.ethq.txt");
	assert_int_equal(col(&s->global, DL_NIC_RX_PACKETS), 141299868 + 12967606 + 675616);
	assert_int_equal(col(&s->global, DL_NIC_RX_BYTES), 60386827026ULL);
	assert_int_equal(col(&s->global, DL_NIC_MISSED), 0);
	dl_nic__snapshot_free(s);
}

/* A counter that also counts XDP drops has them subtracted (minus=). */
static void test_minus(void **state)
{
	size_t len;
	char *buf = load_data("ethtool-S.virtio_net.kernel5.15-digitalocean.txt", &len);
	char *p;
	struct dl_nic_snapshot *s;
	uint64_t v;

	(void)state;
	/* Simulate 10 drops, 4 of them by XDP: same length, same layout. */
	p = strstr(buf, "rx_queue_0_drops: 0");
	assert_non_null(p);
	memcpy(p + strlen("rx_queue_0_drops: "), "9", 1);
	p = strstr(buf, "rx_queue_0_xdp_drops: 0");
	memcpy(p + strlen("rx_queue_0_xdp_drops: "), "4", 1);
	s = snap_text("virtio_net", buf, len);
	assert_int_equal(col(&s->queue[0], DL_NIC_OTHER_DROP), 5);
	assert_int_equal(col(&s->queue[0], DL_NIC_XDP_DROPS), 4);
	assert_int_equal(dl_nic_vals__dropped(&s->queue[0], &v), 0);
	assert_int_equal(v, 5);
	dl_nic__snapshot_free(s);
	free(buf);
}

static bool dropish(const char *n)
{
	static const char *const words[] = {
		"drop", "discard", "miss", "nobuf", "no_buf", "out_of_buffer", "fifo",
		"OOB", "overflow", "overrun",
	};

	if (strstr(n, "tx"))
		return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(n, words[i]))
			return true;
	return false;
}

/* Every RX drop counter in the covered drivers' samples has a row. */
static void test_no_unmapped_drops(void **state)
{
	static const char *const s2[][2] = {
		{ "ixgbe", "ethtool-S.ixgbe.usrp-users-list.txt" },
		{ "i40e", "ethtool-S.i40e.ethq.txt" },
		{ "i40e", "ethtool-S.i40e.rhel8-4.18.0-448.txt" },
		{ "ice", "ethtool-S.ice.rhel8-4.18.0-536.txt" },
		{ "igb", "ethtool-S.igb.rhel8-4.18.0-269.txt" },
		{ "e1000e", "ethtool-S.e1000e.ethq.txt" },
		{ "mlx5_core", "ethtool-S.mlx5_core.ethq.txt" },
		{ "mlx5_core", "ethtool-S.mlx5_core.kernel-6.5.zeros-omitted.txt" },
		{ "bnxt_en", "ethtool-S.bnxt_en.ethq.txt" },
		{ "bnxt_en", "ethtool-S.bnxt_en.rhel8-4.18.0-408.txt" },
		{ "ena", "ethtool-S.ena.ethq.txt" },
		{ "virtio_net", "ethtool-S.virtio_net.kernel6.8-yandexcloud.txt" },
		{ "virtio_net", "ethtool-S.virtio_net.kernel6.14-gcp.txt" },
		{ "veth", "ethtool-S.veth.4queue.kernel-6.18.txt" },
		{ "gve", "ethtool-S.gve.arm64-c4a.txt" },
		{ "tg3", "ethtool-S.tg3.ethq.txt" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(s2) / sizeof(s2[0]); i++) {
		struct dl_nic_snapshot *s = snap(s2[i][0], s2[i][1]);

		for (unsigned int u = 0; u < s->nr_unmapped; u++)
			if (dropish(s->unmapped[u]))
				fail_msg("%s: %s is unmapped", s2[i][1], s->unmapped[u]);
		dl_nic__snapshot_free(s);
	}
}

static void expect_invalid(const char *text, const char *msg)
{
	struct dl_nic_map *m = NULL;

	test_log_capture();
	assert_int_equal(dl_nic_map__parse(text, strlen(text), "t.tsv", &m), -EINVAL);
	assert_null(m);
	if (!strstr(test_log, msg))
		fail_msg("expected \"%s\" in: %s", msg, test_log);
}

static void test_validation(void **state)
{
	struct dl_nic_map *m = NULL;
	struct dl_nic_map_hit hit;
	static const char good[] = "x\trx_%u_drops\tring\t-\tsrc\n";

	(void)state;
	expect_invalid("# c\nixgbe\trx\tring\t-\n", "t.tsv:2: 4 tab-separated fields");
	expect_invalid("ixgbe\trx\tring\t-\ts\textra\n", "t.tsv:1: 6 tab-separated fields");
	expect_invalid("ixgbe\trx\trng\t-\ts\n", "t.tsv:1: unknown column 'rng'");
	expect_invalid("ixgbe\trx_%u_q%u\tring\t-\ts\n", "t.tsv:1: pattern has more than one %u");
	expect_invalid("ixgbe\trx_%u_q%*\tring\t-\ts\n", "t.tsv:1: pattern has more than one %u");
	expect_invalid("ixgbe\trx_50%\tring\t-\ts\n", "t.tsv:1: stray '%'");
	expect_invalid("ixgbe\trx_%d\tring\t-\ts\n", "t.tsv:1: stray '%'");
	expect_invalid("ix gbe\trx\tring\t-\ts\n", "t.tsv:1: driver 'ix gbe'");
	expect_invalid("ixgbe\t\tring\t-\ts\n", "t.tsv:1: pattern has no literal text");
	expect_invalid("ixgbe\trx\tring\toverlap\ts\n", "t.tsv:1: unknown flag");
	expect_invalid("ixgbe\trx\trx_packets\tnosum\ts\n", "t.tsv:1: nosum is only");
	expect_invalid("ixgbe\trx\tring\tminus=bogus\ts\n", "t.tsv:1: minus= needs");
	expect_invalid("ixgbe\trx\tring\tminus=ring\ts\n", "t.tsv:1: minus= must name another");
	expect_invalid("ixgbe\trx\tring\t-\t  \n", "t.tsv:1: empty source");
	expect_invalid("a\trx\tring\t-\ts\nb\trx\tring\t-\ts\na\trx\tmissed\t-\ts\n",
		       "t.tsv:3: duplicate of line 1");
	expect_invalid("# only a comment\n\n", "t.tsv: no rows");
	/* Every bad line is reported, not just the first. */
	expect_invalid("a\trx\tbad1\t-\ts\nb\trx\tring\t-\ts\nc\trx\tbad3\t-\ts\n",
		       "t.tsv:3: unknown column 'bad3'");
	assert_non_null(strstr(test_log, "t.tsv:1: unknown column 'bad1'"));
	/* A good line, and a literal '%'. */
	assert_int_equal(dl_nic_map__parse(good, strlen(good), "t.tsv", &m), 0);
	assert_int_equal(dl_nic_map__lookup(m, "x", "rx_12_drops", &hit), 0);
	assert_int_equal(hit.queue, 12);
	assert_int_equal(hit.line, 1);
	dl_nic_map__free(m);
	assert_int_equal(dl_nic_map__parse("x\trx_100%%_full\tfifo\t-\ts\n", 25, "t", &m), 0);
	assert_int_equal(dl_nic_map__lookup(m, "x", "rx_100%_full", &hit), 0);
	dl_nic_map__free(m);
	assert_int_equal(dl_nic_map__load("/nonexistent/nic_counters.tsv", &m), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_loads),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_ixgbe),
		cmocka_unit_test(test_mlx5),
		cmocka_unit_test(test_bnxt),
		cmocka_unit_test(test_intel),
		cmocka_unit_test(test_virtual),
		cmocka_unit_test(test_other_drivers),
		cmocka_unit_test(test_minus),
		cmocka_unit_test(test_no_unmapped_drops),
		cmocka_unit_test(test_validation),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
