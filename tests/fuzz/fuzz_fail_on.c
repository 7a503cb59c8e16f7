// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: --fail-on rule expressions, parsed and evaluated against a
 * ledger with a little of everything.
 */
#include <stdio.h>
#include <string.h>

#include "export/fail_on.h"
#include "fuzz.h"
#include "ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_ledger l;
	struct dl_fail_on *f;
	char why[256];

	if (size > 4096)
		return 0;
	f = dl_fail_on__parse(fuzz_cstr(data, size), why, sizeof(why));
	if (!f)
		return 0;
	memset(&l, 0, sizeof(l));
	snprintf(l.ifname, sizeof(l.ifname), "v0b");
	l.duration_s = 2.5;
	l.xdp_seen = 1000;
	l.stack_dropped = 40;
	l.delivered = 950;
	l.residual = 10;
	l.records_lost = 3;
	dl_fail_on__check(f, &l, why, sizeof(why));
	dl_fail_on__free(f);
	return 0;
}
