/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header parsing into struct dl_flow, shared by the XDP program and the drop
 * tracer. The walk is written once against dl_load(): XDP reads the frame
 * directly, the tracer copies from the skb's linear area (define
 * DL_PARSE_SKB). Same bytes, same rules: the flow hash of a frame at XDP
 * equals the hash of its skb when the stack frees it.
 */
#ifndef DL_PARSE_BPF_H
#define DL_PARSE_BPF_H

#include "dropledger_shared.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define DL_ETH_P_IP 0x0800
#define DL_ETH_P_IPV6 0x86DD
#define DL_ETH_P_8021Q 0x8100
#define DL_ETH_P_8021AD 0x88A8
#define DL_IPV6_EXT_MAX 4	/* bounded extension-header walk */
#define DL_MAX_OFF 4096		/* headers never start deeper than this */

/*
 * Branch hints: clang lays the likely side out as the fall-through, so the
 * common frame runs through one short stretch of code (the program runs
 * with a cold instruction cache after a microsecond of kernel work).
 */
#define dl_likely(x) __builtin_expect(!!(x), 1)
#define dl_unlikely(x) __builtin_expect(!!(x), 0)

/*
 * Keep @x in its stack slot: split into scalars (SROA), a zeroed struct
 * dl_flow is re-zeroed in spill slots on every branch of the parser (a
 * third of the XDP program's instructions were such stores).
 */
#define DL_IN_MEMORY(x) asm volatile("" : : "r"(&(x)) : "memory")

enum dl_parse_result {
	DL_PARSE_OK,
	DL_PARSE_MALFORMED,
};

struct dl_pkt {
#ifdef DL_PARSE_SKB
	const unsigned char *head;
	__u32 tail;		/* readable bytes from head */
#else
	void *data;
	void *end;
#endif
};

#ifdef DL_PARSE_SKB
static __always_inline int dl_load(struct dl_pkt *p, __u32 off, void *dst,
				   __u32 sz)
{
	if (off > DL_MAX_OFF || off + sz > p->tail)
		return -1;
	return bpf_probe_read_kernel(dst, sz, p->head + off);
}
#else
/* @sz bytes at @off into @dst, failing unless @need (>= @sz) are there. */
static __always_inline int dl_load_need(struct dl_pkt *p, __u32 off, void *dst,
					__u32 sz, __u32 need)
{
	void *s;

	if (dl_unlikely(off > DL_MAX_OFF))
		return -1;
	s = p->data + off;
	if (dl_unlikely(s + need > p->end))
		return -1;
	/*
	 * Word loads, not byte by byte: packet data may sit at any offset and
	 * the verifier allows unaligned packet loads where the CPU does them
	 * cheaply; a byte-wise copy of the IP header was most of the cost.
	 */
	__builtin_memcpy(dst, __builtin_assume_aligned(s, 4), sz);
	return 0;
}

static __always_inline int dl_load(struct dl_pkt *p, __u32 off, void *dst,
				   __u32 sz)
{
	return dl_load_need(p, off, dst, sz, sz);
}
#endif

/*
 * The ports of a TCP, UDP, SCTP or DCCP header at @off. At XDP a TCP or
 * UDP header cut short is malformed, not a flow: one bounds check covers
 * the whole header (UDP first: the common case of a drop storm). The
 * stack checked lengths before any skb the tracer sees: no check there.
 */
static __always_inline int dl_load_ports(struct dl_pkt *p, __u32 off, __u8 proto,
					 __u16 *ports)
{
#ifdef DL_PARSE_SKB
	return dl_load(p, off, ports, 4);
#else
	if (proto == 17)
		return dl_load_need(p, off, ports, 4, 8);
	if (proto == 6)
		return dl_load_need(p, off, ports, 4, 20);
	return dl_load_need(p, off, ports, 4, 4);
#endif
}

static __always_inline int dl_ipv6_is_ext(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60;
}

struct dl_ip4 {
	__u8 vihl;
	__u8 tos;
	__u16 tot_len;
	__u16 id;
	__u16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__u32 saddr;
	__u32 daddr;
};

_Static_assert(__builtin_offsetof(struct dl_flow, daddr) == 16, "dl_parse_l3() loads saddr, daddr at once");

struct dl_ip6 {
	__u32 vtcfl;
	__u16 plen;
	__u8 nexthdr;
	__u8 hlim;
	__u32 saddr[4];
	__u32 daddr[4];
};

/*
 * The flow's last two 32-bit words are stored whole (dl_flow_set_ports(),
 * dl_flow_set_l34()): dl_flow_hash() reads them as words right after, and
 * a word load over pending 16- and 8-bit stores cannot be forwarded from
 * the store buffer (a stall per frame).
 */
struct dl_l34 {
	__u16 l3proto;
	__u8 l4proto;
	__u8 frag;
};

_Static_assert(__builtin_offsetof(struct dl_flow, l3proto) ==
	       __builtin_offsetof(struct dl_flow, sport) + 4 &&
	       __builtin_offsetof(struct dl_flow, frag) ==
	       __builtin_offsetof(struct dl_flow, l3proto) + 3,
	       "struct dl_l34 mirrors the end of struct dl_flow");

static __always_inline void dl_flow_set_l34(struct dl_flow *f, const struct dl_l34 *m)
{
	__builtin_memcpy(&f->l3proto, m, sizeof(*m));
}

