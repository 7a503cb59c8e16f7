// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ledger equations on snapshots: recorded lab runs (tests/data/ledger)
 * and constructed cases. Every span checks arrived = xdp_seen (+ NIC),
 * residual = xdp_seen - stack_dropped - delivered, per queue and in total;
 * intervals add up to the run; a reset never yields a negative or invented
 * count; an absent counter stays absent.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ledger/ledger.h"
#include "ledger/snapshot.h"
#include "test_util.h"

#define MAX_SNAPS 16

static unsigned int read_snaps(const char *name, struct dl_snapshot *s)
{
	unsigned int n = 0, line = 0;
	char err[128];
	FILE *f = fopen(data_path(name), "r");
	int rc;

	assert_non_null(f);
	while (n < MAX_SNAPS && !(rc = dl_snapshot__read(&s[n], f, &line, err, sizeof(err))))
		n++;
	fclose(f);
	return n;
}

static void free_snaps(struct dl_snapshot *s, unsigned int n)
{
	while (n--)
		dl_snapshot__free(&s[n]);
}

/* The equations every ledger must satisfy. */
static void check_equations(const struct dl_ledger *l)
{
	uint64_t seen = l->queue_overflow, dropped = l->records_lost, deliv = 0, qdrop = 0;
	unsigned int q, i;

	for (q = 0; q < DL_MAX_QUEUES; q++) {
		seen += l->q[q].arrived;
		qdrop += l->q[q].stack_dropped;
		deliv += l->q[q].delivered;
	}
	assert_int_equal(seen, l->xdp_seen);
	for (i = 0; i < l->ncauses; i++) {
		const struct dl_ledger_cause *c = &l->causes[i];
		uint64_t sum = 0, listed = 0;

		for (q = 0; q <= DL_MAX_QUEUES; q++)
			sum += c->queues[q];
		if (!c->tx) {
			assert_int_equal(sum, c->count);
			dropped += c->count;
		}
		for (q = 0; q < c->nflows; q++)
			listed += c->flows[q].count;
		if (c->flows_other.have) {
			assert_true(listed <= c->count);
			assert_int_equal(c->flows_other.v, c->count - listed);
			assert_true(c->flows_untracked.v <= c->flows_other.v);
		}
	}
	assert_int_equal(dropped, l->stack_dropped);
	assert_true(qdrop <= l->stack_dropped);
	assert_true(deliv <= l->delivered);
	assert_int_equal(l->residual, (int64_t)l->xdp_seen - (int64_t)l->stack_dropped -
			 (int64_t)l->delivered);
	assert_false(l->nic_dropped.have);	/* no NIC counters in a snapshot */
}

static const struct dl_ledger_cause *cause_of(const struct dl_ledger *l, uint32_t reason,
					      bool tx)
{
	unsigned int i;

	for (i = 0; i < l->ncauses; i++)
		if (l->causes[i].reason == reason && l->causes[i].tx == tx)
			return &l->causes[i];
	return NULL;
}

/*
 * A drop-only storm recorded with -I 1: every interval balances on its
 * own (residual 0 on every queue), spans about 1 s, and the intervals add
 * up to the whole run, cause by cause.
 */
static void test_recorded_storm_intervals(void **state)
{
	struct dl_snapshot s[MAX_SNAPS];
	struct dl_ledger iv[MAX_SNAPS] = {}, run = {};
	uint64_t seen = 0, dropped = 0, cause = 0;
	unsigned int n, k, q;

	(void)state;
	n = read_snaps("ledger/storm-intervals.kernel-6.18.snap", s);
	assert_int_equal(n, 7);
	for (k = 1; k + 2 < n; k++) {
		struct dl_ledger *l = &iv[k];

		assert_true(s[k].consistent && s[k + 1].consistent);
		assert_int_equal(dl_ledger__compute(&s[k], &s[k + 1], l), 0);
		check_equations(l);
		assert_int_equal(l->residual, 0);
		for (q = 0; q < DL_MAX_QUEUES; q++)
			assert_int_equal(l->q[q].arrived,
					 l->q[q].stack_dropped + l->q[q].delivered);
		assert_true(l->duration_s > 0.9 && l->duration_s < 1.1);
		assert_false(l->counter_reset);
		assert_true(l->xdp_seen > 10000);
		seen += l->xdp_seen;
		dropped += l->stack_dropped;
		cause += cause_of(l, 3, false)->count;	/* NO_SOCKET on 6.18 */
	}
	assert_int_equal(dl_ledger__compute(&s[1], &s[n - 2], &run), 0);
	check_equations(&run);
	assert_int_equal(run.xdp_seen, seen);
	assert_int_equal(run.stack_dropped, dropped);
	assert_int_equal(cause_of(&run, 3, false)->count, cause);
	/* The prestack (tx) drops of attaching stay out of the rx equation. */
	dl_ledger__free(&run);
	assert_int_equal(dl_ledger__compute(NULL, &s[0], &run), 0);
	assert_int_equal(run.tx_dropped, 4);
	assert_int_equal(run.stack_dropped, 0);
	assert_int_equal(run.residual, 0);
	dl_ledger__free(&run);
	for (k = 0; k < MAX_SNAPS; k++)
		dl_ledger__free(&iv[k]);
	free_snaps(s, n);
}

