// SPDX-License-Identifier: GPL-2.0-only
/*
 * The record aggregator on in-memory records (no BPF): per-queue and
 * per-flow counts, stamped sequence accounting, merging worker tables at
 * an interval boundary (by copy and by table swap), flows keyed by tuple
 * (IPv4 in the row, IPv6 beside it) and overflow buckets.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "linerate/agg.h"
#include "dropledger_shared.h"

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
	struct dl_agg_opts o = { .max_flows = 16, .stamp_flows = 4 };
	struct dl_agg_totals t;
	struct dl_pkt_rec r;
	struct dl_agg *a, *b;
	int i;

	(void)state;
	assert_null(dl_agg__new(&(struct dl_agg_opts){ .max_flows = (1u << 24) + 1 }));
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

/* An IPv6 UDP flow 2001:db8::@src -> 2001:db8::2, port @sport. */
static struct dl_pkt_rec rec6(__u32 src, __u32 sport, __u16 rxq)
{
	struct dl_pkt_rec r;

	memset(&r, 0, sizeof(r));
	r.flow.l3proto = 0xdd86;
	r.flow.l4proto = 17;
	r.flow.saddr[0] = 0xb80d0120;
	r.flow.saddr[3] = src;
	r.flow.daddr[0] = 0xb80d0120;
	r.flow.daddr[3] = 0x02000000;
	r.flow.sport = (__u16)sport;
	r.flow.dport = 9;
	r.hash = dl_flow_hash(&r.flow);
	r.len = 100;
	r.rxq = rxq;
	return r;
}

struct flow_list {
	struct dl_agg_flow f[64];
	unsigned int n;
};

static int list_flow(const struct dl_agg_flow *f, void *ctx)
{
	struct flow_list *l = ctx;

	if (l->n < 64)
		l->f[l->n++] = *f;
	return 0;
}

/* The row of tuple @fl in @l, or NULL. */
static const struct dl_agg_flow *find(const struct flow_list *l,
				      const struct dl_flow *fl)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (!memcmp(&l->f[i].flow, fl, sizeof(*fl)))
			return &l->f[i];
	return NULL;
}

