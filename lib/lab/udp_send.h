/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small, bounded UDP sender for lab tests and the demo: N datagrams of
 * one flow (fixed source port), each stamped with its sequence number.
 */
#ifndef DL_UDP_SEND_H
#define DL_UDP_SEND_H

#include <stddef.h>
#include <linux/types.h>

#define DL_UDP_SEND_MAX 100000000ull	/* upper bound on count */

struct dl_udp_send_opts {
	const char *netns;	/* send from this namespace; NULL: current */
	const char *src;	/* source address to bind; NULL: any */
	__u16 sport;		/* source port; 0: kernel picks one */
	const char *dst;	/* destination IPv4 or IPv6 address */
	__u16 dport;
	__u64 count;		/* datagrams to send, 1..DL_UDP_SEND_MAX */
	size_t payload;		/* bytes per datagram, 8..65000 (0: 64) */
};

/*
 * Send @o->count datagrams. Payload starts with the 64-bit big-endian
 * sequence number (0, 1, ...), zero-padded. A full device queue (ENOBUFS)
 * is retried with a short pause, a bounded number of times; ICMP errors
 * about earlier datagrams (a closed port) do not stop the run. Returns 0
 * and the number sent in @sent, or -errno (@sent says how far it got).
 */
int dl_udp_send__run(const struct dl_udp_send_opts *o, __u64 *sent);

#endif
