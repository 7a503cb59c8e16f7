// SPDX-License-Identifier: GPL-2.0-only
/* Baseline for benchmarks: the cheapest XDP program, an empty XDP_PASS. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int dl_empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
