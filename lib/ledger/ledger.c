// SPDX-License-Identifier: GPL-2.0-only
/* Building the ledger from the BPF maps; see ledger.h. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "fastpath/flow_cache.h"
#include "counters/sysfs_stats.h"
#include "verdict/causes.h"
#include "trace/drop_reasons.h"
#include "trace/drop_trace.h"
#include "fastpath/flow.h"
#include "trace/ksyms.h"
#include "ledger/ledger.h"
#include "counters/nic_counters.h"
#include "counters/nic_delta.h"
#include "rss/rss_report.h"
#include "verdict/verdict.h"
#include "verdict/verdict_context.h"

/*
 * b - a for a cumulative count. A count below its previous value means
 * the maps were reset: what was counted since is b, taken as such and
 * flagged; never a negative or a wrapped number.
 */
static uint64_t span(uint64_t a, uint64_t b, bool *reset)
{
	if (b >= a)
		return b - a;
	*reset = true;
	return b;
}

static unsigned int qslot(uint32_t rxq)
{
	return rxq < DL_MAX_QUEUES ? rxq : DL_Q_UNKNOWN;
}

static struct dl_ledger_cause *cause_find(struct dl_ledger *l, uint32_t reason,
					  uint64_t location, bool tx)
{
	unsigned int i;

	for (i = 0; i < l->ncauses; i++)
		if (l->causes[i].reason == reason && l->causes[i].location == location &&
		    l->causes[i].tx == tx)
			return &l->causes[i];
	return NULL;
}

/* Per-(cause, queue) counts of a snapshot, in @l's cause order. */
static int cause_counts(struct dl_ledger *l, const struct dl_snapshot *s,
			unsigned int *cap, bool add_new, uint64_t (*cnt)[DL_MAX_QUEUES + 1],
			uint64_t (**cntp)[DL_MAX_QUEUES + 1])
{
	unsigned int i;

	for (i = 0; s && i < s->ncauses; i++) {
		const struct dl_snap_cause *sc = &s->causes[i];
		bool tx = sc->rxq == DL_RXQ_TX;
		struct dl_ledger_cause *c = cause_find(l, sc->reason, sc->location, tx);

		if (!c && !add_new)
			continue;	/* gone in @b: the maps were reset */
		if (!c) {
			if (l->ncauses == *cap) {
				unsigned int nc = *cap ? *cap * 2 : 16;
				struct dl_ledger_cause *v = realloc(l->causes, nc * sizeof(*v));
				uint64_t (*w)[DL_MAX_QUEUES + 1];

				if (!v)
					return -ENOMEM;
				l->causes = v;
				w = realloc(*cntp, nc * sizeof(*w));
				if (!w)
					return -ENOMEM;
				*cntp = w;
				*cap = nc;
			}
			c = &l->causes[l->ncauses];
			memset(c, 0, sizeof(*c));
			memset((*cntp)[l->ncauses], 0, sizeof((*cntp)[0]));
			c->reason = sc->reason;
			c->location = sc->location;
			c->tx = tx;
			l->ncauses++;
		}
		cnt = *cntp;
		cnt[c - l->causes][qslot(sc->rxq)] += sc->count;
	}
	return 0;
}

static const struct dl_snap_flowsum *flowsum_find(const struct dl_snapshot *s,
						  const struct dl_ledger_cause *c)
{
	unsigned int i;

	for (i = 0; s && i < s->nflowsums; i++)
		if (s->flowsums[i].reason == c->reason &&
		    s->flowsums[i].location == c->location && s->flowsums[i].tx == c->tx)
			return &s->flowsums[i];
	return NULL;
}

static const struct dl_snap_flow *flow_find(const struct dl_snapshot *s,
					    const struct dl_snap_flow *f)
{
	unsigned int i;

	for (i = 0; s && i < s->nflows; i++)
		if (s->flows[i].reason == f->reason && s->flows[i].location == f->location &&
		    s->flows[i].tx == f->tx &&
		    !memcmp(&s->flows[i].flow, &f->flow, sizeof(f->flow)))
			return &s->flows[i];
	return NULL;
}

static int flow_cmp(const void *a, const void *b);

