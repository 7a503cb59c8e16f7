// SPDX-License-Identifier: GPL-2.0-only
/*
 * Skew metrics; see skew.h. Sums are done in long double so a billion
 * packets per queue squared does not lose the small differences Jain's
 * index is made of.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rss/skew.h"

#define DEF_HOT_FACTOR 1.5
#define DEF_MIN_TOTAL 1000

static void sort_hot(struct dl_skew *s, const __u64 *counts, __u32 nr)
{
	__u32 i, j;

	/* Insertion sort: at most DL_SKEW_MAX_HOT entries. */
	for (i = 1; i < nr; i++) {
		__u32 v = s->hot[i];

		for (j = i; j > 0 && counts[s->hot[j - 1]] < counts[v]; j--)
			s->hot[j] = s->hot[j - 1];
		s->hot[j] = v;
	}
}

static void pct(char *buf, size_t len, double share)
{
	double p = share * 100.0;

	/* "0.4%" reads better than "0%" for a small but present share. */
	if (p > 0 && p < 1)
		snprintf(buf, len, "%.1f%%", p);
	else
		snprintf(buf, len, "%.0f%%", p);
}

static void summarize(struct dl_skew *s, const struct dl_skew_opts *o)
{
	char *b = s->summary;
	size_t len = sizeof(s->summary), off;
	char share[16];
	__u32 i, shown;

	if (!s->total) {
		snprintf(b, len, "no packets on %u %s%s", s->nr_bins, s->unit,
			 s->nr_bins == 1 ? "" : "s");
		return;
	}
	if (s->nr_bins == 1) {
		snprintf(b, len, "single %s: all traffic on %s %u, nothing to spread",
			 s->unit, s->unit, s->max_bin);
		return;
	}
	if (!s->enough) {
		snprintf(b, len, "only %llu packets on %u %ss: too few to judge skew (need %llu)",
			 (unsigned long long)s->total, s->nr_bins, s->unit,
			 (unsigned long long)o->min_total);
		return;
	}
	if (!s->skewed) {
		snprintf(b, len, "traffic spread over %u %ss (Jain %.2f, max/mean %.2f)",
			 s->nr_bins, s->unit, s->jain, s->max_over_mean);
		return;
	}
	shown = s->nr_hot < DL_SKEW_MAX_HOT ? s->nr_hot : DL_SKEW_MAX_HOT;
	off = snprintf(b, len, "%s%s ", s->unit, shown > 1 ? "s" : "");
	for (i = 0; i < shown && off < len; i++)
		off += snprintf(b + off, len - off, "%s%u", i ? ", " : "", s->hot[i]);
	if (off < len && s->nr_hot > shown)
		off += snprintf(b + off, len - off, " (+%u more)", s->nr_hot - shown);
	pct(share, sizeof(share), s->hot_share);
	if (off < len)
		snprintf(b + off, len - off, " %s %s of traffic (%u %ss, fair share %.0f%%, Jain %.2f)",
			 s->nr_hot > 1 ? "hold" : "holds", share, s->nr_bins, s->unit,
			 100.0 / s->nr_bins, s->jain);
}

/* @ids names bin i in hot[], max_bin and the summary (NULL: i itself). */
static int compute(const __u64 *counts, const __u32 *ids, __u32 n,
		   const char *unit, const struct dl_skew_opts *opts,
		   struct dl_skew *out)
{
	struct dl_skew_opts o = { DEF_HOT_FACTOR, DEF_MIN_TOTAL };
	long double sum = 0, sumsq = 0, var;
	__u64 hot_sum = 0;
	__u32 i;

	if (!n || !counts || !out)
		return -EINVAL;
	if (opts && opts->hot_factor > 0)
		o.hot_factor = opts->hot_factor;
	if (opts && opts->min_total)
		o.min_total = opts->min_total;

