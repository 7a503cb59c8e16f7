/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Zeroed memory on the NUMA node of the thread that first touches it
 * (libnuma's numa_alloc_local), for per-worker tables; falls back to the
 * heap when libnuma is missing at build time or the kernel has no NUMA
 * support. Large blocks are fresh anonymous mappings: a page costs memory
 * only once it is written, so a table sized for a million flows that holds
 * a hundred is a few pages, and zeroing one gives its pages back.
 */
#ifndef DL_LOCALMEM_H
#define DL_LOCALMEM_H

#include <stddef.h>

/* NULL + errno on failure. Free with dl_localmem__free(). */
void *dl_localmem__alloc(size_t size);
void dl_localmem__free(void *p);
/*
 * Zero the first @len bytes of block @p (from dl_localmem__alloc()). Whole
 * pages of a mapped block are returned to the kernel instead of written
 * (they read as zero and fault in again, on the node of the thread that
 * touches them next): the cost follows the pages in use, not @len.
 */
void dl_localmem__zero(void *p, size_t len);
/* 1 when allocations are NUMA-local, 0 when they fall back to the heap. */
int dl_localmem__numa(void);
/* NUMA node of @cpu, or 0 without libnuma. */
int dl_localmem__node_of_cpu(int cpu);

#endif