/* Top flows of cause @c over the span, and what they leave out. */
static void cause_flows(struct dl_ledger_cause *c, const struct dl_snapshot *a,
			const struct dl_snapshot *b, bool *reset)
{
	const struct dl_snap_flowsum *fa = flowsum_find(a, c), *fb = flowsum_find(b, c);
	struct dl_ledger_flow top[DL_SNAP_TOP_FLOWS];
	uint64_t listed = 0, slotted;
	unsigned int i, n = 0;

	if (!b->has_flows)
		return;
	for (i = 0; i < b->nflows && n < DL_SNAP_TOP_FLOWS; i++) {
		const struct dl_snap_flow *f = &b->flows[i], *p;

		if (f->reason != c->reason || f->location != c->location || f->tx != c->tx)
			continue;
		p = flow_find(a, f);
		top[n] = (struct dl_ledger_flow){ .flow = f->flow, .arrived = f->arrived };
		top[n].count = p ? span(p->count, f->count, reset) : f->count;
		if (p && f->arrived.have && p->arrived.have)
			top[n].arrived.v = span(p->arrived.v, f->arrived.v, reset);
		if (top[n].count)
			n++;
	}
	qsort(top, n, sizeof(top[0]), flow_cmp);
	c->nflows = n < DL_TOP_FLOWS ? n : DL_TOP_FLOWS;
	memcpy(c->flows, top, c->nflows * sizeof(top[0]));
	for (i = 0; i < c->nflows; i++)
		listed += c->flows[i].count;
	slotted = fb ? (fa ? span(fa->count, fb->count, reset) : fb->count) : 0;
	/* Flow slots never hold more than the exact cause count. */
	if (slotted > c->count)
		slotted = c->count;
	if (listed > slotted)
		listed = slotted;
	c->flows_other = (struct dl_opt){ .v = c->count - listed, .have = true };
	c->flows_untracked = (struct dl_opt){ .v = c->count - slotted, .have = true };
	if (fb)
		c->flows_distinct = (struct dl_opt){ .v = fb->nflows, .have = true };
}

int dl_ledger__compute(const struct dl_snapshot *a, const struct dl_snapshot *b,
		       struct dl_ledger *l)
{
	uint64_t (*cnt)[DL_MAX_QUEUES + 1] = NULL, (*prev)[DL_MAX_QUEUES + 1] = NULL;
	unsigned int q, i, cap = 0, pcap;
	bool reset = false;
	int err;

	l->causes = NULL;
	l->ncauses = 0;
	l->xdp_seen = l->malformed = l->stack_dropped = l->delivered = 0;
	memset(l->q, 0, sizeof(l->q));
	for (q = 0; q < DL_MAX_QUEUES; q++) {
		l->q[q].arrived = span(a ? a->frames[q] : 0, b->frames[q], &reset);
		l->q[q].bytes = span(a ? a->bytes[q] : 0, b->bytes[q], &reset);
		l->q[q].malformed = span(a ? a->malformed[q] : 0, b->malformed[q], &reset);
		l->q[q].delivered = span(a ? a->consumed[q] : 0, b->consumed[q], &reset);
		l->xdp_seen += l->q[q].arrived;
		l->malformed += l->q[q].malformed;
		l->delivered += l->q[q].delivered;
	}
	l->queue_overflow = span(a ? a->frames[DL_MAX_QUEUES] : 0, b->frames[DL_MAX_QUEUES],
				 &reset);
	l->xdp_seen += l->queue_overflow;
	l->delivered_unknown_q = span(a ? a->consumed[DL_MAX_QUEUES + 1] : 0,
				      b->consumed[DL_MAX_QUEUES + 1], &reset);
	l->delivered += span(a ? a->consumed[DL_MAX_QUEUES] : 0, b->consumed[DL_MAX_QUEUES],
			     &reset) + l->delivered_unknown_q;
#define STAT(i) span(a ? a->stats[i] : 0, b->stats[i], &reset)
	l->delivered_udp = STAT(DL_DS_CONSUMED_UDP);
	l->records_lost = STAT(DL_DS_REASON_LOST);
	l->location_lost = STAT(DL_DS_KEY_FULL);
	l->flows_untracked = STAT(DL_DS_FLOW_FULL);
	l->unattributed = STAT(DL_DS_NO_NETNS);
#undef STAT
	l->nqueues = b->nqueues;

