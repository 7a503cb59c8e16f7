// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_drop_pcap: the dropped frames themselves, for report -w. A separate
 * program from dl_kfree_skb (loaded only on request, so the default run
 * pays nothing): on skb:kfree_skb of the watched device and namespace it
 * copies the frame from its MAC header, up to snaplen bytes, into a ring
 * buffer with reason, location, rx queue and CPU. Sampled 1 in N; every
 * record the ring cannot take is counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#define DL_PARSE_SKB
#include "dropledger_shared.h"
#include "parse.bpf.h"

const volatile __u32 target_ifindex;	/* 0: every interface */
const volatile __u32 target_netns;	/* netns inode; 0: every namespace */
const volatile __u32 snaplen = 128;	/* bytes from the MAC header, <= DL_PCAP_SNAP_MAX */
const volatile __u32 sample_every = 1;	/* 1 in N drops recorded */
const volatile __u32 track_flows = 1;	/* join the XDP flow table (queue, netns) */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);	/* sized by lib/ from snaplen */
} pcap_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_pcap_stats);
} pcap_stats SEC(".maps");

/* The XDP program's flow table, shared in by lib/ (as dl_kfree_skb does). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DL_FLOW_ENTRIES);
	__type(key, __u32);
	__type(value, struct dl_flow_info);
} flow_tbl SEC(".maps");

static __always_inline __u32 skb_netns(struct sk_buff *skb, struct net_device *dev,
				       struct sock *sk)
{
	if (dev)
		return dev->nd_net.net->ns.inum;
	if (!sk)
		sk = skb->sk;
	if (sk)
		return sk->__sk_common.skc_net.net->ns.inum;
	return 0;
}

static __always_inline __u32 skb_hash(struct sk_buff *skb)
{
	struct dl_pkt pkt = {};
	struct dl_flow f = {};
	__u16 nh = skb->network_header;
	__u16 mac = skb->mac_header;

	if (!track_flows)
		return 0;
	pkt.head = skb->head;
	pkt.tail = skb->tail;
	/* Same rules as dl_kfree_skb, so the hashes agree with the ledger's. */
	if (nh == 0xffff && mac != 0xffff)
		nh = mac + 14;
	if (nh == 0xffff)
		return dl_flow_hash(&f) ?: 1;
	if (dl_parse_l3(&pkt, nh, skb->protocol, &f) != DL_PARSE_OK)
		f.l4proto = 0xff;
	return dl_flow_hash(&f) ?: 1;
}

/*
 * The ledger's rules for "arrived here and was dropped here" (see
 * drops_handler.bpf.h): skb_iif and netns, the flow table when the netns
 * is gone with the device, and freed-on-the-device as transmit side.
 */
static __always_inline int handle(struct sk_buff *skb, __u64 location, __u32 reason,
				  struct sock *sk)
{
	struct net_device *dev = skb->dev;
	__u32 iif = skb->skb_iif, ns = 0, hash, zero = 0, rxq, caplen, len;
	struct dl_pcap_stats *st;
	struct dl_flow_info *fi;
	struct dl_pcap_rec *r;
	unsigned char *head;
	__u16 mac, qm;
	bool tx = false;
	__u64 cl;

	st = bpf_map_lookup_elem(&pcap_stats, &zero);
	if (!st)
		return 0;
	if (!iif) {
		if (!dev || !target_ifindex || dev->ifindex != target_ifindex)
			return 0;
		ns = skb_netns(skb, dev, sk);
		if (target_netns && ns != target_netns)
			return 0;
		tx = true;
		iif = dev->ifindex;
	} else {
		if (target_ifindex && iif != target_ifindex)
			return 0;
		if (target_netns) {
			ns = skb_netns(skb, dev, sk);
			if (ns && ns != target_netns)
				return 0;
		}
	}
	hash = skb_hash(skb);
	fi = hash ? bpf_map_lookup_elem(&flow_tbl, &hash) : NULL;
	/* Namespace gone with the device: ours if our XDP saw the flow. */
	if (target_netns && !ns && !tx && !fi)
		return 0;
	st->v[DL_PS_MATCHED]++;
	if (st->countdown) {
		st->countdown--;
		st->v[DL_PS_SAMPLED_OUT]++;
		return 0;
	}
	st->countdown = sample_every > 1 ? sample_every - 1 : 0;

	if (tx) {
		rxq = DL_RXQ_TX;
	} else if (fi) {
		rxq = fi->rxq;
	} else {
		qm = skb->queue_mapping;
		rxq = qm ? qm - 1 : DL_RXQ_UNKNOWN;
	}

	r = bpf_ringbuf_reserve(&pcap_ring, sizeof(*r) + snaplen, 0);
	if (!r) {
		st->v[DL_PS_LOST]++;
		return 0;
	}
	r->ts_ns = bpf_ktime_get_ns();
	r->location = location;
	r->reason = reason;
	r->rxq = rxq;
	r->cpu = bpf_get_smp_processor_id();
	r->ifindex = iif;
	r->netns = ns;
	r->flags = 0;
	r->pad = 0;
	r->segs = 1;
	head = skb->head;
	{
		struct skb_shared_info *shi = (void *)(head + skb->end);
		__u16 segs = BPF_CORE_READ(shi, gso_segs);

		if (segs > 1)
			r->segs = segs;
	}
	mac = skb->mac_header;
	caplen = 0;
	len = skb->len;
	if (mac == 0xffff || head + mac > skb->data) {
		/* No MAC header to start from: say so, copy nothing. */
		r->flags |= DL_PCAP_NO_MAC;
	} else {
		__u32 linear = skb->tail > mac ? skb->tail - mac : 0;

		len += skb->data - (head + mac);
		caplen = len < linear ? len : linear;
		if (skb->data_len)
			r->flags |= DL_PCAP_NONLINEAR;
		/*
		 * Clamp a 64-bit copy right before the copy: a 32-bit compare
		 * would be made on a zero-extended twin the verifier does not
		 * link back to the size register.
		 */
		cl = caplen;
		barrier_var(cl);
		if (cl > snaplen)
			cl = snaplen;
		if (cl && bpf_probe_read_kernel(r->data, cl, head + mac))
			cl = 0;
		caplen = cl;
	}
	r->len = len;
	r->caplen = caplen;
	bpf_ringbuf_submit(r, 0);
	st->v[DL_PS_SUBMITTED]++;
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(dl_drop_pcap_sk, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason, struct sock *rx_sk)
{
	return handle(skb, (__u64)location, reason, rx_sk);
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(dl_drop_pcap, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	return handle(skb, (__u64)location, reason, NULL);
}

char LICENSE[] SEC("license") = "GPL";
