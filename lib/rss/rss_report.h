/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report's rss section: how arrivals spread over RX queues (share,
 * max/mean, CV, Jain's index, hot queues), which flows fill each queue
 * (elephants found with Space-Saving), which CPUs ran each queue, and the
 * per-CPU softnet squeeze and backlog drops over the interval. Ends in one
 * cause-like verdict (category "rss") with the fix.
 */
#ifndef DL_RSS_REPORT_H
#define DL_RSS_REPORT_H

#include <stdbool.h>
#include <stdio.h>
#include <net/if.h>
#include <jansson.h>

#include "fastpath/flow_queues.h"
#include "rss/skew.h"
#include "counters/softnet.h"

#define DL_RSS_TOP 8		/* flows listed per queue, at most */

/* Everything optional may be NULL / 0; absent inputs are absent outputs. */
struct dl_rss_input {
	const char *ifname;
	__u32 nr_queues;	/* RX queues of the device; 0: highest seen + 1 */
	const __u64 *arrived;	/* frames per queue at XDP, nr_arrived entries */
	__u32 nr_arrived;
	const __u64 *bytes;	/* optional, nr_arrived entries */
	bool has_flows;		/* flows were tracked (track_flow_queues) */
	const struct dl_flow_q_entry *flows;	/* NULL when none were seen */
	size_t nr_flows;
	/* Optional, both or neither: softnet_stat at start and end. */
	const struct dl_softnet *softnet_before;
	const struct dl_softnet *softnet_after;
};

/* Zero fields take the defaults. */
struct dl_rss_opts {
	double hot_factor;	/* skewed: a queue above this x mean (1.5) */
	__u64 min_total;	/* no verdict below this many packets (1000) */
	double elephant_share;	/* one flow >= this share of a hot queue (0.5) */
	__u32 top_flows;	/* flows listed per queue (3, <= DL_RSS_TOP) */
};

struct dl_rss_flow {
	struct dl_flow flow;
	__u32 hash;
	__u64 packets;		/* Space-Saving estimate, exact when error is 0 */
	__u64 packets_error;	/* true count >= packets - packets_error */
	__u64 bytes;
	double share_of_queue;	/* of the queue's arrivals */
	double share_of_total;	/* of all arrivals */
};

struct dl_rss_queue {
	__u32 queue;
	__u64 packets;		/* arrivals at XDP */
	__u64 bytes;
	bool has_bytes;
	double share;		/* of all arrivals; NaN when there are none */
	bool hot;
	__u64 cpus;		/* bit c: XDP ran on CPU c; 0 with no flow data */
	__u32 nr_flows;		/* distinct flows seen on it */
	__u32 nr_top;
	struct dl_rss_flow top[DL_RSS_TOP];	/* biggest first */
	bool elephant;		/* hot and top[0] holds >= elephant_share */
};

/* Softnet counters of one CPU over the interval (all interfaces). */
struct dl_rss_cpu {
	__u32 cpu;
	__u64 processed;
	__u64 dropped;		/* backlog full */
	__u64 time_squeeze;
	bool has_dropped;
	bool has_time_squeeze;
};

/* What dl_rss_verdict.kind says. */
enum dl_rss_kind {
	DL_RSS_NO_TRAFFIC,
	DL_RSS_SINGLE_QUEUE,
	DL_RSS_TOO_FEW,		/* below min_total: no judgement */
	DL_RSS_EVEN,
	DL_RSS_SKEW,		/* hot queues, many flows hash there */
	DL_RSS_ELEPHANT,	/* a hot queue is mostly one flow */
};

/* Shaped like a ledger cause, so the report can list it with them. */
struct dl_rss_verdict {
	const char *category;	/* "rss" */
	enum dl_rss_kind kind;
	const char *kind_name;	/* "no_traffic", "single_queue", "too_few",
				 * "even", "skew", "elephant" */
	bool problem;		/* SKEW or ELEPHANT: list it as a cause */
	__u64 count;		/* packets on the hot queues */
	__u32 nr_queues;
	__u32 queues[DL_SKEW_MAX_HOT];	/* the hot queues, hottest first */
	char summary[640];	/* one line */
	char advice[1024];
};

struct dl_rss_report {
	char ifname[IF_NAMESIZE];
	struct dl_rss_opts opts;	/* with the defaults filled in */
	__u32 nr_queues;
	struct dl_rss_queue *queues;
	struct dl_skew skew;
	bool has_flows;		/* per-(flow, queue) counts were given */
	__u64 flow_packets;	/* packets in them (queues < nr_queues) */
	__u32 nr_elephants;
	bool has_softnet;
	__u32 nr_cpus;
	struct dl_rss_cpu *cpus;
	struct dl_cpu_skew cpu_skew;	/* valid when has_softnet */
	bool softnet_reset;	/* a CPU row went away or a counter went back */
	struct dl_rss_verdict verdict;
};

/*
 * Build the rss section from @in. Returns 0, -EINVAL (no arrivals array,
 * or one softnet table without the other) or -ENOMEM. Free the report
 * with dl_rss_report__free().
 */
int dl_rss_report__build(const struct dl_rss_input *in, const struct dl_rss_opts *opts,
			 struct dl_rss_report **out);
void dl_rss_report__free(struct dl_rss_report *r);

#include "rss/rss_report_print.h"

/* "198.18.0.1:5000 -> 198.18.0.2:9000 udp", as the verdict names flows. */
int dl_rss_report__format_flow(const struct dl_flow *f, char *buf, size_t len);

#endif
