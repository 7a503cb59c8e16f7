/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's own counters around one interval, read in the watched
 * namespace: the interface's NIC-level counters (qstats, ethtool through
 * the driver map, sysfs), SNMP/netstat, and softnet_stat per CPU. Each part
 * is best effort: what cannot be read is absent, never zero.
 */
#ifndef DL_KSTATE_H
#define DL_KSTATE_H

#include "counters/arp_cache.h"
#include "counters/conntrack_stat.h"

struct dl_nic_map;
struct dl_nic_snapshot;
struct dl_snmp;
struct dl_softnet;

struct dl_kstate {
	struct dl_nic_snapshot *nic;	/* NULL: unreadable */
	struct dl_snmp *snmp;		/* NULL: unreadable */
	struct dl_softnet *softnet;	/* NULL: unreadable */
	/*
	 * Neighbour and conntrack tables: arp_cache exists only in the
	 * initial namespace, nf_conntrack only when loaded (.available).
	 */
	struct dl_neigh_stats arp;
	struct dl_ct_stats ct;
};

/* Take a snapshot; returns 0 even when parts are missing (they stay NULL). */
int dl_kstate__take(struct dl_kstate *ks, const char *ifname,
		    const struct dl_nic_map *map);
void dl_kstate__release(struct dl_kstate *ks);

#endif
