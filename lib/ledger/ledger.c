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
#include "rss/rss_report.h"
#include "verdict/verdict_context.h"

/* All dropped flows of one cause before the top-N cut. */
struct flow_acc {
	struct dl_ledger_flow *v;
	unsigned int n, cap;
};

struct collect {
	struct dl_ledger *l;
	struct flow_acc *acc;	/* parallel to l->causes */
	unsigned int cap;
};

static struct dl_ledger_cause *cause_get(struct collect *c, uint32_t reason,
					 uint64_t location, bool tx)
{
	struct dl_ledger *l = c->l;
	unsigned int i;

	for (i = 0; i < l->ncauses; i++)
		if (l->causes[i].reason == reason && l->causes[i].location == location &&
		    l->causes[i].tx == tx)
			return &l->causes[i];
	if (l->ncauses == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 16;
		struct dl_ledger_cause *nc = realloc(l->causes, cap * sizeof(*nc));
		struct flow_acc *na;

		if (!nc)
			return NULL;
		l->causes = nc;
		na = realloc(c->acc, cap * sizeof(*na));
		if (!na)
			return NULL;
		c->acc = na;
		c->cap = cap;
	}
	memset(&l->causes[l->ncauses], 0, sizeof(l->causes[0]));
	memset(&c->acc[l->ncauses], 0, sizeof(c->acc[0]));
	l->causes[l->ncauses].reason = reason;
	l->causes[l->ncauses].location = location;
	l->causes[l->ncauses].tx = tx;
	return &l->causes[l->ncauses++];
}

