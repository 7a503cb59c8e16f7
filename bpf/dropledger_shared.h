/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The one boundary between bpf/ and lib/: every struct, enum and constant
 * that both sides read. Fixed-width fields and explicit padding only, so the
 * BPF and userspace layouts cannot drift; lib/ static-asserts the sizes.
 */
#ifndef DROPLEDGER_SHARED_H
#define DROPLEDGER_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define DL_MAX_QUEUES 64	/* rx queues tracked per interface */
#define DL_FLOW_ENTRIES 65536	/* LRU flow table: hash -> queue, cpu */

/* Per rx queue, per CPU counters written by the XDP program. */
struct dl_rxq_stats {
	__u64 frames;
	__u64 bytes;
	__u64 malformed;	/* truncated or inconsistent headers */
	__u64 ipv4;
	__u64 ipv6;
	__u64 other_l3;		/* ARP, LLDP, STP, ... */
	__u64 tcp;
	__u64 udp;
	__u64 icmp;
	__u64 vlan;		/* frames with one or two in-band tags */
	__u64 pad[6];
} __attribute__((aligned(64)));

/*
 * Flow identity. Addresses and ports in network byte order; IPv4 addresses
 * live in word 0. Non-IP frames carry only l3proto (the EtherType), so LLDP
 * seen at XDP and LLDP freed by the stack hash to the same value.
 */
struct dl_flow {
	__u32 saddr[4];
	__u32 daddr[4];
	__u16 sport;
	__u16 dport;
	__u16 l3proto;		/* EtherType, network byte order */
	__u8 l4proto;		/* IPPROTO_* or 0 */
	__u8 frag;		/* 1: non-first fragment, ports unknown */
};

#define DL_FLOW_WORDS (sizeof(struct dl_flow) / sizeof(__u32))
_Static_assert(sizeof(struct dl_flow) % 8 == 0, "dl_flow_hash() reads 64-bit pairs");

/* clang (BPF) unrolls on request; gcc (userspace) needs no hint. */
#ifdef __clang__
#define DL_UNROLL _Pragma("unroll")
#else
#define DL_UNROLL
#endif

/*
 * Flow hash shared by XDP, tc, the drop tracer and userspace: the flow as
 * five 64-bit words, each multiplied by its own odd constant and summed
 * (multilinear hashing), then murmur3's 64-bit final mix. One definition
 * so all of them always agree. It runs on every frame and every drop: the
 * five multiplies are independent (no serial chain of multiply and rotate
 * per word, as before), and there is no rotate. Inlined in BPF (a call to
 * a subprogram per frame costs more than the hash).
 */
typedef __u32 __attribute__((__may_alias__)) dl_alias_u32;

#ifdef __clang__
#define DL_HASH_INLINE inline __attribute__((always_inline))
#else
#define DL_HASH_INLINE inline
#endif

static DL_HASH_INLINE __u32 dl_flow_hash(const struct dl_flow *f)
{
	static const __u64 m[5] = {
		0x9e3779b97f4a7c15ull, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull,
		0xd6e8feb86659fd93ull, 0xa0761d6478bd642full,
	};
	/*
	 * 32-bit loads, never merged into 64-bit ones: the parser just
	 * stored the flow in 32-bit and smaller pieces, and a wider load of
	 * them cannot be forwarded from the store buffer (a stall per word).
	 * may_alias: the flow's 16- and 8-bit fields are read as 32-bit
	 * words; without it gcc -O2 (strict aliasing) read a zeroed flow's
	 * old ports after inlining (every sport hashed alike).
	 */
	const volatile dl_alias_u32 *w = (const volatile dl_alias_u32 *)f;
	__u64 h = 0x9747b28c2b1e6f35ull;
	unsigned int i;

	DL_UNROLL
	for (i = 0; i < DL_FLOW_WORDS; i += 2)
		h += (w[i] | (__u64)w[i + 1] << 32) * m[i / 2];
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (__u32)h;
}

