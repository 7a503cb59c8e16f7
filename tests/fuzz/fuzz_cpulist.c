// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the CPU list parser (--cores, /sys/devices/system/cpu/online).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "util/cpulist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int *cpus = NULL, n = 0;

	if (size > 4096)
		return 0;
	if (!dl_cpulist__parse(fuzz_cstr(data, size), &cpus, &n))
		free(cpus);
	return 0;
}
