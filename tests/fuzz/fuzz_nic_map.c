// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the driver counter map (nic_counters.tsv).
 */
#include "counters/nic_map.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_nic_map *m = NULL;

	if (!dl_nic_map__parse((const char *)data, size, "nic_counters.tsv", &m))
		dl_nic_map__has_driver(m, "mlx5_core");
	dl_nic_map__free(m);
	return 0;
}
