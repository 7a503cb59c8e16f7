/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * JSON and text views of an aggregator (agg.h), shared by the line-rate
 * modes (tap session, capture, DPDK) so their reports have one shape:
 * per-queue record rows, per-stamped-flow sequence results, top flows.
 */
#ifndef DL_AGG_JSON_H
#define DL_AGG_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include <jansson.h>

struct dl_agg;

/* Sums over the stamped flows that had a record (or were finished). */
struct dl_agg_seq_totals {
	unsigned int flows;
	__u64 received;
	__u64 lost;
	__u64 reordered;
	__u64 duplicated;
	__u64 stale;
};

void dl_agg_json__seq_totals(const struct dl_agg *a, struct dl_agg_seq_totals *t);

/*
 * [{"queue", "records", "bytes", "stamped", "share"}] for every queue with
 * a record, ascending; records on queues beyond DL_MAX_QUEUES get "queue":
 * null. NULL on allocation failure.
 */
json_t *dl_agg_json__queues(const struct dl_agg *a);
/*
 * [{"flow", "received", "lost", "reordered", "duplicated", "late"}] per
 * stamped flow. Under 1-in-N sampling (@sampled) gaps are not loss: lost,
 * reordered and duplicated are null (absent), received stays.
 */
json_t *dl_agg_json__seq_flows(const struct dl_agg *a, bool sampled);
/* {"flows", "received", "lost", ...} over all stamped flows, same rule. */
json_t *dl_agg_json__seq_summary(const struct dl_agg *a, bool sampled);
/* dl_agg_json__seq_summary() with its "per_flow" (not sampled). */
json_t *dl_agg_json__sequence(const struct dl_agg *a);
/* The @n flows with the most records: [{"proto", "src", ... "records"}]. */
json_t *dl_agg_json__top_flows(const struct dl_agg *a, unsigned int n);

/*
 * {"jain_index", "max_over_mean", "skewed", "hot_queues", "summary"} of
 * per-queue arrivals @counts[0..n-1] (skew.h); ratios null when nothing
 * arrived.
 */
json_t *dl_agg_json__rss(const __u64 *counts, unsigned int n);

/* Text: queue rows, sequence summary, top flows, each under a heading. */
void dl_agg_json__print_text(const struct dl_agg *a, bool sampled,
			     unsigned int top, FILE *out);

#endif
