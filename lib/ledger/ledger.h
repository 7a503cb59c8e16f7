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
#include "ledger/snapshot.h"

#define DL_TOP_FLOWS 5
#define DL_Q_UNKNOWN DL_MAX_QUEUES	/* slot for drops of unknown queue */

struct dl_causes;
struct dl_drop_trace;
struct dl_ksyms;
struct dl_reasons;
struct dl_rss_report;

struct dl_ledger_flow {
	struct dl_flow flow;
	uint64_t count;
	struct dl_opt arrived;	/* frames of this flow seen at XDP */
};

/* A kernel stack of a generic cause's drops (report --stack), innermost first. */
#define DL_CAUSE_STACKS 3
#define DL_STACK_FRAMES 16

struct dl_ledger_stack {
	uint64_t count;
	unsigned int nframes;
	char frames[DL_STACK_FRAMES][64];	/* "ip_rcv_finish_core+0x1e1" */
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
	/*
	 * Drops of this cause in no listed flow (beyond the top flows, or
	 * whose flow found no slot: flows_untracked of them), and the distinct
	 * flows in the slots; absent without flow detail.
	 */
	struct dl_opt flows_other, flows_untracked, flows_distinct;
	const char *category;
	const char *group;
	char summary[640];
	char advice[1024];
	/* NOT_SPECIFIED with --stack: the biggest stacks since the start. */
	struct dl_ledger_stack stacks[DL_CAUSE_STACKS];
	unsigned int nstacks;
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
	double t;		/* the snapshot's moment (cumulative ledgers) */
	bool counter_reset;	/* a count went backwards: the new count is taken */
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
	uint64_t records_lost;	/* drops whose reason could not be kept */
	uint64_t location_lost;	/* drops kept by reason only: no cause slot */
	uint64_t flows_untracked;	/* drops whose flow found no slot */
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
 * The ledger of the span from snapshot @a (NULL: the start, all zero) to
 * @b: pure arithmetic, no I/O. @l's identity (ifname, ifindex, mode,
 * attach, drop_source, interval) is kept; every count is set. A count that
 * went backwards (the maps were reset) counts from zero again, never
 * negative: the ledger says counter_reset. duration_s is b->t - a->t.
 */
int dl_ledger__compute(const struct dl_snapshot *a, const struct dl_snapshot *b,
		       struct dl_ledger *l);

/*
 * The verdict pass over a computed ledger: names each cause (reason,
 * function), renders its summary and advice from @names->causes, refines
 * them with the host's state (read here: memberships, rp_filter, routes),
 * and sorts causes largest first.
 */
void dl_ledger__name(struct dl_ledger *l, const struct dl_ledger_names *names);
/*
 * A summary names the object (port, address, protocol) of the cause's top
 * flow. When other listed flows have other objects, append them to
 * @summary, so the top flow's object never reads as the only one.
 */
void dl_ledger__note_flows(const struct dl_ledger_cause *c, char *summary, size_t len);

/*
 * Compatibility: the cumulative ledger from summed XDP counts @rxq and the
 * tracer, not named: name what is shown (the diff of two) with
 * dl_ledger__name, so summaries speak of that span's flows. Without a per-CPU moment; dl_snapshot__take with the
 * rxq map is what makes intervals balance.
 */
int dl_ledger__collect(struct dl_ledger *l, const struct dl_rxq_stats *rxq,
		       const struct dl_drop_trace *dt,
		       const struct dl_ledger_names *names);

void dl_ledger__free(struct dl_ledger *l);

/*
 * A copy of a cumulative ledger (its causes duplicated) for a later
 * dl_ledger__diff; kernel-counter parts are not copied. 0 or -ENOMEM.
 */
int dl_ledger__copy(struct dl_ledger *dst, const struct dl_ledger *src);

/*
 * @dst = @src without what @src owns: no kernel-counter parts (nic,
 * xchecks, cpus, rss) and room for src->ncauses causes, zeroed. 0 or
 * -ENOMEM (then no causes).
 */
int dl_ledger__copy_plain(struct dl_ledger *dst, const struct dl_ledger *src);

/* A new zeroed cause at the end of @l's, or NULL (ENOMEM). */
struct dl_ledger_cause *dl_ledger__add_cause(struct dl_ledger *l);

/* Parts of the ledger with their own file: interval diff, kernel
 * counters, the rss section, printing. */
#include "ledger/ledger_diff.h"
#include "ledger/ledger_kernel.h"
#include "ledger/ledger_print.h"
#include "ledger/ledger_rss.h"

#endif
