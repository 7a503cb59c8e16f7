// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_ingress in the running kernel via BPF_PROG_TEST_RUN: crafted frames
 * (IPv4, IPv6 with extension headers, VLAN, QinQ, fragments, LLDP,
 * truncated, garbage) on chosen rx queues of a real 4-queue veth in a
 * private network namespace. Checks the verdict, the per-queue counters
 * and that the kernel's flow hash equals the userspace computation; the
 * per-(flow, queue) map only when asked for, read back through lib/.
 */
#include <arpa/inet.h>
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

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../unit/frames.h"
#include "pin_cpu.h"
#include "fastpath/flow.h"
#include "fastpath/flow_cache.h"
#include "fastpath/flow_queues.h"
#include "ingress.skel.h"
#include "util/proc_spawn.h"

static int ifindex;

static int setup(void **state)
{
	char *argv[] = { "ip", "link", "add", "t0", "numrxqueues", "4", "numtxqueues", "4",
			 "type", "veth", "peer", "name", "t1", NULL };

	(void)state;
	/* A namespace of our own: the veth never exists outside this test. */
	if (unshare(CLONE_NEWNET))
		return -1;
	if (dl_spawn__run(argv, 1))
		return -1;
	ifindex = if_nametoindex("t0");
	return ifindex ? 0 : -1;
}

static void sum_rxq(int fd, __u32 q, struct dl_rxq_stats *out)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct dl_rxq_stats v[ncpu];

	memset(out, 0, sizeof(*out));
	assert_int_equal(bpf_map_lookup_elem(fd, &q, v), 0);
	for (c = 0; c < ncpu; c++) {
		out->frames += v[c].frames;
		out->malformed += v[c].malformed;
		out->ipv4 += v[c].ipv4;
		out->ipv6 += v[c].ipv6;
		out->other_l3 += v[c].other_l3;
		out->vlan += v[c].vlan;
		out->udp += v[c].udp;
		out->tcp += v[c].tcp;
	}
}

static void test_frames(void **state)
{
	struct dl_rxq_stats want[4] = {}, got;
	struct dl_ingress_bpf *skel;
	struct test_frame fr[16];
	size_t n = test_frames_build(fr, 16), i;
	int prog, rxq_fd, flow_fd;

	(void)state;
	skel = dl_ingress_bpf__open_and_load();
	assert_non_null(skel);
	prog = bpf_program__fd(skel->progs.dl_ingress);
	rxq_fd = bpf_map__fd(skel->maps.rxq_cnt);
	flow_fd = bpf_map__fd(skel->maps.flow_tbl);

	for (i = 0; i < n; i++) {
		struct xdp_md ctx = { .data_end = fr[i].len, .ingress_ifindex = ifindex,
				       .rx_queue_index = i % 4 };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = fr[i].buf,
			    .data_size_in = fr[i].len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 1);
		struct dl_rxq_stats *w = &want[i % 4];
		struct dl_flow f;
		struct dl_flow_info fi;
		__u32 h;

		/* A frame shorter than an Ethernet header cannot enter test_run. */
		if (fr[i].len < 14)
			continue;
		assert_int_equal(bpf_prog_test_run_opts(prog, &opts), 0);
		assert_int_equal(opts.retval, XDP_PASS);
		w->frames++;
		if (fr[i].kind == FK_MALFORMED) {
			w->malformed++;
			continue;
		}
		w->ipv4 += fr[i].l3 == 0x0800;
		w->ipv6 += fr[i].l3 == 0x86dd;
		w->other_l3 += fr[i].l3 != 0x0800 && fr[i].l3 != 0x86dd;
		w->vlan += fr[i].vlans > 0;
		w->udp += fr[i].l4 == 17;
		w->tcp += fr[i].l4 == 6;
		/* The kernel keyed the flow by the hash userspace computes. */
		assert_int_equal(dl_flow__parse_frame(fr[i].buf, fr[i].len, &f, NULL), 0);
		h = dl_flow__hash(&f);
		if (bpf_map_lookup_elem(flow_fd, &h, &fi))
			fail_msg("%s: hash %u not in the kernel's flow table", fr[i].name, h);
		assert_memory_equal(&fi.flow, &f, sizeof(f));
		assert_int_equal(fi.rxq, i % 4);
		assert_int_equal(fi.packets, 1);
	}
	for (i = 0; i < 4; i++) {
		sum_rxq(rxq_fd, i, &got);
		assert_int_equal(got.frames, want[i].frames);
		assert_int_equal(got.malformed, want[i].malformed);
		assert_int_equal(got.ipv4, want[i].ipv4);
		assert_int_equal(got.ipv6, want[i].ipv6);
		assert_int_equal(got.other_l3, want[i].other_l3);
		assert_int_equal(got.vlan, want[i].vlan);
		assert_int_equal(got.udp, want[i].udp);
		assert_int_equal(got.tcp, want[i].tcp);
	}
	dl_ingress_bpf__destroy(skel);
}

/* track_flows=0: counters only, the flow table stays empty. */
static void test_counters_only(void **state)
{
	struct dl_ingress_bpf *skel = dl_ingress_bpf__open();
	struct test_frame fr[16];
	struct xdp_md ctx = {};
	__u32 key, next;

	(void)state;
	test_frames_build(fr, 16);
	ctx.data_end = fr[0].len;
	assert_non_null(skel);
	skel->rodata->track_flows = 0;
	assert_int_equal(dl_ingress_bpf__load(skel), 0);
	{
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = fr[0].buf,
			    .data_size_in = fr[0].len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 100);

		ctx.ingress_ifindex = ifindex;
		assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.dl_ingress),
							&opts), 0);
		assert_int_equal(opts.retval, XDP_PASS);
	}
	assert_int_equal(bpf_map_get_next_key(bpf_map__fd(skel->maps.flow_tbl), NULL, &next), -ENOENT);
	key = 0;
	{
		struct dl_rxq_stats got;

		sum_rxq(bpf_map__fd(skel->maps.rxq_cnt), key, &got);
		assert_int_equal(got.frames, 100);
	}
	dl_ingress_bpf__destroy(skel);
}

