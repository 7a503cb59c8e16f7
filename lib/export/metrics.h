/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Prometheus metrics from ledgers: an accumulator of interval ledgers per
 * device, rendered in the text exposition format (0.0.4). Counters only ever
 * add the non-negative deltas of an interval, so they stay monotonic across
 * counter resets and interface re-creation; a counter the driver lacks has
 * no series at all, never a fake 0. Labels follow node_exporter (device)
 * and never carry addresses, ports, flows or code offsets.
 */
#ifndef DL_METRICS_H
#define DL_METRICS_H

#include <stddef.h>
#include <stdint.h>

struct dl_ledger;
struct dl_metrics;

#define DL_METRICS_MAX_SERIES_DEFAULT 10000

/*
 * A new accumulator holding at most @max_series series (0: the default);
 * series past the cap are left out and counted in
 * dropledger_metrics_series_dropped_total. NULL + errno on failure.
 */
struct dl_metrics *dl_metrics__new(unsigned int max_series);
void dl_metrics__free(struct dl_metrics *m);

/*
 * Add one interval ledger @iv of device @iv->ifname (from dl_ledger__diff
 * plus dl_ledger__add_kstate/add_rss): counters grow by its counts, gauges
 * take its values, the device is marked up. @now: wall clock (Unix seconds)
 * for dropledger_last_update_timestamp_seconds.
 */
int dl_metrics__add_interval(struct dl_metrics *m, const struct dl_ledger *iv, double now);

/*
 * @ifname went away: its gauges are withdrawn (absent, not 0), its
 * counters keep their totals for when it comes back. Idempotent.
 */
void dl_metrics__device_down(struct dl_metrics *m, const char *ifname);
/* @ifname was (re)attached after a reset or re-creation: counted. */
int dl_metrics__device_restart(struct dl_metrics *m, const char *ifname);

/*
 * watch -w: dropledger_evidence_frames_total{device,outcome} grows by
 * @delta (outcome: written, sampled_out, lost, over_max, unwritten).
 */
int dl_metrics__add_evidence(struct dl_metrics *m, const char *ifname, const char *outcome,
			     uint64_t delta);

/*
 * Set the gauge dropledger_fail_on_fired{rule} (1 fired in the last
 * interval, 0 not): rule text is the operator's own --fail-on rule.
 */
int dl_metrics__set_rule(struct dl_metrics *m, const char *rule, int fired);

/*
 * Opt-in drop locations: dropledger_stack_dropped_location_packets_total
 * {device,direction,reason,function} for the first @n dropping functions of
 * each device (function name only, never an offset), the rest under
 * function="other". 0 (default): no such series.
 */
void dl_metrics__set_locations(struct dl_metrics *m, unsigned int n);

/* Stamp dropledger_last_update_timestamp_seconds without adding a ledger. */
void dl_metrics__touch(struct dl_metrics *m, double now);

/* Current value of a counter series (tests, --fail-on); -ENOENT: absent. */
int dl_metrics__counter(const struct dl_metrics *m, const char *name,
			const char *labels, uint64_t *out);

/*
 * The whole exposition as a new NUL-terminated string (*len without the
 * NUL); caller frees. 0 / -ENOMEM.
 */
int dl_metrics__render(const struct dl_metrics *m, char **text, size_t *len);

/*
 * Write @text to @path atomically (a temporary file in the same directory,
 * then rename), as node_exporter's textfile collector wants. 0 / -errno.
 */
int dl_metrics__write_textfile(const char *path, const char *text, size_t len);

#endif
