// SPDX-License-Identifier: GPL-2.0-only
/*
 * tc state for verdicts: the RTM_NEWQDISC and RTM_NEWTFILTER parsers on
 * messages built as the kernel dumps them (tbf with its nested parameters
 * and 64-bit rate, pfifo/bfifo raw options, a kind without a read limit,
 * a bpf filter and a classifier's head), the strings the verdict prints,
 * and a live dump of the loopback device, which needs no privileges.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "verdict/tc_state.h"

static char buf[4096];

static struct nlmsghdr *msg(uint16_t type, uint32_t parent, uint32_t info, const char *kind)
{
	struct nlmsghdr *nlh;
	struct tcmsg *t;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_ifindex = 3;
	t->tcm_parent = parent;
	t->tcm_info = info;
	if (kind)
		mnl_attr_put_strz(nlh, TCA_KIND, kind);
	return nlh;
}

static void put_drops(struct nlmsghdr *nlh, uint32_t drops)
{
	struct gnet_stats_queue q = { .qlen = 5, .backlog = 7000, .drops = drops };
	struct nlattr *st = mnl_attr_nest_start(nlh, TCA_STATS2);

	mnl_attr_put(nlh, TCA_STATS_QUEUE, sizeof(q), &q);
	mnl_attr_nest_end(nlh, st);
}

/* tc qdisc add dev v1a root tbf rate 1kbit burst 3000 limit 7000, 12 dropped. */
static void test_tbf(void **state)
{
	struct tc_tbf_qopt o = { .limit = 7000, .buffer = 12345, .mtu = 2000 };
	struct nlmsghdr *nlh = msg(RTM_NEWQDISC, TC_H_ROOT, 0, "tbf");
	struct nlattr *opt;
	struct dl_qdisc q;

	(void)state;
	o.rate.rate = 125;
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(o), &o);
	mnl_attr_nest_end(nlh, opt);
	put_drops(nlh, 12);
	assert_int_equal(dl_qdisc__parse(nlh, &q), 0);
	assert_string_equal(q.kind, "tbf");
	assert_int_equal(q.parent, TC_H_ROOT);
	assert_int_equal(q.limit, 7000);
	assert_true(q.limit_bytes);
	assert_int_equal(q.rate, 125);
	assert_int_equal(q.drops, 12);

	/* 40 Gbit/s does not fit the 32-bit field: TCA_TBF_RATE64 carries it. */
	nlh = msg(RTM_NEWQDISC, TC_H_ROOT, 0, "tbf");
	o.rate.rate = ~0u;
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(o), &o);
	mnl_attr_put_u64(nlh, TCA_TBF_RATE64, 5000000000ULL);
	mnl_attr_nest_end(nlh, opt);
	assert_int_equal(dl_qdisc__parse(nlh, &q), 0);
	assert_int_equal(q.rate, 5000000000ULL);
	assert_int_equal(q.drops, 0);
}

static void test_fifo(void **state)
{
	struct tc_fifo_qopt f = { .limit = 100 };
	struct nlmsghdr *nlh = msg(RTM_NEWQDISC, TC_H_ROOT, 0, "pfifo");
	struct dl_qdisc q;

	(void)state;
	mnl_attr_put(nlh, TCA_OPTIONS, sizeof(f), &f);
	assert_int_equal(dl_qdisc__parse(nlh, &q), 0);
	assert_int_equal(q.limit, 100);
	assert_false(q.limit_bytes);

	nlh = msg(RTM_NEWQDISC, 0x10001, 0, "bfifo");
	f.limit = 30000;
	mnl_attr_put(nlh, TCA_OPTIONS, sizeof(f), &f);
	assert_int_equal(dl_qdisc__parse(nlh, &q), 0);
	assert_int_equal(q.parent, 0x10001);
	assert_int_equal(q.limit, 30000);
	assert_true(q.limit_bytes);

	/* Truncated options: the kind stays, the limit unknown. */
	nlh = msg(RTM_NEWQDISC, TC_H_ROOT, 0, "pfifo");
	mnl_attr_put(nlh, TCA_OPTIONS, 2, "\x01\x02");
	assert_int_equal(dl_qdisc__parse(nlh, &q), 0);
	assert_int_equal(q.limit, -1);
}

