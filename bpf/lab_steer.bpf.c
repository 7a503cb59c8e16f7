// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab-only steering emulation for veth, which has no RSS engine: a tc
 * egress classifier on the sender that pins matching frames to one TX
 * queue, hence to the same RX queue of the peer. Used where the kernel
 * lacks cls_flower/act_skbedit; one program instance per rule (rodata).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "dropledger_shared.h"
#include "parse.bpf.h"

#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0

const volatile __u8 match_l4proto = 17;	/* IPPROTO_* */
const volatile __u16 match_dport;	/* network order; 0 = any */
const volatile __u16 match_sport;	/* network order; 0 = any */
const volatile __u16 txq;		/* TX queue to use */

SEC("tc")
int dl_lab_steer(struct __sk_buff *skb)
{
	struct dl_pkt pkt = {
		.data = (void *)(long)skb->data,
		.end = (void *)(long)skb->data_end,
	};
	struct dl_flow f = {};
	int vlans;

	if (dl_parse_eth(&pkt, &f, &vlans) != DL_PARSE_OK || f.frag)
		return TC_ACT_UNSPEC;
	if (f.l4proto != match_l4proto ||
	    (match_dport && f.dport != match_dport) ||
	    (match_sport && f.sport != match_sport))
		return TC_ACT_UNSPEC;	/* not ours: next filter decides */
	/*
	 * A BPF write to queue_mapping does not set the "skip txqueue"
	 * flag that act_skbedit sets, so the core still picks the queue:
	 * with no XPS map and no socket-cached queue, skb_tx_hash() reads a
	 * nonzero queue_mapping as "recorded RX queue + 1" and returns it
	 * minus one, modulo the queue count. Hence txq + 1.
	 */
	skb->queue_mapping = txq + 1;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
