/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The evidence of a watch run: dropped frames into one pcapng (-w), one
 * interface block per device, devices that appear later added to the same
 * section; and --html-dir, one page per device (its cumulative ledger and
 * the timeline of its last intervals) plus an index, rewritten atomically
 * after each interval. Outputs are checked before anything is attached.
 */
#ifndef DL_WATCH_EVIDENCE_H
#define DL_WATCH_EVIDENCE_H

#include <stddef.h>

#include <jansson.h>

struct dl_kstate;
struct dl_ledger;
struct dl_watch;
struct dl_watch_dev;

/* Open -w (file or stdout), check --html-dir; -errno with one line in @why. */
int dl_watch_ev__open(struct dl_watch *w, char *why, size_t why_len);
void dl_watch_ev__close(struct dl_watch *w);

/* The drop tracer of @d is up, XDP not yet: load its capture. */
int dl_watch_ev__dev_start(struct dl_watch *w, struct dl_watch_dev *d, char *why,
			   size_t why_len);
/* Just before @d's baseline: the capture's window opens. */
void dl_watch_ev__dev_arm(struct dl_watch_dev *d);
/* After the baseline @base and @ks: kept for the device's cumulative page. */
int dl_watch_ev__dev_base(struct dl_watch *w, struct dl_watch_dev *d);
/* Add this interval's capture counts ("evidence") to @rec. */
void dl_watch_ev__annotate(struct dl_watch *w, struct dl_watch_dev *d, json_t *rec);
/*
 * After @rec was printed: the timeline, and with --html-dir the device's
 * page from its cumulative ledger (@cur since the baseline, kernel
 * counters @ks_now, NULL when gone).
 */
void dl_watch_ev__interval(struct dl_watch *w, struct dl_watch_dev *d, const json_t *rec,
			   const struct dl_ledger *cur, const struct dl_kstate *ks_now);
/* The index page of the devices watched now (--html-dir). */
void dl_watch_ev__index(struct dl_watch *w);
/* Stop @d's capture (its window closes), keep its counts. */
void dl_watch_ev__dev_stop(struct dl_watch_dev *d);
void dl_watch_ev__dev_free(struct dl_watch_dev *d);
/* Say once that the pcap output failed (the thread only flags it). */
void dl_watch_ev__check(struct dl_watch *w);

#endif
