/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A steering report (steering_check.h) for people and for scripts: the
 * per-rule verdicts and NIC mismatches as a JSON object (jansson) and as
 * text lines, the way `dropledger steering` prints them.
 */
#ifndef DL_STEERING_PRINT_H
#define DL_STEERING_PRINT_H

#include <stdio.h>
#include <jansson.h>

#include "rss/steering_check.h"

/*
 * New JSON object (caller owns it; NULL on ENOMEM): flows, packets,
 * unmatched_flows, unmatched_packets, unpredicted_flows, predicted,
 * rule_violations, mismatched_flows, violations (the two added), rules[]
 * (index, line, rule, queues, even, flows, packets, on_allowed, elsewhere,
 * per_queue {queue: packets}, jain, judged, misrouted, uneven, violation,
 * text) and mismatches[] (flow fields, by, hash, predicted, observed,
 * packets, elsewhere, text).
 */
json_t *dl_steer_report__json(const struct dl_steer_report *r);

/*
 * One line per rule, then the unmatched flows, the NIC mismatches (at most
 * @max_mismatches, 0: all) and a closing "violations:" line.
 */
void dl_steer_report__print_text(const struct dl_steer_report *r, size_t max_mismatches,
				 FILE *out);

/* Rule violations plus flows that landed where the NIC config does not send them. */
unsigned int dl_steer_report__violations(const struct dl_steer_report *r);

#endif
