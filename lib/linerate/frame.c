// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stamped test frames, see frame.h. Only the IPv4 header checksum is
 * computed; the UDP checksum is left 0 (RFC 768: none) so rewriting the
 * sequence number costs one 8-byte store.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "dropledger_shared.h"
#include "linerate/frame.h"

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

static int parse_l3(const __u8 *f, size_t len, size_t off, __u16 proto_be,
		    struct dl_flow *fl, size_t *l4off)
{
	__u8 proto;

	fl->l3proto = proto_be;
	if (proto_be == htobe16(0x0800)) {
		size_t ihl;

		if (off + 20 > len || (f[off] >> 4) != 4)
			return -EINVAL;
		ihl = (size_t)(f[off] & 0xf) * 4;
		if (ihl < 20)
			return -EINVAL;
		memcpy(&fl->saddr[0], f + off + 12, 4);
		memcpy(&fl->daddr[0], f + off + 16, 4);
		proto = f[off + 9];
		fl->l4proto = proto;
		if ((f[off + 6] & 0x1f) || f[off + 7]) {
			fl->frag = 1;	/* later fragment: no ports */
			return 0;
		}
		off += ihl;
	} else if (proto_be == htobe16(0x86dd)) {
		if (off + 40 > len || (f[off] >> 4) != 6)
			return -EINVAL;
		memcpy(fl->saddr, f + off + 8, 16);
		memcpy(fl->daddr, f + off + 24, 16);
		proto = f[off + 6];
		fl->l4proto = proto;
		off += 40;
	} else {
		return 0;
	}
	if (proto == 6 || proto == 17 || proto == 132 || proto == 136) {
		if (off + (proto == 6 ? 20 : 8) > len)
			return -EINVAL;
		memcpy(&fl->sport, f + off, 2);
		memcpy(&fl->dport, f + off + 2, 2);
		*l4off = off;
	} else if (proto == 1 || proto == 58) {
		if (off + 2 > len)
			return -EINVAL;
		fl->sport = f[off];
		fl->dport = f[off + 1];
	}
	return 0;
}

int dl_frame__to_rec(const void *frame, size_t len, __u64 ts_ns, __u16 rxq,
		     __u16 cpu, struct dl_pkt_rec *rec)
{
	const __u8 *f = frame;
	size_t off = 14, l4off = 0;
	__u16 proto;
	int vlans = 0;

	if (!frame || !rec)
		return -EINVAL;
	memset(rec, 0, sizeof(*rec));
	rec->ts_ns = ts_ns;
	rec->len = (__u32)len;
	rec->rxq = rxq;
	rec->cpu = cpu;
	if (len < 14) {
		rec->flags = DL_REC_MALFORMED;
		goto hash;
	}
	memcpy(&proto, f + 12, 2);
	while (vlans < 2 && (proto == htobe16(0x8100) || proto == htobe16(0x88a8))) {
		if (off + 4 > len) {
			rec->flags = DL_REC_MALFORMED;
			goto hash;
		}
		memcpy(&proto, f + off + 2, 2);
		off += 4;
		vlans++;
	}
	if (vlans)
		rec->flags |= DL_REC_VLAN;
	if (parse_l3(f, len, off, proto, &rec->flow, &l4off)) {
		rec->flags |= DL_REC_MALFORMED;
		goto hash;
	}
	if (rec->flow.l4proto == 17 && !rec->flow.frag && l4off &&
	    l4off + 8 + sizeof(struct dl_stamp) <= len) {
		struct dl_stamp st;

		memcpy(&st, f + l4off + 8, sizeof(st));
		if (be32toh(st.magic) == DL_STAMP_MAGIC) {
			rec->flags |= DL_REC_STAMPED;
			rec->stamp_flow = be32toh(st.flow_id);
			rec->seq = be64toh(st.seq);
		}
	}
hash:
	rec->hash = dl_flow_hash(&rec->flow);
	return 0;
}