/* The diff of two cumulative ledgers is the ledger of the span. */
static void test_diff_equals_compute(void **state)
{
	struct dl_snapshot s[MAX_SNAPS];
	struct dl_ledger a = {}, b = {}, d = {}, c = {};
	unsigned int n, q;

	(void)state;
	n = read_snaps("ledger/storm-intervals.kernel-6.18.snap", s);
	assert_int_equal(dl_ledger__compute(NULL, &s[2], &a), 0);
	assert_int_equal(dl_ledger__compute(NULL, &s[3], &b), 0);
	assert_int_equal(dl_ledger__diff(&a, &b, &d), 0);
	assert_int_equal(dl_ledger__compute(&s[2], &s[3], &c), 0);
	check_equations(&d);
	assert_int_equal(d.xdp_seen, c.xdp_seen);
	assert_int_equal(d.stack_dropped, c.stack_dropped);
	assert_int_equal(d.residual, c.residual);
	assert_true(d.duration_s == c.duration_s);
	for (q = 0; q < DL_MAX_QUEUES; q++)
		assert_int_equal(d.q[q].stack_dropped, c.q[q].stack_dropped);
	assert_int_equal(cause_of(&d, 3, false)->count, cause_of(&c, 3, false)->count);
	dl_ledger__free(&a);
	dl_ledger__free(&b);
	dl_ledger__free(&d);
	dl_ledger__free(&c);
	free_snaps(s, n);
}

static void add_cause(struct dl_snapshot *s, uint32_t reason, uint32_t rxq, uint64_t n)
{
	s->causes = realloc(s->causes, (s->ncauses + 1) * sizeof(*s->causes));
	assert_non_null(s->causes);
	s->causes[s->ncauses++] = (struct dl_snap_cause){
		.reason = reason, .rxq = rxq, .location = 0xffffffff81000000ull, .count = n };
}

/*
 * The maps were reset between @a and @b (the tracer reloaded): counts
 * below their previous value start from 0 again; nothing is negative,
 * nothing wraps to 2^64, nothing is invented, and the ledger says so.
 */
static void test_counter_reset(void **state)
{
	struct dl_snapshot a = { .t = 10, .nqueues = 2 }, b = { .t = 11, .nqueues = 2 };
	struct dl_ledger l = {};

	(void)state;
	a.frames[0] = 1000;
	a.frames[1] = 500;
	add_cause(&a, 2, 0, 900);
	add_cause(&a, 2, 1, 500);
	a.consumed[0] = 100;
	b.frames[0] = 40;	/* reset: 40 since */
	b.frames[1] = 600;	/* no reset: 100 */
	add_cause(&b, 2, 0, 40);
	add_cause(&b, 2, 1, 600);
	add_cause(&b, 5, 1, 0);	/* a slot claimed, nothing counted yet */
	assert_int_equal(dl_ledger__compute(&a, &b, &l), 0);
	check_equations(&l);
	assert_true(l.counter_reset);
	assert_int_equal(l.q[0].arrived, 40);
	assert_int_equal(l.q[1].arrived, 100);
	assert_int_equal(l.q[0].delivered, 0);
	assert_int_equal(l.xdp_seen, 140);
	assert_int_equal(l.stack_dropped, 140);
	assert_int_equal(l.residual, 0);
	assert_int_equal(l.ncauses, 1);
	assert_int_equal(l.causes[0].queues[0], 40);
	assert_int_equal(l.causes[0].queues[1], 100);
	assert_true(l.duration_s == 1.0);
	dl_ledger__free(&l);

	/* Without a reset the same arithmetic flags nothing. */
	b.frames[0] = 1040;
	b.causes[0].count = 940;
	b.consumed[0] = 100;
	assert_int_equal(dl_ledger__compute(&a, &b, &l), 0);
	assert_false(l.counter_reset);
	assert_int_equal(l.xdp_seen, 140);
	assert_int_equal(l.residual, 0);
	dl_ledger__free(&l);
	dl_snapshot__free(&a);
	dl_snapshot__free(&b);
}

