// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_ingress_tc (the tc ingress hook) in the running kernel via
 * BPF_PROG_TEST_RUN on crafted frames, with ifindex and queue_mapping set
 * through struct __sk_buff: the same per-queue counters and flow table as
 * dl_ingress at XDP on the same frames, both queue_mapping conventions,
 * and per-flow counts through the per-CPU flow cache exact once joined.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/bpf.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../unit/frames.h"
#include "pin_cpu.h"
#include "fastpath/flow.h"
#include "fastpath/flow_cache.h"
#include "ingress.skel.h"
#include "test_tc_qm.skel.h"
#include "util/proc_spawn.h"

#define TC_NEXT 0xffffffffu	/* TC_ACT_UNSPEC: the next filter decides */

static int ifindex;
static struct dl_test_tc_qm_bpf *qm;	/* sets queue_mapping, tail-calls */

static int setup(void)
{
	char *argv[] = { "ip", "link", "add", "t0", "numrxqueues", "4", "numtxqueues", "4",
			 "type", "veth", "peer", "name", "t1", NULL };

	if (unshare(CLONE_NEWNET))
		return -1;
	if (dl_spawn__run(argv, 1))
		return -1;
	ifindex = if_nametoindex("t0");
	return ifindex ? 0 : -1;
}

static struct dl_ingress_bpf *load(bool tc, __u32 qm_raw, __u32 exact)
{
	struct dl_ingress_bpf *skel = dl_ingress_bpf__open();

	assert_non_null(skel);
	bpf_program__set_autoload(skel->progs.dl_ingress, !tc);
	bpf_program__set_autoload(skel->progs.dl_ingress_tc, tc);
	skel->rodata->tc_qm_raw = qm_raw;
	skel->rodata->exact_flows = exact;
	assert_int_equal(dl_ingress_bpf__load(skel), 0);
	return skel;
}

/*
 * -EINVAL: test_run refused the frame (an IP frame shorter than its IP
 * header cannot be made into an skb here); anything else fails the test.
 */
static int try_tc(struct dl_ingress_bpf *skel, const struct test_frame *fr,
		  __u32 qmap, int repeat)
{
	struct __sk_buff ctx = { .ifindex = ifindex, .cb = { qmap } };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = fr->buf,
		    .data_size_in = fr->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);
	int fd = bpf_program__fd(skel->progs.dl_ingress_tc);
	__u32 zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(qm->maps.next), &zero, &fd, 0), 0);
	if (bpf_prog_test_run_opts(bpf_program__fd(qm->progs.dl_test_tc_qm), &opts)) {
		if (errno == EINVAL)
			return -EINVAL;
		fail_msg("test_run of a %zu-byte frame: %s", fr->len, strerror(errno));
	}
	assert_int_equal(opts.retval, TC_NEXT);
	return 0;
}

static void run_tc(struct dl_ingress_bpf *skel, const struct test_frame *fr,
		   __u32 qmap, int repeat)
{
	assert_int_equal(try_tc(skel, fr, qmap, repeat), 0);
}

static void run_xdp(struct dl_ingress_bpf *skel, const struct test_frame *fr, __u32 rxq)
{
	struct xdp_md ctx = { .data_end = fr->len, .ingress_ifindex = ifindex,
			       .rx_queue_index = rxq };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = fr->buf,
		    .data_size_in = fr->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.dl_ingress),
						&opts), 0);
	assert_int_equal(opts.retval, XDP_PASS);
}

static void sum_rxq(struct dl_ingress_bpf *skel, __u32 q, struct dl_rxq_stats *out)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct dl_rxq_stats v[ncpu];
	__u64 *o = (__u64 *)out;
	size_t k;

	memset(out, 0, sizeof(*out));
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.rxq_cnt), &q, v), 0);
	for (c = 0; c < ncpu; c++)
		for (k = 0; k < 10; k++)
			o[k] += ((__u64 *)&v[c])[k];
}

