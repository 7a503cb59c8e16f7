// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the /proc/net/stat tables (arp_cache, nf_conntrack) and their readers.\n * The first byte picks the reader
 */
#include "counters/arp_cache.h"
#include "counters/conntrack_stat.h"
#include "counters/stat_table.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dl_stat_table *t = NULL;
	struct dl_neigh_stats ns;
	struct dl_ct_stats cs;
	const char *buf = (const char *)data + 1;
	uint64_t v;

	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (!dl_stat_table__parse(buf, size - 1, "stat", &t))
			dl_stat_table__sum(t, "entries", &v);
		dl_stat_table__free(t);
		break;
	case 1:
		dl_arp_cache__parse(buf, size - 1, "arp_cache", &ns);
		break;
	default:
		dl_conntrack_stat__parse(buf, size - 1, "nf_conntrack", &cs);
		break;
	}
	return 0;
}
