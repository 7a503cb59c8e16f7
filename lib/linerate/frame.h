/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stamped test frames: Ethernet + IPv4 + UDP with a struct dl_stamp at the
 * start of the payload. Built once per flow, then only the sequence number
 * changes (UDP checksum 0, allowed for IPv4), so senders stay cheap.
 */
#ifndef DL_FRAME_H
#define DL_FRAME_H

#include <stddef.h>
#include <linux/types.h>

#define DL_FRAME_MIN 64		/* 42 bytes of headers + 16 stamp + padding */
#define DL_FRAME_MAX 1514
#define DL_FRAME_STAMP_OFF 42	/* offset of struct dl_stamp in the frame */

/* What to put in a frame. Addresses in network order, ports in host order. */
struct dl_frame_spec {
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u32 flow_id;
	__u64 seq;
	size_t len;		/* whole frame without FCS: DL_FRAME_MIN..MAX */
};

/* Write the frame into @buf (@cap bytes); *@len gets its length. */
int dl_frame__build_udp4(void *buf, size_t cap, const struct dl_frame_spec *s,
			 size_t *len);
/* Rewrite the stamp's sequence number of a frame built above. */
void dl_frame__set_seq(void *frame, __u64 seq);
/*
 * Read the stamp of an Ethernet/IPv4/UDP frame of @len bytes: 0 and
 * @flow_id and @seq set, or -ENOMSG when the frame carries no stamp.
 */
int dl_frame__read_stamp(const void *frame, size_t len, __u32 *flow_id,
			 __u64 *seq);

struct dl_pkt_rec;

/*
 * Build the record dl_ingress would write for this frame, for pollers that
 * see frames without XDP (DPDK): Ethernet with up to two VLAN tags, IPv4
 * or IPv6 (no extension headers), ports of TCP/UDP/SCTP, stamp if present.
 * Unparsable headers set DL_REC_MALFORMED. @ts_ns, @rxq and @cpu are
 * copied in. Returns 0 or -EINVAL.
 */
int dl_frame__to_rec(const void *frame, size_t len, __u64 ts_ns, __u16 rxq,
		     __u16 cpu, struct dl_pkt_rec *rec);

#endif
