/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rss report printed (rss_report_print.c): JSON and aligned text.
 */
#ifndef DL_RSS_REPORT_PRINT_H
#define DL_RSS_REPORT_PRINT_H

#include <stdio.h>

#include <jansson.h>

struct dl_rss_report;

/*
 * The section as a new JSON object (caller owns it; NULL on ENOMEM):
 * queues_total, packets, jain_index, max_over_mean, cv, skewed, enough,
 * hot_queues, hot_share, queues[] (packets, share, cpus, flows, top_flows,
 * elephant), elephants[], cpus[] and cpu_skew (null without softnet),
 * verdict {category, kind, problem, count, queues, summary, advice}.
 * Ratios that cannot be computed are null.
 */
json_t *dl_rss_report__json(const struct dl_rss_report *r);

/* Aligned text: the queue table, the metrics, the CPU table, the verdict. */
void dl_rss_report__print_text(const struct dl_rss_report *r, FILE *out);

#endif
