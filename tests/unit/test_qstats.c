// SPDX-License-Identifier: GPL-2.0-only
/*
 * netdev qstats: the netlink parser on dumps built from the published ynl
 * outputs (tn40xx, i40e), 32- and 64-bit attributes, malformed messages and
 * kernel errors; qstats winning over ethtool in a snapshot, group by group;
 * and a live dump, which needs no privileges.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "counters/nic_counters.h"
#include "counters/qstats.h"
#include "test_util.h"

/* Attribute ids of include/uapi/linux/netdev.h (NETDEV_A_QSTATS_*). */
enum {
	A_IFINDEX = 1, A_QUEUE_TYPE = 2, A_QUEUE_ID = 3,
	A_RX_PACKETS = 8, A_RX_BYTES = 9, A_TX_PACKETS = 10, A_TX_BYTES = 11,
	A_RX_ALLOC_FAIL = 12, A_RX_HW_DROPS = 13, A_RX_HW_DROP_OVERRUNS = 14,
};

struct kv {
	uint16_t attr;
	uint64_t val;
};

static char nlbuf[16384];
static size_t nllen;

/* Append one qstats record (kind -1: device) as the kernel would send it. */
static void put_rec(int ifindex, int kind, unsigned int queue, const struct kv *kv, size_t n)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf + nllen);
	struct genlmsghdr *g;

	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = 12;
	g->version = 1;
	mnl_attr_put_u32(nlh, A_IFINDEX, ifindex);
	if (kind >= 0) {
		mnl_attr_put_u32(nlh, A_QUEUE_TYPE, kind);
		mnl_attr_put_u32(nlh, A_QUEUE_ID, queue);
	}
	/* NLA_UINT: the kernel uses 4 bytes when the value fits, else 8. */
	for (size_t i = 0; i < n; i++) {
		if (kv[i].val > UINT32_MAX)
			mnl_attr_put_u64(nlh, kv[i].attr, kv[i].val);
		else
			mnl_attr_put_u32(nlh, kv[i].attr, kv[i].val);
	}
	nllen += nlh->nlmsg_len;
}

static void put_done(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nlbuf + nllen);

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	mnl_nlmsg_put_extra_header(nlh, sizeof(int));
	nllen += nlh->nlmsg_len;
}

/* ynl-qstats-get.tn40xx.txt: the complete dump, one RX and one TX queue. */
static void put_tn40xx(void)
{
	nllen = 0;
	put_rec(4, DL_QSTATS_RX, 0, (const struct kv[]){
		{ A_RX_ALLOC_FAIL, 0 }, { A_RX_BYTES, 266613 }, { A_RX_PACKETS, 3325 } }, 3);
	put_rec(4, DL_QSTATS_TX, 0, (const struct kv[]){
		{ A_TX_BYTES, 142823367 }, { A_TX_PACKETS, 2387 } }, 2);
	put_done();
}

static void test_tn40xx(void **state)
{
	struct dl_qstats *qs = dl_qstats__new();
	const struct dl_qstats_rec *r;

	(void)state;
	put_tn40xx();
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nllen), 0);
	assert_int_equal(qs->nr, 2);
	r = dl_qstats__find(qs, 4, DL_QSTATS_RX, 0);
	assert_non_null(r);
	assert_int_equal(r->v[DL_QSTAT_RX_PACKETS], 3325);
	assert_int_equal(r->v[DL_QSTAT_RX_BYTES], 266613);
	assert_true(r->have & (1u << DL_QSTAT_RX_ALLOC_FAIL));
	/* The driver does not report hw drops: absent, not 0. */
	assert_false(r->have & (1u << DL_QSTAT_RX_HW_DROPS));
	r = dl_qstats__find(qs, 4, DL_QSTATS_TX, 0);
	assert_int_equal(r->v[DL_QSTAT_TX_BYTES], 142823367);
	assert_null(dl_qstats__find(qs, 4, DL_QSTATS_RX, 1));
	assert_string_equal(dl_qstat__name(DL_QSTAT_RX_HW_DROP_OVERRUNS), "rx-hw-drop-overruns");
	dl_qstats__free(qs);
}

static void test_u64_and_unknown(void **state)
{
	struct dl_qstats *qs = dl_qstats__new();
	const struct dl_qstats_rec *r;

	(void)state;
	nllen = 0;
	/* Device scope, a value above 2^32 (8-byte attribute), a future attribute. */
	put_rec(7, -1, 0, (const struct kv[]){
		{ A_RX_BYTES, 105965251ULL << 8 }, { A_RX_PACKETS, 179790 }, { 200, 5 } }, 3);
	put_done();
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nllen), 0);
	r = dl_qstats__find(qs, 7, DL_QSTATS_DEVICE, 0);
	assert_non_null(r);
	assert_int_equal(r->v[DL_QSTAT_RX_BYTES], 105965251ULL << 8);
	assert_int_equal(r->have, (1u << DL_QSTAT_RX_BYTES) | (1u << DL_QSTAT_RX_PACKETS));
	dl_qstats__free(qs);
}