static int add_flow(struct flow_acc *a, const struct dl_flow *flow, uint64_t count)
{
	unsigned int i;

	for (i = 0; i < a->n; i++) {
		if (!memcmp(&a->v[i].flow, flow, sizeof(*flow))) {
			a->v[i].count += count;
			return 0;
		}
	}
	if (a->n == a->cap) {
		unsigned int cap = a->cap ? a->cap * 2 : 8;
		struct dl_ledger_flow *nv = realloc(a->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		a->v = nv;
		a->cap = cap;
	}
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	a->v[a->n].flow = *flow;
	a->v[a->n].count = count;
	a->n++;
	return 0;
}

static int on_drop(const struct dl_drop_key *k, uint64_t count,
		   const struct dl_flow *flow, void *ctx)
{
	struct collect *c = ctx;
	bool tx = k->rxq == DL_RXQ_TX;
	struct dl_ledger_cause *cause = cause_get(c, k->reason, k->location, tx);
	unsigned int q = k->rxq < DL_MAX_QUEUES ? k->rxq : DL_Q_UNKNOWN;

	if (!cause)
		return -ENOMEM;
	cause->count += count;
	if (flow && add_flow(&c->acc[cause - c->l->causes], flow, count))
		return -ENOMEM;
	/* Transmit-side drops are not arrivals: kept out of the rx equation. */
	if (tx) {
		c->l->tx_dropped += count;
		return 0;
	}
	cause->queues[q] += count;
	c->l->stack_dropped += count;
	if (q != DL_Q_UNKNOWN)
		c->l->q[q].stack_dropped += count;
	return 0;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct dl_ledger_flow *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static int cause_cmp(const void *a, const void *b)
{
	const struct dl_ledger_cause *x = a, *y = b;

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

/* Reason name, location, rule, and the rendered summary/advice of a cause. */
static void name_cause(struct dl_ledger *l, struct dl_ledger_cause *c,
		       const struct dl_ledger_names *nm, const struct dl_vctx *vctx)
{
	char flow[128] = "?", dport[16] = "?", src[64] = "", dst[64] = "",
	     proto[16] = "?", et[80] = "?", queue[16] = "?";
	const char *rn = dl_reasons__name(nm->reasons, c->reason);
	struct dl_cause_ctx ctx = {};
	struct dl_cause_rule rule;
	const char *fn_reason, *fn_note;
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
	if (c->nflows) {
		const struct dl_flow *f = &c->flows[0].flow;

		dl_flow__str(f, flow, sizeof(flow));
		snprintf(proto, sizeof(proto), "%s",
			 dl_flow__proto_name(f, et, sizeof(et)));
		snprintf(dport, sizeof(dport), "%u", dl_flow__dport(f));
		dl_flow__addr_str(f, true, src, sizeof(src));
		dl_flow__addr_str(f, false, dst, sizeof(dst));
		ethertype_desc(ntohs(f->l3proto), et, sizeof(et));
	}
	ctx = (struct dl_cause_ctx){
		.iface = l->ifname, .queue = queue, .flow = flow, .dport = dport,
		.dst = dst[0] ? dst : "?", .src = src[0] ? src : "?", .proto = proto,
		.ethertype = et, .location = c->location_str, .reason = c->reason_name,
	};
	/*
	 * No specific reason from the kernel: the dropping function usually
	 * tells (udp_destruct_common: the socket closed with data queued).
	 */
	if (!strcmp(c->reason_name, "NOT_SPECIFIED") &&
	    !dl_causes__function(nm->causes, c->function, &fn_reason, &fn_note))
		dl_causes__lookup(nm->causes, fn_reason, &rule);
	else
		dl_causes__lookup(nm->causes, c->reason_name, &rule);
	c->category = rule.category;
	c->group = rule.group;
	dl_causes__render(rule.summary, &ctx, c->summary, sizeof(c->summary));
	dl_causes__render(rule.advice, &ctx, c->advice, sizeof(c->advice));
	/* The host's state (memberships, rp_filter, routes) can say more. */
	dl_vctx__refine(vctx, c->reason_name, c->function,
			c->nflows ? &c->flows[0].flow : NULL,
			c->summary, sizeof(c->summary), c->advice, sizeof(c->advice));
}

int dl_ledger__collect(struct dl_ledger *l, const struct dl_rxq_stats *rxq,
		       const struct dl_drop_trace *dt,
		       const struct dl_ledger_names *names)
{
	uint64_t stats[DL_DS_MAX] = {}, consumed[DL_MAX_QUEUES + 2] = {};
	struct collect c = { .l = l };
	struct dl_vctx *vctx = NULL;
	unsigned int q, i, maxq = 0;
	int err;

	for (q = 0; q < DL_MAX_QUEUES; q++) {
		l->q[q].arrived = rxq[q].frames;
		l->q[q].bytes = rxq[q].bytes;
		l->q[q].malformed = rxq[q].malformed;
		l->xdp_seen += rxq[q].frames;
		l->malformed += rxq[q].malformed;
		if (rxq[q].frames)
			maxq = q + 1;
	}
	l->queue_overflow = rxq[DL_MAX_QUEUES].frames;
	l->xdp_seen += l->queue_overflow;
	l->nqueues = dl_sysfs__rx_queues(l->ifname);
	if (l->nqueues > DL_MAX_QUEUES)
		l->nqueues = DL_MAX_QUEUES;
	if (l->nqueues < maxq)
		l->nqueues = maxq;

	if (dt) {
		err = dl_drop_trace__for_each_drop(dt, on_drop, &c);
		if (!err)
			err = dl_drop_trace__stats(dt, stats);
		if (!err)
			err = dl_drop_trace__consumed(dt, consumed);
		if (err)
			goto out;
	}
	for (q = 0; q < DL_MAX_QUEUES; q++) {
		l->q[q].delivered = consumed[q];
		l->delivered += consumed[q];
	}
	l->delivered += consumed[DL_MAX_QUEUES] + consumed[DL_MAX_QUEUES + 1];
	l->delivered_unknown_q = consumed[DL_MAX_QUEUES + 1];
	l->delivered_udp = stats[DL_DS_CONSUMED_UDP];
	l->records_lost = stats[DL_DS_KEY_FULL];
	l->unattributed = stats[DL_DS_NO_NETNS];
	/* Lost drop events are drops too: count them so they are not residual. */
	l->stack_dropped += l->records_lost;
	l->residual = (int64_t)l->xdp_seen - (int64_t)l->stack_dropped -
		      (int64_t)l->delivered;

	/* Gathered here: collect runs in the watched namespace, at interval end. */
	if (l->ncauses)
		vctx = dl_vctx__gather(l->ifname, l->ifindex);
	for (i = 0; i < l->ncauses; i++) {
		struct dl_ledger_cause *cause = &l->causes[i];
		struct flow_acc *a = &c.acc[i];
		unsigned int k;

		cause->nflows = a->n < DL_TOP_FLOWS ? a->n : DL_TOP_FLOWS;
		if (a->n) {	/* a->v is NULL when empty: no qsort/memcpy on it */
			qsort(a->v, a->n, sizeof(*a->v), flow_cmp);
			memcpy(cause->flows, a->v, cause->nflows * sizeof(*a->v));
		}
		for (k = 0; names->flow_map_fd >= 0 && k < cause->nflows; k++) {
			struct dl_flow_info fi;
			__u32 h = dl_flow__hash(&cause->flows[k].flow);

			/* Table plus what dl_ingress's per-CPU cache still holds. */
			if (!dl_flow_info__lookup(names->flow_map_fd, h, &fi)) {
				cause->flows[k].arrived.v = fi.packets;
				cause->flows[k].arrived.have = true;
			}
		}
		name_cause(l, cause, names, vctx);
	}
	dl_vctx__free(vctx);
	if (l->ncauses)	/* qsort(NULL, 0) is undefined (UBSan) */
		qsort(l->causes, l->ncauses, sizeof(*l->causes), cause_cmp);
	err = 0;
out:
	for (i = 0; i < l->ncauses; i++)
		free(c.acc[i].v);
	free(c.acc);
	return err;
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
