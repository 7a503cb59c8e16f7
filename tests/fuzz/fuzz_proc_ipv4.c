// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the /proc/net/igmp, route, arp and udp/tcp[6] parsers (first
 * byte picks).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "verdict/proc_ipv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data + 1;
	unsigned int bad;
	size_t n;

	if (!size)
		return 0;
	switch (data[0] % 4) {
	case 0: {
		struct dl_igmp_group *g = NULL;

		dl_igmp__parse(buf, size - 1, &g, &n, &bad);
		free(g);
		break;
	}
	case 1: {
		struct dl_route4 *r = NULL;
		struct in_addr a = { .s_addr = 0x0200a8c0 };

		if (!dl_route4__parse(buf, size - 1, &r, &n, &bad))
			dl_route4__lookup(r, n, a);
		free(r);
		break;
	}
	case 2: {
		struct dl_sock4 *k = NULL;

		dl_sock4__parse(buf, size - 1, &k, &n, &bad);
		free(k);
		break;
	}
	default: {
		struct dl_arp_entry *e = NULL;

		dl_arp__parse(buf, size - 1, &e, &n, &bad);
		free(e);
		break;
	}
	}
	return 0;
}