static void test_malformed(void **state)
{
	struct dl_qstats *qs = dl_qstats__new();
	struct nlmsghdr *nlh;
	struct nlmsgerr *e;

	(void)state;
	/* Cut in the middle of the first message. */
	put_tn40xx();
	assert_int_equal(dl_qstats__parse(qs, nlbuf, 30), -EBADMSG);
	/* A 2-byte statistic. */
	nllen = 0;
	nlh = mnl_nlmsg_put_header(nlbuf);
	nlh->nlmsg_type = 0x20;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_u32(nlh, A_IFINDEX, 3);
	mnl_attr_put_u16(nlh, A_RX_PACKETS, 1);
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nlh->nlmsg_len), -EBADMSG);
	/* A record without ifindex. */
	nlh = mnl_nlmsg_put_header(nlbuf);
	nlh->nlmsg_type = 0x20;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_u32(nlh, A_RX_PACKETS, 1);
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nlh->nlmsg_len), -EBADMSG);
	/* An unknown queue type. */
	nlh = mnl_nlmsg_put_header(nlbuf);
	nlh->nlmsg_type = 0x20;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_u32(nlh, A_IFINDEX, 3);
	mnl_attr_put_u32(nlh, A_QUEUE_TYPE, 7);
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nlh->nlmsg_len), -EBADMSG);
	/*
	 * A last message short of its 4-byte padding, its last attribute cut
	 * into it: libmnl would read that attribute to the aligned end.
	 */
	nlh = mnl_nlmsg_put_header(nlbuf);
	nlh->nlmsg_type = 0x20;
	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_u32(nlh, A_IFINDEX, 3);
	mnl_attr_put_u32(nlh, A_RX_PACKETS, 1);
	nlh->nlmsg_len -= 2;
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nlh->nlmsg_len), -EBADMSG);
	/* A message shorter than the genetlink header. */
	nlh = mnl_nlmsg_put_header(nlbuf);
	nlh->nlmsg_type = 0x20;
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nlh->nlmsg_len), -EBADMSG);
	/* The kernel's answer to an unknown command. */
	nlh = mnl_nlmsg_put_header(nlbuf);
	nlh->nlmsg_type = NLMSG_ERROR;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = -EOPNOTSUPP;
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nlh->nlmsg_len), -EOPNOTSUPP);
	assert_int_equal(qs->nr, 0);
	assert_int_equal(dl_qstats__parse(NULL, nlbuf, 0), -EINVAL);
	dl_qstats__free(qs);
}

/* The rx-N lines the i40e patch printed next to its qstats dump. */
static struct dl_ethtool_stats *i40e_ethtool_lines(void)
{
	struct dl_ethtool_stats *es = NULL;
	size_t len;
	char *buf = load_data("ynl-qstats-get.i40e.txt", &len);
	char *p = strstr(buf, "     rx-0.packets");

	assert_non_null(p);
	assert_int_equal(dl_ethtool_stats__parse_text(p, len - (p - buf), "i40e", "i40e",
						      &es), 0);
	free(buf);
	return es;
}

