/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report --stack: the kernel stacks the drop tracer recorded for generic
 * (NOT_SPECIFIED) drops, symbolised once and put under their cause.
 */
#ifndef DL_LEDGER_STACKS_H
#define DL_LEDGER_STACKS_H

struct dl_drop_trace;
struct dl_ksyms;
struct dl_ledger;

/*
 * Give each cause of @l the DL_CAUSE_STACKS biggest stacks recorded at its
 * location (same direction), counts since the tracer started. Frames are
 * named with @ks (addresses when NULL). Returns 0 or a negative errno of the
 * map reads.
 */
int dl_ledger__add_stacks(struct dl_ledger *l, const struct dl_drop_trace *dt,
			  const struct dl_ksyms *ks);

#endif
