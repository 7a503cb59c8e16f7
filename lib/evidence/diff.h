/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two report runs of one interface compared (dropledger diff A B): drop
 * rate per cause and per queue, RSS share per queue, each change judged
 * by a two-proportion z-test on the counts (a Poisson rate test per second
 * when a run saw no frames), with a minimum count and a minimum relative
 * change so that noise and trivia are not flagged. Pure logic on the
 * reports' JSON; the command prints.
 */
#ifndef DL_DIFF_H
#define DL_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct dl_run_diff_opts {
	double z;		/* |z| at least this is beyond noise (0: 3.0) */
	uint64_t min_count;	/* in at least one run (0: 10) */
	double min_change;	/* relative change of the rate (0: 0.1 = 10%) */
};

/*
 * The last report object of a file (--save writes one; a JSON-lines log of
 * report -I holds many, the last is the whole run). NULL with errno and
 * "PATH: why" in @why.
 */
json_t *dl_run_diff__load(const char *path, char *why, size_t why_len);

/*
 * Compare run @a with run @b: a new JSON object (caller owns it) with
 * "test", "a", "b", "causes", "queues", "rss", "flagged", "worse". NULL
 * with errno EINVAL and @why set when they are not runs of one interface.
 */
json_t *dl_run_diff__compare(const json_t *a, const json_t *b,
			     const struct dl_run_diff_opts *o, char *why, size_t why_len);

/* The comparison as tables, in report's style. */
int dl_run_diff__print_text(const json_t *d, FILE *out);

/*
 * Two-proportion z statistic of @c2/@n2 against @c1/@n1 (positive: the
 * second is higher); 0 when the pooled proportion is 0 or 1.
 */
double dl_run_diff__z_prop(uint64_t c1, uint64_t n1, uint64_t c2, uint64_t n2);
/* Poisson rates @c1 in @t1 s against @c2 in @t2 s, conditioned on c1 + c2. */
double dl_run_diff__z_rate(uint64_t c1, double t1, uint64_t c2, double t2);

#endif