/* Value of the XDP flow table: where a flow arrives, for the drop join. */
struct dl_flow_info {
	struct dl_flow flow;
	__u64 packets;
	__u64 bytes;
	__u64 first_ns;		/* when XDP first saw the flow */
	__u64 pad;		/* no per-packet timestamp: a helper call per frame */
	__u32 rxq;		/* queue and CPU of the latest frame */
	__u32 cpu;
};

/*
 * Per-CPU flow cache of dl_ingress (map flow_cache, one element per CPU):
 * slot h % DL_FC_SLOTS holds the frames of one (flow, rx queue) not yet
 * added to flow_tbl / flow_q_cnt. A slot is added to them when another
 * (flow, queue) takes it or when packets reaches DL_FC_FLUSH; userspace
 * adds what is still pending when it reads (exact at read time).
 */
#define DL_FC_SLOTS 256		/* power of two; 256 x 72 B fits a per-CPU value */
#define DL_FC_FLUSH 64		/* pending frames per slot before a shared add */

struct dl_fc_slot {
	struct dl_flow flow;
	__u32 hash;		/* dl_flow_hash(&flow) */
	__u32 rxq;
	__u32 used;		/* 1: flow, hash and rxq are valid */
	__u32 pad;
	__u64 packets;		/* pending: not yet in the shared tables */
	__u64 bytes;
};

struct dl_flow_cache {
	struct dl_fc_slot slot[DL_FC_SLOTS];
};

/*
 * Owner tag of an attached dl_ingress (map dl_owner, one entry), written by
 * the process that loaded it. A later run reads it to tell a stale program
 * left by a killed run (owner gone) from one a live run is using. The pid
 * means something only in the owner's PID namespace (a container's run is
 * pid 1 there), so the namespace is recorded with it.
 */
struct dl_owner {
	__u32 magic;		/* DL_OWNER_MAGIC once written */
	__u32 pid;		/* in the owner's PID namespace */
	__u64 start_time;	/* /proc/PID/stat field 22: guards PID reuse */
	__u64 pidns_ino;	/* inode of the owner's PID namespace; 0: unknown */
};

#define DL_OWNER_MAGIC 0x444c4f57u	/* "DLOW" */

/*
 * Drop counts, kept in two per-CPU tables so that flow cardinality never
 * costs a reason (a flood of 10^6 distinct flows used to fill one
 * flow-keyed map and lose 92 % of its drops):
 *
 * - cause slots: exact count per (reason, location, rx queue), an
 *   open-addressed per-CPU array (DL_CAUSE_SLOTS, DL_CAUSE_PROBES probes
 *   from dl_cause_slot_of()). Realistic reason x location x queue counts are
 *   tens; a key that finds no slot still keeps its reason in
 *   dl_reason_other[reason] (location unknown), and is counted.
 * - flow slots: detail only, (reason, location, tx, flow) per CPU, claimed
 *   first come (DL_FLOW_SLOTS, DL_FLOW_PROBES). A flow without a slot is in
 *   its cause's remainder: cause count - sum of its flows, exact.
 *
 * Both are arrays, so the per-drop cost is inlined loads, no hash map, no
 * lock. A slot is claimed by this CPU only; count 0 means free.
 */
#define DL_CAUSE_SLOTS 1024
#define DL_CAUSE_PROBES 8
#define DL_REASON_SLOTS 1024	/* dl_reason_other: reasons below this */
#define DL_FLOW_SLOTS 16384
#define DL_FLOW_PROBES 4

/*
 * Kernel stacks of generic drops (report --stack): NOT_SPECIFIED says
 * nothing, the callers do. Counted per (location, stack id) in a hash map;
 * the stacks themselves in a STACK_TRACE map, symbolised once at the end.
 */
#define DL_STACK_IDS 1024
#define DL_STACK_DEPTH 32
#define DL_STACK_KEYS 1024