static __always_inline void dl_flow_set_ports(struct dl_flow *f, __u16 sport, __u16 dport)
{
	__u16 ports[2] = { sport, dport };

	__builtin_memcpy(&f->sport, ports, sizeof(ports));
}

/* dl_parse_l3() with the protocol fields in @m, stored by the caller. */
static __always_inline int dl_parse_l3_m(struct dl_pkt *p, __u32 off,
					 __u16 l3proto_be, struct dl_flow *f,
					 struct dl_l34 *m)
{
	__u8 proto;

	if (l3proto_be == bpf_htons(DL_ETH_P_IP)) {
		struct dl_ip4 ip;
		__u32 ihl;

		if (dl_load(p, off, &ip, sizeof(ip)))
			return DL_PARSE_MALFORMED;
		ihl = (ip.vihl & 0xf) * 4;
		if (dl_unlikely((ip.vihl >> 4) != 4 || ihl < sizeof(ip)))
			return DL_PARSE_MALFORMED;
		f->saddr[0] = ip.saddr;
		f->daddr[0] = ip.daddr;
		proto = ip.protocol;
		m->l4proto = proto;
		/* Later fragments carry no L4 header: hash on addresses. */
		if (dl_unlikely(ip.frag_off & bpf_htons(0x1fff))) {
			m->frag = 1;
			return DL_PARSE_OK;
		}
		off += ihl;
	} else if (l3proto_be == bpf_htons(DL_ETH_P_IPV6)) {
		struct dl_ip6 ip6;
		int i;

#ifdef DL_PARSE_SKB
		/* One probe read of the header, then copies on the stack. */
		if (dl_load(p, off, &ip6, sizeof(ip6)))
			return DL_PARSE_MALFORMED;
		__builtin_memcpy(f->saddr, ip6.saddr, 16);
		__builtin_memcpy(f->daddr, ip6.daddr, 16);
#else
		/*
		 * The addresses straight into the flow (saddr, daddr adjacent
		 * at its start): a copy through ip6 was done byte by byte.
		 */
		if (dl_load_need(p, off, &ip6, 8, sizeof(ip6)) ||
		    dl_load(p, off + 8, f, 32))
			return DL_PARSE_MALFORMED;
#endif
		if ((bpf_ntohl(ip6.vtcfl) >> 28) != 6)
			return DL_PARSE_MALFORMED;
		proto = ip6.nexthdr;
		off += sizeof(ip6);
DL_UNROLL
		for (i = 0; i < DL_IPV6_EXT_MAX; i++) {
			__u8 oh[8];

			if (!dl_ipv6_is_ext(proto))
				break;
			if (dl_load(p, off, oh, sizeof(oh)))
				return DL_PARSE_MALFORMED;
			if (proto == 44) {
				/* Fragment header: offset in bits 3..15 of bytes 2-3. */
				if (((oh[2] << 8) | oh[3]) & 0xfff8) {
					m->l4proto = oh[0];
					m->frag = 1;
					return DL_PARSE_OK;
				}
				off += 8;
			} else if (proto == 51) {
				off += (oh[1] + 2) * 4;
			} else {
				off += (oh[1] + 1) * 8;
			}
			proto = oh[0];
		}
		if (dl_ipv6_is_ext(proto))
			return DL_PARSE_MALFORMED;	/* chain longer than we walk */
		m->l4proto = proto;
	} else {
		return DL_PARSE_OK;
	}

	if (proto == 6 || proto == 17 || proto == 132 || proto == 136) {
		__u16 ports[2];

		if (dl_load_ports(p, off, proto, ports))
			return DL_PARSE_MALFORMED;
		dl_flow_set_ports(f, ports[0], ports[1]);
	} else if (proto == 1 || proto == 58) {
		/* ICMP: type and code stand in for ports. */
		__u8 tc[2];

		if (dl_load(p, off, tc, sizeof(tc)))
			return DL_PARSE_MALFORMED;
		dl_flow_set_ports(f, tc[0], tc[1]);
	}
	return DL_PARSE_OK;
}

/* IPv4/IPv6 at @off up to the L4 ports; other EtherTypes carry no more. */
static __always_inline int dl_parse_l3(struct dl_pkt *p, __u32 off,
				       __u16 l3proto_be, struct dl_flow *f)
{
	struct dl_l34 m = { .l3proto = l3proto_be };
	int r;

	r = dl_parse_l3_m(p, off, l3proto_be, f, &m);
	dl_flow_set_l34(f, &m);
	return r;
}

/* An Ethernet frame with up to two in-band VLAN tags (802.1Q, 802.1ad). */
static __always_inline int dl_parse_eth(struct dl_pkt *p, struct dl_flow *f,
					int *vlans)
{
	__u32 off = 14;
	__u16 proto;
	int i;

	*vlans = 0;
	if (dl_load(p, 12, &proto, sizeof(proto)))
		return DL_PARSE_MALFORMED;
DL_UNROLL
	for (i = 0; i < 2; i++) {
		if (dl_likely(proto != bpf_htons(DL_ETH_P_8021Q) &&
			      proto != bpf_htons(DL_ETH_P_8021AD)))
			break;
		if (dl_load(p, off + 2, &proto, sizeof(proto)))
			return DL_PARSE_MALFORMED;
		off += 4;
		(*vlans)++;
	}
	return dl_parse_l3(p, off, proto, f);
}

#endif
