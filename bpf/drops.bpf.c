// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_kfree_skb: kernel drop capture. Every skb the stack frees with a drop
 * reason passes skb:kfree_skb; we keep those that arrived on the watched
 * interface in the watched network namespace (ifindex alone is ambiguous
 * across namespaces) and aggregate them per (reason, location, rx queue) in
 * per-CPU maps, plus the flows hit. consume_skb of the same skbs counts
 * what the stack delivered, so the ledger can balance.
 *
 * Three attach flavours of the same handler, chosen at run time by lib/:
 * tp_btf with rx_sk (6.12+), tp_btf without, and the classic tracepoint.
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, DL_DROP_KEYS);
	__type(key, struct dl_drop_key);
	__type(value, __u64);
} drop_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, DL_DROP_FLOWS);
	__type(key, struct dl_drop_flow_key);
	__type(value, __u64);
} drop_flow_cnt SEC(".maps");

/* Delivered frames per rx queue (consume_skb of watched ingress skbs). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_MAX_QUEUES + 2);	/* + overflow, + unknown */
	__type(key, __u32);
	__type(value, __u64);
} consumed_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_DS_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drop_stats SEC(".maps");

/* The XDP program's flow table, shared in by lib/ for the queue join. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DL_FLOW_ENTRIES);
	__type(key, __u32);
	__type(value, struct dl_flow_info);
} flow_tbl SEC(".maps");

static __always_inline void stat_add(__u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&drop_stats, &idx);

	if (v)
		*v += n;
}

static __always_inline __u32 skb_netns(struct sk_buff *skb, struct net_device *dev,
				       struct sock *sk)
{
	if (dev)
		return BPF_CORE_READ(dev, nd_net.net, ns.inum);
	if (!sk)
		sk = BPF_CORE_READ(skb, sk);
	if (sk)
		return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	return 0;
}

/*
 * Did this skb arrive on the watched interface and enter the stack there?
 * skb_iif is set by __netif_receive_skb_core; an skb freed before that
 * (veth copying the frame for XDP, a full ring) was never an arrival of the
 * stack: it is counted apart as pre-stack, never as a stack drop or delivery.
 */
enum { W_NO, W_YES, W_NS_UNKNOWN, W_TX };

static __always_inline int skb_watched(struct sk_buff *skb, struct sock *sk,
				       bool is_drop)
{
	struct net_device *dev = BPF_CORE_READ(skb, dev);
	__u32 iif = BPF_CORE_READ(skb, skb_iif);
	__u32 ns;

	if (!iif) {
		if (is_drop && dev && target_ifindex &&
		    BPF_CORE_READ(dev, ifindex) == target_ifindex &&
		    (!target_netns || skb_netns(skb, dev, sk) == target_netns))
			return W_TX;
		return W_NO;
	}
	if (target_ifindex && iif != target_ifindex)
		return W_NO;
	if (!target_netns)
		return W_YES;
	ns = skb_netns(skb, dev, sk);
	if (!ns)
		return W_NS_UNKNOWN;
	return ns == target_netns ? W_YES : W_NO;
}

/*
 * An skb that lost both device and socket (freed from a closed socket's
 * queue) still carries skb_iif; its flow in our XDP table says it arrived
 * here. Otherwise it stays unattributed, and counted as such.
 */
static __always_inline bool ns_from_flow(int w, __u32 hash)
{
	if (w != W_NS_UNKNOWN)
		return w == W_YES;
	if (bpf_map_lookup_elem(&flow_tbl, &hash)) {
		stat_add(DL_DS_NETNS_FROM_FLOW, 1);
		return true;
	}
	stat_add(DL_DS_NO_NETNS, 1);
	return false;
}

/* Frames an skb stands for: GRO merges many into one. */
static __always_inline __u64 skb_frames(struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	struct skb_shared_info *shi;
	__u16 segs;

	shi = (void *)(head + BPF_CORE_READ(skb, end));
	segs = BPF_CORE_READ(shi, gso_segs);
	return segs > 1 ? segs : 1;
}

static __always_inline void skb_flow(struct sk_buff *skb, struct dl_flow *f)
{
	struct dl_pkt pkt = {};
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 mac = BPF_CORE_READ(skb, mac_header);
	__u16 proto = BPF_CORE_READ(skb, protocol);

	pkt.head = BPF_CORE_READ(skb, head);
	pkt.tail = BPF_CORE_READ(skb, tail);
	/* Network header not set yet (0xffff): it follows the MAC header. */
	if (nh == 0xffff && mac != 0xffff)
		nh = mac + 14;
	if (nh == 0xffff)
		return;
	if (dl_parse_l3(&pkt, nh, proto, f) != DL_PARSE_OK)
		f->l4proto = 0xff;	/* mark: headers unreadable */
}

