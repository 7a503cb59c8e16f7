// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_ingress: counts every arriving frame per rx queue and CPU, remembers
 * which queue and CPU each flow arrives on (for the drop join and RSS
 * views), and never decides (fail-open on production edges). Two entry
 * points over one per-frame routine (ingress_count.bpf.h) and one set of
 * maps: native XDP, and tc ingress on the skb the device already built
 * (veth, bridge, vxlan: there native XDP would convert every skb first).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <xdp/xdp_helpers.h>

#include "ingress_count.bpf.h"
#include "arrival.bpf.h"

/*
 * tc hook: 1 when skb->queue_mapping is the rx queue itself (veth: the
 * peer's tx queue picks the rx queue), 0 when the driver recorded it with
 * skb_record_rx_queue() (queue + 1; 0: not recorded, counted on queue 0).
 */
const volatile __u32 tc_qm_raw = 1;

/*
 * tc hook only: hand each arrival's flow hash and queue to the drop tracer
 * (struct dl_arrival); 1 when userspace shared the tracer's map in.
 */
const volatile __u32 arrival_memo_on = 0;

/* Run first in libxdp's dispatcher chain and let every frame go on. */
struct {
	__uint(priority, 1);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(dl_ingress);

SEC("xdp")
int dl_ingress(struct xdp_md *ctx)
{
	struct dl_pkt pkt = {
		.data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	__u8 l4;

	dl_ingress_count(&pkt, ctx->rx_queue_index, pkt.end - pkt.data, 0, &l4);
	return XDP_PASS;
}

#define DL_TC_PULL 128	/* headers we parse lie within this many bytes */
#define DL_TC_NEXT (-1)	/* TC_ACT_UNSPEC / TCX_NEXT: the next filter decides */

/* The verifier wants ctx fields read at ctx + constant: no hoisted sums. */
#define DL_CTX(skb, f) ({ barrier_var(skb); (skb)->f; })

SEC("tc")
int dl_ingress_tc(struct __sk_buff *skb)
{
	__u32 qm = DL_CTX(skb, queue_mapping), len = DL_CTX(skb, len), rxq, h;
	struct dl_pkt pkt;
	__u32 zero = 0;
	__u64 mac;
	__u8 l4;

	rxq = tc_qm_raw ? qm : (qm ? qm - 1 : 0);
	pkt.data = (void *)(long)DL_CTX(skb, data);
	pkt.end = (void *)(long)DL_CTX(skb, data_end);
	/* Headers beyond the linear part (rare on receive): pull them in. */
	if (dl_unlikely(pkt.end - pkt.data < len && pkt.end - pkt.data < DL_TC_PULL)) {
		bpf_skb_pull_data(skb, len < DL_TC_PULL ? len : DL_TC_PULL);
		pkt.data = (void *)(long)DL_CTX(skb, data);
		pkt.end = (void *)(long)DL_CTX(skb, data_end);
	}
	mac = (__u64)(unsigned long)pkt.data;
	/* skb->len counts the Ethernet header here, like an XDP frame. */
	h = dl_ingress_count(&pkt, rxq, len, DL_CTX(skb, vlan_present), &l4);
	if (arrival_memo_on) {
		struct dl_arrival *a = bpf_map_lookup_elem(&arrival_memo, &zero);

		if (a) {
			/* As root the verifier lets the skb's address be stored. */
			a->skb = (__u64)(unsigned long)skb;
			a->mac = mac;
			a->hash = h;
			a->rxq = rxq;
			a->l4proto = l4;
		}
	}
	return DL_TC_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
