// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_ingress: XDP program at the head of the receive path. Counts every
 * frame per rx queue and CPU, remembers which queue and CPU each flow
 * arrives on (for the drop join and RSS views), and always returns XDP_PASS:
 * it observes, it never decides (fail-open on production edges).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "dropledger_shared.h"
#include "parse.bpf.h"
#include "stamp.bpf.h"

/* Userspace may turn the flow table off for the cheapest counters-only run. */
const volatile __u32 track_flows = 1;
/*
 * RSS and steering views: count every (flow, rx queue) pair. Off by default
 * so the counters-only path of the benchmarks stays as cheap as it was.
 */
const volatile __u32 track_flow_queues = 0;
/* Tap mirroring: 0 off, N: one record per N frames per CPU (1: every frame). */
const volatile __u32 sample_every = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_MAX_QUEUES + 1);	/* last slot: queue >= max */
	__type(key, __u32);
	__type(value, struct dl_rxq_stats);
} rxq_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DL_FLOW_ENTRIES);
	__type(key, __u32);
	__type(value, struct dl_flow_info);
} flow_tbl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DL_FLOW_Q_ENTRIES);
	__type(key, struct dl_flow_q_key);
	__type(value, struct dl_flow_q_val);
} flow_q_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_owner);
} dl_owner SEC(".maps");
/*
 * Tap mirroring: one ring buffer per CPU, so producers never contend and a
 * pinned worker per core drains its own ring. Userspace creates the rings
 * (their size is chosen at run time) and fills the slots after load.
 */
struct dl_mirror_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, DL_MIRROR_MAX_CPUS);
	__type(key, __u32);
	__array(values, struct dl_mirror_ring);
} mirror_rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_mirror_stats);
} mirror_stats SEC(".maps");