/* Every crafted frame through both hooks: identical maps, by queue. */
static void test_same_as_xdp(void **state)
{
	struct dl_ingress_bpf *tc = load(true, 1, 0), *xdp = load(false, 1, 0);
	struct test_frame fr[16];
	size_t n = test_frames_build(fr, 16), i, seen = 0;
	struct dl_rxq_stats a, b;
	__u32 q;

	(void)state;
	for (i = 0; i < n; i++) {
		struct dl_flow_info fa, fb;
		struct dl_flow f;
		__u32 h;

		if (fr[i].len < 14)
			continue;
		if (try_tc(tc, &fr[i], i % 4, 1)) {
			assert_int_equal(fr[i].kind, FK_MALFORMED);
			continue;
		}
		run_xdp(xdp, &fr[i], i % 4);
		seen++;
		if (fr[i].kind == FK_MALFORMED)
			continue;
		assert_int_equal(dl_flow__parse_frame(fr[i].buf, fr[i].len, &f, NULL), 0);
		h = dl_flow__hash(&f);
		if (bpf_map_lookup_elem(bpf_map__fd(tc->maps.flow_tbl), &h, &fa))
			fail_msg("%s: hash %u not in the tc hook's flow table", fr[i].name, h);
		assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(xdp->maps.flow_tbl), &h, &fb), 0);
		assert_memory_equal(&fa.flow, &f, sizeof(f));
		assert_int_equal(fa.rxq, i % 4);
		assert_int_equal(fa.packets, fb.packets);
		assert_int_equal(fa.bytes, fb.bytes);
	}
	assert_true(seen >= 8);
	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		sum_rxq(tc, q, &a);
		sum_rxq(xdp, q, &b);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	sum_rxq(tc, 0, &a);
	assert_true(a.frames > 0 && a.malformed + a.ipv4 + a.ipv6 + a.other_l3 == a.frames);
	dl_ingress_bpf__destroy(tc);
	dl_ingress_bpf__destroy(xdp);
}

static size_t first_udp(struct test_frame *fr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fr[i].kind != FK_MALFORMED && fr[i].l4 == 17 && !fr[i].vlans)
			return i;
	fail_msg("no UDP frame among the crafted ones");
	return 0;
}

/* Recorded queues (queue + 1): 3 is queue 2; 0 (not recorded) is queue 0. */
static void test_recorded_queue(void **state)
{
	struct dl_ingress_bpf *tc = load(true, 0, 0);
	struct test_frame fr[16];
	size_t u = first_udp(fr, test_frames_build(fr, 16));
	struct dl_rxq_stats s;

	(void)state;
	run_tc(tc, &fr[u], 3, 5);
	run_tc(tc, &fr[u], 0, 2);
	sum_rxq(tc, 2, &s);
	assert_int_equal(s.frames, 5);
	assert_int_equal(s.udp, 5);
	sum_rxq(tc, 0, &s);
	assert_int_equal(s.frames, 2);
	sum_rxq(tc, 3, &s);
	assert_int_equal(s.frames, 0);
	dl_ingress_bpf__destroy(tc);
}

/*
 * 1000 frames of one flow: the table holds what the cache flushed (the
 * first frame, then every DL_FC_FLUSH), the cache the rest; joined they
 * are exactly 1000, and exact_flows puts all 1000 in the table.
 */
static void test_cache_join(void **state)
{
	struct dl_ingress_bpf *tc = load(true, 1, 0), *ex = load(true, 1, 1);
	struct test_frame fr[16];
	size_t u = first_udp(fr, test_frames_build(fr, 16));
	int flow_fd = bpf_map__fd(tc->maps.flow_tbl);
	struct dl_flow_info fi;
	struct dl_flow f;
	__u32 h;

	(void)state;
	assert_int_equal(dl_flow__parse_frame(fr[u].buf, fr[u].len, &f, NULL), 0);
	h = dl_flow__hash(&f);
	pin_one_cpu();	/* the flush count assumes one CPU's cache */
	run_tc(tc, &fr[u], 1, 1000);
	run_tc(ex, &fr[u], 1, 1000);
	assert_int_equal(bpf_map_lookup_elem(flow_fd, &h, &fi), 0);
	assert_int_equal(fi.packets, 1 + (999 / DL_FC_FLUSH) * DL_FC_FLUSH);
	assert_int_equal(dl_flow_cache__register(flow_fd, bpf_map__fd(tc->maps.flow_cache)), 0);
	assert_int_equal(dl_flow_info__lookup(flow_fd, h, &fi), 0);
	assert_int_equal(fi.packets, 1000);
	assert_int_equal(fi.bytes, 1000 * fr[u].len);
	assert_int_equal(fi.rxq, 1);
	dl_flow_cache__unregister(flow_fd);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(ex->maps.flow_tbl), &h, &fi), 0);
	assert_int_equal(fi.packets, 1000);
	dl_ingress_bpf__destroy(tc);
	dl_ingress_bpf__destroy(ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_xdp),
		cmocka_unit_test(test_recorded_queue),
		cmocka_unit_test(test_cache_join),
	};

	if (geteuid())
		return 77;	/* loading BPF needs root */
	if (setup())
		return 77;
	qm = dl_test_tc_qm_bpf__open_and_load();
	if (!qm)
		return 77;	/* no writable queue_mapping on this kernel */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
