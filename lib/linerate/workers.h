/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Poll-mode workers for tap mirroring: one thread per chosen core, pinned,
 * with NUMA-local tables, busy-polling the per-CPU mirror rings it owns
 * (ring c goes to the worker on core c, the rest round-robin) through the
 * mirror's one mapping of each ring, in batches. Workers share no locks:
 * at an interval boundary each hands its table over on request (a pointer
 * swap, no copy) and the caller merges them (dl_workers__collect).
 */
#ifndef DL_WORKERS_H
#define DL_WORKERS_H

#include <linux/types.h>

#include "linerate/agg.h"

struct dl_mirror;
struct dl_workers;

struct dl_workers_opts {
	const int *cpus;	/* cores to run on, e.g. from dl_cpulist__parse_usable */
	int ncpus;
	struct dl_mirror *mirror;
	unsigned int batch;	/* records per ring per poll; 0: 256 */
	unsigned int idle_us;	/* sleep after an empty poll round; 0: busy poll */
	struct dl_agg_opts agg;
};

struct dl_worker_stats {
	int cpu;		/* core the worker is pinned to */
	int numa_node;		/* node its tables live on */
	int numa_local;		/* 0: libnuma unavailable, heap memory */
	int nrings;		/* rings it polls */
	__u64 polls;		/* poll rounds */
	__u64 empty_polls;	/* rounds that found nothing */
	__u64 records;		/* records read from its rings */
	__u64 bad_records;	/* records of an unexpected size: skipped */
};

/* Start the workers; NULL + errno (the failing core is logged). */
struct dl_workers *dl_workers__start(const struct dl_workers_opts *opts);
/*
 * Interval boundary: clear @out, then merge each worker's counts since the
 * last collect (and its cumulative sequence state) into it. 0 or -errno.
 */
int dl_workers__collect(struct dl_workers *w, struct dl_agg *out);
/* Drain the rings, stop and join the workers. Collect still works after. */
int dl_workers__stop(struct dl_workers *w);
void dl_workers__free(struct dl_workers *w);
int dl_workers__count(const struct dl_workers *w);
int dl_workers__stats(const struct dl_workers *w, int i, struct dl_worker_stats *st);

#endif
