/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Drops by cause over the intervals of a run (report -I, watch), made from
 * the interval records' own JSON so the page's timeline equals the lines:
 * each entry {"interval", "t", "duration_s", "dropped", "causes":
 * {REASON: count}}, counts summed over the record's causes of that reason
 * (rx and tx alike). Bounded: past @cap entries the oldest go, counted.
 */
#ifndef DL_TIMELINE_H
#define DL_TIMELINE_H

#include <jansson.h>

#define DL_TIMELINE_REPORT_CAP 4096	/* report: a long -I run keeps bounded memory */

struct dl_timeline;

/* @cap: entries kept (at least 1). NULL with errno on ENOMEM. */
struct dl_timeline *dl_timeline__new(unsigned int cap);
/*
 * Add interval record @rec (a ledger's JSON with "interval", "duration_s"
 * and "causes"). "t" is the run time at its end: the sum of the durations
 * so far. -EINVAL for a record without them, -ENOMEM.
 */
int dl_timeline__add(struct dl_timeline *tl, const json_t *rec);
/* The kept entries, oldest first (a new reference). */
json_t *dl_timeline__json(const struct dl_timeline *tl);
/* Entries that fell out of the window. */
unsigned long long dl_timeline__omitted(const struct dl_timeline *tl);
/* "timeline" (and "timeline_omitted" when any) set on @root. */
int dl_timeline__annotate(const struct dl_timeline *tl, json_t *root);
void dl_timeline__free(struct dl_timeline *tl);

#endif