struct dl_stack_key {
	__u64 location;		/* kfree_skb caller, as in the cause slots */
	__s32 stackid;		/* bpf_get_stackid(); < 0: not recorded (map full) */
	__u32 tx;		/* 1: freed on transmit of the watched device */
};

struct dl_cause_slot {
	__u64 count;		/* frames (GRO segments counted); 0: free */
	__u64 location;		/* kernel text address of the kfree_skb caller */
	__u32 reason;		/* enum skb_drop_reason of the running kernel */
	__u32 rxq;		/* DL_RXQ_UNKNOWN / DL_RXQ_TX when not a queue */
};

struct dl_flow_slot {
	__u64 count;		/* 0: free */
	__u64 location;
	__u32 reason;
	__u32 tx;		/* 1: DL_RXQ_TX cause */
	__u32 flow_hash;
	__u32 rxq_join;		/* BPF's: the flow's rx queue as last joined */
	struct dl_flow flow;
};

/* Slot of a cause key: a mix of its fields, same in BPF and userspace. */
static inline __u32 dl_cause_slot_of(__u32 reason, __u64 location, __u32 rxq)
{
	__u64 x = location ^ ((__u64)reason << 32) ^ ((__u64)rxq * 0x9e3779b97f4a7c15ull);

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return (__u32)x;
}

#define DL_RXQ_UNKNOWN 0xffffffffu
/*
 * Not a receive: the skb never entered the stack through the watched device
 * but was freed on it (locally generated packets leaving through it, e.g.
 * NEIGH_FAILED, QDISC_DROP; or a frame its driver freed before the stack).
 */
#define DL_RXQ_TX 0xfffffffeu

/* Per-CPU self-accounting of the drop tracer: index into dl_drop_stats. */
enum dl_drop_stat {
	/* Those counted on every drop first: one cache line per event. */
	DL_DS_EVENTS,		/* kfree_skb events seen, all namespaces */
	DL_DS_MATCHED,		/* events of the watched interface and netns */
	DL_DS_MATCHED_PKTS,	/* frames in them (GRO segments counted) */
	DL_DS_QUEUE_FROM_FLOW,	/* rx queue taken from the XDP flow table */
	DL_DS_FROM_ARRIVAL,	/* flow and queue handed over by the tc hook (dl_arrival) */
	DL_DS_CONSUMED,		/* consume_skb of watched ingress skbs */
	DL_DS_CONSUMED_PKTS,	/* frames in them */
	DL_DS_CONSUMED_UDP,	/* consumed frames that were UDP (for Udp InDatagrams) */
	DL_DS_KEY_FULL,		/* no cause slot: kept in dl_reason_other */
	DL_DS_NO_NETNS,		/* no device and no socket: netns unknown */
	DL_DS_PRESTACK,		/* drops on the watched device outside the rx path (DL_RXQ_TX) */
	DL_DS_NETNS_FROM_FLOW,	/* netns unknown, flow seen at our XDP: ours */
	DL_DS_FLOW_FULL,	/* frames whose flow found no slot (remainder) */
	DL_DS_REASON_LOST,	/* reason >= DL_REASON_SLOTS and no cause slot */
	DL_DS_MAX,
};

/* The tracer's self-accounting, one per CPU: one lookup per event. */
struct dl_drop_stats {
	__u64 v[DL_DS_MAX];
};

/*
 * The tc hook's latest arrival on this CPU (map arrival_memo, the drop
 * tracer's, shared into dl_ingress_tc). The stack drops most frames on the
 * CPU that ran the hook, inside the same receive call, before the next
 * arrival: the tracer then takes the flow hash and rx queue from here
 * instead of parsing the headers and joining the flow table again. Matched
 * on the skb's address and its MAC header's address (an skb reused at the
 * same address, skipping the hook, would also need the same buffer) while
 * skb_iif is still the watched device, used once (the tracer clears it),
 * rewritten by every arrival. Anything else (a frame queued, or freed
 * after the next arrival) is parsed and joined as before: the counts are
 * the same either way, the hand-over only saves the work.
 */
