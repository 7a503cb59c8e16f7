/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RSS skew metrics: how evenly packets spread over RX queues (or softnet
 * work over CPUs). Share per bin, max/mean, coefficient of variation,
 * Jain's fairness index, hot bins and a one-line verdict.
 */
#ifndef DL_SKEW_H
#define DL_SKEW_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define DL_SKEW_MAX_HOT 16	/* hot bins listed; nr_hot counts them all */

/* Thresholds of the verdict. Zero fields take the defaults. */
struct dl_skew_opts {
	double hot_factor;	/* hot: count > hot_factor x mean (1.5) */
	__u64 min_total;	/* no verdict below this many packets (1000) */
};

/*
 * Metrics over n bins. The ratios (mean, max_over_mean, cv, jain) are NaN
 * when total is 0: nothing to judge is not "perfectly fair".
 */
struct dl_skew {
	const char *unit;	/* "queue" or "cpu", used in the summary */
	__u32 nr_bins;
	__u64 total;		/* sum of all bins */
	__u32 max_bin;		/* bin with the largest count (first on ties) */
	__u64 max_count;
	double mean;		/* total / nr_bins */
	double max_over_mean;	/* 1.0 is perfect; nr_bins is everything on one bin */
	double cv;		/* population stddev / mean */
	double jain;		/* (sum x)^2 / (n sum x^2): 1/n (one bin) .. 1 (even) */
	bool enough;		/* total >= min_total: the verdict means something */
	bool skewed;		/* enough and at least one hot bin */
	__u32 nr_hot;
	__u32 hot[DL_SKEW_MAX_HOT];	/* hottest first */
	double hot_share;	/* share of all hot bins together, 0..1 */
	char summary[192];	/* e.g. "queue 3 holds 71% of traffic" */
};

/*
 * Compute the metrics of @counts[0..n-1]; @unit names a bin in the summary
 * ("queue"). @opts may be NULL. Returns 0, or -EINVAL when n is 0.
 */
int dl_skew__compute(const __u64 *counts, __u32 n, const char *unit,
		     const struct dl_skew_opts *opts, struct dl_skew *out);

/* Share of bin @i in [0, 1], NaN when total is 0. */
double dl_skew__share(const struct dl_skew *s, const __u64 *counts, __u32 i);

/*
 * Per-CPU softnet counters (/proc/net/softnet_stat columns 1-3) as the CPU
 * skew needs them. A column the kernel does not have is absent.
 */
struct dl_skew_softnet {
	__u32 cpu;
	__u64 processed;	/* packets taken from the backlog (column 1) */
	__u64 dropped;		/* backlog full (column 2) */
	__u64 time_squeeze;	/* NAPI budget or time ran out (column 3) */
	bool has_dropped;
	bool has_time_squeeze;
};

/* CPU skew: dl_skew over processed, plus squeeze and backlog drops. */
struct dl_cpu_skew {
	struct dl_skew skew;	/* hot[] and max_bin hold cpu ids */
	__u64 time_squeeze;	/* summed over CPUs with the column */
	__u64 dropped;
	__u32 nr_squeezed;	/* CPUs with time_squeeze > 0 */
	__u32 most_squeezed;	/* cpu id with the largest time_squeeze */
	bool has_time_squeeze;	/* at least one CPU has the column */
	bool has_dropped;
	char summary[256];
};

/*
 * Skew of softnet work over @n CPUs. hot[] in the embedded dl_skew holds
 * cpu ids, not indexes. Returns 0, -EINVAL (n is 0) or -ENOMEM.
 */
int dl_skew__softnet(const struct dl_skew_softnet *cpus, __u32 n,
		     const struct dl_skew_opts *opts, struct dl_cpu_skew *out);

#endif
