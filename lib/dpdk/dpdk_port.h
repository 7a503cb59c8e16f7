/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DPDK mode (built when DL_HAVE_DPDK): a DPDK port (a NIC, or the
 * net_ring/net_null/net_pcap/net_af_xdp vdevs) polled per rx queue by
 * worker lcores, each frame turned into the same struct dl_pkt_rec the XDP
 * program writes, aggregated per lcore and merged at interval boundaries.
 * NIC-level counters come from rte_eth_stats, relative to a baseline saved
 * at open (DPDK style: reset never zeroes the device).
 */
#ifndef DL_DPDK_PORT_H
#define DL_DPDK_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "linerate/agg.h"

#define DL_DPDK_MAX_QUEUES 16	/* RTE_ETHDEV_QUEUE_STAT_CNTRS */

struct rte_mempool;
struct dl_dpdk_port;

struct dl_dpdk_port_opts {
	uint16_t port_id;
	int nqueues;		/* rx and tx queues to set up and poll */
	unsigned int ring_size;	/* descriptors per queue; 0: 1024 */
	unsigned int burst;	/* frames per rx burst; 0: 32 */
	/*
	 * net_af_xdp with dl_dpdk_xdp: each frame may carry the XDP program's
	 * struct dl_pkt_rec right before it (the metadata area lands in the
	 * mbuf headroom); use it instead of parsing the frame again.
	 */
	bool xdp_meta;
	struct dl_agg_opts agg;
};

/* rte_eth_stats since open. DPDK has no "absent": a PMD without a counter reports 0. */
struct dl_dpdk_stats {
	int nqueues;
	__u64 ipackets;
	__u64 imissed;		/* dropped by the NIC: rx ring full */
	__u64 ierrors;
	__u64 rx_nombuf;	/* no mbuf to receive into */
	__u64 opackets;
	__u64 oerrors;
	__u64 q_ipackets[DL_DPDK_MAX_QUEUES];
	__u64 q_errors[DL_DPDK_MAX_QUEUES];
	/* records taken from the XDP metadata (xdp_meta), per queue */
	__u64 meta_records[DL_DPDK_MAX_QUEUES];
};

/*
 * rte_eal_init() plus our log type (user.dropledger). Returns the number
 * of arguments EAL consumed, or -errno.
 */
int dl_dpdk__eal_init(int argc, char **argv);
/* Configure, set up queues, start; NULL + errno (logged with the port). */
struct dl_dpdk_port *dl_dpdk_port__open(const struct dl_dpdk_port_opts *opts);
/* Mempool of the port's rx queues (also usable to send test frames). */
struct rte_mempool *dl_dpdk_port__pool(const struct dl_dpdk_port *p);
/*
 * Start one poller per worker lcore; queue q goes to the (q % n)-th worker.
 * 0, or -ENODEV when EAL has no worker lcore (run with -l 0-1 or more).
 */
int dl_dpdk_port__launch(struct dl_dpdk_port *p);
/* Interval boundary: as dl_workers__collect(). 0 or -errno. */
int dl_dpdk_port__collect(struct dl_dpdk_port *p, struct dl_agg *out);
/* Stop the pollers after they drained the queues. */
int dl_dpdk_port__stop(struct dl_dpdk_port *p);
/*
 * Lab traffic for loopback vdevs (net_ring: TX queue q feeds RX queue q):
 * send @per_flow stamped UDP frames for each of @flows flows, flow f on
 * TX queue f % nqueues, sequence 0..per_flow-1 in order. A full TX ring is
 * waited on, bounded. @sent_q (nqueues slots) gets frames sent per queue.
 * 0, -ENOMEM (no mbuf) or -ETIMEDOUT (a TX ring stayed full).
 */
int dl_dpdk_port__send_stamped(struct dl_dpdk_port *p, unsigned int flows,
			       __u64 per_flow, __u64 *sent_q);
/* Counters since open (meta_records: exact once stopped). 0 or -errno. */
int dl_dpdk_port__stats(const struct dl_dpdk_port *p, struct dl_dpdk_stats *st);
void dl_dpdk_port__close(struct dl_dpdk_port *p);

#endif
