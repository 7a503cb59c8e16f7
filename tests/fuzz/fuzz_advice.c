// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the advice rules (advice.tsv) parser, its condition
 * evaluator and renderer, applied to a context with every kind of value.
 */
#include <stdbool.h>

#include "fuzz.h"
#include "verdict/advice_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_advice_ctx ctx = { 0 };
	struct dl_advice *a = NULL;
	struct dl_advice_row r;
	char err[256], s[512], v[1024];
	size_t i;

	if (dl_advice__parse((const char *)data, size, "advice.tsv", &a, err, sizeof(err)))
		return 0;
	dl_advice_ctx__set(&ctx, "iface", "v0b");
	dl_advice_ctx__set(&ctx, "all", "1");
	dl_advice_ctx__set(&ctx, "dev", "-1");
	dl_advice_ctx__set(&ctx, "kind", "skew");
	dl_advice_ctx__set(&ctx, "others", "%s", "");
	for (i = 0; dl_advice__row(a, i, &r) == 0; i++) {
		dl_advice__eval(r.when, &ctx, err, sizeof(err));
		dl_advice__render(r.summary, &ctx, s, sizeof(s));
		dl_advice__apply(a, r.key, r.function, &ctx, i & 1, s, sizeof(s), v, sizeof(v));
	}
	dl_advice__free(a);
	return 0;
}