	memset(out, 0, sizeof(*out));
	out->unit = unit ? unit : "queue";
	out->nr_bins = n;
	for (i = 0; i < n; i++) {
		out->total += counts[i];
		sum += counts[i];
		sumsq += (long double)counts[i] * counts[i];
		if (counts[i] > out->max_count) {
			out->max_count = counts[i];
			out->max_bin = i;
		}
	}
	if (!out->total) {
		out->mean = out->max_over_mean = out->cv = out->jain = NAN;
		summarize(out, &o);
		return 0;
	}
	out->mean = (double)(sum / n);
	out->max_over_mean = out->max_count / out->mean;
	var = sumsq / n - (sum / n) * (sum / n);
	out->cv = var > 0 ? (double)(sqrtl(var) / (sum / n)) : 0.0;
	out->jain = (double)(sum * sum / (n * sumsq));
	out->enough = out->total >= o.min_total;

	if (out->enough) {
		for (i = 0; i < n; i++) {
			if (counts[i] <= o.hot_factor * out->mean)
				continue;
			if (out->nr_hot < DL_SKEW_MAX_HOT)
				out->hot[out->nr_hot] = i;
			out->nr_hot++;
			hot_sum += counts[i];
		}
	}
	sort_hot(out, counts, out->nr_hot < DL_SKEW_MAX_HOT ? out->nr_hot : DL_SKEW_MAX_HOT);
	out->hot_share = (double)hot_sum / out->total;
	out->skewed = out->nr_hot > 0;
	if (ids) {
		for (i = 0; i < out->nr_hot && i < DL_SKEW_MAX_HOT; i++)
			out->hot[i] = ids[out->hot[i]];
		out->max_bin = ids[out->max_bin];
	}
	summarize(out, &o);
	return 0;
}

int dl_skew__compute(const __u64 *counts, __u32 n, const char *unit,
		     const struct dl_skew_opts *opts, struct dl_skew *out)
{
	return compute(counts, NULL, n, unit, opts, out);
}

double dl_skew__share(const struct dl_skew *s, const __u64 *counts, __u32 i)
{
	if (!s->total || i >= s->nr_bins)
		return NAN;
	return (double)counts[i] / s->total;
}

int dl_skew__softnet(const struct dl_skew_softnet *cpus, __u32 n,
		     const struct dl_skew_opts *opts, struct dl_cpu_skew *out)
{
	__u64 *counts, worst = 0;
	__u32 *ids;
	size_t off;
	__u32 i;
	int err;

	if (!n || !cpus || !out)
		return -EINVAL;
	counts = calloc(n, sizeof(*counts));
	ids = calloc(n, sizeof(*ids));
	if (!counts || !ids) {
		free(counts);
		free(ids);
		return -ENOMEM;
	}
	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		counts[i] = cpus[i].processed;
		ids[i] = cpus[i].cpu;
		if (cpus[i].has_dropped) {
			out->has_dropped = true;
			out->dropped += cpus[i].dropped;
		}
		if (!cpus[i].has_time_squeeze)
			continue;
		out->has_time_squeeze = true;
		out->time_squeeze += cpus[i].time_squeeze;
		if (cpus[i].time_squeeze)
			out->nr_squeezed++;
		if (cpus[i].time_squeeze > worst) {
			worst = cpus[i].time_squeeze;
			out->most_squeezed = cpus[i].cpu;
		}
	}
	/* The summary speaks in cpu ids, which need not be 0..n-1. */
	err = compute(counts, ids, n, "cpu", opts, &out->skew);
	free(counts);
	free(ids);
	if (err)
		return err;
	off = snprintf(out->summary, sizeof(out->summary), "%s", out->skew.summary);
	if (off < sizeof(out->summary) && out->nr_squeezed)
		off += snprintf(out->summary + off, sizeof(out->summary) - off,
				"; time_squeeze on %u cpu%s (most on cpu %u: %llu)",
				out->nr_squeezed, out->nr_squeezed > 1 ? "s" : "",
				out->most_squeezed, (unsigned long long)worst);
	if (off < sizeof(out->summary) && out->dropped)
		snprintf(out->summary + off, sizeof(out->summary) - off,
			 "; %llu packets dropped at full backlog",
			 (unsigned long long)out->dropped);
	return 0;
}
