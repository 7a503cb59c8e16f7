// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the discard-counter audit (mib_discards.tsv) parser: field
 * counts, kinds, `within` nesting and cause templates of arbitrary input.
 */
#include "fuzz.h"
#include "counters/mib_discards.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_mib_discards *t = NULL;
	char why[256];
	size_t i;

	if (dl_mib_discards__parse((const char *)data, size, "fuzz", &t, why, sizeof(why)))
		return 0;
	/* Every row's nesting points at a row; lookups find each row again. */
	for (i = 0; i < t->n; i++) {
		const struct dl_mib_row *r = &t->rows[i];

		if (r->parent >= (int)t->n || dl_mib_discards__find(t, r->group, r->name) != r)
			__builtin_trap();
	}
	dl_mib_discards__free(t);
	return 0;
}
