/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-(flow, rx queue) counts dl_ingress keeps with track_flow_queues
 * (map flow_q_cnt): read them from the kernel, and fold them into one
 * observation per flow (packets per queue) for the steering check. The
 * raw entries keep bytes and the CPUs XDP ran on, for the RSS report.
 */
#ifndef DL_FLOW_QUEUES_H
#define DL_FLOW_QUEUES_H

#include <stddef.h>

#include "dropledger_shared.h"

/* One observed flow: packets per RX queue (queues >= 64 are not tracked). */
struct dl_flow_obs {
	struct dl_flow flow;
	__u64 packets[DL_MAX_QUEUES];
};

/* One map entry: a flow on one rx queue. */
struct dl_flow_q_entry {
	__u32 hash;		/* dl_flow_hash() of v.flow */
	__u32 rxq;
	struct dl_flow_q_val v;	/* flow, packets, bytes, CPU bitmap */
};

/*
 * Every entry of the flow_q_cnt map @map_fd, in no particular order, into
 * a malloc'ed array (free() it; NULL when there are none). Returns 0,
 * -EINVAL (not a flow_q_cnt map: wrong key or value size), -ENOMEM or the
 * -errno of the bpf() call.
 */
int dl_flow_queues__read_raw(int map_fd, struct dl_flow_q_entry **out, size_t *n);

/*
 * Fold @n entries into one dl_flow_obs per flow (packets per queue),
 * ordered by hash. Queues >= DL_STEER_QUEUES are not representable there:
 * their packets are left out and counted in @dropped_pkts (may be NULL).
 * Returns 0 or -ENOMEM; *out is malloc'ed (NULL when *nflows is 0).
 */
int dl_flow_queues__fold(const struct dl_flow_q_entry *e, size_t n,
			 struct dl_flow_obs **out, size_t *nflows,
			 __u64 *dropped_pkts);

/* read_raw + fold: what dl_steer_check__run() takes. */
int dl_flow_queues__read(int map_fd, struct dl_flow_obs **out, size_t *n);

#endif
