// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_capture: capture mode. Every frame of rx queue q goes to the AF_XDP
 * socket bound to queue q (XSKMAP slot q), with a struct dl_pkt_rec in the
 * XDP metadata area in front of it, so the poll-mode worker of that queue
 * gets the same record tap mode writes to a ring buffer. A queue without a
 * socket passes its frames to the stack (fail-open).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "dropledger_shared.h"
#include "parse.bpf.h"
#include "stamp.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, DL_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_MAX_QUEUES + 1);	/* last slot: queue >= max */
	__type(key, __u32);
	__type(value, struct dl_capture_cnt);
} capture_cnt SEC(".maps");

SEC("xdp")
int dl_capture(struct xdp_md *ctx)
{
	__u32 rxq = ctx->rx_queue_index;
	__u32 slot = rxq < DL_MAX_QUEUES ? rxq : DL_MAX_QUEUES;
	struct dl_pkt_rec rec = {};
	struct dl_capture_cnt *st;
	struct dl_pkt pkt;
	void *meta, *data;
	int vlans = 0;

	st = bpf_map_lookup_elem(&capture_cnt, &slot);
	if (!st)
		return XDP_PASS;
	st->frames++;
	if (!bpf_map_lookup_elem(&xsks, &rxq)) {
		st->no_socket++;
		return XDP_PASS;
	}

	/* Parse before adjust_meta: the helper invalidates packet pointers. */
	pkt.data = (void *)(long)ctx->data;
	pkt.end = (void *)(long)ctx->data_end;
	rec.ts_ns = bpf_ktime_get_ns();
	rec.len = pkt.end - pkt.data;
	rec.rxq = rxq;
	rec.cpu = bpf_get_smp_processor_id();
	rec.meta_magic = DL_META_MAGIC;
	if (dl_parse_eth(&pkt, &rec.flow, &vlans) != DL_PARSE_OK)
		rec.flags |= DL_REC_MALFORMED;
	else
		dl_read_stamp(&pkt, &rec.flow, vlans, &rec);
	if (vlans)
		rec.flags |= DL_REC_VLAN;
	rec.hash = dl_flow_hash(&rec.flow);

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(rec))) {
		st->meta_failed++;
	} else {
		meta = (void *)(long)ctx->data_meta;
		data = (void *)(long)ctx->data;
		if (meta + sizeof(rec) <= data)
			__builtin_memcpy(meta, &rec, sizeof(rec));
		else
			st->meta_failed++;
	}
	st->redirected++;
	return bpf_redirect_map(&xsks, rxq, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