struct dl_arrival {
	__u64 skb;		/* the skb's kernel address; 0: none */
	__u64 mac;		/* address of its MAC header at the hook */
	__u32 hash;		/* dl_flow_hash() ?: 1; 0: not parsed (parse) */
	__u32 rxq;		/* rx queue as the hook counted it */
	__u8 l4proto;		/* IP protocol (the ledger's UDP deliveries) */
	__u8 pad[7];
};

/*
 * Line-rate parts: generator stamp, tap-mode mirroring, capture mode.
 * The wire layout is in network byte order so any sender can stamp frames.
 */

/* Generator stamp: the first bytes of a UDP payload sent by `dropledger gen`. */
#define DL_STAMP_MAGIC 0x444c5354u	/* "DLST" on the wire */

struct dl_stamp {
	__u32 magic;		/* DL_STAMP_MAGIC, network byte order */
	__u32 flow_id;		/* generator flow index, network byte order */
	__u64 seq;		/* per-flow sequence from 0, network byte order */
};

/* dl_pkt_rec.flags */
#define DL_REC_STAMPED 0x1	/* seq and stamp_flow are valid */
#define DL_REC_MALFORMED 0x2	/* headers unreadable: flow is partial */
#define DL_REC_VLAN 0x4		/* frame carried one or two VLAN tags */
#define DL_REC_TS 0x8		/* ts_ns is valid (tap: only when asked for) */

/*
 * One mirrored frame (tap mode: a slot of a per-CPU ring; capture mode: the
 * XDP metadata area in front of the frame). Host byte order except the
 * flow, which keeps the wire order so the hash matches dl_flow_hash().
 */
struct dl_pkt_rec {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at XDP (tap: DL_REC_TS) */
	__u64 seq;		/* stamp sequence (DL_REC_STAMPED) */
	struct dl_flow flow;	/* 5-tuple as parsed at XDP */
	__u32 hash;		/* dl_flow_hash(&flow); tap: 0 when not computed */
	__u32 stamp_flow;	/* stamp flow id (DL_REC_STAMPED) */
	__u32 len;		/* frame length at XDP */
	__u16 rxq;		/* ctx->rx_queue_index */
	__u16 cpu;		/* CPU the XDP program ran on */
	__u32 flags;		/* DL_REC_* */
	__u32 meta_magic;	/* capture mode: DL_META_MAGIC; tap mode: 0 */
};

/* Marks a dl_pkt_rec written into the XDP metadata area by dl_capture. */
#define DL_META_MAGIC 0x444c4d31u	/* "DLM1" */

#define DL_MIRROR_MAX_CPUS 256	/* outer ring map size: CPU ids below this */

/*
 * Per-CPU self-accounting of tap mirroring. While mirroring is on,
 * frames = submitted + lost + sampled_out exactly; userspace adds
 * records_received and checks received == submitted after draining.
 * Per-CPU slot rings: submitted is also the producer head of this CPU's
 * ring (records ever published), kept here where only this CPU writes.
 */
struct dl_mirror_stats {
	__u64 frames;		/* frames that reached the mirror step */
	__u64 submitted;	/* records committed to the ring */
	__u64 lost;		/* records_lost: ring full or no ring */
	__u64 sampled_out;	/* skipped by 1-in-N sampling */
	__u64 no_ring;		/* of lost: no ring for this CPU */
	__u64 countdown;	/* frames left to skip before the next sample */
	__u64 tail_seen;	/* slot rings: consumer tail as last read */
	__u64 pad;
} __attribute__((aligned(64)));