/* Run first in libxdp's dispatcher chain and let every frame go on. */
struct {
	__uint(priority, 1);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(dl_ingress);

static __always_inline void track_flow(struct dl_flow *f, __u32 h, __u32 rxq,
				       __u64 len)
{
	struct dl_flow_info *fi, nfi = {};
	__u32 cpu = bpf_get_smp_processor_id();

	fi = bpf_map_lookup_elem(&flow_tbl, &h);
	if (fi) {
		__sync_fetch_and_add(&fi->packets, 1);
		__sync_fetch_and_add(&fi->bytes, len);
		/* Write only on change: a flow's line stays clean across CPUs. */
		if (fi->rxq != rxq)
			fi->rxq = rxq;
		if (fi->cpu != cpu)
			fi->cpu = cpu;
		return;
	}
	nfi.flow = *f;
	nfi.packets = 1;
	nfi.bytes = len;
	nfi.first_ns = bpf_ktime_get_ns();
	nfi.rxq = rxq;
	nfi.cpu = cpu;
	/* A racing insert on another CPU loses one count, never the entry. */
	bpf_map_update_elem(&flow_tbl, &h, &nfi, BPF_NOEXIST);
}

static __always_inline void flow_q_add(struct dl_flow_q_val *v, __u64 len,
				       __u64 cpu_bit)
{
	__sync_fetch_and_add(&v->packets, 1);
	__sync_fetch_and_add(&v->bytes, len);
	/* Read first: the locked OR is needed only when a new CPU shows up. */
	if (!(v->cpus & cpu_bit))
		__sync_fetch_and_or(&v->cpus, cpu_bit);
}

/*
 * Unlike track_flow(), exact under races: the steering check and the
 * elephant verdict quote these counts, so a lost insert race is retried
 * as an add to the entry the other CPU created.
 */
static __always_inline void track_flow_queue(struct dl_flow *f, __u32 h, __u32 rxq,
					     __u64 len)
{
	struct dl_flow_q_key k = { .hash = h, .rxq = rxq };
	__u32 cpu = bpf_get_smp_processor_id();
	__u64 cpu_bit = cpu < 64 ? 1ull << cpu : 0;
	struct dl_flow_q_val *v, nv = {};

	v = bpf_map_lookup_elem(&flow_q_cnt, &k);
	if (v) {
		flow_q_add(v, len, cpu_bit);
		return;
	}
	nv.flow = *f;
	nv.packets = 1;
	nv.bytes = len;
	nv.cpus = cpu_bit;
	if (!bpf_map_update_elem(&flow_q_cnt, &k, &nv, BPF_NOEXIST))
		return;
	v = bpf_map_lookup_elem(&flow_q_cnt, &k);
	if (v)
		flow_q_add(v, len, cpu_bit);
}

/*
 * Every frame that reaches here is accounted exactly once: sampled out,
 * submitted, or lost (reserve failed / no ring), so userspace can prove
 * frames = received + lost + sampled_out.
 */
static __always_inline void mirror_frame(struct dl_pkt *pkt, struct dl_flow *f,
					 __u32 h, __u32 rxq, __u64 len, int vlans,
					 bool malformed)
{
	struct dl_mirror_stats *ms;
	struct dl_pkt_rec *rec;
	__u32 zero = 0, cpu;
	void *ring;

	ms = bpf_map_lookup_elem(&mirror_stats, &zero);
	if (!ms)
		return;
	ms->frames++;
	if (ms->countdown) {
		ms->countdown--;
		ms->sampled_out++;
		return;
	}
	ms->countdown = sample_every - 1;

	cpu = bpf_get_smp_processor_id();
	ring = bpf_map_lookup_elem(&mirror_rings, &cpu);
	if (!ring) {
		ms->lost++;
		ms->no_ring++;
		return;
	}
	rec = bpf_ringbuf_reserve(ring, sizeof(*rec), 0);
	if (!rec) {
		ms->lost++;
		return;
	}
	rec->ts_ns = bpf_ktime_get_ns();
	rec->seq = 0;
	rec->flow = *f;
	/* 0: not computed yet (no flow table on this frame). */
	rec->hash = h ?: dl_flow_hash(f);
	rec->stamp_flow = 0;
	rec->len = len;
	rec->rxq = rxq;
	rec->cpu = cpu;
	rec->flags = (malformed ? DL_REC_MALFORMED : 0) | (vlans ? DL_REC_VLAN : 0);
	rec->meta_magic = 0;
	if (!malformed)
		dl_read_stamp(pkt, f, vlans, rec);
	/* The consumer busy-polls: waking it per record would cost a syscall. */
	bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	ms->submitted++;
}

SEC("xdp")
int dl_ingress(struct xdp_md *ctx)
{
	struct dl_pkt pkt = {
		.data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	__u32 rxq = ctx->rx_queue_index;
	__u32 slot = rxq < DL_MAX_QUEUES ? rxq : DL_MAX_QUEUES;
	struct dl_rxq_stats *st;
	struct dl_flow f = {};
	__u64 len = pkt.end - pkt.data;
	__u32 h = 0;
	int vlans;

	/*
	 * Never true; referencing dl_owner puts it in the program's map list,
	 * where a later run finds it from the attached program's id.
	 */
	if (track_flows == DL_OWNER_MAGIC)
		bpf_map_lookup_elem(&dl_owner, &slot);

	st = bpf_map_lookup_elem(&rxq_cnt, &slot);
	if (!st)
		return XDP_PASS;
	st->frames++;
	st->bytes += len;

	if (dl_parse_eth(&pkt, &f, &vlans) != DL_PARSE_OK) {
		st->malformed++;
		if (sample_every)
			mirror_frame(&pkt, &f, 0, rxq, len, vlans, true);
		return XDP_PASS;
	}
	if (vlans)
		st->vlan++;
	if (f.l3proto == bpf_htons(DL_ETH_P_IP))
		st->ipv4++;
	else if (f.l3proto == bpf_htons(DL_ETH_P_IPV6))
		st->ipv6++;
	else
		st->other_l3++;
	if (f.l4proto == 6)
		st->tcp++;
	else if (f.l4proto == 17)
		st->udp++;
	else if (f.l4proto == 1 || f.l4proto == 58)
		st->icmp++;

	if (track_flows || track_flow_queues) {
		h = dl_flow_hash(&f);	/* once for both tables and the record */
		if (track_flows)
			track_flow(&f, h, rxq, len);
		if (track_flow_queues)
			track_flow_queue(&f, h, rxq, len);
	}
	if (sample_every)
		mirror_frame(&pkt, &f, h, rxq, len, vlans, false);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
