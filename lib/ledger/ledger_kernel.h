/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's counters in the ledger (ledger_kernel.c): NIC drops per
 * queue, cross-checks of kernel counters against traced drops, softnet.
 */
#ifndef DL_LEDGER_KERNEL_H
#define DL_LEDGER_KERNEL_H

struct dl_ledger;
struct dl_kstate;

/*
 * Add the kernel's counters between @a and @b (taken before and after the
 * interval): NIC drops per queue (arrived = nic_dropped + xdp_seen), the
 * cross-checks of kernel counters against traced drops, the discards the
 * kernel counts but does not trace (ledger_untraced.h, installed table),
 * softnet per CPU. Call after dl_ledger__collect. Missing parts stay absent.
 */
int dl_ledger__add_kstate(struct dl_ledger *l, const struct dl_kstate *a,
			  const struct dl_kstate *b);

#endif
