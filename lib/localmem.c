// SPDX-License-Identifier: GPL-2.0-only
/*
 * NUMA-local allocations, see localmem.h. numa_free() needs the size, so
 * each block carries a small header with it (cache-line sized to keep the
 * payload aligned for the per-worker counters).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dl_config.h"
#if DL_HAVE_NUMA
#include <numa.h>
#endif

#include "localmem.h"

#define HDR 64

struct blk {
	size_t size;		/* whole block, header included */
	int numa;		/* 1: from numa_alloc_local */
};

int dl_localmem__numa(void)
{
#if DL_HAVE_NUMA
	return numa_available() >= 0;
#else
	return 0;
#endif
}

int dl_localmem__node_of_cpu(int cpu)
{
#if DL_HAVE_NUMA
	if (dl_localmem__numa()) {
		int n = numa_node_of_cpu(cpu);

		return n < 0 ? 0 : n;
	}
#endif
	(void)cpu;
	return 0;
}

void *dl_localmem__alloc(size_t size)
{
	size_t total = size + HDR;
	struct blk *b = NULL;
	int numa = 0;

	if (total < size) {
		errno = EOVERFLOW;
		return NULL;
	}
#if DL_HAVE_NUMA
	if (dl_localmem__numa()) {
		b = numa_alloc_local(total);
		numa = b != NULL;
		if (b)
			memset(b, 0, total);
	}
#endif
	if (!b) {
		if (posix_memalign((void **)&b, HDR, total)) {
			errno = ENOMEM;
			return NULL;
		}
		memset(b, 0, total);
	}
	b->size = total;
	b->numa = numa;
	return (char *)b + HDR;
}

void dl_localmem__free(void *p)
{
	struct blk *b;

	if (!p)
		return;
	b = (struct blk *)((char *)p - HDR);
#if DL_HAVE_NUMA
	if (b->numa) {
		numa_free(b, b->size);
		return;
	}
#endif
	free(b);
}
