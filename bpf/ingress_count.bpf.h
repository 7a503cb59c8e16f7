/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-frame work of dl_ingress, written once for both hooks: native XDP
 * (dl_ingress) and tc ingress on the existing skb (dl_ingress_tc). Both fill
 * the same maps with the same meaning, so userspace and the ledger cannot
 * tell which hook ran, except by asking (dl_ingress__hook()).
 */
#ifndef DL_INGRESS_COUNT_BPF_H
#define DL_INGRESS_COUNT_BPF_H

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
/*
 * Where mirrored records go: 0 the per-CPU slot rings (mirror_slots, a
 * plain store per field and one head store), 1 the BPF ring buffers
 * (mirror_rings, reserve/commit per record). The other path is dead code
 * the verifier drops. mirror_slot_shift: log2 of the slots per CPU.
 */
const volatile __u32 mirror_ringbuf = 0;
const volatile __u32 mirror_slot_shift = 0;
/*
 * Tap records carry bpf_ktime_get_ns() only when asked: on kvm-clock the
 * helper costs more than the whole slot-ring record, and the tap readers
 * (flows, queues, sequence) never use it.
 */
const volatile __u32 mirror_ts = 0;
/*
 * Flow counts: 0 per-CPU flow cache in front of the shared tables (default,
 * no shared write per frame), 1 every frame straight into the shared tables.
 */
const volatile __u32 exact_flows = 0;

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

/*
 * Per-CPU flow cache (struct dl_flow_cache): the frames of a (flow, queue)
 * seen on this CPU since they were last added to the shared tables. Read
 * and joined by userspace (lib/fastpath/flow_cache.c), so counts stay exact.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_flow_cache);
} flow_cache SEC(".maps");

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

/*
 * Per-CPU slot rings (dropledger_shared.h, struct dl_mirror_pos): both
 * mmapable, so the workers read records and heads with no syscall.
 * Userspace sizes them before load (CPUs << mirror_slot_shift slots).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_pkt_rec);
} mirror_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_mirror_pos);
} mirror_pos SEC(".maps");

/*
 * Publish a slot ring's head after the record's stores. x86 is TSO: stores
 * are seen in program order, so a compiler barrier and a plain store make
 * a release store. clang 14 here has no BPF store-release (clang >= 18,
 * -mcpu=v4, kernel >= 6.13); elsewhere a fetching atomic, fully ordered
 * in BPF's memory model, does it (needs -mcpu=v3, see bpf/meson.build).
 * DL_PUBLISH_XCHG builds that path on x86 too (test_bpf_mirror_xchg).
 */
#if defined(__TARGET_ARCH_x86) && !defined(DL_PUBLISH_XCHG)
#define dl_publish_head(p, v) ({ barrier(); *(volatile __u64 *)(p) = (v); })
#else
#define dl_publish_head(p, v) ({ __u64 __old = __sync_lock_test_and_set((p), (v)); (void)__old; })
#endif

/* Add @pk frames, @by bytes of flow @h on @rxq to the shared flow table. */
static __always_inline void track_flow(struct dl_flow *f, __u32 h, __u32 rxq,
				       __u32 cpu, __u64 pk, __u64 by)
{
	struct dl_flow_info *fi, nfi = {};

	fi = bpf_map_lookup_elem(&flow_tbl, &h);
	if (fi) {
		__sync_fetch_and_add(&fi->packets, pk);
		__sync_fetch_and_add(&fi->bytes, by);
		/* Write only on change: a flow's line stays clean across CPUs. */
		if (fi->rxq != rxq)
			fi->rxq = rxq;
		if (fi->cpu != cpu)
			fi->cpu = cpu;
		return;
	}
	nfi.flow = *f;
	nfi.packets = pk;
	nfi.bytes = by;
	nfi.first_ns = bpf_ktime_get_ns();
	nfi.rxq = rxq;
	nfi.cpu = cpu;
	/* A racing insert on another CPU loses one count, never the entry. */
	bpf_map_update_elem(&flow_tbl, &h, &nfi, BPF_NOEXIST);
}

