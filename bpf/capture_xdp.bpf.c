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
#include "xsk_meta.bpf.h"

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
	return dl_xsk_meta_redirect(ctx, &xsks, &capture_cnt);
}

char LICENSE[] SEC("license") = "GPL";
