/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table hand-over between one polling thread and the collector, used
 * by the tap workers, the AF_XDP capture queues and the DPDK pollers. The
 * collector bumps `req` and waits; the poller, between two batches, swaps
 * its live table for the empty hand-off one and publishes `done = req`.
 * Release/acquire on the two counters orders the table swap: after the
 * wait the collector owns the hand-off table until its next request. The
 * counters sit on separate cache lines so the poller's check is a read of
 * a line the collector rarely writes.
 */
#ifndef DL_HANDOFF_H
#define DL_HANDOFF_H

#include <stdatomic.h>
#include <stdbool.h>

struct dl_handoff {
	_Atomic unsigned int req __attribute__((aligned(64)));
	_Atomic unsigned int done __attribute__((aligned(64)));
};

/* Poller side: true when a hand-over is asked for; pass *@req to __done. */
static inline bool dl_handoff__requested(struct dl_handoff *h, unsigned int *req)
{
	*req = atomic_load_explicit(&h->req, memory_order_acquire);
	return *req != atomic_load_explicit(&h->done, memory_order_relaxed);
}

/* Poller side: the table is swapped; the collector may take it. */
static inline void dl_handoff__done(struct dl_handoff *h, unsigned int req)
{
	atomic_store_explicit(&h->done, req, memory_order_release);
}

/*
 * Collector side: ask for a hand-over and wait for it, calling @relax
 * (sched_yield, rte_pause) while the poller finishes its batch.
 */
static inline void dl_handoff__request(struct dl_handoff *h, void (*relax)(void))
{
	unsigned int req = atomic_load_explicit(&h->req, memory_order_relaxed) + 1;

	atomic_store_explicit(&h->req, req, memory_order_release);
	while (atomic_load_explicit(&h->done, memory_order_acquire) != req)
		relax();
}

#endif