	/* Causes: @b's counts per queue, minus @a's where @a had them. */
	err = cause_counts(l, b, &cap, true, NULL, &cnt);
	if (err)
		goto out;
	pcap = cap;
	prev = calloc(pcap ? pcap : 1, sizeof(*prev));
	if (!prev) {
		err = -ENOMEM;
		goto out;
	}
	if (a) {
		err = cause_counts(l, a, &cap, false, prev, &prev);
		if (err)
			goto out;
	}
	l->tx_dropped = 0;
	for (i = 0; i < l->ncauses; i++) {
		struct dl_ledger_cause *c = &l->causes[i];

		c->count = 0;
		for (q = 0; q <= DL_MAX_QUEUES; q++) {
			c->queues[q] = span(prev[i][q], cnt[i][q], &reset);
			c->count += c->queues[q];
		}
		/* Transmit-side drops are not arrivals: kept out of the rx equation. */
		if (c->tx) {
			l->tx_dropped += c->count;
			memset(c->queues, 0, sizeof(c->queues));
			continue;
		}
		l->stack_dropped += c->count;
		for (q = 0; q < DL_MAX_QUEUES; q++)
			l->q[q].stack_dropped += c->queues[q];
	}
	/* Causes with nothing in this span are not shown. */
	for (i = 0, q = 0; i < l->ncauses; i++)
		if (l->causes[i].count)
			l->causes[q++] = l->causes[i];
	l->ncauses = q;
	for (i = 0; i < l->ncauses; i++)
		cause_flows(&l->causes[i], a, b, &reset);
	/* A drop whose reason was lost is a drop still: not residual. */
	l->stack_dropped += l->records_lost;
	l->residual = (int64_t)l->xdp_seen - (int64_t)l->stack_dropped -
		      (int64_t)l->delivered;
	l->counter_reset = reset;
	l->t = b->t;
	if (a)
		l->duration_s = b->t - a->t;
	err = 0;
out:
	free(cnt);
	free(prev);
	if (err) {
		free(l->causes);
		l->causes = NULL;
		l->ncauses = 0;
	}
	return err;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct dl_ledger_flow *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static int cause_cmp(const void *a, const void *b)
{
	const struct dl_ledger_cause *x = a, *y = b;
	bool ex = x->category && !strcmp(x->category, "expected");
	bool ey = y->category && !strcmp(y->category, "expected");

	/* Background every host drops comes after the real problems. */
	if (ex != ey)
		return ex ? 1 : -1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->reason_name, y->reason_name);
}

static const char *ethertype_desc(unsigned int et, char *buf, size_t len)
{
	const char *name = et == 0x88cc ? "LLDP" : et == 0x8809 ? "LACP/slow protocols" :
			   et == 0x0806 ? "ARP" : et == 0x88e5 ? "MACsec" :
			   et == 0x8892 ? "PROFINET" : et == 0x88f7 ? "PTP" : NULL;

	if (et < 0x0600)
		snprintf(buf, len, "none (802.3 length field: STP BPDU or other LLC frame)");
	else if (name)
		snprintf(buf, len, "0x%04x (%s)", et, name);
	else
		snprintf(buf, len, "0x%04x", et);
	return buf;
}

static bool same_object(const struct dl_flow *a, const struct dl_flow *b)
{
	char x[64], y[64];

	if (a->l3proto != b->l3proto || a->l4proto != b->l4proto ||
	    dl_flow__dport(a) != dl_flow__dport(b))
		return false;
	dl_flow__addr_str(a, false, x, sizeof(x));
	dl_flow__addr_str(b, false, y, sizeof(y));
	return !strcmp(x, y);
}

void dl_ledger__note_flows(const struct dl_ledger_cause *c, char *summary, size_t len)
{
	const struct dl_flow *top = &c->flows[0].flow;
	size_t o = strlen(summary);
	unsigned int i, k = 0;
	char f[128];

	for (i = 1; i < c->nflows; i++)
		k += !same_object(top, &c->flows[i].flow);
	if (!k || o + 1 >= len)
		return;
	/*
	 * No counts: a report names causes on the cumulative ledger before
	 * the baseline is taken off; the flows list carries the run's counts.
	 */
	o += snprintf(summary + o, len - o, "; that names the top flow; the cause also has");
	for (i = 1, k = 0; i < c->nflows && o < len; i++) {
		if (same_object(top, &c->flows[i].flow))
			continue;
		dl_flow__str(&c->flows[i].flow, f, sizeof(f));
		o += snprintf(summary + o, len - o, "%s %s", k++ ? "," : "", f);
	}
}

