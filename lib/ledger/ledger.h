/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ledger of one interface over one interval: arrivals per rx queue,
 * drops by cause, deliveries, and the residual the equations cannot place
 * (docs: README "The ledger"). Built from the BPF maps, then printed as JSON
 * or as an aligned table. Absent counters stay absent (JSON null, "n/a").
 */
#ifndef DL_LEDGER_H
#define DL_LEDGER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "dropledger_shared.h"

#define DL_TOP_FLOWS 5
#define DL_Q_UNKNOWN DL_MAX_QUEUES	/* slot for drops of unknown queue */

struct dl_causes;
struct dl_drop_trace;
struct dl_ksyms;
struct dl_reasons;
struct dl_rss_report;

/* A counter that may not exist on this driver or kernel. */
struct dl_opt {
	uint64_t v;
	bool have;
};

struct dl_ledger_flow {
	struct dl_flow flow;
	uint64_t count;
	struct dl_opt arrived;	/* frames of this flow seen at XDP */
};

struct dl_ledger_cause {
	bool tx;		/* transmit side: not part of the rx equation */
	uint32_t reason;
	char reason_name[64];
	uint64_t location;
	char location_str[160];
	char function[160];
	uint64_t count;
	uint64_t queues[DL_MAX_QUEUES + 1];	/* last: queue unknown */
	struct dl_ledger_flow flows[DL_TOP_FLOWS];
	unsigned int nflows;
	const char *category;
	const char *group;
	char summary[640];
	char advice[1024];
};

/* A kernel counter checked against what the tracer saw over the interval. */
struct dl_ledger_xcheck {
	const char *counter;	/* "Udp RcvbufErrors", "v0b rx_dropped" */
	const char *reason;	/* drop reason it should equal */
	struct dl_opt kernel;	/* delta of the kernel counter */
	uint64_t traced;	/* drops of that reason on the watched device */
	bool match;
	const char *note;	/* why they may differ, when they do */
};

/* softnet_stat of one CPU over the interval. */
struct dl_ledger_cpu {
	unsigned int cpu;
	struct dl_opt processed;
	struct dl_opt backlog_dropped;
	struct dl_opt time_squeeze;
};

struct dl_ledger_queue {
	uint64_t arrived;	/* frames seen at XDP on this queue */
	uint64_t bytes;
	uint64_t malformed;
	uint64_t stack_dropped;
	uint64_t delivered;
	struct dl_opt nic_dropped;
};

struct dl_ledger {
	char ifname[32];
	int ifindex;
	const char *mode;	/* "tap" */
	const char *attach;	/* "native", "skb", "link"; tc: "tcx", "clsact" */
	/* Where xdp_seen was counted: "xdp" or "tc" (NULL: xdp). */
	const char *hook;
	const char *drop_source;	/* "tp_btf", "tracepoint" */
	double duration_s;
	unsigned int interval;	/* 1, 2, ... with --interval; 0: whole run */
	bool cumulative;	/* the run's total, printed after intervals */
	const char *truncated_reason;	/* the run was cut short; NULL: it was not */

	struct dl_opt nic_dropped;
	uint64_t xdp_seen;
	uint64_t malformed;
	uint64_t stack_dropped;
	uint64_t delivered;
	uint64_t delivered_udp;	/* of delivered: UDP (for the Udp InDatagrams check) */
	int64_t residual;
	/*
	 * How much of a positive residual the kernel's own delivery counters
	 * explain (UDP read by applications is freed without a tracepoint on
	 * 6.13+); absent when nothing explains it.
	 */
	struct dl_opt residual_delivered_untraced;
	uint64_t records_lost;	/* drop events the maps could not hold */
	uint64_t unattributed;	/* drops whose namespace could not be told */
	uint64_t tx_dropped;	/* freed on the device outside the rx path (causes with tx) */
	uint64_t queue_overflow;	/* frames on queues >= DL_MAX_QUEUES */

	unsigned int nqueues;
	struct dl_ledger_queue q[DL_MAX_QUEUES];
	uint64_t delivered_unknown_q;

	struct dl_ledger_cause *causes;
	unsigned int ncauses;

	/* Kernel counters over the interval (dl_ledger__add_kstate). */
	struct dl_nic_delta *nic;	/* NULL: no NIC-level counters */
	char nic_driver[32];
	struct dl_ledger_xcheck *xchecks;
	unsigned int nxchecks;
	struct dl_ledger_cpu *cpus;
	unsigned int ncpus;

	/*
	 * Neighbour table (arp_cache) and conntrack deltas over the interval:
	 * have = false when the table is not readable here.
	 */
	struct dl_opt arp_table_fulls, arp_unresolved_discards, arp_res_failed;
	struct dl_opt ct_insert_failed, ct_drop, ct_early_drop, ct_entries;

	/* RSS skew and elephant flows (dl_ledger__add_rss); NULL: none. */
	struct dl_rss_report *rss;
};

/* Everything needed to name causes; any member may be NULL. */
struct dl_ledger_names {
	const struct dl_reasons *reasons;
	const struct dl_ksyms *ksyms;
	const struct dl_causes *causes;
	int flow_map_fd;	/* XDP flow table for per-flow arrivals, or -1 */
};

/*
 * Fill @l (ifname, ifindex, mode, duration already set by the caller) from
 * the per-queue XDP counters and the drop tracer's maps.
 */
int dl_ledger__collect(struct dl_ledger *l, const struct dl_rxq_stats *rxq,
		       const struct dl_drop_trace *dt,
		       const struct dl_ledger_names *names);

struct dl_kstate;

/*
 * Add the kernel's counters between @a and @b (taken before and after the
 * interval): NIC drops per queue (arrived = nic_dropped + xdp_seen), the
 * cross-checks of kernel counters against traced drops, softnet per CPU.
 * Call after dl_ledger__collect. Missing parts stay absent.
 */
int dl_ledger__add_kstate(struct dl_ledger *l, const struct dl_kstate *a,
			  const struct dl_kstate *b);

/*
 * Add the rss section: skew over the interval's per-queue arrivals, the
 * flows per queue from the XDP flow_q_cnt map (@flow_q_fd, -1: none) and
 * softnet between @a and @b (may be NULL). A queue above @hot_factor x the
 * mean (0: default 1.5) is hot; a skew or elephant verdict is added as a
 * cause of category "rss" after the drop causes.
 */
int dl_ledger__add_rss(struct dl_ledger *l, int flow_q_fd, const struct dl_kstate *a,
		       const struct dl_kstate *b, double hot_factor);

void dl_ledger__free(struct dl_ledger *l);

/*
 * @out = @cur - @prev for two cumulative ledgers of the same run (counts
 * only grow): the interval between them. Kernel-counter parts are not
 * diffed; add them to @out with dl_ledger__add_kstate.
 */
int dl_ledger__diff(const struct dl_ledger *prev, const struct dl_ledger *cur,
		    struct dl_ledger *out);

/* The ledger as a new JSON object (caller owns it), for adding sections. */
json_t *dl_ledger__to_json(const struct dl_ledger *l);
/* One line through the JSON envelope (util/json.h), newline-terminated. */
int dl_ledger__dump_json(json_t *root, FILE *out);
/* One JSON object, newline-terminated. */
int dl_ledger__print_json(const struct dl_ledger *l, FILE *out);
/* Aligned text tables for people. */
int dl_ledger__print_text(const struct dl_ledger *l, FILE *out);

#endif