static void test_snapshot_prefers_qstats(void **state)
{
	struct dl_nic_inputs in = { .ifname = "eth3", .ifindex = 3 };
	struct dl_qstats *qs = dl_qstats__new();
	struct dl_nic_snapshot *s = NULL;
	struct dl_nic_map *map = NULL;
	char path[PATH_MAX];
	uint64_t v;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", test_dir("DL_CONFIGDIR"), DL_NIC_MAP_FILE);
	assert_int_equal(dl_nic_map__load(path, &map), 0);
	/* ynl-qstats-get.i40e.txt, queues 0 and 1 (the rest is elided there). */
	nllen = 0;
	put_rec(3, DL_QSTATS_RX, 0, (const struct kv[]){ { A_RX_ALLOC_FAIL, 0 },
		{ A_RX_BYTES, 45540208 }, { A_RX_PACKETS, 57112 } }, 3);
	put_rec(3, DL_QSTATS_RX, 1, (const struct kv[]){ { A_RX_ALLOC_FAIL, 0 },
		{ A_RX_BYTES, 8717844 }, { A_RX_PACKETS, 31256 } }, 3);
	put_done();
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nllen), 0);
	in.qstats = qs;
	in.ethtool = i40e_ethtool_lines();
	assert_int_equal(dl_nic__snapshot_build(&in, map, &s), 0);
	assert_int_equal(s->nr_queues, 2);
	assert_int_equal(s->queue[0].v[DL_NIC_RX_PACKETS], 57112);
	assert_int_equal(s->queue[0].src[DL_NIC_RX_PACKETS], DL_NIC_SRC_QSTATS);
	assert_int_equal(s->queue[1].v[DL_NIC_RX_BYTES], 8717844);
	assert_int_equal(s->queue[1].src[DL_NIC_ALLOC_FAIL], DL_NIC_SRC_QSTATS);
	/* Without a device record the interface value is the queues' sum. */
	assert_int_equal(s->global.v[DL_NIC_RX_PACKETS], 57112 + 31256);
	assert_true(s->global.derived & (1u << DL_NIC_RX_PACKETS));
	/* Neither source has drops for i40e queues: n/a. */
	assert_int_equal(dl_nic_vals__dropped(&s->queue[0], &v), -ENOENT);
	assert_true(s->sources & (1u << DL_NIC_SRC_QSTATS));
	dl_nic__snapshot_free(s);
	dl_nic_map__free(map);
}

/* Drops from qstats replace the driver's drop counters as a group. */
static void test_snapshot_drop_group(void **state)
{
	struct dl_nic_inputs in = { .ifname = "eth7", .ifindex = 7 };
	struct dl_qstats *qs = dl_qstats__new();
	struct dl_nic_snapshot *s = NULL;
	struct dl_nic_map *map = NULL;
	char path[PATH_MAX];
	size_t len;
	char *buf;
	uint64_t v;

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", test_dir("DL_CONFIGDIR"), DL_NIC_MAP_FILE);
	assert_int_equal(dl_nic_map__load(path, &map), 0);
	/* Simulated: 100 hw drops on the device, 30 of them overruns. */
	nllen = 0;
	put_rec(7, -1, 0, (const struct kv[]){ { A_RX_PACKETS, 179790 },
		{ A_RX_HW_DROPS, 100 }, { A_RX_HW_DROP_OVERRUNS, 30 } }, 3);
	put_done();
	assert_int_equal(dl_qstats__parse(qs, nlbuf, nllen), 0);
	buf = load_data("ethtool-S.mlx5_core.kernel-5.15.zeros-omitted.txt", &len);
	assert_int_equal(dl_ethtool_stats__parse_text(buf, len, "mlx5_core", "mlx5",
						      &in.ethtool), 0);
	free(buf);
	in.qstats = qs;
	assert_int_equal(dl_nic__snapshot_build(&in, map, &s), 0);
	assert_int_equal(s->global.v[DL_NIC_RING], 30);
	assert_int_equal(s->global.v[DL_NIC_OTHER_DROP], 70);
	assert_int_equal(s->global.src[DL_NIC_RING], DL_NIC_SRC_QSTATS);
	/* mlx5's rx_out_of_buffer is not added on top of the qstats drops. */
	assert_int_equal(dl_nic_vals__get(&s->global, DL_NIC_NO_BUFFER, &v), -ENOENT);
	assert_int_equal(dl_nic_vals__dropped(&s->global, &v), 0);
	assert_int_equal(v, 100);
	/* XDP has no qstats: that group still comes from ethtool. */
	assert_int_equal(s->global.v[DL_NIC_XDP_DROPS], 3753342954ULL);
	assert_int_equal(s->global.src[DL_NIC_XDP_DROPS], DL_NIC_SRC_ETHTOOL);
	dl_nic__snapshot_free(s);
	dl_nic_map__free(map);
}

static void test_live(void **state)
{
	struct dl_qstats *qs = NULL;
	int err;

	(void)state;
	/* lo has no queue stats: no records, and that is not an error. */
	err = dl_qstats__read(1, &qs);
	if (err == -EOPNOTSUPP)
		skip();		/* kernel before 6.9 */
	assert_int_equal(err, 0);
	assert_null(dl_qstats__find(qs, 1, DL_QSTATS_RX, 0));
	assert_null(dl_qstats__find(qs, 1, DL_QSTATS_DEVICE, 0));
	dl_qstats__free(qs);
	assert_int_equal(dl_qstats__read(0x7ffffff0, &qs), -ENODEV);
	assert_int_equal(dl_qstats__read(-1, &qs), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tn40xx),
		cmocka_unit_test(test_u64_and_unknown),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_snapshot_prefers_qstats),
		cmocka_unit_test(test_snapshot_drop_group),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
