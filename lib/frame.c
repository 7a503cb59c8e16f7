// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stamped test frames, see frame.h. Only the IPv4 header checksum is
 * computed; the UDP checksum is left 0 (RFC 768: none) so rewriting the
 * sequence number costs one 8-byte store.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "shared_user.h"
#include "frame.h"

static __u16 ip_csum(const void *hdr, size_t len)
{
	const __u8 *p = hdr;
	__u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__u32)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htobe16((__u16)~sum);
}

int dl_frame__build_udp4(void *buf, size_t cap, const struct dl_frame_spec *s,
			 size_t *len)
{
	__u8 *f = buf, *ip = f + 14, *udp = ip + 20;
	struct dl_stamp st;
	__u16 v16;

	if (!buf || !s || !len)
		return -EINVAL;
	if (s->len < DL_FRAME_MIN || s->len > DL_FRAME_MAX)
		return -ERANGE;
	if (cap < s->len)
		return -ENOSPC;
	memset(f, 0, s->len);
	memcpy(f, s->dst_mac, 6);
	memcpy(f + 6, s->src_mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;

	ip[0] = 0x45;
	v16 = htobe16((__u16)(s->len - 14));
	memcpy(ip + 2, &v16, 2);
	ip[6] = 0x40;		/* DF: the lab never fragments */
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &s->saddr, 4);
	memcpy(ip + 16, &s->daddr, 4);
	v16 = ip_csum(ip, 20);
	memcpy(ip + 10, &v16, 2);

	v16 = htobe16(s->sport);
	memcpy(udp, &v16, 2);
	v16 = htobe16(s->dport);
	memcpy(udp + 2, &v16, 2);
	v16 = htobe16((__u16)(s->len - 34));
	memcpy(udp + 4, &v16, 2);

	st.magic = htobe32(DL_STAMP_MAGIC);
	st.flow_id = htobe32(s->flow_id);
	st.seq = htobe64(s->seq);
	memcpy(f + DL_FRAME_STAMP_OFF, &st, sizeof(st));
	*len = s->len;
	return 0;
}

void dl_frame__set_seq(void *frame, __u64 seq)
{
	__u64 be = htobe64(seq);

	memcpy((__u8 *)frame + DL_FRAME_STAMP_OFF + 8, &be, sizeof(be));
}

int dl_frame__read_stamp(const void *frame, size_t len, __u32 *flow_id,
			 __u64 *seq)
{
	const __u8 *f = frame;
	struct dl_stamp st;
	size_t off;

	if (!frame || len < 14 + 20 + 8)
		return -ENOMSG;
	if (f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4 || f[23] != 17)
		return -ENOMSG;
	off = 14 + (size_t)(f[14] & 0xf) * 4 + 8;
	if ((f[14] & 0xf) < 5 || off + sizeof(st) > len)
		return -ENOMSG;
	memcpy(&st, f + off, sizeof(st));
	if (be32toh(st.magic) != DL_STAMP_MAGIC)
		return -ENOMSG;
	if (flow_id)
		*flow_id = be32toh(st.flow_id);
	if (seq)
		*seq = be64toh(st.seq);
	return 0;
}
