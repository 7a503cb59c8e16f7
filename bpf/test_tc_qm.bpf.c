// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test helper (tests/bpf/test_tc_ingress.c): BPF_PROG_TEST_RUN cannot set
 * skb->queue_mapping from struct __sk_buff, but it can set cb[0]; this
 * program copies cb[0] into queue_mapping and tail-calls dl_ingress_tc.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} next SEC(".maps");

SEC("tc")
int dl_test_tc_qm(struct __sk_buff *skb)
{
	skb->queue_mapping = skb->cb[0];
	bpf_tail_call(skb, &next, 0);
	return 2;	/* TC_ACT_SHOT: the tail call did not happen */
}

char LICENSE[] SEC("license") = "GPL";
