/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the flow tables exactly while dl_ingress keeps a per-CPU flow
 * cache in front of them (map flow_cache, struct dl_flow_cache): the frames
 * still pending in the caches are joined to the table entries at read time.
 * dl_ingress registers its tables with their cache, so a reader holding
 * only a table fd (the ledger, the RSS view) gets the joined counts.
 */
#ifndef DL_FLOW_CACHE_H
#define DL_FLOW_CACHE_H

#include <stddef.h>

#include "dropledger_shared.h"

/* One (flow, rx queue) with frames pending on one CPU. */
struct dl_flow_pending {
	struct dl_flow flow;
	__u32 hash;
	__u32 rxq;
	__u32 cpu;
	__u32 pad;
	__u64 packets;
	__u64 bytes;
};

/*
 * Every pending (flow, queue, CPU) of the cache @cache_fd into a malloc'ed
 * array (NULL when none). Returns 0 or -errno.
 */
int dl_flow_cache__read(int cache_fd, struct dl_flow_pending **out, size_t *n);

/*
 * @table_fd (flow_tbl or flow_q_cnt) is fronted by @cache_fd; -1 ends it.
 * Returns 0 or -errno (-ENOSPC: too many tables registered).
 */
int dl_flow_cache__register(int table_fd, int cache_fd);
void dl_flow_cache__unregister(int table_fd);

/* The cache registered for @table_fd, or -1. */
int dl_flow_cache__of(int table_fd);

/*
 * bpf_map_lookup_elem() on a flow_tbl plus what its cache holds for the
 * flow on any queue: packets and bytes exact at read time. 0 or -ENOENT.
 */
int dl_flow_info__lookup(int flow_fd, __u32 hash, struct dl_flow_info *fi);

#endif
