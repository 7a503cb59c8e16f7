// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: hooks.tsv, the per-driver choice of XDP or tc, line by line.
 */
#include <string.h>

#include "fastpath/hook.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *line, *next, driver[64];

	for (line = text; line; line = next) {
		struct dl_hook_choice c;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		memset(&c, 0, sizeof(c));
		dl_hook__parse_line(line, driver, sizeof(driver), &c);
	}
	return 0;
}
