/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DPDK mode's ledger (built when DL_HAVE_DPDK): per-queue arrivals read by
 * the pollers against rte_eth_stats (imissed, ierrors, rx_nombuf,
 * q_ipackets, q_errors) and the PMD's xstats, both relative to a baseline
 * taken at start. Same report shape as `report`, without stack columns:
 * there is no kernel stack behind a DPDK port.
 */
#ifndef DL_DPDK_REPORT_H
#define DL_DPDK_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#include <jansson.h>

struct dl_afxdp_xdp;
struct dl_agg;
struct dl_dpdk_stats;
struct dl_dpdk_xstats;

/* All xstats of @port now (names and values). NULL + errno. */
struct dl_dpdk_xstats *dl_dpdk_xstats__read(uint16_t port);
void dl_dpdk_xstats__free(struct dl_dpdk_xstats *x);

struct dl_dpdk_report_in {
	uint16_t port;
	double seconds;
	const struct dl_dpdk_stats *stats;	/* since start (dl_dpdk_port__stats) */
	const struct dl_agg *agg;		/* the pollers' merged counts */
	const struct dl_dpdk_xstats *xbase;	/* at start; NULL: absolute values */
	const struct dl_dpdk_xstats *xnow;	/* at the end; NULL: no xstats */
	unsigned int top_flows;			/* 0: 10 */
	__u64 lab_sent;				/* frames sent by --lab-send, 0: none */
	/*
	 * net_af_xdp: the XDP program on the interface, counters since start
	 * (dl_afxdp_xdp__read/__sub); NULL: the port is not net_af_xdp.
	 */
	const struct dl_afxdp_xdp *xdp;
	const char *xdp_iface;
	int xdp_start_queue;			/* kernel rx queue of DPDK queue 0 */
};

/*
 * One object: "mode": "dpdk", port name and driver, "totals" (arrived,
 * nic_dropped, ipackets, records, residual...), "queues", "rss",
 * "sequence", "top_flows", "xstats" (non-zero deltas), "xdp" (net_af_xdp:
 * frames seen by the XDP program against what DPDK read, else null).
 * NULL + errno.
 */
json_t *dl_dpdk_report__json(const struct dl_dpdk_report_in *in);
int dl_dpdk_report__print_text(const struct dl_dpdk_report_in *in, FILE *out);

#endif
