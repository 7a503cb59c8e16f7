/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A snapshot: every cumulative count the ledger is made of, read at one
 * moment and held in plain memory (XDP arrivals per queue, the tracer's
 * drops per cause and queue, deliveries, flow detail). All I/O of the
 * ledger happens in dl_snapshot__take; dl_ledger__compute (ledger.h) turns
 * two snapshots into the ledger of the span between them without any.
 */
#ifndef DL_SNAPSHOT_H
#define DL_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dropledger_shared.h"

struct dl_drop_trace;
struct dl_rxq_stats;

/* A counter that may not exist on this driver or kernel. */
struct dl_opt {
	uint64_t v;
	bool have;
};

/* Drops of one (reason, location, rx queue), all CPUs summed. */
struct dl_snap_cause {
	uint32_t reason;
	uint32_t rxq;		/* DL_RXQ_UNKNOWN, DL_RXQ_TX or a queue */
	uint64_t location;
	uint64_t count;
};

/* One of the top flows of a cause (tx: the cause is transmit-side). */
struct dl_snap_flow {
	uint32_t reason;
	bool tx;
	uint64_t location;
	struct dl_flow flow;
	uint64_t count;
	struct dl_opt arrived;	/* frames of this flow seen at XDP */
};

/* All flow slots of one cause: what the listed flows are a part of. */
struct dl_snap_flowsum {
	uint32_t reason;
	bool tx;
	uint64_t location;
	uint64_t count;		/* drops with a flow slot */
	uint64_t nflows;	/* distinct flows in the slots */
};

struct dl_snapshot {
	double t;		/* CLOCK_MONOTONIC seconds: the moment it stands for */
	/* Each CPU's XDP and tracer counts read with no frame between them. */
	bool consistent;
	bool has_flows;		/* flow detail was read */
	unsigned int nqueues;	/* rx queues of the device (sysfs), >= those used */
	uint64_t frames[DL_MAX_QUEUES + 1];	/* at XDP; last: queue >= DL_MAX_QUEUES */
	uint64_t bytes[DL_MAX_QUEUES + 1];
	uint64_t malformed[DL_MAX_QUEUES + 1];
	uint64_t consumed[DL_MAX_QUEUES + 2];	/* delivered; + overflow, + unknown */
	uint64_t stats[DL_DS_MAX];		/* tracer self-accounting */
	struct dl_snap_cause *causes;
	unsigned int ncauses;
	struct dl_snap_flow *flows;	/* top DL_SNAP_TOP_FLOWS per cause */
	unsigned int nflows;
	struct dl_snap_flowsum *flowsums;
	unsigned int nflowsums;
};

#define DL_SNAP_TOP_FLOWS 16	/* kept per cause: more than printed, for diffs */

struct dl_snapshot_src {
	const char *ifname;	/* for the rx queue count; NULL: from the counts */
	int rxq_map_fd;		/* dl_ingress__rxq_map_fd(); -1: none */
	const struct dl_rxq_stats *rxq;	/* instead: summed counts (no per-CPU moment) */
	const struct dl_drop_trace *dt;	/* NULL: no drop side */
	int flow_map_fd;	/* XDP flow table for per-flow arrivals, or -1 */
	bool no_flows;		/* skip flow detail */
};

/* Read everything at one moment; @s is overwritten. 0 or -errno. */
int dl_snapshot__take(struct dl_snapshot *s, const struct dl_snapshot_src *src);
void dl_snapshot__free(struct dl_snapshot *s);

/*
 * Text form, one "key value..." line each, for recorded runs in tests/data
 * and for DL_RECORD_SNAPSHOTS=FILE (every snapshot taken is appended).
 * Read: 0, -ENODATA at end of input, -EINVAL with "line N: why" in @why.
 */
int dl_snapshot__write(const struct dl_snapshot *s, FILE *out);
int dl_snapshot__read(struct dl_snapshot *s, FILE *in, unsigned int *line,
		      char *why, size_t why_len);

#endif
