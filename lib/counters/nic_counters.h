/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One snapshot of the NIC-level counters of an interface, interface-wide and
 * per RX queue, in the ledger's columns (enum dl_nic_col), each with a
 * presence bit: a counter the driver does not have is absent, never 0.
 * Sources are combined per group of columns (packets/bytes; the five drop
 * columns; XDP; alloc_fail) so a frame is never counted by two sources:
 * the kernel's qstats where the driver has them, else the driver counter map
 * over ethtool -S, else /sys/class/net/IF/statistics.
 * dl_nic__delta() turns two snapshots into an interval and marks counters
 * that went backwards (driver reset, queue count change) instead of
 * producing negative or huge numbers.
 */
#ifndef DL_NIC_COUNTERS_H
#define DL_NIC_COUNTERS_H

#include <net/if.h>
#include <stdint.h>

#include "counters/ethtool_stats.h"
#include "counters/nic_map.h"
#include "counters/qstats.h"
#include "counters/sysfs_stats.h"

enum dl_nic_src {
	DL_NIC_SRC_NONE,
	DL_NIC_SRC_QSTATS,	/* netdev genetlink qstats (Linux 6.9+) */
	DL_NIC_SRC_ETHTOOL,	/* ethtool -S through the driver counter map */
	DL_NIC_SRC_SYSFS,	/* /sys/class/net/IF/statistics */
	DL_NIC_SRC__NR,
};

/* Ledger columns of one scope (the interface, or one RX queue). */
struct dl_nic_vals {
	uint64_t v[DL_NIC__NR];		/* value; meaningful only if present */
	uint64_t nosum[DL_NIC__NR];	/* part of v[] not added to nic_dropped */
	uint32_t have;			/* bit (1u << col): present */
	uint32_t derived;		/* interface value = sum of the queues */
	uint32_t reset;			/* delta: backwards / changed source */
	uint8_t src[DL_NIC__NR];	/* enum dl_nic_src of each present column */
};

struct dl_nic_snapshot {
	char ifname[IF_NAMESIZE];
	int ifindex;
	char driver[32];		/* "" if the driver does not say */
	uint64_t mono_ns;		/* CLOCK_MONOTONIC when taken */
	uint32_t sources;		/* bit (1u << enum dl_nic_src) that answered */
	struct dl_nic_vals global;
	unsigned int nr_queues;		/* queue[] rows: highest RX queue seen + 1 */
	struct dl_nic_vals *queue;
	unsigned int nr_unmapped;	/* ethtool counters no map row knows */
	char **unmapped;
	/* The raw readings, for listing and explanations. */
	struct dl_sysfs_stats sysfs;	/* have == 0 if unreadable */
	struct dl_ethtool_stats *ethtool;	/* NULL if none */
	struct dl_qstats *qstats;	/* NULL if none; may hold 0 records */
};

/*
 * Read everything for @ifname in the caller's namespace and combine it with
 * @map (NULL: no driver map; ethtool counters are then all unmapped).
 * Returns 0, -ENODEV if there is no such interface, -EINVAL, -ENOMEM.
 * Sources that do not answer are simply absent.
 */
int dl_nic__snapshot(const char *ifname, const struct dl_nic_map *map,
		     struct dl_nic_snapshot **out);

/* Readings to combine, for dl_nic__snapshot_build (tests, saved data). */
struct dl_nic_inputs {
	const char *ifname;
	int ifindex;
	const char *driver;		/* NULL: the driver the ethtool stats name */
	uint64_t mono_ns;
	struct dl_qstats *qstats;	/* NULL if none */
	struct dl_ethtool_stats *ethtool;	/* NULL if none */
	const struct dl_sysfs_stats *sysfs;	/* NULL if none; copied */
};

/*
 * Combine readings into a snapshot. On success the snapshot owns
 * in->qstats and in->ethtool (freed with it); on error the caller still does.
 */
int dl_nic__snapshot_build(const struct dl_nic_inputs *in, const struct dl_nic_map *map,
			   struct dl_nic_snapshot **out);
void dl_nic__snapshot_free(struct dl_nic_snapshot *s);


/* Value of a column if present: 0, or -ENOENT. */
int dl_nic_vals__get(const struct dl_nic_vals *v, enum dl_nic_col col, uint64_t *val);
/*
 * nic_dropped of a scope: the present drop columns minus their nosum parts.
 * 0, or -ENOENT if no drop column is present (n/a, not 0).
 */
int dl_nic_vals__dropped(const struct dl_nic_vals *v, uint64_t *total);

const char *dl_nic_src__name(enum dl_nic_src src);

#endif
