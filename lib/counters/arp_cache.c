// SPDX-License-Identifier: GPL-2.0-only
/* Neighbour table statistics on top of the generic stat table; see arp_cache.h. */
#include <errno.h>
#include <string.h>

#include "counters/arp_cache.h"
#include "counters/stat_table.h"

static const char *const names[DL_NEIGH__NR] = {
	[DL_NEIGH_ENTRIES] = "entries",
	[DL_NEIGH_ALLOCS] = "allocs",
	[DL_NEIGH_DESTROYS] = "destroys",
	[DL_NEIGH_HASH_GROWS] = "hash_grows",
	[DL_NEIGH_LOOKUPS] = "lookups",
	[DL_NEIGH_HITS] = "hits",
	[DL_NEIGH_RES_FAILED] = "res_failed",
	[DL_NEIGH_RCV_PROBES_MCAST] = "rcv_probes_mcast",
	[DL_NEIGH_RCV_PROBES_UCAST] = "rcv_probes_ucast",
	[DL_NEIGH_PERIODIC_GC_RUNS] = "periodic_gc_runs",
	[DL_NEIGH_FORCED_GC_RUNS] = "forced_gc_runs",
	[DL_NEIGH_UNRESOLVED_DISCARDS] = "unresolved_discards",
	[DL_NEIGH_TABLE_FULLS] = "table_fulls",
};

const char *dl_neigh_stat__name(enum dl_neigh_stat s)
{
	return (unsigned int)s < DL_NEIGH__NR ? names[s] : NULL;
}

int dl_arp_cache__parse(const char *buf, size_t len, const char *origin,
			struct dl_neigh_stats *out)
{
	if (!out || !buf)
		return -EINVAL;
	return dl_stat_table__sum_named(NULL, buf, len, origin ? origin : "arp_cache", names,
					DL_NEIGH__NR, out->v, &out->have, &out->available);
}

int dl_arp_cache__read(const char *path, struct dl_neigh_stats *out)
{
	if (!out)
		return -EINVAL;
	return dl_stat_table__sum_named(path ? path : DL_ARP_CACHE_PATH, NULL, 0, NULL, names,
					DL_NEIGH__NR, out->v, &out->have, &out->available);
}
