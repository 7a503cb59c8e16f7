/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One interval of a run as the difference of two cumulative ledgers
 * (ledger_diff.c).
 */
#ifndef DL_LEDGER_DIFF_H
#define DL_LEDGER_DIFF_H

struct dl_ledger;

/*
 * @out = @cur - @prev for two cumulative ledgers of the same run (counts
 * only grow): the interval between them. Kernel-counter parts are not
 * diffed; add them to @out with dl_ledger__add_kstate.
 */
int dl_ledger__diff(const struct dl_ledger *prev, const struct dl_ledger *cur,
		    struct dl_ledger *out);

#endif
