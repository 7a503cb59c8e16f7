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

/* "tp_btf", "tp_btf (no rx_sk)" or "tracepoint". */
const char *dl_drop_trace__flavour(const struct dl_drop_trace *dt);

/*
 * Called once per aggregate entry (cause, queue, flow), the count summed
 * over CPUs; @flow is NULL for k->flow_hash == DL_FLOW_OTHER.
 */
typedef int (*dl_drop_cb)(const struct dl_drop_key *k, uint64_t count,
			  const struct dl_flow *flow, void *ctx);

int dl_drop_trace__for_each_drop(const struct dl_drop_trace *dt, dl_drop_cb cb,
				 void *ctx);

/* Self-accounting counters (enum dl_drop_stat), summed over CPUs. */
int dl_drop_trace__stats(const struct dl_drop_trace *dt, uint64_t out[DL_DS_MAX]);

/* Delivered frames per queue; @out has DL_MAX_QUEUES + 2 slots (+overflow, +unknown). */
int dl_drop_trace__consumed(const struct dl_drop_trace *dt, uint64_t *out);

#endif
