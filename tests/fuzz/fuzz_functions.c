// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: functions.tsv, read beside a valid causes table.
 */
#include <string.h>

#include "fuzz.h"
#include "verdict/causes.h"

static const char causes[] =
	"NO_SOCKET\tstack\tsocket\tno socket on port {dport}\tstart the service\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_causes *c;
	const char *path;
	char err[256];

	fuzz_file("functions.tsv", data, size);
	path = fuzz_file("causes.tsv", (const uint8_t *)causes, strlen(causes));
	c = dl_causes__load(path, err, sizeof(err));
	dl_causes__free(c);
	return 0;
}