static void test_tuple_keys(void **state)
{
	struct dl_pkt_rec a = rec(1000, 0, 0, 0, 0), b = rec(1001, 1, 0, 0, 0);
	struct dl_pkt_rec v[3] = { rec6(1, 5000, 2), rec6(2, 5000, 3), rec6(1, 5000, 2) };
	struct dl_agg_opts o = { .max_flows = 8 };
	struct flow_list l = {};
	const struct dl_agg_flow *f;
	struct dl_agg *ag, *m;

	(void)state;
	ag = dl_agg__new(&o);
	m = dl_agg__new(NULL);
	assert_non_null(ag);
	assert_non_null(m);
	/* Two tuples that share a 32-bit hash stay two flows. */
	b.hash = a.hash;
	dl_agg__add(ag, &a, 1);
	dl_agg__add(ag, &b, 1);
	dl_agg__add(ag, &a, 1);
	/* IPv6 tuples do not fit a row: kept whole beside the table. */
	dl_agg__add(ag, v, 3);
	assert_int_equal(dl_agg__nr_flows(ag), 4);
	dl_agg__foreach_flow(ag, list_flow, &l);
	assert_int_equal(l.n, 4);
	f = find(&l, &a.flow);
	assert_non_null(f);
	assert_int_equal(f->records, 2);
	assert_int_equal(f->bytes, 128);
	assert_int_equal(f->hash, a.hash);
	f = find(&l, &b.flow);
	assert_non_null(f);
	assert_int_equal(f->records, 1);
	assert_int_equal(f->rxq, 1);
	f = find(&l, &v[0].flow);
	assert_non_null(f);
	assert_int_equal(f->records, 2);
	assert_int_equal(f->rxq, 2);
	f = find(&l, &v[1].flow);
	assert_non_null(f);
	assert_int_equal(f->records, 1);

	/* Merged into a table of another size: same rows, same tuples. */
	assert_int_equal(dl_agg__merge(m, ag), 0);
	assert_int_equal(dl_agg__merge(m, ag), 0);
	memset(&l, 0, sizeof(l));
	dl_agg__foreach_flow(m, list_flow, &l);
	assert_int_equal(l.n, 4);
	assert_int_equal(find(&l, &v[0].flow)->records, 4);
	assert_int_equal(find(&l, &b.flow)->records, 2);

	/* Cleared, the table takes new flows again. */
	dl_agg__clear_counts(ag);
	assert_int_equal(dl_agg__nr_flows(ag), 0);
	dl_agg__add(ag, &v[1], 1);
	memset(&l, 0, sizeof(l));
	dl_agg__foreach_flow(ag, list_flow, &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(find(&l, &v[1].flow)->records, 1);
	dl_agg__free(m);
	dl_agg__free(ag);
}

static void test_take_counts(void **state)
{
	struct dl_agg_opts o = { .max_flows = 100, .stamp_flows = 8 };
	struct dl_agg *live, *hand, *out, *other;
	struct dl_agg_totals t;
	struct flow_list l = {};
	struct dl_agg_queue q;
	struct dl_pkt_rec r;
	__u64 i;

	(void)state;
	live = dl_agg__new(&o);
	hand = dl_agg__new(&o);
	out = dl_agg__new(&o);
	other = dl_agg__new(&(struct dl_agg_opts){ .max_flows = 50, .stamp_flows = 8 });
	assert_non_null(live);
	assert_non_null(hand);
	assert_non_null(out);
	assert_non_null(other);
	for (i = 0; i < 10; i++) {
		r = rec((__u32)(i % 3), (__u16)(i % 2), 1, 1, i);
		dl_agg__add(live, &r, 1);
	}
	r = rec6(7, 7, 5);
	dl_agg__add(live, &r, 1);
	/* Worker side: empty hand-off, the tables trade places. */
	assert_int_equal(dl_agg__take_counts(hand, live), 0);
	dl_agg__totals(live, &t);
	assert_int_equal(t.records, 0);
	assert_int_equal(dl_agg__nr_flows(live), 0);
	assert_int_equal(dl_agg__seq(live, 1)->received, 10);	/* kept */
	dl_agg__totals(hand, &t);
	assert_int_equal(t.records, 11);
	assert_int_equal(t.stamped, 10);
	assert_int_equal(dl_agg__nr_flows(hand), 4);
	assert_int_equal(dl_agg__seq(hand, 1)->received, 10);
	dl_agg__queue(hand, 1, &q);
	assert_int_equal(q.records, 5);

	/* The worker goes on in the table it got: seq 10 follows 0..9. */
	r = rec(0, 0, 1, 1, 10);
	dl_agg__add(live, &r, 1);
	assert_int_equal(dl_agg__seq(live, 1)->received, 11);
	assert_int_equal(dl_agg__seq(live, 1)->lost, 0);

	/* Collector side: into an empty result (swap), then a non-empty one. */
	assert_int_equal(dl_agg__take_counts(out, hand), 0);
	dl_agg__clear(hand);
	assert_int_equal(dl_agg__take_counts(hand, live), 0);
	assert_int_equal(dl_agg__take_counts(out, hand), 0);
	dl_agg__totals(out, &t);
	assert_int_equal(t.records, 12);
	assert_int_equal(dl_agg__nr_flows(out), 4);
	dl_agg__foreach_flow(out, list_flow, &l);
	r = rec(0, 0, 0, 0, 0);
	assert_int_equal(find(&l, &r.flow)->records, 5);
	r = rec6(7, 7, 5);
	assert_int_equal(find(&l, &r.flow)->records, 1);
	dl_agg__totals(hand, &t);
	assert_int_equal(t.records, 0);

	/* Other options: merged and cleared, not swapped. */
	assert_int_equal(dl_agg__take_counts(other, out), 0);
	dl_agg__totals(other, &t);
	assert_int_equal(t.records, 12);
	assert_int_equal(dl_agg__nr_flows(other), 4);
	assert_int_equal(dl_agg__nr_flows(out), 0);
	assert_int_equal(dl_agg__take_counts(out, out), -EINVAL);
	dl_agg__free(other);
	dl_agg__free(out);
	dl_agg__free(hand);
	dl_agg__free(live);
}

/* max_flows is exact: that many flows fit, the next one overflows. */
static void test_max_flows(void **state)
{
	struct dl_agg_opts o = { .max_flows = 5000 };
	struct dl_agg_totals t;
	struct dl_pkt_rec r;
	struct dl_agg *a;
	__u32 i;

	(void)state;
	a = dl_agg__new(&o);
	assert_non_null(a);
	for (i = 0; i < 5001; i++) {
		r = rec(i & 0xffff, 0, 0, 0, 0);
		r.flow.saddr[0] = i >> 16;
		r.hash = dl_flow_hash(&r.flow);
		dl_agg__add(a, &r, 1);
		dl_agg__add(a, &r, 1);
	}
	dl_agg__totals(a, &t);
	assert_int_equal(dl_agg__nr_flows(a), 5000);
	assert_int_equal(t.records, 10002);
	assert_int_equal(t.flow_overflow, 2);
	dl_agg__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_merge_interval),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_tuple_keys),
		cmocka_unit_test(test_take_counts),
		cmocka_unit_test(test_max_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