static __always_inline void flow_q_add(struct dl_flow_q_val *v, __u64 pk,
				       __u64 by, __u64 cpu_bit)
{
	__sync_fetch_and_add(&v->packets, pk);
	__sync_fetch_and_add(&v->bytes, by);
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
					     __u32 cpu, __u64 pk, __u64 by)
{
	struct dl_flow_q_key k = { .hash = h, .rxq = rxq };
	__u64 cpu_bit = cpu < 64 ? 1ull << cpu : 0;
	struct dl_flow_q_val *v, nv = {};

	v = bpf_map_lookup_elem(&flow_q_cnt, &k);
	if (v) {
		flow_q_add(v, pk, by, cpu_bit);
		return;
	}
	nv.flow = *f;
	nv.packets = pk;
	nv.bytes = by;
	nv.cpus = cpu_bit;
	if (!bpf_map_update_elem(&flow_q_cnt, &k, &nv, BPF_NOEXIST))
		return;
	v = bpf_map_lookup_elem(&flow_q_cnt, &k);
	if (v)
		flow_q_add(v, pk, by, cpu_bit);
}

static __always_inline void track_both(struct dl_flow *f, __u32 h, __u32 rxq,
				       __u32 cpu, __u64 pk, __u64 by)
{
	if (track_flows)
		track_flow(f, h, rxq, cpu, pk, by);
	if (track_flow_queues)
		track_flow_queue(f, h, rxq, cpu, pk, by);
}

/*
 * The flow tables through this CPU's cache. A frame of the (flow, queue) a
 * slot holds costs two plain adds; the shared tables are touched when the
 * slot changes hands, when its pending count reaches DL_FC_FLUSH (so the
 * LRU sees hot flows, and pending stays bounded), and for a flow's first
 * frame on this CPU, so the drop tracer's join (queue, CPU) is never late.
 */
static __always_inline void track_cached(struct dl_flow *f, __u32 h, __u32 rxq,
					 __u64 len)
{
	struct dl_flow_cache *fc;
	struct dl_fc_slot *s;
	__u32 zero = 0, cpu;

	fc = bpf_map_lookup_elem(&flow_cache, &zero);
	if (dl_unlikely(!fc)) {
		track_both(f, h, rxq, bpf_get_smp_processor_id(), 1, len);
		return;
	}
	s = &fc->slot[h & (DL_FC_SLOTS - 1)];
	if (dl_likely(s->hash == h && s->rxq == rxq && s->used)) {
		s->packets++;
		s->bytes += len;
		if (dl_likely(s->packets < DL_FC_FLUSH))
			return;
		/* The hit path needs no CPU id: only the shared tables do. */
		cpu = bpf_get_smp_processor_id();
		track_both(&s->flow, h, rxq, cpu, s->packets, s->bytes);
		s->packets = 0;
		s->bytes = 0;
		return;
	}
	cpu = bpf_get_smp_processor_id();
	if (s->used && s->packets)
		track_both(&s->flow, s->hash, s->rxq, cpu, s->packets, s->bytes);
	/* The newcomer goes straight in: its entry exists from frame one. */
	track_both(f, h, rxq, cpu, 1, len);
	s->flow = *f;
	s->hash = h;
	s->rxq = rxq;
	s->used = 1;
	s->packets = 0;
	s->bytes = 0;
}

static __always_inline void fill_rec(struct dl_pkt_rec *rec, struct dl_pkt *pkt,
					 struct dl_flow *f, __u32 h, __u32 rxq,
					 __u64 len, int vlans, bool malformed,
					 __u32 cpu)
{
	rec->ts_ns = mirror_ts ? bpf_ktime_get_ns() : 0;
	rec->seq = 0;
	rec->flow = *f;
	/*
	 * 0: not computed (no flow table on this frame); the reader hashes
	 * rec->flow itself, off the per-frame path (dl_agg__add()).
	 */
	rec->hash = h;
	rec->stamp_flow = 0;
	rec->len = len;
	rec->rxq = rxq;
	rec->cpu = cpu;
	rec->flags = (malformed ? DL_REC_MALFORMED : 0) | (vlans ? DL_REC_VLAN : 0) |
		     (mirror_ts ? DL_REC_TS : 0);
	rec->meta_magic = 0;
	if (!malformed)
		dl_read_stamp(pkt, f, vlans, rec);
}