/*
 * Per-CPU slot rings (tap mode, the default mirror): map mirror_slots is
 * one mmapable array of struct dl_pkt_rec, CPU c owning the slots
 * [c << shift, (c + 1) << shift); map mirror_pos holds, per CPU, the
 * producer head and the consumer tail, on separate cache lines. XDP on
 * CPU c writes slot head & mask and then publishes head + 1; the worker
 * reads [tail, head) and then publishes tail, once per batch. Head and
 * tail count records from 0 and never wrap (2^64); head - tail <= slots.
 */
struct dl_mirror_pos {
	__u64 head;		/* written by XDP on this CPU only */
	__u64 pad0[7];
	__u64 tail;		/* written by the one reader of this ring */
	__u64 pad1[7];
} __attribute__((aligned(64)));

/* Capture mode (AF_XDP): per rx queue, per CPU. */
struct dl_capture_cnt {
	__u64 frames;		/* frames seen by dl_capture */
	__u64 redirected;	/* handed to the queue's AF_XDP socket */
	__u64 no_socket;	/* no socket bound for the queue: XDP_PASS */
	__u64 meta_failed;	/* metadata area unavailable: sent without */
	__u64 pad[4];
} __attribute__((aligned(64)));

/*
 * Per-(flow, rx queue) observation (map flow_q_cnt, LRU), kept only when
 * dl_ingress runs with track_flow_queues: one flow may spread over several
 * queues (indirection table rewritten, ntuple rule added mid-flow, a
 * sender changing queues), which the flow table's "last queue" cannot show.
 */
#define DL_FLOW_Q_ENTRIES 65536	/* (flow, queue) pairs tracked */

struct dl_flow_q_key {
	__u32 hash;		/* dl_flow_hash() of the flow */
	__u32 rxq;		/* ctx->rx_queue_index */
};

struct dl_flow_q_val {
	struct dl_flow flow;
	__u64 packets;
	__u64 bytes;
	__u64 cpus;		/* bit c: XDP ran on CPU c for it (c < 64) */
};

/*
 * Evidence capture (bpf/drop_pcap.bpf.c, loaded only with report -w or a
 * filter): one ring record per sampled drop of the watched device, the
 * frame from its MAC header up to snaplen bytes after the header.
 */
#define DL_PCAP_SNAP_MAX 65535	/* largest snaplen accepted */

struct dl_pcap_rec {
	__u64 ts_ns;		/* bpf_ktime_get_ns() at the drop */
	__u64 location;		/* kernel text address of the kfree_skb caller */
	__u32 reason;		/* enum skb_drop_reason of the running kernel */
	__u32 rxq;		/* DL_RXQ_UNKNOWN / DL_RXQ_TX when not a queue */
	__u32 cpu;
	__u32 ifindex;		/* skb_iif, or the device for DL_RXQ_TX */
	__u32 netns;		/* netns inode, 0: unknown (seen at our XDP) */
	__u32 len;		/* frame length on the wire (from the MAC header) */
	__u32 caplen;		/* bytes of data[] that follow */
	__u32 segs;		/* frames this skb stands for (GRO) */
	__u32 flags;		/* DL_PCAP_* */
	__u32 pad;
	__u8 data[];		/* caplen bytes */
};

#define DL_PCAP_NO_MAC 0x1	/* mac header unset: no bytes captured */
#define DL_PCAP_NONLINEAR 0x2	/* frame longer than its linear part */

/* Per-CPU self-accounting of the evidence capture. */
enum dl_pcap_stat {
	DL_PS_MATCHED,		/* drops of the watched device and netns */
	DL_PS_SAMPLED_OUT,	/* skipped by 1-in-N sampling */
	DL_PS_SUBMITTED,	/* records committed to the ring */
	DL_PS_LOST,		/* ring full: record lost */
	DL_PS_MAX,
};

struct dl_pcap_stats {
	__u64 v[DL_PS_MAX];
	__u64 countdown;	/* drops left to skip before the next sample */
	__u64 pad[3];
} __attribute__((aligned(64)));

#endif /* DROPLEDGER_SHARED_H */
