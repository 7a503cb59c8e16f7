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

/* Userspace may turn the flow table off for the cheapest counters-only run. */
const volatile __u32 track_flows = 1;

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
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_owner);
} dl_owner SEC(".maps");

/* Run first in libxdp's dispatcher chain and let every frame go on. */
struct {
	__uint(priority, 1);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(dl_ingress);

static __always_inline void track_flow(struct dl_flow *f, __u32 rxq, __u64 len)
{
	__u32 h = dl_flow_hash(f);
	struct dl_flow_info *fi, nfi = {};
	__u64 now = bpf_ktime_get_ns();

	fi = bpf_map_lookup_elem(&flow_tbl, &h);
	if (fi) {
		__sync_fetch_and_add(&fi->packets, 1);
		__sync_fetch_and_add(&fi->bytes, len);
		fi->last_ns = now;
		fi->rxq = rxq;
		fi->cpu = bpf_get_smp_processor_id();
		return;
	}
	nfi.flow = *f;
	nfi.packets = 1;
	nfi.bytes = len;
	nfi.first_ns = now;
	nfi.last_ns = now;
	nfi.rxq = rxq;
	nfi.cpu = bpf_get_smp_processor_id();
	/* A racing insert on another CPU loses one count, never the entry. */
	bpf_map_update_elem(&flow_tbl, &h, &nfi, BPF_NOEXIST);
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

	if (track_flows)
		track_flow(&f, rxq, len);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