/*
 * One record into this CPU's slot ring. XDP (NAPI) and tc (softirq) never
 * run twice at once on one CPU, so each ring has one producer: no lock, no
 * atomic (BPF_PROG_TEST_RUN from two threads on one CPU could interleave;
 * the per-CPU counters already assume it does not). The consumer's tail is re-read only when the ring looks full
 * from the last reading, so its line is not pulled over on every frame.
 * A full ring loses the record (counted), never overwrites unread ones.
 */
static __always_inline void mirror_slot(struct dl_pkt *pkt, struct dl_flow *f,
					__u32 h, __u32 rxq, __u64 len, int vlans,
					bool malformed, struct dl_mirror_stats *ms,
					__u32 cpu)
{
	__u64 head = ms->submitted, slots = 1ull << mirror_slot_shift;
	struct dl_mirror_pos *pos;
	struct dl_pkt_rec *rec;
	__u32 idx;

	if (head - ms->tail_seen >= slots) {
		pos = bpf_map_lookup_elem(&mirror_pos, &cpu);
		if (!pos) {
			ms->lost++;
			ms->no_ring++;
			return;
		}
		ms->tail_seen = *(volatile __u64 *)&pos->tail;
		if (head - ms->tail_seen >= slots) {
			ms->lost++;
			return;
		}
	}
	idx = (cpu << mirror_slot_shift) | ((__u32)head & (__u32)(slots - 1));
	rec = bpf_map_lookup_elem(&mirror_slots, &idx);
	pos = bpf_map_lookup_elem(&mirror_pos, &cpu);
	if (!rec || !pos) {
		ms->lost++;
		ms->no_ring++;
		return;
	}
	fill_rec(rec, pkt, f, h, rxq, len, vlans, malformed, cpu);
	ms->submitted = head + 1;
	dl_publish_head(&pos->head, head + 1);
}

/*
 * Every frame that reaches here is accounted exactly once: sampled out,
 * submitted, or lost (ring full / no ring), so userspace can prove
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
	if (!mirror_ringbuf) {
		mirror_slot(pkt, f, h, rxq, len, vlans, malformed, ms, cpu);
		return;
	}
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
	fill_rec(rec, pkt, f, h, rxq, len, vlans, malformed, cpu);
	/* The consumer busy-polls: waking it per record would cost a syscall. */
	bpf_ringbuf_submit(rec, BPF_RB_NO_WAKEUP);
	ms->submitted++;
}

/*
 * One frame of @len bytes (Ethernet header included) at @pkt, on rx queue
 * @rxq; @tag_vlans: tags the device already took off (tc: skb->vlan_tci).
 * Returns the frame's flow hash as the drop tracer keys it (never 0), or 0
 * when there is none (malformed, already counted; flows not tracked), and
 * its IP protocol in @l4proto (0 when there is none).
 */
static __always_inline __u32 dl_ingress_count(struct dl_pkt *pkt, __u32 rxq,
					      __u64 len, int tag_vlans, __u8 *l4proto)
{
	__u32 slot = rxq < DL_MAX_QUEUES ? rxq : DL_MAX_QUEUES;
	struct dl_rxq_stats *st;
	struct dl_flow f = {};
	__u32 h = 0;
	int vlans;

	DL_IN_MEMORY(f);
	*l4proto = 0;
	/*
	 * Never true; referencing dl_owner puts it in the program's map list,
	 * where a later run finds it from the attached program's id.
	 */
	if (track_flows == DL_OWNER_MAGIC)
		bpf_map_lookup_elem(&dl_owner, &slot);

	st = bpf_map_lookup_elem(&rxq_cnt, &slot);
	if (dl_unlikely(!st))
		return 0;
	st->frames++;
	st->bytes += len;

	if (dl_unlikely(dl_parse_eth(pkt, &f, &vlans) != DL_PARSE_OK)) {
		st->malformed++;
		if (sample_every)
			mirror_frame(pkt, &f, 0, rxq, len, vlans, true);
		return 0;
	}
	if (dl_unlikely(vlans || tag_vlans))
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

	*l4proto = f.l4proto;
	if (track_flows || track_flow_queues) {
		h = dl_flow_hash(&f);	/* once for both tables and the record */
		if (exact_flows)
			track_both(&f, h, rxq, bpf_get_smp_processor_id(), 1, len);
		else
			track_cached(&f, h, rxq, len);
	}
	if (sample_every)
		mirror_frame(pkt, &f, h, rxq, len, vlans, false);
	return track_flows ? (h ?: 1) : 0;
}

#endif