static void run_on(int prog, const struct test_frame *fr, __u32 rxq, int repeat)
{
	struct xdp_md ctx = { .data_end = fr->len, .ingress_ifindex = ifindex,
			       .rx_queue_index = rxq };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = fr->buf,
		    .data_size_in = fr->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);

	assert_int_equal(bpf_prog_test_run_opts(prog, &opts), 0);
	assert_int_equal(opts.retval, XDP_PASS);
}

/*
 * track_flow_queues: one flow seen on queues 1 and 3 is two entries with
 * exact counts, and folds into one observation; off (the default), the
 * map stays empty.
 */
static void test_flow_queues(void **state)
{
	struct dl_ingress_bpf *skel;
	struct test_frame fr[16];
	struct dl_flow_q_entry *e;
	struct dl_flow_obs *o;
	struct dl_flow f;
	size_t n, i, udp = 0;
	int prog;

	(void)state;
	test_frames_build(fr, 16);
	for (i = 0; i < 16; i++)
		if (fr[i].kind != FK_MALFORMED && fr[i].l4 == 17 && !fr[i].vlans)
			break;
	assert_true(i < 16);
	udp = i;
	assert_int_equal(dl_flow__parse_frame(fr[udp].buf, fr[udp].len, &f, NULL), 0);

	skel = dl_ingress_bpf__open_and_load();
	assert_non_null(skel);
	run_on(bpf_program__fd(skel->progs.dl_ingress), &fr[udp], 1, 10);
	assert_int_equal(dl_flow_queues__read_raw(bpf_map__fd(skel->maps.flow_q_cnt), &e, &n), 0);
	assert_int_equal(n, 0);
	dl_ingress_bpf__destroy(skel);

	/* the second run must evict the first's slot on the same CPU */
	pin_one_cpu();
	skel = dl_ingress_bpf__open();
	assert_non_null(skel);
	skel->rodata->track_flow_queues = 1;
	assert_int_equal(dl_ingress_bpf__load(skel), 0);
	prog = bpf_program__fd(skel->progs.dl_ingress);
	run_on(prog, &fr[udp], 1, 7);
	run_on(prog, &fr[udp], 3, 5);
	/*
	 * Unjoined: queue 3 took queue 1's cache slot (one slot per flow hash),
	 * so queue 1's 7 are in the table, of queue 3 its first frame only.
	 */
	assert_int_equal(dl_flow_queues__read_raw(bpf_map__fd(skel->maps.flow_q_cnt), &e, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(e[0].v.packets + e[1].v.packets, 8);
	free(e);
	assert_int_equal(dl_flow_cache__register(bpf_map__fd(skel->maps.flow_q_cnt),
						 bpf_map__fd(skel->maps.flow_cache)), 0);
	assert_int_equal(dl_flow_queues__read_raw(bpf_map__fd(skel->maps.flow_q_cnt), &e, &n), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_int_equal(e[i].hash, dl_flow__hash(&f));
		assert_memory_equal(&e[i].v.flow, &f, sizeof(f));
		assert_int_equal(e[i].v.packets, e[i].rxq == 1 ? 7 : 5);
		assert_int_equal(e[i].v.bytes, e[i].v.packets * fr[udp].len);
		assert_true(e[i].rxq == 1 || e[i].rxq == 3);
		assert_int_not_equal(e[i].v.cpus, 0);
	}
	free(e);
	assert_int_equal(dl_flow_queues__read(bpf_map__fd(skel->maps.flow_q_cnt), &o, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(o[0].packets[1], 7);
	assert_int_equal(o[0].packets[3], 5);
	free(o);
	/* Any other map is refused, not misread. */
	assert_int_equal(dl_flow_queues__read_raw(bpf_map__fd(skel->maps.flow_tbl), &e, &n),
			 -EINVAL);
	dl_flow_cache__unregister(bpf_map__fd(skel->maps.flow_q_cnt));
	dl_ingress_bpf__destroy(skel);

	/* exact_flows: every frame in the table, nothing to join. */
	skel = dl_ingress_bpf__open();
	assert_non_null(skel);
	skel->rodata->track_flow_queues = 1;
	skel->rodata->exact_flows = 1;
	assert_int_equal(dl_ingress_bpf__load(skel), 0);
	prog = bpf_program__fd(skel->progs.dl_ingress);
	run_on(prog, &fr[udp], 1, 7);
	run_on(prog, &fr[udp], 3, 5);
	assert_int_equal(dl_flow_queues__read_raw(bpf_map__fd(skel->maps.flow_q_cnt), &e, &n), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++)
		assert_int_equal(e[i].v.packets, e[i].rxq == 1 ? 7 : 5);
	free(e);
	dl_ingress_bpf__destroy(skel);

	/* Everything on at once still passes the verifier. */
	skel = dl_ingress_bpf__open();
	assert_non_null(skel);
	skel->rodata->track_flow_queues = 1;
	skel->rodata->sample_every = 1;
	assert_int_equal(dl_ingress_bpf__load(skel), 0);
	dl_ingress_bpf__destroy(skel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_counters_only),
		cmocka_unit_test(test_flow_queues),
	};

	if (geteuid())
		return 77;	/* loading BPF needs root */
	if (setup(NULL))
		return 77;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
