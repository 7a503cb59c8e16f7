// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_dpdk_xdp: the program `dropledger dpdk` hands to DPDK's net_af_xdp PMD
 * (devarg xdp_prog=). The PMD loads it, attaches it to the interface and
 * puts the socket of each queue it polls into the XSKMAP, which it finds by
 * the fixed name xsks_map. Same work as dl_capture: count per rx queue,
 * dl_pkt_rec in the metadata area, redirect; so the DPDK pollers read the
 * XDP record and the report can set "seen at XDP" against q_ipackets.
 * No global variables: a .rodata/.bss map would be named after the object
 * file, which the PMD opens under a path we do not choose.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "dropledger_shared.h"
#include "xsk_meta.bpf.h"

/* The name is the PMD's contract: it looks the map up as "xsks_map". */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, DL_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks_map SEC(".maps");

/* userspace finds this one by name in the attached program's map list */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, DL_MAX_QUEUES + 1);	/* last slot: queue >= max */
	__type(key, __u32);
	__type(value, struct dl_capture_cnt);
} dl_dpdk_cnt SEC(".maps");

SEC("xdp")
int dl_dpdk_xdp(struct xdp_md *ctx)
{
	return dl_xsk_meta_redirect(ctx, &xsks_map, &dl_dpdk_cnt);
}

char LICENSE[] SEC("license") = "GPL";