/* Absent stays absent: no flow detail, no per-flow arrivals, no NIC. */
static void test_absent(void **state)
{
	struct dl_snapshot b = { .t = 1, .nqueues = 1 }, c = { .t = 2, .nqueues = 1 };
	struct dl_ledger l = {}, l2 = {}, d = {};
	struct dl_snap_flow *f;

	(void)state;
	b.frames[0] = 10;
	add_cause(&b, 2, 0, 10);
	assert_int_equal(dl_ledger__compute(NULL, &b, &l), 0);
	check_equations(&l);
	assert_false(l.causes[0].flows_other.have);
	assert_false(l.causes[0].flows_untracked.have);
	assert_false(l.causes[0].flows_distinct.have);
	assert_int_equal(l.causes[0].nflows, 0);
	dl_ledger__free(&l);

	/* Flow detail on, one flow whose arrivals XDP's table no longer has. */
	b.has_flows = true;
	b.flows = f = calloc(1, sizeof(*f));
	b.nflows = 1;
	*f = (struct dl_snap_flow){ .reason = 2, .location = 0xffffffff81000000ull,
				    .count = 7 };
	f->flow.dport = 9;
	b.flowsums = calloc(1, sizeof(*b.flowsums));
	b.nflowsums = 1;
	*b.flowsums = (struct dl_snap_flowsum){ .reason = 2,
		.location = 0xffffffff81000000ull, .count = 7, .nflows = 1 };
	assert_int_equal(dl_ledger__compute(NULL, &b, &l), 0);
	check_equations(&l);
	assert_int_equal(l.causes[0].nflows, 1);
	assert_false(l.causes[0].flows[0].arrived.have);
	assert_int_equal(l.causes[0].flows_other.v, 3);
	assert_int_equal(l.causes[0].flows_untracked.v, 3);

	/* Later: the flow's arrivals known now, absent before: still absent in the diff. */
	c = b;
	c.t = 2;
	c.frames[0] = 20;
	c.causes = NULL;
	c.ncauses = 0;
	add_cause(&c, 2, 0, 20);
	c.flows = calloc(1, sizeof(*c.flows));
	c.flows[0] = *f;
	c.flows[0].count = 15;
	c.flows[0].arrived = (struct dl_opt){ .v = 15, .have = true };
	c.flowsums = calloc(1, sizeof(*c.flowsums));
	c.flowsums[0] = b.flowsums[0];
	c.flowsums[0].count = 15;
	assert_int_equal(dl_ledger__compute(NULL, &c, &l2), 0);
	assert_int_equal(dl_ledger__diff(&l, &l2, &d), 0);
	check_equations(&d);
	assert_int_equal(d.causes[0].count, 10);
	assert_int_equal(d.causes[0].flows[0].count, 8);
	assert_false(d.nic_dropped.have);
	dl_ledger__free(&l);
	dl_ledger__free(&l2);
	dl_ledger__free(&d);
	assert_int_equal(dl_ledger__compute(&b, &c, &l), 0);
	check_equations(&l);
	assert_int_equal(l.causes[0].flows[0].count, 8);
	/* Arrivals absent at the start: the diff keeps the later value, have. */
	assert_true(l.causes[0].flows[0].arrived.have);
	assert_int_equal(l.causes[0].flows_untracked.v, 2);
	dl_ledger__free(&l);
	dl_snapshot__free(&b);
	dl_snapshot__free(&c);
}

/* Text form: what is written reads back the same; bad lines name the line. */
static void test_text_round_trip(void **state)
{
	struct dl_snapshot s[MAX_SNAPS], r;
	unsigned int n, line = 0, i;
	char buf[8192], err[128];
	FILE *f;

	(void)state;
	n = read_snaps("ledger/storm-intervals.kernel-6.18.snap", s);
	f = fmemopen(buf, sizeof(buf), "w+");
	assert_non_null(f);
	assert_int_equal(dl_snapshot__write(&s[3], f), 0);
	rewind(f);
	assert_int_equal(dl_snapshot__read(&r, f, &line, err, sizeof(err)), 0);
	fclose(f);
	assert_true(r.t == s[3].t);
	assert_memory_equal(r.frames, s[3].frames, sizeof(r.frames));
	assert_memory_equal(r.stats, s[3].stats, sizeof(r.stats));
	assert_int_equal(r.ncauses, s[3].ncauses);
	for (i = 0; i < r.ncauses; i++)
		assert_memory_equal(&r.causes[i], &s[3].causes[i], sizeof(r.causes[i]));
	assert_int_equal(r.nflows, s[3].nflows);
	for (i = 0; i < r.nflows; i++)
		assert_memory_equal(&r.flows[i].flow, &s[3].flows[i].flow, sizeof(r.flows[i].flow));
	dl_snapshot__free(&r);
	free_snaps(s, n);

	snprintf(buf, sizeof(buf), "snapshot 1 1 1 1\nq 0 5 6 0\nq x\nend\n");
	f = fmemopen(buf, strlen(buf), "r");
	line = 0;
	assert_int_equal(dl_snapshot__read(&r, f, &line, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "line 3: malformed snapshot line");
	fclose(f);
	snprintf(buf, sizeof(buf), "snapshot 1 1 1 1\nq 0 5 6 0\n");
	f = fmemopen(buf, strlen(buf), "r");
	line = 0;
	assert_int_equal(dl_snapshot__read(&r, f, &line, err, sizeof(err)), -EINVAL);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_storm_intervals),
		cmocka_unit_test(test_diff_equals_compute),
		cmocka_unit_test(test_counter_reset),
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_text_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
