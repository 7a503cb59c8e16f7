/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Two NIC counter snapshots as an interval (nic_delta.c): a counter that
 * went backwards or changed source marks the interval reset and is absent.
 */
#ifndef DL_NIC_DELTA_H
#define DL_NIC_DELTA_H

#include <stdint.h>

#include "counters/nic_counters.h"

/* Why an interval is marked reset (struct dl_nic_delta.reset). */
enum {
	DL_NIC_RESET_BACKWARDS = 1u << 0,	/* a counter decreased */
	DL_NIC_RESET_QUEUES = 1u << 1,		/* the RX queue count changed */
	DL_NIC_RESET_SOURCE = 1u << 2,		/* a column came, went or changed source */
	DL_NIC_RESET_DEVICE = 1u << 3,		/* other ifindex or driver */
};

struct dl_nic_delta {
	uint64_t interval_ns;
	uint32_t reset;			/* 0: clean interval; else DL_NIC_RESET_* */
	/*
	 * Per column: present only where both snapshots had it from the same
	 * source and it did not go backwards; otherwise the reset bit is set
	 * and the value is absent (never negative, never wrapped).
	 */
	struct dl_nic_vals global;
	unsigned int nr_queues;		/* as in the newer snapshot */
	struct dl_nic_vals *queue;
};

/* Interval from @prev to @cur. Returns 0, -EINVAL, -ENOMEM. */
int dl_nic__delta(const struct dl_nic_snapshot *prev, const struct dl_nic_snapshot *cur,
		  struct dl_nic_delta **out);
void dl_nic__delta_free(struct dl_nic_delta *d);

#endif
