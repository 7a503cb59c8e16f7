// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the steering rules parser (dropledger steering --rules).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "rss/steering_rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_steer_rules *rs = NULL;
	char err[256];

	if (!dl_steer_rules__parse_string("fuzz.rules", fuzz_cstr(data, size),
					  &rs, err, sizeof(err))) {
		size_t i, n = dl_steer_rules__count(rs);
		char buf[256];

		/* Every rule that parsed must print back. */
		for (i = 0; i < n; i++)
			dl_steer_rule__format(dl_steer_rules__get(rs, i), buf, sizeof(buf));
	}
	dl_steer_rules__free(rs);
	return 0;
}
