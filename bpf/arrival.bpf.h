/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hand-over from the tc hook to the drop tracer (struct dl_arrival in
 * dropledger_shared.h): one map, defined here for both objects. The
 * tracer's is created first and shared into dl_ingress by userspace.
 */
#ifndef DL_ARRIVAL_BPF_H
#define DL_ARRIVAL_BPF_H

#include "dropledger_shared.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dl_arrival);
} arrival_memo SEC(".maps");

#endif
