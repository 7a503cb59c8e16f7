// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rss section of a ledger (lib/rss_report.c) from the interval's
 * per-queue arrivals, per-(flow, queue) counts and softnet_stat. A skew or
 * elephant verdict also becomes a cause of category "rss", listed after the
 * drops: its count is packets on the hot queues, not drops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath/flow_queues.h"
#include "counters/kstate.h"
#include "ledger/ledger_rss.h"
#include "ledger/ledger.h"
#include "rss/rss_report.h"

static int add_rss_cause(struct dl_ledger *l)
{
	const struct dl_rss_verdict *v = &l->rss->verdict;
	struct dl_ledger_cause *c;
	unsigned int i, k;

	c = dl_ledger__add_cause(l);
	if (!c)
		return -ENOMEM;
	c->category = "rss";
	c->group = v->kind_name;
	snprintf(c->reason_name, sizeof(c->reason_name), "%s",
		 v->kind == DL_RSS_ELEPHANT ? "ELEPHANT_FLOW" : "RSS_SKEW");
	c->count = v->count;
	snprintf(c->summary, sizeof(c->summary), "%s", v->summary);
	snprintf(c->advice, sizeof(c->advice), "%s", v->advice);
	for (i = 0; i < v->nr_queues && i < DL_SKEW_MAX_HOT; i++) {
		const struct dl_rss_queue *q;

		if (v->queues[i] >= l->rss->nr_queues || v->queues[i] >= DL_MAX_QUEUES)
			continue;
		q = &l->rss->queues[v->queues[i]];
		c->queues[v->queues[i]] = q->packets;
		/* The flows that make the queue hot, biggest first. */
		for (k = 0; k < q->nr_top && c->nflows < DL_TOP_FLOWS; k++) {
			c->flows[c->nflows].flow = q->top[k].flow;
			c->flows[c->nflows].count = q->top[k].packets;
			c->nflows++;
		}
	}
	return 0;
}

int dl_ledger__add_rss(struct dl_ledger *l, int flow_q_fd, const struct dl_kstate *a,
		       const struct dl_kstate *b, double hot_factor)
{
	__u64 arr[DL_MAX_QUEUES], by[DL_MAX_QUEUES];
	struct dl_rss_opts opts = { .hot_factor = hot_factor };
	struct dl_flow_q_entry *fe = NULL;
	struct dl_rss_input in = {};
	size_t nfe = 0;
	unsigned int q;
	int err;

	if (flow_q_fd >= 0) {
		err = dl_flow_queues__read_raw(flow_q_fd, &fe, &nfe);
		if (err)
			return err;
	}
	for (q = 0; q < DL_MAX_QUEUES; q++) {
		arr[q] = l->q[q].arrived;
		by[q] = l->q[q].bytes;
	}
	in.ifname = l->ifname;
	in.nr_queues = l->nqueues;
	in.arrived = arr;
	in.bytes = by;
	in.nr_arrived = DL_MAX_QUEUES;
	in.has_flows = flow_q_fd >= 0;
	in.flows = fe;
	in.nr_flows = nfe;
	if (a && b && a->softnet && b->softnet) {
		in.softnet_before = a->softnet;
		in.softnet_after = b->softnet;
	}
	err = dl_rss_report__build(&in, &opts, &l->rss);
	free(fe);
	if (!err && l->rss->verdict.problem)
		err = add_rss_cause(l);
	return err;
}
