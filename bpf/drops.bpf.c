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
#include "arrival.bpf.h"

/* A scalar as a read-only kernel object: loads that fault read 0. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

const volatile __u32 target_ifindex;	/* 0: every interface */
const volatile __u32 target_netns;	/* netns inode; 0: every namespace */
const volatile __u32 track_flows = 1;	/* 0: causes only, the cheapest */

/* Exact drop counts per (reason, location, queue); see dropledger_shared.h. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_CAUSE_SLOTS);
	__type(key, __u32);
	__type(value, struct dl_cause_slot);
} cause_slots SEC(".maps");

/* A cause with no slot left keeps its reason here (location unknown). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_REASON_SLOTS);
	__type(key, __u32);
	__type(value, struct dl_cause_slot);
} reason_other SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, DL_STACK_IDS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, DL_STACK_DEPTH * sizeof(__u64));
} drop_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DL_STACK_KEYS);
	__type(key, struct dl_stack_key);
	__type(value, __u64);
} stack_counts SEC(".maps");

/* Flow detail, bounded; what finds no slot is its cause's remainder. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_FLOW_SLOTS);
	__type(key, __u32);
	__type(value, struct dl_flow_slot);
} flow_slots SEC(".maps");

/* Delivered frames per rx queue (consume_skb of watched ingress skbs). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_MAX_QUEUES + 2);	/* + overflow, + unknown */
	__type(key, __u32);
	__type(value, __u64);
} consumed_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_drop_stats);
} drop_stats SEC(".maps");

/* The XDP program's flow table, shared in by lib/ for the queue join. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DL_FLOW_ENTRIES);
	__type(key, __u32);
	__type(value, struct dl_flow_info);
} flow_tbl SEC(".maps");

/*
 * The queue of the flow this CPU looked up last, reused for its next
 * DL_RXQ_MEMO_USES deliveries (or drops without a flow slot): a storm is
 * mostly one or a few flows, and the LRU lookup is a third of a drop's
 * cost. Looked up again after that, so a flow moved to another queue (RSS
 * rewritten) shows within as many. A drop's flow slot keeps its own join
 * (rxq_join), refreshed as often: no memo lookup per drop.
 */
#define DL_RXQ_MEMO_USES 64

struct dl_rxq_memo {
	__u32 hash;
	__u32 rxq;
	__u64 uses;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_rxq_memo);
} rxq_memo SEC(".maps");

static __always_inline struct dl_drop_stats *stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&drop_stats, &zero);
}

enum { W_NO, W_YES, W_NS_UNKNOWN, W_TX };

/*
 * An skb that lost both device and socket (freed from a closed socket's
 * queue) still carries skb_iif; its flow in our XDP table says it arrived
 * here. Otherwise it stays unattributed, and counted as such.
 */
static __always_inline bool ns_from_flow(int w, __u32 hash,
					 struct dl_drop_stats *st)
{
	if (w != W_NS_UNKNOWN)
		return w == W_YES;
	if (hash && bpf_map_lookup_elem(&flow_tbl, &hash)) {
		st->v[DL_DS_NETNS_FROM_FLOW]++;
		return true;
	}
	st->v[DL_DS_NO_NETNS]++;
	return false;
}

/*
 * Count @n frames under (reason, location, rxq): a few inlined array loads
 * on this CPU's own slots, no hash map, no lock. Only this CPU writes its
 * slots (tracing programs do not nest on one CPU), so claiming a free slot
 * is two plain stores; userspace skips a slot whose count is still 0.
 */
static __always_inline void cause_add(__u32 reason, __u64 location, __u32 rxq,
				      __u64 n, struct dl_drop_stats *st)
{
	__u32 i, h = dl_cause_slot_of(reason, location, rxq), idx;
	struct dl_cause_slot *s;

	for (i = 0; i < DL_CAUSE_PROBES; i++) {
		idx = (h + i) & (DL_CAUSE_SLOTS - 1);
		s = bpf_map_lookup_elem(&cause_slots, &idx);
		if (!s)
			return;
		if (s->count && (s->location != location || s->reason != reason ||
				 s->rxq != rxq))
			continue;
		if (!s->count) {
			s->location = location;
			s->reason = reason;
			s->rxq = rxq;
		}
		s->count += n;
		return;
	}
	/* Never seen with realistic causes; the reason still counts. */
	st->v[DL_DS_KEY_FULL] += n;
	idx = (reason ^ (reason >> 16)) & (DL_REASON_SLOTS - 1);
	s = bpf_map_lookup_elem(&reason_other, &idx);
	if (!s)
		return;
	if (s->count && s->reason != reason) {
		st->v[DL_DS_REASON_LOST] += n;
		return;
	}
	s->reason = reason;
	s->rxq = DL_RXQ_UNKNOWN;
	s->count += n;
}

/*
 * The flow slot of a drop: found, or claimed (count still 0, the caller
 * adds); NULL when none is left (the cause's counted remainder). Looked up
 * before the rx queue, which it also carries (drop_rxq()).
 */
static __always_inline struct dl_flow_slot *flow_slot(__u32 reason, __u64 location,
						      __u32 tx, __u32 hash,
						      const struct dl_flow *f)
{
	__u32 i, h = hash ^ dl_cause_slot_of(reason, location, tx), idx;
	struct dl_flow_slot *s;

	for (i = 0; i < DL_FLOW_PROBES; i++) {
		idx = (h + i) & (DL_FLOW_SLOTS - 1);
		s = bpf_map_lookup_elem(&flow_slots, &idx);
		if (!s)
			return NULL;
		if (!s->count) {
			s->location = location;
			s->reason = reason;
			s->tx = tx;
			s->flow_hash = hash;
			/* NULL: handed over by the hook, the caller fills it. */
			if (f)
				s->flow = *f;
			return s;
		}
		if (s->flow_hash == hash && s->location == location &&
		    s->reason == reason && s->tx == tx)
			return s;
	}
	return NULL;
}

