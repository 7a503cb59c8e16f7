/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stamped traffic generator over AF_XDP TX (copy mode, so it works on veth
 * and any driver): one socket and thread per chosen TX queue, flows spread
 * over the queues (flow f on queues[f % nqueues]), each flow numbered 0..N-1
 * in order, optional pacing. On veth, TX queue q of one end arrives on RX
 * queue q of its peer (when the peer runs XDP), which is how the lab
 * steers traffic to chosen queues.
 */
#ifndef DL_GEN_H
#define DL_GEN_H

#include <stddef.h>
#include <linux/types.h>

#define DL_GEN_MAX_QUEUES 64
#define DL_GEN_MAX_FLOWS 65536
#define DL_GEN_MAX_FRAMES (1ull << 40)	/* per flow: a bound, not a goal */

struct dl_gen_opts {
	const char *ifname;
	const int *queues;	/* TX queues; NULL: queue 0 */
	int nqueues;
	const int *cpus;	/* pin queue thread i to cpus[i % ncpus]; NULL: no */
	int ncpus;
	unsigned int flows;	/* >= 1 */
	__u64 frames_per_flow;	/* >= 1 */
	__u64 rate_pps;		/* all queues together; 0: as fast as possible */
	size_t frame_len;	/* 64..1514; 0: 64 */
	__u8 src_mac[6];	/* all zero: the interface's address */
	__u8 dst_mac[6];	/* all zero: broadcast */
	__u32 saddr;		/* network order; 0: 198.18.0.1 */
	__u32 daddr;		/* network order; 0: 198.18.0.2 */
	__u16 sport;		/* flow f uses sport + f; 0: 40000 */
	__u16 dport;		/* 0: 9 (discard) */
	unsigned int drain_ms;	/* wait for TX completions; 0: 5000 */
};

struct dl_gen_queue_result {
	int queue;
	__u64 sent;		/* frames the kernel took and did not drop */
	__u64 tx_dropped;	/* taken but dropped by the driver (EBUSY) */
	__u64 retries;		/* kicks answered with EAGAIN/ENOBUFS (backpressure) */
	__u64 tx_invalid_descs;	/* XDP_STATISTICS */
	__u64 tx_ring_empty_descs;
	__u64 unfinished;	/* still in flight when drain_ms ran out */
};

struct dl_gen_result {
	int nqueues;
	struct dl_gen_queue_result q[DL_GEN_MAX_QUEUES];
	unsigned int flows;
	int *flow_queue;	/* TX queue of flow f */
	__u64 *flow_issued;	/* sequence numbers handed to the kernel (0..n-1) */
	__u64 *flow_dropped;	/* of them, dropped at TX (known per frame) */
	double seconds;
};

/*
 * Send the traffic; blocks until every frame completed or drain_ms ran
 * out. Returns 0 or -errno (the failing queue is logged). The result's
 * arrays are allocated here: dl_gen__result_release() frees them.
 */
int dl_gen__run(const struct dl_gen_opts *opts, struct dl_gen_result *res);
void dl_gen__result_release(struct dl_gen_result *res);

#endif
