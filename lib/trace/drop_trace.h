/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel drop capture (bpf/drops.bpf.c): skb:kfree_skb and skb:consume_skb
 * of frames that arrived on one interface in one network namespace,
 * aggregated in per-CPU maps. The attach flavour (tp_btf with or without
 * rx_sk, or the classic tracepoint) is chosen from the kernel's BTF.
 */
#ifndef DL_DROP_TRACE_H
#define DL_DROP_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dropledger_shared.h"

struct dl_drop_trace_opts {
	unsigned int ifindex;	/* 0: every interface */
	unsigned int netns;	/* netns inode; 0: every namespace */
	int flow_map_fd;	/* an existing flow table to join, or -1: own */
	bool no_flows;		/* causes only: no per-flow keys (cheapest) */
	bool stacks;		/* kernel stacks of NOT_SPECIFIED drops (--stack) */
};

struct dl_drop_trace;

/* Load and attach; NULL with errno set and a reason in @why. */
struct dl_drop_trace *dl_drop_trace__start(const struct dl_drop_trace_opts *opts,
					   char *why, size_t why_len);
void dl_drop_trace__destroy(struct dl_drop_trace *dt);

/*
 * The flow table the tracer joins drops against. Start the tracer first and
 * hand this to dl_ingress (dl_ingress_opts.flow_map_fd): then every frame
 * XDP counts is already covered by drop capture.
 */
int dl_drop_trace__flow_map_fd(const struct dl_drop_trace *dt);

/*
 * The per-CPU hand-over of a tc hook's latest arrival (struct dl_arrival):
 * given to dl_ingress (dl_ingress_opts.arrival_map_fd) with the flow
 * table, the tracer takes a dropped skb's flow and queue from the hook
 * instead of parsing and joining again.
 */
int dl_drop_trace__arrival_map_fd(const struct dl_drop_trace *dt);

/* "tp_btf", "tp_btf (no rx_sk)" or "tracepoint". */
const char *dl_drop_trace__flavour(const struct dl_drop_trace *dt);

/* One (reason, location, rx queue) count of one CPU's cause slots. */
typedef int (*dl_drop_cause_cb)(uint32_t reason, uint64_t location, uint32_t rxq,
				uint64_t count, void *ctx);

/*
 * The equation's side of the tracer in four batch reads: CPU @cpu's copy
 * (every CPU's when @cpu < 0) of the self-accounting counters added into
 * @stats, of the delivered frames per queue added into @consumed
 * (DL_MAX_QUEUES + 2 slots), and each cause slot handed to @cb (the same key
 * may come once per CPU). Flow detail is apart: dl_drop_trace__for_each_flow.
 */
int dl_drop_trace__read(const struct dl_drop_trace *dt, int cpu,
			uint64_t stats[DL_DS_MAX], uint64_t *consumed,
			dl_drop_cause_cb cb, void *ctx);

/* One flow slot of one CPU: the same flow may come once per CPU. */
typedef int (*dl_drop_flow_cb)(uint32_t reason, uint64_t location, bool tx,
			       const struct dl_flow *flow, uint64_t count, void *ctx);

/* Every used flow slot of every CPU (DL_FLOW_SLOTS per CPU). */
int dl_drop_trace__for_each_flow(const struct dl_drop_trace *dt, dl_drop_flow_cb cb,
				 void *ctx);

/*
 * One recorded kernel stack of generic (NOT_SPECIFIED) drops at @location:
 * @ips[0] is the innermost frame, @n frames; @stackid < 0 (and @n 0) counts
 * drops whose stack found no room in the stack map.
 */
typedef int (*dl_drop_stack_cb)(uint64_t location, bool tx, int stackid,
				const uint64_t *ips, unsigned int n, uint64_t count,
				void *ctx);

/* Every (location, stack) counted since start (opts.stacks only). */
int dl_drop_trace__for_each_stack(const struct dl_drop_trace *dt, dl_drop_stack_cb cb,
				  void *ctx);

/* fd of one of the tracer's maps by name (benchmarks, tests); -ENOENT. */
int dl_drop_trace__map_fd(const struct dl_drop_trace *dt, const char *name);

/* Self-accounting counters (enum dl_drop_stat), summed over CPUs. */
int dl_drop_trace__stats(const struct dl_drop_trace *dt, uint64_t out[DL_DS_MAX]);

/* Delivered frames per queue; @out has DL_MAX_QUEUES + 2 slots (+overflow, +unknown). */
int dl_drop_trace__consumed(const struct dl_drop_trace *dt, uint64_t *out);

#endif
