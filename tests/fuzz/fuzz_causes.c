// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the causes table (causes.tsv) loader and the advice renderer.
 */
#include "fuzz.h"
#include "verdict/causes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_cause_ctx ctx = { .iface = "v0b", .dport = "53", .proto = "udp" };
	struct dl_causes *c;
	char err[256], out[512];
	size_t i;

	c = dl_causes__load(fuzz_file("causes.tsv", data, size), err, sizeof(err));
	for (i = 0; c && i < dl_causes__count(c); i++) {
		const struct dl_cause_rule *r = dl_causes__rule(c, i);

		dl_causes__render(r->summary, &ctx, out, sizeof(out));
		dl_causes__render(r->advice, &ctx, out, sizeof(out));
	}
	dl_causes__free(c);
	return 0;
}
