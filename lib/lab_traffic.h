/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Traffic for the lab and its tests, always bounded in count: UDP
 * datagrams, raw LLDP frames, and a UDP sink that holds a tiny receive
 * buffer and never reads (the "slow reader" incident).
 */
#ifndef DL_LAB_TRAFFIC_H
#define DL_LAB_TRAFFIC_H

#include <stddef.h>

/* Send @count datagrams of @size bytes to @dst:@dport from @sport (0: any). */
int dl_traffic__udp(const char *dst, unsigned int dport, unsigned int sport,
		    unsigned int count, unsigned int size);

/* Send @count LLDP frames (EtherType 0x88cc) out of @ifname. */
int dl_traffic__lldp(const char *ifname, unsigned int count);

/*
 * Bind a UDP socket to @port with SO_RCVBUF @rcvbuf and never read it.
 * Returns the fd (close it to drop what is queued) or -errno.
 */
int dl_traffic__sink(const char *bind_addr, unsigned int port, int rcvbuf);

#endif
