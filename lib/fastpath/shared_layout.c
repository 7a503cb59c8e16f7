// SPDX-License-Identifier: GPL-2.0-only
/*
 * Layout checks of every struct that crosses the BPF/user line
 * (bpf/dropledger_shared.h). clang lays the BPF side out, gcc this side;
 * a size or alignment that drifts here would misread every map value, so
 * a change to a shared struct must be made on purpose, here too.
 */
#include <stddef.h>

#include "dropledger_shared.h"

_Static_assert(sizeof(struct dl_rxq_stats) == 128 &&
	       _Alignof(struct dl_rxq_stats) == 64, "dl_rxq_stats layout");

_Static_assert(sizeof(struct dl_flow) == 40 &&
	       _Alignof(struct dl_flow) == 4, "dl_flow layout");

_Static_assert(sizeof(struct dl_flow_info) == 80 &&
	       _Alignof(struct dl_flow_info) == 8, "dl_flow_info layout");

_Static_assert(sizeof(struct dl_owner) == 24 &&
	       _Alignof(struct dl_owner) == 8, "dl_owner layout");

_Static_assert(sizeof(struct dl_cause_slot) == 24 &&
	       _Alignof(struct dl_cause_slot) == 8, "dl_cause_slot layout");

_Static_assert(sizeof(struct dl_flow_slot) == 72 &&
	       _Alignof(struct dl_flow_slot) == 8, "dl_flow_slot layout");

_Static_assert(sizeof(struct dl_drop_stats) == 112 &&
	       _Alignof(struct dl_drop_stats) == 8, "dl_drop_stats layout");

_Static_assert(sizeof(struct dl_arrival) == 32 &&
	       _Alignof(struct dl_arrival) == 8, "dl_arrival layout");

_Static_assert(sizeof(struct dl_stamp) == 16 &&
	       _Alignof(struct dl_stamp) == 8, "dl_stamp layout");

_Static_assert(sizeof(struct dl_pkt_rec) == 80 &&
	       _Alignof(struct dl_pkt_rec) == 8, "dl_pkt_rec layout");

_Static_assert(sizeof(struct dl_mirror_stats) == 64 &&
	       _Alignof(struct dl_mirror_stats) == 64, "dl_mirror_stats layout");

_Static_assert(sizeof(struct dl_mirror_pos) == 128 &&
	       _Alignof(struct dl_mirror_pos) == 64 &&
	       offsetof(struct dl_mirror_pos, tail) == 64, "dl_mirror_pos layout");

_Static_assert(sizeof(struct dl_capture_cnt) == 64 &&
	       _Alignof(struct dl_capture_cnt) == 64, "dl_capture_cnt layout");

_Static_assert(sizeof(struct dl_flow_q_key) == 8 &&
	       _Alignof(struct dl_flow_q_key) == 4, "dl_flow_q_key layout");

_Static_assert(sizeof(struct dl_flow_q_val) == 64 &&
	       _Alignof(struct dl_flow_q_val) == 8, "dl_flow_q_val layout");
