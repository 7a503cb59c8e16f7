// SPDX-License-Identifier: GPL-2.0-only
/*
 * One interval of a run as the difference of two cumulative ledgers. The
 * BPF maps only grow during a run, so every count is cur - prev; a cause or
 * flow absent before started in this interval.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/ledger_diff.h"
#include "ledger/ledger.h"

static const struct dl_ledger_cause *find_cause(const struct dl_ledger *l,
						const struct dl_ledger_cause *c)
{
	unsigned int i;

	for (i = 0; i < l->ncauses; i++)
		if (l->causes[i].reason == c->reason &&
		    l->causes[i].location == c->location && l->causes[i].tx == c->tx)
			return &l->causes[i];
	return NULL;
}

/* cur - prev; a count below its previous value was reset: cur is new. */
static bool reset;

static uint64_t sub(uint64_t cur, uint64_t prev)
{
	if (cur >= prev)
		return cur - prev;
	reset = true;
	return cur;
}

static struct dl_opt sub_opt(struct dl_opt cur, struct dl_opt prev)
{
	if (!cur.have || !prev.have)
		return cur.have && !prev.have ? cur : (struct dl_opt){};
	return (struct dl_opt){ .v = sub(cur.v, prev.v), .have = true };
}

static void diff_flows(const struct dl_ledger_cause *p, struct dl_ledger_cause *o)
{
	unsigned int i, k, n = 0;

	for (i = 0; i < o->nflows; i++) {
		struct dl_ledger_flow f = o->flows[i];

		for (k = 0; p && k < p->nflows; k++) {
			if (memcmp(&p->flows[k].flow, &f.flow, sizeof(f.flow)))
				continue;
			f.count = sub(f.count, p->flows[k].count);
			if (f.arrived.have && p->flows[k].arrived.have)
				f.arrived.v = sub(f.arrived.v, p->flows[k].arrived.v);
			break;
		}
		if (f.count)
			o->flows[n++] = f;
	}
	o->nflows = n;
	/* Largest first again: the span's top flow is the one a summary names. */
	for (i = 1; i < n; i++) {
		struct dl_ledger_flow f = o->flows[i];

		for (k = i; k > 0 && o->flows[k - 1].count < f.count; k--)
			o->flows[k] = o->flows[k - 1];
		o->flows[k] = f;
	}
}

/* What the listed flows leave out, after the diff changed them. */
static void diff_flow_rest(const struct dl_ledger_cause *p, struct dl_ledger_cause *o)
{
	uint64_t listed = 0;
	unsigned int i;

	if (!o->flows_other.have)
		return;
	for (i = 0; i < o->nflows; i++)
		listed += o->flows[i].count;
	o->flows_other.v = listed < o->count ? o->count - listed : 0;
	if (p) {
		o->flows_untracked = sub_opt(o->flows_untracked, p->flows_untracked);
		if (o->flows_untracked.v > o->count)
			o->flows_untracked.v = o->count;
	}
}

int dl_ledger__diff(const struct dl_ledger *prev, const struct dl_ledger *cur,
		    struct dl_ledger *out)
{
	unsigned int i, q, n = 0;

	reset = false;
	if (dl_ledger__copy_plain(out, cur))
		return -ENOMEM;
	out->arp_table_fulls = out->arp_unresolved_discards = out->arp_res_failed = (struct dl_opt){};
	out->ct_insert_failed = out->ct_drop = out->ct_early_drop = out->ct_entries = (struct dl_opt){};
	out->xdp_seen = sub(cur->xdp_seen, prev->xdp_seen);
	out->malformed = sub(cur->malformed, prev->malformed);
	out->stack_dropped = sub(cur->stack_dropped, prev->stack_dropped);
	out->delivered = sub(cur->delivered, prev->delivered);
	out->delivered_udp = sub(cur->delivered_udp, prev->delivered_udp);
	out->residual_delivered_untraced = (struct dl_opt){};
	out->records_lost = sub(cur->records_lost, prev->records_lost);
	out->location_lost = sub(cur->location_lost, prev->location_lost);
	out->flows_untracked = sub(cur->flows_untracked, prev->flows_untracked);
	out->unattributed = sub(cur->unattributed, prev->unattributed);
	out->tx_dropped = sub(cur->tx_dropped, prev->tx_dropped);
	out->queue_overflow = sub(cur->queue_overflow, prev->queue_overflow);
	out->delivered_unknown_q = sub(cur->delivered_unknown_q, prev->delivered_unknown_q);
	out->nic_dropped = (struct dl_opt){};
	for (q = 0; q < DL_MAX_QUEUES; q++) {
		out->q[q].arrived = sub(cur->q[q].arrived, prev->q[q].arrived);
		out->q[q].bytes = sub(cur->q[q].bytes, prev->q[q].bytes);
		out->q[q].malformed = sub(cur->q[q].malformed, prev->q[q].malformed);
		out->q[q].stack_dropped = sub(cur->q[q].stack_dropped, prev->q[q].stack_dropped);
		out->q[q].delivered = sub(cur->q[q].delivered, prev->q[q].delivered);
		out->q[q].nic_dropped = (struct dl_opt){};
	}
	out->residual = (int64_t)out->xdp_seen - (int64_t)out->stack_dropped -
			(int64_t)out->delivered;
	for (i = 0; i < cur->ncauses; i++) {
		const struct dl_ledger_cause *p = find_cause(prev, &cur->causes[i]);
		struct dl_ledger_cause *o = &out->causes[n];

		*o = cur->causes[i];
		if (p) {
			o->count = sub(o->count, p->count);
			for (q = 0; q <= DL_MAX_QUEUES; q++)
				o->queues[q] = sub(o->queues[q], p->queues[q]);
		}
		if (!o->count)
			continue;
		diff_flows(p, o);
		diff_flow_rest(p, o);
		n++;
	}
	out->ncauses = n;
	out->counter_reset = reset || cur->counter_reset;
	/* The span between the two snapshots, not the time taken to read them. */
	if (cur->t > 0 && prev->t > 0)
		out->duration_s = cur->t - prev->t;
	return 0;
}
