// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tap mirroring in dl_ingress, driven by BPF_PROG_TEST_RUN on crafted
 * frames: the program loads with mirroring on, records carry the stamp,
 * sampling and ring overflow keep frames = received + lost + sampled_out
 * exactly, and the poll-mode workers read the rings into the aggregator,
 * also interval by interval while they run and through records that wrap
 * around the end of a ring. Needs root; exits 77 without BPF.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "linerate/agg.h"
#include "fastpath/flow.h"
#include "linerate/frame.h"
/*
 * DL_MIRROR_XCHG (test_bpf_mirror_xchg): the object built with the head
 * publish of non-x86 hosts (an atomic xchg), same skeleton name.
 */
#ifdef DL_MIRROR_XCHG
#include "ingress_xchg.skel.h"
#define WANT_XCHG 1
#elif defined(__x86_64__)
#include "ingress.skel.h"
#define WANT_XCHG 0
#else
#include "ingress.skel.h"
#define WANT_XCHG 1
#endif
#include "util/log.h"
#include "fastpath/mirror.h"
#include "dropledger_shared.h"
#include "linerate/workers.h"
#include "fastpath/mirror_ring.h"

struct fix {
	struct dl_ingress_bpf *skel;
	struct dl_mirror *m;
};

static const struct dl_frame_spec spec = {
	.src_mac = { 0x02, 0, 0, 0, 0, 1 },
	.dst_mac = { 0x02, 0, 0, 0, 0, 2 },
	.saddr = 0x010012c6,	/* 198.18.0.1, network order on x86 */
	.daddr = 0x020012c6,
	.sport = 40000,
	.dport = 9,
	.flow_id = 7,
	.seq = 0,
	.len = 64,
};

/* Every test runs once per ring kind (main). */
static enum dl_mirror_kind kind = DL_MIRROR_PERCPU;

/* load_opts(): records carry timestamps; no flow table (record hash 0). */
#define LOAD_TS 0x1
#define LOAD_NO_FLOWS 0x2

static int load_opts(struct fix *f, __u32 sample_every, size_t ring_bytes,
		     unsigned int how)
{
	struct dl_mirror_opts mo = { .ring_bytes = ring_bytes, .kind = kind,
				     .timestamps = how & LOAD_TS };

	memset(f, 0, sizeof(*f));
	f->skel = dl_ingress_bpf__open();
	if (!f->skel)
		return -errno;
	f->skel->rodata->sample_every = sample_every;
	f->skel->rodata->track_flows = !(how & LOAD_NO_FLOWS);
	if (dl_mirror__prepare(f->skel, &mo) || dl_ingress_bpf__load(f->skel))
		return -EPERM;
	f->m = dl_mirror__new(f->skel, &mo);
	if (f->m)
		assert_int_equal(dl_mirror__kind(f->m), kind);
	return f->m ? 0 : -errno;
}

static int load(struct fix *f, __u32 sample_every, size_t ring_bytes)
{
	return load_opts(f, sample_every, ring_bytes, 0);
}

static void unload(struct fix *f)
{
	dl_mirror__free(f->m);
	dl_ingress_bpf__destroy(f->skel);
}

static void run(struct fix *f, void *frame, size_t len, __u32 repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, o,
		.data_in = frame,
		.data_size_in = (__u32)len,
		.repeat = repeat,
	);

	assert_int_equal(bpf_prog_test_run_opts(
		bpf_program__fd(f->skel->progs.dl_ingress), &o), 0);
	assert_int_equal(o.retval, 2);	/* XDP_PASS, always */
}

static __u64 rxq_frames(struct fix *f)
{
	struct dl_rxq_stats v[512];
	int ncpu = libbpf_num_possible_cpus(), i;
	__u32 q = 0;
	__u64 sum = 0;

	assert_true(ncpu <= 512);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(f->skel->maps.rxq_cnt),
					     &q, v), 0);
	for (i = 0; i < ncpu; i++)
		sum += v[i].frames;
	return sum;
}

