/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The record aggregator: turns struct dl_pkt_rec records (from the tap
 * rings, the AF_XDP metadata area, or an array in memory) into per-queue
 * counts, per-flow counts and per-stamped-flow sequence accounting. One per
 * worker, no locks; workers hand their counts over at interval boundaries
 * (dl_agg__take_counts() moves a whole flow table in O(1) when it can) and
 * dl_agg__merge() sums them. Flow tables are sized to the flows asked for
 * and cost memory only for the flows they hold. Needs no BPF: tests and
 * benchmarks feed it arrays.
 */
#ifndef DL_AGG_H
#define DL_AGG_H

#include <stddef.h>
#include <linux/types.h>

#include "linerate/seqcheck.h"
#include "dropledger_shared.h"

struct dl_agg;
struct dl_pkt_rec;

struct dl_agg_opts {
	/*
	 * Distinct flows counted one by one, up to 1 << 24; records of flows
	 * beyond count in flow_overflow. 0: 4096.
	 */
	unsigned int max_flows;
	unsigned int stamp_flows;	/* stamped flow ids tracked; 0: 1024 */
};

struct dl_agg_totals {
	__u64 records;		/* records aggregated */
	__u64 bytes;		/* frame bytes they describe */
	__u64 stamped;		/* records with a generator stamp */
	__u64 malformed;	/* records of frames with unreadable headers */
	__u64 flow_overflow;	/* records of flows beyond max_flows */
	__u64 stamp_overflow;	/* stamped records with flow id >= stamp_flows */
	__u64 bad_queue;	/* rxq >= DL_MAX_QUEUES: counted in the last row */
};

struct dl_agg_queue {
	__u64 records;
	__u64 bytes;
	__u64 stamped;
};

/*
 * Per-flow counts. A flow is its tuple (with the hash XDP computed from
 * it): two tuples that share a 32-bit hash are two flows.
 */
struct dl_agg_flow {
	__u32 hash;
	__u32 rxq;		/* queue of the last record */
	__u64 records;
	__u64 bytes;
	struct dl_flow flow;
};

/* Allocates NUMA-local to the calling thread. NULL + errno on failure. */
struct dl_agg *dl_agg__new(const struct dl_agg_opts *opts);
void dl_agg__free(struct dl_agg *a);
/* Account @n records. Returns 0 (records never fail; overflows are counted). */
int dl_agg__add(struct dl_agg *a, const struct dl_pkt_rec *recs, size_t n);
/*
 * Add @src's counts and sequence counters into @dst. Both must have the
 * same stamp_flows. Returns 0 or -EINVAL.
 */
int dl_agg__merge(struct dl_agg *dst, const struct dl_agg *src);
/*
 * dl_agg__merge(@dst, @src) then dl_agg__clear_counts(@src), but when @dst
 * holds no counts and both were made with the same options the two flow
 * tables trade places instead: O(1), and no second copy of a full table.
 * @src keeps its sequence state. Returns 0 or -EINVAL.
 */
int dl_agg__take_counts(struct dl_agg *dst, struct dl_agg *src);
/*
 * Zero the interval counts, keep the sequence state (an interval ended).
 * Costs what the table holds, not its size.
 */
void dl_agg__clear_counts(struct dl_agg *a);
/* Zero everything. */
void dl_agg__clear(struct dl_agg *a);

void dl_agg__totals(const struct dl_agg *a, struct dl_agg_totals *t);
/* Row @q (0..DL_MAX_QUEUES; the last collects queues beyond). 0 or -ERANGE. */
int dl_agg__queue(const struct dl_agg *a, unsigned int q, struct dl_agg_queue *out);
unsigned int dl_agg__stamp_flows(const struct dl_agg *a);
/* Flows in the table now (at most max_flows). */
unsigned int dl_agg__nr_flows(const struct dl_agg *a);
/* Sequence state of stamped flow @id; NULL when never seen or out of range. */
const struct dl_seqcheck *dl_agg__seq(const struct dl_agg *a, unsigned int id);
/* Close flow @id: the sender sent @sent frames. 0, -ENOENT or -ERANGE. */
int dl_agg__seq_finish(struct dl_agg *a, unsigned int id, __u64 sent);
/* Call @fn for every flow in the table; stops early when it returns non-0. */
int dl_agg__foreach_flow(const struct dl_agg *a,
			 int (*fn)(const struct dl_agg_flow *f, void *ctx),
			 void *ctx);

#endif
