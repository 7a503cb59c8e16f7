// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the /proc/kallsyms loader and address resolution.
 */
#include "fuzz.h"
#include "trace/ksyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_ksyms *ks = dl_ksyms__load(fuzz_file("kallsyms", data, size));
	char buf[128];

	if (ks) {
		dl_ksyms__format(ks, 0xffffffff81000010ull, buf, sizeof(buf));
		dl_ksyms__free(ks);
	}
	return 0;
}
