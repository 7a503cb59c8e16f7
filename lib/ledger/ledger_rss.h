/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rss section of a ledger (ledger_rss.c): skew, elephant flows and
 * their verdict as a cause.
 */
#ifndef DL_LEDGER_RSS_H
#define DL_LEDGER_RSS_H

struct dl_kstate;
struct dl_ledger;

/*
 * Add the rss section: skew over the interval's per-queue arrivals, the
 * flows per queue from the XDP flow_q_cnt map (@flow_q_fd, -1: none) and
 * softnet between @a and @b (may be NULL). A queue above @hot_factor x the
 * mean (0: default 1.5) is hot; a skew or elephant verdict is added as a
 * cause of category "rss" after the drop causes.
 */
int dl_ledger__add_rss(struct dl_ledger *l, int flow_q_fd, const struct dl_kstate *a,
		       const struct dl_kstate *b, double hot_factor);

#endif
