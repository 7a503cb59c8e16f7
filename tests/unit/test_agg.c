// SPDX-License-Identifier: GPL-2.0-only
/*
 * The record aggregator on in-memory records (no BPF): per-queue and
 * per-flow counts, stamped sequence accounting, merging worker tables at
 * an interval boundary, and overflow buckets.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "agg.h"
#include "shared_user.h"

static struct dl_pkt_rec rec(__u32 sport, __u16 rxq, int stamped, __u32 fid,
			     __u64 seq)
{
	struct dl_pkt_rec r;

	memset(&r, 0, sizeof(r));
	r.flow.l3proto = 0x0008;
	r.flow.l4proto = 17;
	r.flow.saddr[0] = 0x010012c6;
	r.flow.daddr[0] = 0x020012c6;
	r.flow.sport = (__u16)sport;
	r.flow.dport = 9;
	r.hash = dl_flow_hash(&r.flow);
	r.len = 64;
	r.rxq = rxq;
	if (stamped) {
		r.flags = DL_REC_STAMPED;
		r.stamp_flow = fid;
		r.seq = seq;
	}
	return r;
}

static int count_flows(const struct dl_agg_flow *f, void *ctx)
{
	__u64 *c = ctx;

	c[0]++;
	c[1] += f->records;
	return 0;
}

static void test_counts(void **state)
{
	struct dl_pkt_rec r[10];
	struct dl_agg_totals t;
	struct dl_agg_queue q;
	struct dl_agg *a;
	__u64 fl[2] = {};
	int i;

	(void)state;
	a = dl_agg__new(NULL);
	assert_non_null(a);
	for (i = 0; i < 10; i++)
		r[i] = rec(1000 + i % 3, (__u16)(i % 2), i < 6, 4, (__u64)i);
	r[9].rxq = 500;		/* beyond DL_MAX_QUEUES: last row */
	r[8].flags |= DL_REC_MALFORMED;
	assert_int_equal(dl_agg__add(a, r, 10), 0);
	dl_agg__totals(a, &t);
	assert_int_equal(t.records, 10);
	assert_int_equal(t.bytes, 640);
	assert_int_equal(t.stamped, 6);
	assert_int_equal(t.malformed, 1);
	assert_int_equal(t.bad_queue, 1);
	assert_int_equal(dl_agg__queue(a, 0, &q), 0);
	assert_int_equal(q.records, 5);
	assert_int_equal(q.stamped, 3);
	assert_int_equal(dl_agg__queue(a, 1, &q), 0);
	assert_int_equal(q.records, 4);
	assert_int_equal(dl_agg__queue(a, DL_MAX_QUEUES, &q), 0);
	assert_int_equal(q.records, 1);
	assert_int_equal(dl_agg__queue(a, DL_MAX_QUEUES + 1, &q), -ERANGE);
	dl_agg__foreach_flow(a, count_flows, fl);
	assert_int_equal(fl[0], 3);
	assert_int_equal(fl[1], 10);
	assert_non_null(dl_agg__seq(a, 4));
	assert_int_equal(dl_agg__seq(a, 4)->received, 6);
	assert_null(dl_agg__seq(a, 5));
	dl_agg__free(a);
}

static void test_merge_interval(void **state)
{
	struct dl_agg *w1, *w2, *out;
	struct dl_pkt_rec r;
	struct dl_agg_totals t;
	const struct dl_seqcheck *s;
	__u64 i;

	(void)state;
	w1 = dl_agg__new(NULL);
	w2 = dl_agg__new(NULL);
	out = dl_agg__new(NULL);
	assert_non_null(w1);
	assert_non_null(w2);
	assert_non_null(out);
	/* Flow 1 on worker 1 loses seq 50; flow 2 on worker 2 is clean. */
	for (i = 0; i < 100; i++) {
		if (i != 50) {
			r = rec(1, 0, 1, 1, i);
			dl_agg__add(w1, &r, 1);
		}
		r = rec(2, 1, 1, 2, i);
		dl_agg__add(w2, &r, 1);
	}
	assert_int_equal(dl_agg__merge(out, w1), 0);
	assert_int_equal(dl_agg__merge(out, w2), 0);
	dl_agg__totals(out, &t);
	assert_int_equal(t.records, 199);
	assert_int_equal(t.stamped, 199);
	assert_int_equal(dl_agg__seq_finish(out, 1, 100), 0);
	assert_int_equal(dl_agg__seq_finish(out, 2, 100), 0);
	s = dl_agg__seq(out, 1);
	assert_int_equal(s->received, 99);
	assert_int_equal(s->lost, 1);
	s = dl_agg__seq(out, 2);
	assert_int_equal(s->received + s->lost, 100);
	assert_int_equal(s->lost, 0);

	/* Interval boundary: counts restart, sequence state carries on. */
	dl_agg__clear_counts(w1);
	r = rec(1, 0, 1, 1, 100);
	dl_agg__add(w1, &r, 1);
	dl_agg__totals(w1, &t);
	assert_int_equal(t.records, 1);
	assert_int_equal(dl_agg__seq(w1, 1)->received, 100);
	assert_int_equal(dl_agg__seq(w1, 1)->lost, 1);
	dl_agg__clear(w1);
	assert_null(dl_agg__seq(w1, 1));
	dl_agg__free(out);
	dl_agg__free(w2);
	dl_agg__free(w1);
}

static void test_overflow(void **state)
{
	struct dl_agg_opts o = { .flow_slots = 16, .stamp_flows = 4 };
	struct dl_agg_totals t;
	struct dl_pkt_rec r;
	struct dl_agg *a, *b;
	int i;

	(void)state;
	assert_null(dl_agg__new(&(struct dl_agg_opts){ .flow_slots = 17 }));
	a = dl_agg__new(&o);
	assert_non_null(a);
	for (i = 0; i < 100; i++) {
		r = rec((__u32)i, 0, 1, (__u32)i, 0);
		dl_agg__add(a, &r, 1);
	}
	dl_agg__totals(a, &t);
	assert_int_equal(t.records, 100);
	assert_int_equal(t.flow_overflow, 100 - 16);
	assert_int_equal(t.stamp_overflow, 96);
	assert_int_equal(dl_agg__seq_finish(a, 9, 1), -ENOENT);
	b = dl_agg__new(NULL);
	assert_int_equal(dl_agg__merge(b, a), -EINVAL);	/* other stamp_flows */
	dl_agg__free(b);
	dl_agg__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_merge_interval),
		cmocka_unit_test(test_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
