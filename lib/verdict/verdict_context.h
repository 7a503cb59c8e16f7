/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Verdicts that need the host's state, not just the drop: which interface
 * joined a multicast group, the rp_filter values in force, the route back
 * to a source, the neighbour entry of a next hop. The context is gathered in
 * the watched network namespace; dl_vctx__refine() turns a cause (reason,
 * dropping function, top flow) into a summary and advice naming that state.
 */
#ifndef DL_VERDICT_CONTEXT_H
#define DL_VERDICT_CONTEXT_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "dropledger_shared.h"
#include "verdict/proc_ipv4.h"

/* An IPv4 address of an interface. */
struct dl_vctx_addr {
	char ifname[IF_NAMESIZE];
	struct in_addr addr;
	unsigned int plen;
};

/*
 * The context of one watched interface. Public so a test (or a later
 * remote mode) can build one by hand; dl_vctx__gather() fills it from the
 * current namespace. Absent knowledge stays absent: -1 for a sysctl that
 * could not be read, have_* false for a table that could not be read.
 */
struct dl_vctx {
	char ifname[IF_NAMESIZE];
	int ifindex;
	int rp_filter_all;	/* net.ipv4.conf.all.rp_filter */
	int rp_filter_dev;	/* net.ipv4.conf.<ifname>.rp_filter */
	long unres_qlen_bytes;	/* net.ipv4.neigh.<ifname>.unres_qlen_bytes */

	struct dl_vctx_addr *addrs;	/* IPv4 addresses of every interface */
	size_t naddrs;
	struct dl_igmp_group *groups;	/* /proc/net/igmp */
	size_t ngroups;
	bool have_groups;
	struct dl_route4 *routes;	/* /proc/net/route (main table) */
	size_t nroutes;
	bool have_routes;
	struct dl_arp_entry *neigh;	/* /proc/net/arp */
	size_t nneigh;
	bool have_neigh;
};

/*
 * Read the context of @ifname (@ifindex) in the calling thread's network
 * namespace: /proc/net/igmp, /proc/net/route, /proc/net/arp, the rp_filter
 * and unres_qlen_bytes sysctls, and the addresses (getifaddrs). A source
 * that cannot be read is left absent (logged at debug level). NULL + errno
 * only for bad arguments (EINVAL) or memory (ENOMEM).
 */
struct dl_vctx *dl_vctx__gather(const char *ifname, int ifindex);

/* Free a context from dl_vctx__gather() (NULL is fine). */
void dl_vctx__free(struct dl_vctx *ctx);

#include "verdict/verdict_refine.h"

#endif