/*
 * rx queue the frame arrived on: our own sighting at XDP first (veth puts
 * the sender's tx queue in queue_mapping, so it cannot be trusted there),
 * else what the driver recorded with skb_record_rx_queue().
 */
static __always_inline __u32 skb_rxq(struct sk_buff *skb, __u32 hash)
{
	__u16 qm = BPF_CORE_READ(skb, queue_mapping);
	struct dl_flow_info *fi;

	fi = bpf_map_lookup_elem(&flow_tbl, &hash);
	if (fi) {
		stat_add(DL_DS_QUEUE_FROM_FLOW, 1);
		return fi->rxq;
	}
	if (qm)
		return qm - 1;
	return DL_RXQ_UNKNOWN;
}

static __always_inline void handle_drop(struct sk_buff *skb, __u64 location,
					__u32 reason, struct sock *sk)
{
	struct dl_drop_flow_key fk = {};
	struct dl_drop_key k = {};
	__u64 n, one = 1, *v;
	__u32 hash;

	int w;

	stat_add(DL_DS_EVENTS, 1);
	w = skb_watched(skb, sk, true);
	if (w == W_NO)
		return;
	skb_flow(skb, &fk.flow);
	hash = dl_flow_hash(&fk.flow);
	if (w != W_TX && !ns_from_flow(w, hash))
		return;
	n = skb_frames(skb);
	if (w == W_TX) {
		stat_add(DL_DS_PRESTACK, n);
	} else {
		stat_add(DL_DS_MATCHED, 1);
		stat_add(DL_DS_MATCHED_PKTS, n);
	}

	k.reason = reason;
	k.location = location;
	k.rxq = w == W_TX ? DL_RXQ_TX : skb_rxq(skb, hash);

	v = bpf_map_lookup_elem(&drop_cnt, &k);
	if (v) {
		*v += n;
	} else if (bpf_map_update_elem(&drop_cnt, &k, &n, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&drop_cnt, &k);
		if (v)
			*v += n;
		else
			stat_add(DL_DS_KEY_FULL, n);
	}

	fk.reason = reason;
	fk.location = location;
	fk.rxq = k.rxq;
	v = bpf_map_lookup_elem(&drop_flow_cnt, &fk);
	if (v)
		*v += n;
	else
		bpf_map_update_elem(&drop_flow_cnt, &fk, &one, BPF_ANY);
}

static __always_inline void handle_consume(struct sk_buff *skb)
{
	__u32 slot = DL_MAX_QUEUES + 1, hash;
	struct dl_flow f = {};
	__u64 n, *v;
	int w;

	w = skb_watched(skb, NULL, false);
	if (w == W_NO)
		return;
	skb_flow(skb, &f);
	hash = dl_flow_hash(&f);
	if (!ns_from_flow(w, hash))
		return;
	n = skb_frames(skb);
	stat_add(DL_DS_CONSUMED, 1);
	stat_add(DL_DS_CONSUMED_PKTS, n);
	slot = skb_rxq(skb, hash);
	if (slot == DL_RXQ_UNKNOWN)
		slot = DL_MAX_QUEUES + 1;
	else if (slot > DL_MAX_QUEUES)
		slot = DL_MAX_QUEUES;
	v = bpf_map_lookup_elem(&consumed_cnt, &slot);
	if (v)
		*v += n;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(dl_kfree_skb_sk, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason, struct sock *rx_sk)
{
	handle_drop(skb, (__u64)location, reason, rx_sk);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(dl_kfree_skb, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	handle_drop(skb, (__u64)location, reason, NULL);
	return 0;
}

SEC("tp_btf/consume_skb")
int BPF_PROG(dl_consume_skb, struct sk_buff *skb)
{
	handle_consume(skb);
	return 0;
}

/* Classic tracepoints, for kernels without tp_btf; CO-RE finds the fields. */
SEC("tracepoint/skb/kfree_skb")
int dl_kfree_skb_tp(struct trace_event_raw_kfree_skb *ctx)
{
	__u32 reason = 0;

	if (bpf_core_field_exists(ctx->reason))
		reason = BPF_CORE_READ(ctx, reason);
	handle_drop(BPF_CORE_READ(ctx, skbaddr), (__u64)BPF_CORE_READ(ctx, location),
		    reason, NULL);
	return 0;
}

SEC("tracepoint/skb/consume_skb")
int dl_consume_skb_tp(struct trace_event_raw_consume_skb *ctx)
{
	handle_consume(BPF_CORE_READ(ctx, skbaddr));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