/* Reason name, location, rule, and the rendered summary/advice of a cause. */
static void name_cause(struct dl_ledger *l, struct dl_ledger_cause *c,
		       const struct dl_ledger_names *nm, const struct dl_vctx *vctx)
{
	char et[80] = "?", queue[16] = "?";
	const struct dl_flow *f = c->nflows ? &c->flows[0].flow : NULL;
	struct dl_flow_text ft;
	const char *rn = dl_reasons__name(nm->reasons, c->reason);
	struct dl_cause_ctx ctx = {};
	struct dl_cause_rule rule;
	char *plus;
	unsigned int q, hot = DL_MAX_QUEUES + 1;

	if (rn)
		snprintf(c->reason_name, sizeof(c->reason_name), "%s", rn);
	else
		snprintf(c->reason_name, sizeof(c->reason_name), "REASON_%u", c->reason);
	dl_ksyms__format(nm->ksyms, c->location, c->location_str, sizeof(c->location_str));
	snprintf(c->function, sizeof(c->function), "%s", c->location_str);
	plus = strchr(c->function, '+');
	if (plus)
		*plus = '\0';

	for (q = 0; q <= DL_MAX_QUEUES; q++)
		if (c->queues[q] && (hot > DL_MAX_QUEUES || c->queues[q] > c->queues[hot]))
			hot = q;
	if (hot < DL_MAX_QUEUES)
		snprintf(queue, sizeof(queue), "%u", hot);
	dl_flow__text(f, &ft);
	if (f)
		ethertype_desc(ntohs(f->l3proto), et, sizeof(et));
	ctx = (struct dl_cause_ctx){
		.iface = l->ifname, .queue = queue, .flow = ft.flow, .dport = ft.dport,
		.dst = ft.dst[0] ? ft.dst : "?", .src = ft.src[0] ? ft.src : "?",
		.proto = ft.proto, .ethertype = et, .location = c->location_str,
		.reason = c->reason_name,
	};
	/* The tables and the host's state (memberships, sysctls, routes). */
	dl_verdict__explain(nm->causes, vctx, c->reason_name, c->function, f, &ctx, &rule,
			    c->summary, sizeof(c->summary), c->advice, sizeof(c->advice));
	if (c->nflows)
		dl_ledger__note_flows(c, c->summary, sizeof(c->summary));
	c->category = rule.category;
	c->group = rule.group;
}

void dl_ledger__name(struct dl_ledger *l, const struct dl_ledger_names *names)
{
	struct dl_vctx *vctx = NULL;
	unsigned int i;

	/* Gathered here: the verdict pass runs in the watched namespace. */
	if (l->ncauses)
		vctx = dl_vctx__gather(l->ifname, l->ifindex);
	for (i = 0; i < l->ncauses; i++)
		name_cause(l, &l->causes[i], names, vctx);
	dl_vctx__free(vctx);
	if (l->ncauses)
		qsort(l->causes, l->ncauses, sizeof(*l->causes), cause_cmp);
}

int dl_ledger__collect(struct dl_ledger *l, const struct dl_rxq_stats *rxq,
		       const struct dl_drop_trace *dt,
		       const struct dl_ledger_names *names)
{
	struct dl_snapshot_src src = {
		.ifname = l->ifname, .rxq_map_fd = -1, .rxq = rxq, .dt = dt,
		.flow_map_fd = names->flow_map_fd,
	};
	struct dl_snapshot s;
	int err;

	err = dl_snapshot__take(&s, &src);
	if (err)
		return err;
	err = dl_ledger__compute(NULL, &s, l);
	dl_snapshot__free(&s);
	return err;
}

int dl_ledger__copy_plain(struct dl_ledger *dst, const struct dl_ledger *src)
{
	*dst = *src;
	dst->nic = NULL;
	dst->xchecks = NULL;
	dst->nxchecks = 0;
	dst->cpus = NULL;
	dst->ncpus = 0;
	dst->rss = NULL;
	dst->causes = calloc(src->ncauses ? src->ncauses : 1, sizeof(*dst->causes));
	if (!dst->causes) {
		dst->ncauses = 0;
		return -ENOMEM;
	}
	return 0;
}

int dl_ledger__copy(struct dl_ledger *dst, const struct dl_ledger *src)
{
	int err = dl_ledger__copy_plain(dst, src);

	if (!err)
		memcpy(dst->causes, src->causes, src->ncauses * sizeof(*dst->causes));
	return err;
}

struct dl_ledger_cause *dl_ledger__add_cause(struct dl_ledger *l)
{
	struct dl_ledger_cause *nc = realloc(l->causes, (l->ncauses + 1) * sizeof(*nc));

	if (!nc)
		return NULL;
	l->causes = nc;
	nc = &l->causes[l->ncauses++];
	memset(nc, 0, sizeof(*nc));
	return nc;
}

void dl_ledger__free(struct dl_ledger *l)
{
	dl_rss_report__free(l->rss);
	l->rss = NULL;
	dl_nic__delta_free(l->nic);
	l->nic = NULL;
	free(l->xchecks);
	l->xchecks = NULL;
	free(l->cpus);
	l->cpus = NULL;
	free(l->causes);
	l->causes = NULL;
	l->ncauses = 0;
}
