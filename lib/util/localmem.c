// SPDX-License-Identifier: GPL-2.0-only
/*
 * NUMA-local allocations, see localmem.h. numa_free() and munmap() need the
 * size, so each block carries a small header with it (cache-line sized to
 * keep the payload aligned for the per-worker counters). Fresh mappings are
 * zero already: writing zeros over them would make every page resident.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dl_config.h"
#if DL_HAVE_NUMA
#include <numa.h>
#endif

#include "util/localmem.h"

#define HDR 64
#define MAP_MIN (64u << 10)	/* blocks from this size on are mappings */

enum blk_kind {
	BLK_HEAP,		/* posix_memalign */
	BLK_MAP,		/* mmap, heap fallback of a large block */
	BLK_NUMA,		/* numa_alloc_local */
};

struct blk {
	size_t size;		/* whole block, header included */
	int kind;		/* enum blk_kind */
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
	int kind = BLK_HEAP;

	if (total < size) {
		errno = EOVERFLOW;
		return NULL;
	}
#if DL_HAVE_NUMA
	if (dl_localmem__numa()) {
		/* An anonymous mapping with a node-local policy: zero pages. */
		b = numa_alloc_local(total);
		kind = BLK_NUMA;
	}
#endif
	if (!b && total >= MAP_MIN) {
		b = mmap(NULL, total, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b == MAP_FAILED)
			b = NULL;
		kind = BLK_MAP;
	}
	if (!b) {
		if (posix_memalign((void **)&b, HDR, total)) {
			errno = ENOMEM;
			return NULL;
		}
		memset(b, 0, total);
		kind = BLK_HEAP;
	}
	b->size = total;
	b->kind = kind;
	return (char *)b + HDR;
}

void dl_localmem__zero(void *p, size_t len)
{
	struct blk *b;
	uintptr_t lo, hi, page;

	if (!p || !len)
		return;
	b = (struct blk *)((char *)p - HDR);
	page = (uintptr_t)sysconf(_SC_PAGESIZE);
	lo = ((uintptr_t)p + page - 1) & ~(page - 1);
	hi = ((uintptr_t)p + len) & ~(page - 1);
	if (b->kind == BLK_HEAP || hi <= lo ||
	    madvise((void *)lo, hi - lo, MADV_DONTNEED)) {
		memset(p, 0, len);
		return;
	}
	memset(p, 0, lo - (uintptr_t)p);
	memset((void *)hi, 0, (uintptr_t)p + len - hi);
}

void dl_localmem__free(void *p)
{
	struct blk *b;

	if (!p)
		return;
	b = (struct blk *)((char *)p - HDR);
	switch (b->kind) {
#if DL_HAVE_NUMA
	case BLK_NUMA:
		numa_free(b, b->size);
		return;
#endif
	case BLK_MAP:
		munmap(b, b->size);
		return;
	default:
		free(b);
	}
}
