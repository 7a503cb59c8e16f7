// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the ethtool -S text parser.
 */
#include "counters/ethtool_stats.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_ethtool_stats *s = NULL;
	uint64_t v;

	if (!dl_ethtool_stats__parse_text((const char *)data, size, "fuzz",
					  "ethtool -S", &s))
		dl_ethtool_stats__get(s, "rx_dropped", &v);
	dl_ethtool_stats__free(s);
	return 0;
}
