/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Steering check: did each flow arrive where the operator's rules (and,
 * when known, the NIC's own RSS table and ntuple rules) say it should?
 * Input is the flows seen at XDP with their per-queue packet counts;
 * output is one verdict per rule and the flows that landed elsewhere.
 */
#ifndef DL_STEERING_CHECK_H
#define DL_STEERING_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "rss/steering_rules.h"
#include "rss/toeplitz.h"
#include "fastpath/flow_queues.h"

/* What the NIC is known to do; any member may be NULL. */
struct dl_steer_nic {
	const struct dl_rss_table *rss;		/* indirection table + key */
	const struct dl_steer_rules *ntuple;	/* NIC flow rules, checked first */
};

/* Zero fields take the defaults. */
struct dl_steer_check_opts {
	double jain_min;	/* even rule below this is uneven (0.8) */
	__u32 flows_per_queue;	/* even judged with >= this many flows per queue (2) */
	__u64 min_packets;	/* and >= this many packets (1000) */
};

struct dl_steer_rule_result {
	const struct dl_steer_rule *rule;	/* points into the rule set */
	__u64 flows;
	__u64 packets;		/* packets of flows that fell under this rule */
	__u64 on_allowed;	/* ... that arrived on one of its queues */
	__u64 elsewhere;	/* ... that did not */
	__u64 per_queue[DL_STEER_QUEUES];
	double jain;		/* even rules: over the allowed queues; else NaN */
	bool judged;		/* even rule with enough flows and packets */
	bool misrouted;		/* elsewhere > 0 */
	bool uneven;		/* judged and jain < jain_min */
	char text[512];		/* one line, see dl_steer_check__run() */
};

/* A flow that did not arrive where the NIC's configuration sends it. */
struct dl_steer_mismatch {
	struct dl_flow flow;
	__u32 hash;		/* Toeplitz hash; 0 when by_ntuple */
	__u32 predicted;	/* queue the NIC should have used */
	__u32 observed;		/* queue with most of the flow's packets */
	__u64 packets;		/* all packets of the flow */
	__u64 elsewhere;	/* packets not on the predicted queue */
	bool by_ntuple;		/* prediction from an ntuple rule, not RSS */
	char text[384];
};

struct dl_steer_report {
	size_t nr_rules;
	struct dl_steer_rule_result *rules;	/* rule set order */
	size_t nr_mismatches;
	struct dl_steer_mismatch *mismatches;	/* most packets elsewhere first */
	__u64 flows;
	__u64 packets;
	__u64 unmatched_flows;	/* no rule and no default */
	__u64 unmatched_packets;
	__u64 unpredicted_flows;	/* NIC config given, flow not hashable */
	__u32 nr_violations;	/* rules misrouted or uneven */
	bool predicted;		/* NIC config was used to predict queues */
};

/*
 * Check @n flows against @rules (first match wins, else default) and,
 * when @nic is given, against the NIC's prediction: an ntuple rule that
 * matches wins, else RSS (Toeplitz, indir[hash % size]). @rules may be
 * NULL when only the NIC prediction is wanted. Texts read like (one line
 * each, wrapped here):
 *   rule 1 (udp dport 5000 -> queue 3): 10000 packets matched,
 *     0 arrived on queue 3, all on queue 0
 *   rule 2 (tcp dst 10.0.0.0/8 -> queues 0-3 even): 8000 packets matched,
 *     all on queues 0-3, spread unevenly (Jain 0.37 < 0.80 over 4 queues,
 *     16 flows: queue 1 holds 81%)
 *   flow udp 198.18.0.1:1000 -> 198.18.0.2:5000: RSS predicts queue 2
 *     (hash 0x1234abcd, indir[77]), 500 packets arrived on queue 0
 * Returns 0, -EINVAL or -ENOMEM; free the report with dl_steer_report__free().
 */
int dl_steer_check__run(const struct dl_steer_rules *rules,
			const struct dl_flow_obs *flows, size_t n,
			const struct dl_steer_nic *nic,
			const struct dl_steer_check_opts *opts,
			struct dl_steer_report **out);

void dl_steer_report__free(struct dl_steer_report *r);

/* "udp 198.18.0.1:1000 -> 198.18.0.2:5000", "[2001:db8::1]:80", "ethertype 0x88cc". */
int dl_steer_check__format_flow(const struct dl_flow *f, char *buf, size_t len);

#endif
