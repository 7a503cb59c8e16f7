/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Neighbour table statistics, /proc/net/stat/arp_cache (IPv4) and
 * /proc/net/stat/ndisc_cache (IPv6), summed over CPUs by column name.
 * table_fulls (gc_thresh3 reached) and unresolved_discards (the per-neighbour
 * queue of packets waiting for ARP overflowed) are the drop counters. The
 * kernel creates these files in the initial network namespace only (the
 * tables are shared), so elsewhere they read as "not available".
 */
#ifndef DL_ARP_CACHE_H
#define DL_ARP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DL_ARP_CACHE_PATH "/proc/net/stat/arp_cache"
#define DL_NDISC_CACHE_PATH "/proc/net/stat/ndisc_cache"

enum dl_neigh_stat {
	DL_NEIGH_ENTRIES,		/* gauge, not summed */
	DL_NEIGH_ALLOCS,
	DL_NEIGH_DESTROYS,
	DL_NEIGH_HASH_GROWS,
	DL_NEIGH_LOOKUPS,
	DL_NEIGH_HITS,
	DL_NEIGH_RES_FAILED,
	DL_NEIGH_RCV_PROBES_MCAST,
	DL_NEIGH_RCV_PROBES_UCAST,
	DL_NEIGH_PERIODIC_GC_RUNS,
	DL_NEIGH_FORCED_GC_RUNS,
	DL_NEIGH_UNRESOLVED_DISCARDS,
	DL_NEIGH_TABLE_FULLS,
	DL_NEIGH__NR,
};

struct dl_neigh_stats {
	bool available;			/* false: the file does not exist */
	uint32_t have;			/* bit (1u << enum dl_neigh_stat) */
	uint64_t v[DL_NEIGH__NR];	/* summed over CPUs */
};

/* Column name as the kernel prints it ("table_fulls"); NULL out of range. */
const char *dl_neigh_stat__name(enum dl_neigh_stat s);

/* Parse a table (see stat_table.h for errors); sets available = true. */
int dl_arp_cache__parse(const char *buf, size_t len, const char *origin,
			struct dl_neigh_stats *out);
/*
 * Read @path (NULL: DL_ARP_CACHE_PATH; DL_NDISC_CACHE_PATH for IPv6). A
 * missing file is not an error: 0 with available = false.
 */
int dl_arp_cache__read(const char *path, struct dl_neigh_stats *out);

#endif
