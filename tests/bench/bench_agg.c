// SPDX-License-Identifier: GPL-2.0-only
/*
 * Analyzer throughput: records/s of the aggregator (dl_agg__add) on one
 * pinned core, fed from an in-memory array of stamped records, against
 * memcpy of the same bytes in the same run. With --quiet it only runs the
 * aggregation once (for callgrind instruction counts, see agg_cost.sh).
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linerate/agg.h"
#include "dropledger_shared.h"

#define FLOWS 64
#define QUEUES 4

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Stamped traffic: FLOWS flows round-robin; every 1000th record comes
 * one sequence number early, so the out-of-order paths run too. */
static void fill(struct dl_pkt_rec *r, size_t n, __u64 pass)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct dl_pkt_rec *x = &r[i];
		__u32 fl = (__u32)(i % FLOWS);

		memset(x, 0, sizeof(*x));
		x->flow.l3proto = 0x0008;
		x->flow.l4proto = 17;
		x->flow.saddr[0] = 0x010012c6;
		x->flow.daddr[0] = 0x020012c6;
		x->flow.sport = (__u16)(40000 + fl);
		x->flow.dport = 9;
		x->hash = dl_flow_hash(&x->flow);
		x->len = 64;
		x->rxq = (__u16)(fl % QUEUES);
		x->flags = DL_REC_STAMPED;
		x->stamp_flow = fl;
		x->seq = pass * (n / FLOWS) + i / FLOWS + (i % 1000 == 999);
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
	int rounds = 7, quiet = argc > 2 && !strcmp(argv[2], "--quiet"), r;
	double agg_ns[7], cpy_ns[7], t0;
	struct dl_pkt_rec *recs, *dst;
	struct dl_agg_totals tot;
	struct dl_agg *a;
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	sched_setaffinity(0, sizeof(one), &one);
	recs = malloc(n * sizeof(*recs));
	dst = malloc(n * sizeof(*recs));
	a = dl_agg__new(NULL);
	if (!recs || !dst || !a || n < FLOWS)
		return 1;
	memset(dst, 0, n * sizeof(*recs));
	if (quiet) {
		fill(recs, n, 0);
		dl_agg__add(a, recs, n);
		dl_agg__totals(a, &tot);
		return tot.records == n ? 0 : 1;
	}
	for (r = 0; r < rounds; r++) {
		fill(recs, n, (__u64)r);
		t0 = now_ns();
		memcpy(dst, recs, n * sizeof(*recs));
		cpy_ns[r] = (now_ns() - t0) / (double)n;
		__asm__ volatile("" : : "r"(dst) : "memory");
		t0 = now_ns();
		dl_agg__add(a, recs, n);
		agg_ns[r] = (now_ns() - t0) / (double)n;
	}
	dl_agg__totals(a, &tot);
	qsort(agg_ns, (size_t)rounds, sizeof(double), cmp_double);
	qsort(cpy_ns, (size_t)rounds, sizeof(double), cmp_double);
	printf("Analyzer throughput, one core, %zu records of %zu bytes x %d rounds "
	       "(%d stamped flows, %d queues), median\n", n, sizeof(*recs),
	       rounds, FLOWS, QUEUES);
	printf("%-28s %10.2f ns/record %8.1f M records/s\n", "dl_agg__add",
	       agg_ns[rounds / 2], 1e3 / agg_ns[rounds / 2]);
	printf("%-28s %10.2f ns/record %8.1f M records/s\n", "memcpy (same bytes)",
	       cpy_ns[rounds / 2], 1e3 / cpy_ns[rounds / 2]);
	printf("ratio aggregate/memcpy: %.2f\n", agg_ns[rounds / 2] / cpy_ns[rounds / 2]);
	printf("aggregated %llu records, flow 0: received %llu lost %llu\n",
	       (unsigned long long)tot.records,
	       (unsigned long long)dl_agg__seq(a, 0)->received,
	       (unsigned long long)dl_agg__seq(a, 0)->lost);
	dl_agg__free(a);
	free(dst);
	free(recs);
	return 0;
}