/*
 * Does the loaded program publish with an atomic xchg (BPF_STX | BPF_DW |
 * BPF_ATOMIC, imm BPF_XCHG)? Read from what the kernel verified, so the
 * variant under test is the one that ran. 1 yes, 0 no, -errno.
 */
static int loaded_xchg(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), n, i;
	struct bpf_insn *insns;
	int found = 0;

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	n = info.xlated_prog_len / sizeof(*insns);
	insns = calloc(n, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = n * sizeof(*insns);
	info.xlated_prog_insns = (__u64)(unsigned long)insns;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		free(insns);
		return -errno;
	}
	for (i = 0; i < n; i++)
		if (insns[i].code == (BPF_STX | BPF_DW | BPF_ATOMIC) &&
		    insns[i].imm == BPF_XCHG)
			found = 1;
	free(insns);
	return found;
}

static void test_publish_kind(void **state)
{
	struct fix f;

	(void)state;
	assert_int_equal(load(&f, 1, 1 << 16), 0);
	/* Ring buffers publish with bpf_ringbuf_submit(): no head store. */
	assert_int_equal(loaded_xchg(bpf_program__fd(f.skel->progs.dl_ingress)),
			 kind == DL_MIRROR_PERCPU ? WANT_XCHG : 0);
	unload(&f);
}

static void test_every_frame(void **state)
{
	struct dl_mirror_totals t;
	__u8 frame[128];
	size_t len;
	struct fix f;

	(void)state;
	assert_int_equal(load(&f, 1, 1 << 20), 0);
	assert_int_equal(dl_frame__build_udp4(frame, sizeof(frame), &spec, &len), 0);
	run(&f, frame, len, 1000);
	assert_int_equal(dl_mirror__drain(f.m), 1000);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.frames, 1000);
	assert_int_equal(t.received, 1000);
	assert_int_equal(t.submitted, 1000);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.sampled_out, 0);
	assert_int_equal(rxq_frames(&f), 1000);
	unload(&f);
}

static void test_ring_overflow_counted(void **state)
{
	struct dl_mirror_totals t;
	__u8 frame[128];
	size_t len;
	struct fix f;

	(void)state;
	/*
	 * One page holds 4096 / 88 = 46 ring-buffer records or 32 slots; the
	 * rest must be lost.
	 */
	assert_int_equal(load(&f, 1, 4096), 0);
	assert_int_equal(dl_frame__build_udp4(frame, sizeof(frame), &spec, &len), 0);
	run(&f, frame, len, 1000);
	dl_mirror__drain(f.m);
	run(&f, frame, len, 500);
	dl_mirror__drain(f.m);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.frames, 1500);
	assert_true(t.lost > 0);
	assert_true(t.received > 0);
	assert_int_equal(t.received, t.submitted);
	assert_int_equal(t.received + t.lost + t.sampled_out, t.frames);
	assert_int_equal(t.no_ring, 0);
	unload(&f);
}

/*
 * Slot rings: exact figures. 32 slots: a full ring loses the rest and never
 * overwrites; after a drain the producer sees the new tail and fills the
 * freed slots again; what nobody read is unread (head - tail), not lost.
 */
static void test_slots_full_exact(void **state)
{
	struct dl_mirror_totals t;
	__u8 frame[128];
	size_t len;
	struct fix f;

	(void)state;
	if (kind != DL_MIRROR_PERCPU)
		skip();
	assert_int_equal(load(&f, 1, 4096), 0);
	assert_int_equal(dl_frame__build_udp4(frame, sizeof(frame), &spec, &len), 0);
	dl_frame__set_seq(frame, 5);
	run(&f, frame, len, 100);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.frames, 100);
	assert_int_equal(t.submitted, 32);
	assert_int_equal(t.lost, 68);
	assert_int_equal(dl_mirror__drain(f.m), 32);
	run(&f, frame, len, 40);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.submitted, 64);
	assert_int_equal(t.lost, 68 + 8);
	/* 32 unread now: frames = received + lost + sampled_out + unread. */
	assert_int_equal(t.frames, t.received + t.lost + t.sampled_out +
		(t.submitted - t.received));
	assert_int_equal(t.submitted - t.received, 32);
	assert_int_equal(dl_mirror__drain(f.m), 32);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.received, 64);
	assert_int_equal(t.no_ring, 0);
	unload(&f);
}