/*
 * The hook's record of @skb if it is the latest arrival on this CPU (see
 * struct dl_arrival), copied to @out and used up; false: parse. @mac: the
 * skb's MAC header now. A drop traced in process context can be
 * interrupted by the hook's next arrival, which rewrites the whole record:
 * the address is read again after the copy.
 */
static __always_inline bool arrival_of(__u64 skb, __u64 mac, struct dl_arrival *out)
{
	struct dl_arrival *a;
	__u32 zero = 0;

	a = bpf_map_lookup_elem(&arrival_memo, &zero);
	if (!a || *(volatile __u64 *)&a->skb != skb)
		return false;
	out->mac = *(volatile __u64 *)&a->mac;
	out->hash = *(volatile __u32 *)&a->hash;
	out->rxq = *(volatile __u32 *)&a->rxq;
	out->l4proto = *(volatile __u8 *)&a->l4proto;
	if (*(volatile __u64 *)&a->skb != skb || out->mac != mac || !out->hash)
		return false;
	a->skb = 0;
	return true;
}

/* The kernel stack of a generic drop, counted per (location, stack). */
static __always_inline void stack_add(void *ctx, __u32 reason, __u64 location,
				      __u32 tx, __u64 n)
{
	struct dl_stack_key k = { .location = location, .tx = tx };
	__u64 *v, one = n;

	if (reason != bpf_core_enum_value(enum skb_drop_reason,
					  SKB_DROP_REASON_NOT_SPECIFIED))
		return;
	k.stackid = bpf_get_stackid(ctx, &drop_stacks, 0);
	if (k.stackid < 0)
		k.stackid = -1;
	v = bpf_map_lookup_elem(&stack_counts, &k);
	if (v)
		__sync_fetch_and_add(v, n);
	else
		bpf_map_update_elem(&stack_counts, &k, &one, BPF_NOEXIST);
}

/* tp_btf: the skb is a trusted BTF pointer, fields are plain loads. */
#define RD(src, ...) ___arrow(src, ##__VA_ARGS__)
#define DL_H(name) name##_btf
#include "drops_handler.bpf.h"
#undef RD
#undef DL_H

/* Classic tracepoint: the skb is an address, fields need probe reads. */
#define RD(...) BPF_CORE_READ(__VA_ARGS__)
#define DL_H(name) name##_tp
#include "drops_handler.bpf.h"
#undef RD
#undef DL_H

SEC("tp_btf/kfree_skb")
int BPF_PROG(dl_kfree_skb_sk, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason, struct sock *rx_sk)
{
	handle_drop_btf(ctx, skb, (__u64)location, reason, rx_sk, false);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(dl_kfree_skb, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	handle_drop_btf(ctx, skb, (__u64)location, reason, NULL, false);
	return 0;
}

/*
 * report --stack: the same handlers recording the kernel stack of generic
 * drops. Separate programs ("?": not loaded unless asked), because even a
 * rodata-guarded branch keeps ctx live across the handler (spills: ~25 more
 * instructions per drop); the programs above stay as they were.
 */
SEC("?tp_btf/kfree_skb")
int BPF_PROG(dl_kfree_skb_sk_stack, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason, struct sock *rx_sk)
{
	handle_drop_btf(ctx, skb, (__u64)location, reason, rx_sk, true);
	return 0;
}

SEC("?tp_btf/kfree_skb")
int BPF_PROG(dl_kfree_skb_stack, struct sk_buff *skb, void *location,
	     enum skb_drop_reason reason)
{
	handle_drop_btf(ctx, skb, (__u64)location, reason, NULL, true);
	return 0;
}

SEC("tp_btf/consume_skb")
int BPF_PROG(dl_consume_skb, struct sk_buff *skb)
{
	handle_consume_btf(skb);
	return 0;
}

/* Classic tracepoints, for kernels without tp_btf; CO-RE finds the fields. */
SEC("tracepoint/skb/kfree_skb")
int dl_kfree_skb_tp(struct trace_event_raw_kfree_skb *ctx)
{
	__u32 reason = 0;

	if (bpf_core_field_exists(ctx->reason))
		reason = BPF_CORE_READ(ctx, reason);
	handle_drop_tp(ctx, BPF_CORE_READ(ctx, skbaddr), (__u64)BPF_CORE_READ(ctx, location),
		    reason, NULL, false);
	return 0;
}

SEC("?tracepoint/skb/kfree_skb")
int dl_kfree_skb_tp_stack(struct trace_event_raw_kfree_skb *ctx)
{
	__u32 reason = 0;

	if (bpf_core_field_exists(ctx->reason))
		reason = BPF_CORE_READ(ctx, reason);
	handle_drop_tp(ctx, BPF_CORE_READ(ctx, skbaddr), (__u64)BPF_CORE_READ(ctx, location),
		    reason, NULL, true);
	return 0;
}

SEC("tracepoint/skb/consume_skb")
int dl_consume_skb_tp(struct trace_event_raw_consume_skb *ctx)
{
	handle_consume_tp(BPF_CORE_READ(ctx, skbaddr));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