/* A kind whose options are not read (htb, fq_codel): kind and drops only. */
static void test_other_kinds(void **state)
{
	struct nlmsghdr *nlh = msg(RTM_NEWQDISC, TC_H_ROOT, 0, "htb");
	struct dl_qdisc q;

	(void)state;
	mnl_attr_put(nlh, TCA_OPTIONS, 4, "\0\0\0\0");
	put_drops(nlh, 3);
	assert_int_equal(dl_qdisc__parse(nlh, &q), 0);
	assert_string_equal(q.kind, "htb");
	assert_int_equal(q.limit, -1);
	assert_int_equal(q.rate, 0);
	assert_int_equal(q.drops, 3);

	/* No kind, or not a qdisc message, or too short: refused. */
	assert_int_equal(dl_qdisc__parse(msg(RTM_NEWQDISC, TC_H_ROOT, 0, NULL), &q), -EINVAL);
	assert_int_equal(dl_qdisc__parse(msg(RTM_NEWTFILTER, TC_H_ROOT, 0, "tbf"), &q), -EINVAL);
	nlh = msg(RTM_NEWQDISC, TC_H_ROOT, 0, NULL);
	nlh->nlmsg_len = sizeof(*nlh) + 4;
	assert_int_equal(dl_qdisc__parse(nlh, &q), -EINVAL);
	assert_int_equal(dl_qdisc__parse(NULL, &q), -EINVAL);
}

/* tc filter add dev v3b ingress bpf da obj test_tc_qm.bpf.o sec tc (pref 49152). */
static void test_bpf_filter(void **state)
{
	struct nlmsghdr *nlh = msg(RTM_NEWTFILTER, 0xfffffff2, (49152u << 16) | 0x0300, "bpf");
	struct nlattr *opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	struct dl_tc_filter f[2];
	char s[256];

	(void)state;
	mnl_attr_put_strz(nlh, TCA_BPF_NAME, "test_tc_qm.bpf.o:[tc]");
	mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
	mnl_attr_put_u32(nlh, TCA_BPF_ID, 42);
	mnl_attr_nest_end(nlh, opt);
	assert_int_equal(dl_tc_filter__parse(nlh, &f[0]), 0);
	assert_string_equal(f[0].kind, "bpf");
	assert_string_equal(f[0].name, "test_tc_qm.bpf.o:[tc]");
	assert_int_equal(f[0].pref, 49152);
	assert_int_equal(f[0].prog_id, 42);
	assert_true(f[0].direct_action);

	/* u32: the kind and preference; its hash-table head has no options. */
	nlh = msg(RTM_NEWTFILTER, 0xfffffff2, 2u << 16, "u32");
	assert_int_equal(dl_tc_filter__parse(nlh, &f[1]), -ENOENT);
	opt = mnl_attr_nest_start(nlh, TCA_OPTIONS);
	mnl_attr_put_u32(nlh, 1, 0x80000800);
	mnl_attr_nest_end(nlh, opt);
	assert_int_equal(dl_tc_filter__parse(nlh, &f[1]), 0);
	assert_int_equal(f[1].pref, 2);
	assert_string_equal(f[1].name, "");

	dl_tc_filter__str(f, 2, s, sizeof(s));
	assert_string_equal(s, "pref 49152 bpf test_tc_qm.bpf.o:[tc] direct-action id 42; pref 2 u32");
	dl_tc_filter__str(f, 2, s, 12);
	assert_string_equal(s, "pref 49152 ");
	assert_int_equal(dl_tc_filter__parse(msg(RTM_NEWQDISC, 0, 0, "bpf"), &f[0]), -EINVAL);
}

static void test_rate_str(void **state)
{
	char s[32];

	(void)state;
	dl_tc_rate__str(125, s, sizeof(s));
	assert_string_equal(s, "1Kbit");
	dl_tc_rate__str(1250000, s, sizeof(s));
	assert_string_equal(s, "10Mbit");
	dl_tc_rate__str(5000000000ULL, s, sizeof(s));
	assert_string_equal(s, "40Gbit");
	dl_tc_rate__str(1001, s, sizeof(s));
	assert_string_equal(s, "8008bit");
	dl_tc_rate__str(0, s, sizeof(s));
	assert_string_equal(s, "0bit");
}

/* Loopback has the noqueue qdisc, which dumps no root entry: -ENOENT, not a failure. */
static void test_live_lo(void **state)
{
	struct dl_tc_filter f[4];
	struct dl_qdisc q;
	size_t n = 99;
	int err;

	(void)state;
	err = dl_qdisc__root(1, &q);
	assert_true(err == 0 || err == -ENOENT);
	assert_int_equal(dl_tc_filter__list(1, false, f, 4, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(dl_qdisc__root(0, &q), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tbf),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_bpf_filter),
		cmocka_unit_test(test_rate_str),
		cmocka_unit_test(test_live_lo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