struct rec_check {
	__u64 n, ts, hash0, stamped;
};

static void check_rec(void *ctx, const struct dl_pkt_rec *rec)
{
	struct rec_check *c = ctx;

	c->n++;
	c->ts += (rec->flags & DL_REC_TS) && rec->ts_ns;
	c->hash0 += rec->hash == 0;
	c->stamped += !!(rec->flags & DL_REC_STAMPED);
}

static __u64 read_all(struct fix *f, struct rec_check *c)
{
	__u64 bad = 0;
	int i;

	for (i = 0; i < dl_mirror__nr_rings(f->m); i++)
		if (dl_mirror__ring(f->m, i))
			dl_mirror_ring__consume(dl_mirror__ring(f->m, i), ~0u,
						check_rec, c, &bad);
	return bad;
}

static int hash_of_flows(const struct dl_agg_flow *fl, void *ctx)
{
	__u32 *h = ctx;

	*h = fl->hash;
	return 0;
}

/*
 * Timestamps only when asked; without the flow table the record's hash is
 * left to the reader, and the aggregator's row has dl_flow_hash() anyway.
 */
static void test_ts_and_hash(void **state)
{
	int cpus[1] = { sched_getcpu() };
	struct dl_workers_opts wo = { .cpus = cpus, .ncpus = 1, .idle_us = 100 };
	struct dl_flow fl = {};
	struct rec_check c = {};
	struct dl_workers *w;
	struct dl_agg *out;
	__u8 frame[128];
	__u32 h = 0;
	size_t len;
	struct fix f;

	(void)state;
	assert_int_equal(dl_frame__build_udp4(frame, sizeof(frame), &spec, &len), 0);
	assert_int_equal(load_opts(&f, 1, 1 << 16, LOAD_TS | LOAD_NO_FLOWS), 0);
	run(&f, frame, len, 10);
	assert_int_equal(read_all(&f, &c), 0);
	assert_int_equal(c.n, 10);
	assert_int_equal(c.ts, 10);
	assert_int_equal(c.hash0, 10);
	assert_int_equal(c.stamped, 10);
	unload(&f);

	memset(&c, 0, sizeof(c));
	assert_int_equal(load_opts(&f, 1, 1 << 16, 0), 0);
	run(&f, frame, len, 10);
	assert_int_equal(read_all(&f, &c), 0);
	assert_int_equal(c.n, 10);
	assert_int_equal(c.ts, 0);
	assert_int_equal(c.hash0, 0);
	unload(&f);

	assert_int_equal(load_opts(&f, 1, 1 << 16, LOAD_NO_FLOWS), 0);
	wo.mirror = f.m;
	w = dl_workers__start(&wo);
	assert_non_null(w);
	out = dl_agg__new(NULL);
	assert_non_null(out);
	run(&f, frame, len, 5);
	assert_int_equal(dl_workers__stop(w), 0);
	assert_int_equal(dl_workers__collect(w, out), 0);
	dl_agg__foreach_flow(out, hash_of_flows, &h);
	assert_int_equal(dl_flow__parse_frame(frame, len, &fl, NULL), 0);
	assert_int_equal(h, dl_flow_hash(&fl));
	dl_agg__free(out);
	dl_workers__free(w);
	unload(&f);
}

