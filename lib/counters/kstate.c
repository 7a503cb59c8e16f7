// SPDX-License-Identifier: GPL-2.0-only
/* Kernel counters around an interval; see kstate.h. */
#include <string.h>

#include "counters/kstate.h"
#include "util/log.h"
#include "counters/nic_counters.h"
#include "counters/snmp.h"
#include "counters/softnet.h"

int dl_kstate__take(struct dl_kstate *ks, const char *ifname,
		    const struct dl_nic_map *map)
{
	int err;

	memset(ks, 0, sizeof(*ks));
	err = dl_nic__snapshot(ifname, map, &ks->nic);
	if (err) {
		pr_debug("NIC counters of %s unreadable: %s\n", ifname, strerror(-err));
		ks->nic = NULL;
	}
	err = dl_snmp__read_proc(&ks->snmp);
	if (err) {
		pr_debug("SNMP counters unreadable: %s\n", strerror(-err));
		ks->snmp = NULL;
	}
	err = dl_softnet__read(NULL, &ks->softnet);
	if (err) {
		pr_debug("softnet_stat unreadable: %s\n", strerror(-err));
		ks->softnet = NULL;
	}
	if (dl_arp_cache__read(NULL, &ks->arp))
		ks->arp.available = false;
	if (dl_conntrack_stat__read(NULL, &ks->ct))
		ks->ct.available = false;
	return 0;
}

void dl_kstate__release(struct dl_kstate *ks)
{
	dl_nic__snapshot_free(ks->nic);
	dl_snmp__free(ks->snmp);
	dl_softnet__free(ks->softnet);
	memset(ks, 0, sizeof(*ks));
}
