/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver counter map: which ethtool counter of which driver feeds which
 * ledger column, for the whole interface or one RX queue. The knowledge lives
 * as data in config/nic_counters.tsv (see the header of that file for the
 * format); this module loads it, validates it (errors cite file:line) and
 * answers lookups. Rows for the exact driver win over "*" rows.
 */
#ifndef DL_NIC_MAP_H
#define DL_NIC_MAP_H

#include <stdbool.h>
#include <stddef.h>

#define DL_NIC_MAP_FILE "nic_counters.tsv"

/*
 * Ledger columns of the NIC layer. nic_dropped is the sum of RING..OTHER_DROP
 * (minus values flagged "nosum"); ALLOC_FAIL counts failed allocations,
 * which the driver may retry, so it is not a drop count.
 */
enum dl_nic_col {
	DL_NIC_RX_PACKETS,	/* frames the NIC/driver handed to the host */
	DL_NIC_RX_BYTES,
	DL_NIC_RING,		/* RX ring / queue full: no host descriptor */
	DL_NIC_MISSED,		/* device packet buffer overflow (port level) */
	DL_NIC_NO_BUFFER,	/* no receive buffer posted by the driver */
	DL_NIC_FIFO,		/* FIFO overrun as the driver reports it */
	DL_NIC_OTHER_DROP,	/* other device/driver drops before the stack */
	DL_NIC_XDP_DROPS,	/* XDP_DROP / XDP_ABORTED counted by the driver */
	DL_NIC_XDP_REDIRECT,
	DL_NIC_XDP_TX,
	DL_NIC_ALLOC_FAIL,	/* buffer/page/skb allocation failures */
	DL_NIC__NR,
	/* Map only: a known counter that feeds no column (kept out on purpose). */
	DL_NIC_INFO = DL_NIC__NR,
};

/* Bit mask of the columns that add up to nic_dropped. */
#define DL_NIC_DROP_MASK ((1u << DL_NIC_RING) | (1u << DL_NIC_MISSED) | \
			  (1u << DL_NIC_NO_BUFFER) | (1u << DL_NIC_FIFO) | \
			  (1u << DL_NIC_OTHER_DROP))

/* Column name as used in the map and in reports ("no_buffer", "info"). */
const char *dl_nic_col__name(int col);
/* Column for a name, or -ENOENT. */
int dl_nic_col__from_name(const char *name);

struct dl_nic_map;

/* What a counter name maps to. */
struct dl_nic_map_hit {
	int col;		/* enum dl_nic_col, or DL_NIC_INFO */
	int queue;		/* RX queue from the pattern's %u; -1: interface-wide */
	bool nosum;		/* shown, but not added to nic_dropped */
	int minus;		/* column whose frames this counter also counts, or -1 */
	unsigned int line;	/* line of the row in the map file */
	const char *source;	/* the row's provenance text */
};

/*
 * Load and validate a map. @path NULL: DL_DATADIR, then the source tree's
 * config/. Every bad line is reported as "file:line: what is wrong" through
 * pr_warn; any error makes the load fail with -EINVAL (-ENOENT, -ENOMEM).
 */
int dl_nic_map__load(const char *path, struct dl_nic_map **out);
/* Same from a buffer; @origin stands for the file name in messages. */
int dl_nic_map__parse(const char *buf, size_t len, const char *origin,
		      struct dl_nic_map **out);
void dl_nic_map__free(struct dl_nic_map *m);

/* Number of rows; whether any row names @driver exactly. */
size_t dl_nic_map__nr_rows(const struct dl_nic_map *m);
bool dl_nic_map__has_driver(const struct dl_nic_map *m, const char *driver);

/*
 * Map one counter of @driver. Returns 0 with *hit filled, -ENOENT if no row
 * matches (the counter is "unmapped"), -ERANGE if the queue number is above
 * DL_NIC_MAX_QUEUES. Names from sysfs are looked up as "sysfs:<file>".
 */
int dl_nic_map__lookup(const struct dl_nic_map *m, const char *driver,
		       const char *name, struct dl_nic_map_hit *hit);

/* Highest RX queue number + 1 we keep; a larger one is corrupt input. */
#define DL_NIC_MAX_QUEUES 4096

#endif