static void test_sampling(void **state)
{
	struct dl_mirror_totals t;
	__u8 frame[128];
	size_t len;
	struct fix f;

	(void)state;
	assert_int_equal(load(&f, 3, 1 << 16), 0);
	assert_int_equal(dl_frame__build_udp4(frame, sizeof(frame), &spec, &len), 0);
	run(&f, frame, len, 10);	/* pinned: one CPU, frames 1,4,7,10 */
	dl_mirror__drain(f.m);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.frames, 10);
	assert_int_equal(t.received, 4);
	assert_int_equal(t.sampled_out, 6);
	assert_int_equal(t.lost, 0);
	unload(&f);
}

static void test_mirror_off(void **state)
{
	struct dl_mirror_totals t;
	__u8 frame[128];
	size_t len;
	struct fix f;

	(void)state;
	assert_int_equal(load(&f, 0, 1 << 16), 0);
	assert_int_equal(dl_frame__build_udp4(frame, sizeof(frame), &spec, &len), 0);
	run(&f, frame, len, 100);
	assert_int_equal(dl_mirror__drain(f.m), 0);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.frames, 0);
	assert_int_equal(rxq_frames(&f), 100);
	unload(&f);
}

/* Records through the workers: stamp, sequence gaps, malformed frames. */
static void test_workers_records(void **state)
{
	int cpus[1] = { sched_getcpu() };
	struct dl_workers_opts wo = { .cpus = cpus, .ncpus = 1, .idle_us = 100 };
	const struct dl_seqcheck *s;
	struct dl_worker_stats ws;
	struct dl_agg_totals at;
	struct dl_mirror_totals t;
	struct dl_workers *w;
	struct dl_agg *out;
	__u8 frame[128];
	size_t len;
	struct fix f;
	__u64 i;

	(void)state;
	assert_int_equal(load(&f, 1, 1 << 20), 0);
	wo.mirror = f.m;
	w = dl_workers__start(&wo);
	assert_non_null(w);
	out = dl_agg__new(NULL);
	assert_non_null(out);
	assert_int_equal(dl_frame__build_udp4(frame, sizeof(frame), &spec, &len), 0);
	for (i = 0; i < 200; i++) {
		if (i == 17 || i == 18)
			continue;	/* the generator "lost" two */
		dl_frame__set_seq(frame, i);
		run(&f, frame, len, 1);
	}
	run(&f, frame, 20, 1);	/* IPv4 EtherType, header cut short */
	assert_int_equal(dl_workers__stop(w), 0);
	assert_int_equal(dl_workers__collect(w, out), 0);
	dl_agg__totals(out, &at);
	assert_int_equal(at.records, 199);
	assert_int_equal(at.stamped, 198);
	assert_int_equal(at.malformed, 1);
	assert_int_equal(dl_agg__seq_finish(out, 7, 200), 0);
	s = dl_agg__seq(out, 7);
	assert_non_null(s);
	assert_int_equal(s->received, 198);
	assert_int_equal(s->lost, 2);
	assert_int_equal(s->duplicated, 0);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.frames, 199);
	assert_int_equal(at.records + t.lost + t.sampled_out, t.frames);
	assert_int_equal(dl_workers__stats(w, 0, &ws), 0);
	assert_int_equal(ws.records, 199);
	assert_int_equal(ws.bad_records, 0);
	dl_agg__free(out);
	dl_workers__free(w);
	unload(&f);
}

struct sport_sum {
	__u64 records;
	int foreign;		/* rows of a tuple we did not send */
};

static int sum_sports(const struct dl_agg_flow *fl, void *ctx)
{
	struct sport_sum *s = ctx;
	unsigned int sp = dl_flow__sport(&fl->flow);

	s->records += fl->records;
	s->foreign += sp < 40000 || sp >= 40008 || fl->flow.l4proto != 17;
	return 0;
}

/*
 * Intervals while the workers run: each collect returns exactly what was
 * read since the last (a table swap, no copy), the sequence state carries
 * over. A 64 KiB ring and 88-byte records: many records wrap its end.
 */
