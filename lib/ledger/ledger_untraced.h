/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Drops the kernel counts but does not trace (config/mib_discards.tsv):
 * each untraced rx counter's delta over the interval, less its traced paths
 * and the untraced counters nested in it, becomes a "counted, not traced"
 * cause, and those packets leave `delivered` so the ledger still balances.
 */
#ifndef DL_LEDGER_UNTRACED_H
#define DL_LEDGER_UNTRACED_H

struct dl_kstate;
struct dl_ledger;
struct dl_mib_discards;

/*
 * Pure arithmetic over the SNMP snapshots of @a and @b and @l's traced
 * causes. @tab NULL: the installed table (dl_mib_discards__default); the
 * causes point into @tab, which must outlive @l. Each count is capped at
 * what the ledger can give up (positive residual, then delivered): the
 * counters are namespace-wide. Returns 0 or -ENOMEM.
 */
int dl_ledger__add_untraced(struct dl_ledger *l, const struct dl_kstate *a,
			    const struct dl_kstate *b, const struct dl_mib_discards *tab);

#endif
