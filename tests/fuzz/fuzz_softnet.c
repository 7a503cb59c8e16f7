// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the /proc/net/softnet_stat parser.
 */
#include "counters/softnet.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_softnet *s = NULL;
	uint64_t v;

	if (!dl_softnet__parse((const char *)data, size, "softnet_stat", &s))
		dl_softnet__sum(s, DL_SOFTNET_DROPPED, &v);
	dl_softnet__free(s);
	return 0;
}
