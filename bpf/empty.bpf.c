// SPDX-License-Identifier: GPL-2.0-only
/* Baselines for benchmarks: the cheapest XDP and tc ingress programs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int dl_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

/* The same for the tc hook: an empty program that lets the next one decide. */
SEC("tc")
int dl_empty_tc(struct __sk_buff *skb)
{
	return -1;	/* TC_ACT_UNSPEC */
}
