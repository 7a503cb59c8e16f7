// SPDX-License-Identifier: GPL-2.0-only
/* Counter deltas with wrap and reset handling; see counter.h. */
#include <errno.h>

#include "util/counter.h"

int dl_counter__delta(uint64_t prev, uint64_t cur, unsigned int bits, uint64_t *delta)
{
	uint64_t mask;

	if (!delta || !bits || bits > 64)
		return -EINVAL;
	mask = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
	if ((prev & ~mask) || (cur & ~mask))
		return -EINVAL;
	if (cur >= prev) {
		*delta = cur - prev;
		return 0;
	}
	if (bits == 64) {
		*delta = 0;
		return -ERANGE;
	}
	/* A 32-bit counter wraps in seconds at line rate: take it modulo. */
	*delta = (cur - prev) & mask;
	return 0;
}
