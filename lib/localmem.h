/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Zeroed memory on the NUMA node of the calling thread's CPU (libnuma's
 * numa_alloc_local), for per-worker tables; falls back to the heap when
 * libnuma is missing at build time or the kernel has no NUMA support.
 */
#ifndef DL_LOCALMEM_H
#define DL_LOCALMEM_H

#include <stddef.h>

/* NULL + errno on failure. Free with dl_localmem__free(). */
void *dl_localmem__alloc(size_t size);
void dl_localmem__free(void *p);
/* 1 when allocations are NUMA-local, 0 when they fall back to the heap. */
int dl_localmem__numa(void);
/* NUMA node of @cpu, or 0 without libnuma. */
int dl_localmem__node_of_cpu(int cpu);

#endif