static void test_workers_intervals(void **state)
{
	int cpus[1] = { sched_getcpu() };
	struct dl_workers_opts wo = { .cpus = cpus, .ncpus = 1, .idle_us = 100,
				      .agg = { .max_flows = 64 } };
	__u8 frame[8][128];
	const struct dl_seqcheck *s;
	struct dl_mirror_totals t;
	struct dl_agg_totals at;
	struct dl_workers *w;
	struct dl_agg *out;
	size_t len;
	struct fix f;
	__u64 i, k, got, tries;

	(void)state;
	assert_int_equal(load(&f, 1, 1 << 16), 0);
	wo.mirror = f.m;
	w = dl_workers__start(&wo);
	assert_non_null(w);
	out = dl_agg__new(&wo.agg);
	assert_non_null(out);
	for (i = 0; i < 8; i++) {
		struct dl_frame_spec sp = spec;

		sp.sport = (__u16)(40000 + i);
		assert_int_equal(dl_frame__build_udp4(frame[i], sizeof(frame[i]),
						      &sp, &len), 0);
	}
	for (k = 0; k < 10; k++) {
		for (i = 0; i < 500; i++) {
			dl_frame__set_seq(frame[i % 8], k * 500 + i);
			run(&f, frame[i % 8], len, 1);
		}
		/* The worker reads on its own time: collect until all 500 came. */
		for (got = 0, tries = 0; got < 500 && tries < 100000; tries++) {
			struct sport_sum ss = {};

			assert_int_equal(dl_workers__collect(w, out), 0);
			dl_agg__totals(out, &at);
			dl_agg__foreach_flow(out, sum_sports, &ss);
			assert_int_equal(ss.records, at.records);
			assert_int_equal(ss.foreign, 0);
			assert_int_equal(at.flow_overflow, 0);
			got += at.records;
			if (got < 500)
				usleep(100);
		}
		assert_int_equal(got, 500);
		s = dl_agg__seq(out, 7);
		assert_non_null(s);
		assert_int_equal(s->received, (k + 1) * 500);
	}
	assert_int_equal(dl_workers__stop(w), 0);
	assert_int_equal(dl_workers__collect(w, out), 0);
	dl_agg__totals(out, &at);
	assert_int_equal(at.records, 0);
	assert_int_equal(dl_agg__seq_finish(out, 7, 5000), 0);
	s = dl_agg__seq(out, 7);
	assert_int_equal(s->received, 5000);
	assert_int_equal(s->lost, 0);
	assert_int_equal(s->reordered, 0);
	assert_int_equal(s->duplicated, 0);
	assert_int_equal(dl_mirror__totals(f.m, &t), 0);
	assert_int_equal(t.frames, 5000);
	assert_int_equal(t.lost, 0);
	dl_agg__free(out);
	dl_workers__free(w);
	unload(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_publish_kind),
		cmocka_unit_test(test_every_frame),
		cmocka_unit_test(test_ring_overflow_counted),
		cmocka_unit_test(test_slots_full_exact),
		cmocka_unit_test(test_ts_and_hash),
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_mirror_off),
		cmocka_unit_test(test_workers_records),
		cmocka_unit_test(test_workers_intervals),
	};
	struct fix f;
	cpu_set_t one;
	int rc;

	if (geteuid() != 0) {
		fprintf(stderr, "SKIP: needs root\n");
		return 77;
	}
	dl_log__route_libbpf();
	if (load(&f, 1, 1 << 16)) {
		fprintf(stderr, "SKIP: cannot load dl_ingress with mirroring\n");
		unload(&f);
		return 77;
	}
	unload(&f);
	/* Per-CPU sampling counts are exact only on one CPU. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	kind = DL_MIRROR_PERCPU;
	rc = cmocka_run_group_tests_name("mirror percpu", tests, NULL, NULL);
	kind = DL_MIRROR_RINGBUF;
	rc |= cmocka_run_group_tests_name("mirror ringbuf", tests, NULL, NULL);
	return rc;
}
