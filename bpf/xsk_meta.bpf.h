/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The AF_XDP half shared by dl_capture (capture mode) and dl_dpdk_xdp (the
 * net_af_xdp PMD's program): count the frame per rx queue, put a struct
 * dl_pkt_rec in the XDP metadata area in front of it and redirect it to the
 * queue's socket. Written once so both readers get the same record.
 */
#ifndef DL_XSK_META_BPF_H
#define DL_XSK_META_BPF_H

#include "dropledger_shared.h"
#include "parse.bpf.h"
#include "stamp.bpf.h"

/*
 * @xsks: the XSKMAP (key: rx queue), @cnt: a per-CPU array of struct
 * dl_capture_cnt with DL_MAX_QUEUES + 1 slots (the last: queue >= max).
 * A queue without a socket passes its frames to the stack (fail-open).
 */
static __always_inline int dl_xsk_meta_redirect(struct xdp_md *ctx, void *xsks,
						void *cnt)
{
	__u32 rxq = ctx->rx_queue_index;
	__u32 slot = rxq < DL_MAX_QUEUES ? rxq : DL_MAX_QUEUES;
	struct dl_pkt_rec rec = {};
	struct dl_capture_cnt *st;
	struct dl_pkt pkt;
	void *meta, *data;
	int vlans = 0;

	st = bpf_map_lookup_elem(cnt, &slot);
	if (!st)
		return XDP_PASS;
	st->frames++;
	if (!bpf_map_lookup_elem(xsks, &rxq)) {
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
	return bpf_redirect_map(xsks, rxq, XDP_PASS);
}

#endif
