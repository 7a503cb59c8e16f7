// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: netdev netlink qstats replies (the kernel's side of the socket).
 */
#include "counters/qstats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_qstats *qs = dl_qstats__new();

	if (!qs)
		return 0;
	dl_qstats__parse(qs, data, size);
	dl_qstats__find(qs, 4, DL_QSTATS_RX, 0);
	dl_qstats__free(qs);
	return 0;
}
