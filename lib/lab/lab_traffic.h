/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Traffic for the lab and its tests, always bounded in count: UDP
 * datagrams, raw LLDP frames, and a UDP sink that holds a tiny receive
 * buffer and never reads (the "slow reader" incident).
 */
#ifndef DL_LAB_TRAFFIC_H
#define DL_LAB_TRAFFIC_H

#include <stddef.h>

/*
 * Send @count datagrams of @size bytes to @dst:@dport (unicast or
 * multicast) from @src (NULL: any):@sport (0: any).
 */
int dl_traffic__udp(const char *src, const char *dst, unsigned int dport,
		    unsigned int sport, unsigned int count, unsigned int size);

/* Send @count LLDP frames (EtherType 0x88cc) out of @ifname. */
int dl_traffic__lldp(const char *ifname, unsigned int count);

/*
 * Bind a UDP socket to @port with SO_RCVBUF @rcvbuf (0: default) and, when
 * @group is set, join that multicast group with imr_interface INADDR_ANY
 * (the kernel picks the interface of the route to the group: the mistake
 * of seed 000). Returns the fd (close it to drop what is queued) or -errno.
 */
int dl_traffic__sink(const char *bind_addr, unsigned int port, int rcvbuf,
		     const char *group);

#endif
