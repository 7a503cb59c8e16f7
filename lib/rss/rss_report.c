// SPDX-License-Identifier: GPL-2.0-only
/*
 * Build the rss section; see rss_report.h. Queue skew comes from the XDP
 * arrivals, the flows behind each queue from the per-(flow, queue) counts
 * through one Space-Saving summary per queue, CPU pressure from the
 * softnet_stat delta. Printing lives in rss_report_print.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath/flow.h"
#include "rss/rss_report.h"
#include "util/sbuf.h"
#include "verdict/advice_rules.h"
#include "rss/topk.h"

#define DEF_HOT_FACTOR 1.5
#define DEF_MIN_TOTAL 1000
#define DEF_ELEPHANT 0.5
#define DEF_TOP 3
#define TOPK_K 64		/* exact while a queue has at most 64 flows */


int dl_rss_report__format_flow(const struct dl_flow *f, char *buf, size_t len)
{
	char p[16], s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *proto = dl_flow__proto_name(f, p, sizeof(p));
	bool v6 = f->l3proto == htons(0x86dd);

	dl_flow__addr_str(f, true, s, sizeof(s));
	dl_flow__addr_str(f, false, d, sizeof(d));
	if (!s[0])
		return snprintf(buf, len, "%s", proto);
	if ((f->l4proto == 6 || f->l4proto == 17 || f->l4proto == 132) && !f->frag)
		return snprintf(buf, len, v6 ? "[%s]:%u -> [%s]:%u %s" : "%s:%u -> %s:%u %s",
				s, dl_flow__sport(f), d, dl_flow__dport(f), proto);
	return snprintf(buf, len, "%s -> %s %s", s, d, proto);
}

static void fill_opts(struct dl_rss_opts *o, const struct dl_rss_opts *in)
{
	o->hot_factor = in && in->hot_factor > 0 ? in->hot_factor : DEF_HOT_FACTOR;
	o->min_total = in && in->min_total ? in->min_total : DEF_MIN_TOTAL;
	o->elephant_share = in && in->elephant_share > 0 ? in->elephant_share : DEF_ELEPHANT;
	o->top_flows = in && in->top_flows ? in->top_flows : DEF_TOP;
	if (o->top_flows > DL_RSS_TOP)
		o->top_flows = DL_RSS_TOP;
}

static __u32 queue_count(const struct dl_rss_input *in)
{
	__u32 nq = in->nr_queues, q;
	size_t i;

	if (!nq) {
		for (q = 0; q < in->nr_arrived; q++)
			if (in->arrived[q])
				nq = q + 1;
		for (i = 0; i < in->nr_flows; i++)
			if (in->flows[i].rxq >= nq && in->flows[i].rxq < DL_MAX_QUEUES)
				nq = in->flows[i].rxq + 1;
	}
	if (!nq)
		nq = 1;
	return nq > DL_MAX_QUEUES ? DL_MAX_QUEUES : nq;
}

/* One Space-Saving summary per queue over that queue's flows. */
static int queue_flows(struct dl_rss_report *r, const struct dl_rss_input *in)
{
	struct dl_topk *tk[DL_MAX_QUEUES] = {};
	struct dl_topk_entry top[DL_RSS_TOP];
	int err = 0, n, i;
	__u64 total = r->skew.total;
	size_t j;
	__u32 q;

	for (q = 0; q < r->nr_queues; q++) {
		tk[q] = dl_topk__new(TOPK_K);
		if (!tk[q]) {
			err = -ENOMEM;
			goto out;
		}
	}
	for (j = 0; j < in->nr_flows; j++) {
		const struct dl_flow_q_entry *e = &in->flows[j];
		struct dl_rss_queue *rq;

		if (e->rxq >= r->nr_queues || !e->v.packets)
			continue;
		rq = &r->queues[e->rxq];
		rq->cpus |= e->v.cpus;
		rq->nr_flows++;
		r->flow_packets += e->v.packets;
		dl_topk__add(tk[e->rxq], e->hash, &e->v.flow, e->v.packets, e->v.bytes);
	}
	for (q = 0; q < r->nr_queues; q++) {
		struct dl_rss_queue *rq = &r->queues[q];

		n = dl_topk__list(tk[q], top, r->opts.top_flows);
		if (n < 0) {
			err = n;
			goto out;
		}
		for (i = 0; i < n; i++) {
			struct dl_rss_flow *f = &rq->top[i];

			f->flow = top[i].flow;
			f->hash = top[i].hash;
			f->packets = top[i].packets;
			f->packets_error = top[i].packets_error;
			f->bytes = top[i].bytes;
			f->share_of_queue = rq->packets ? (double)f->packets / rq->packets : NAN;
			f->share_of_total = total ? (double)f->packets / total : NAN;
		}
		rq->nr_top = n;
		rq->elephant = rq->hot && n &&
			       rq->top[0].share_of_queue >= r->opts.elephant_share;
		r->nr_elephants += rq->elephant;
	}
out:
	for (q = 0; q < r->nr_queues; q++)
		dl_topk__free(tk[q]);
	return err;
}

static const struct dl_softnet_cpu *softnet_row(const struct dl_softnet *s, unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < s->nr_cpus; i++)
		if (s->cpu[i].cpu == cpu)
			return &s->cpu[i];
	return NULL;
}

/* The file prints 32-bit counters: a delta is taken modulo 2^32. */
static bool col_delta(const struct dl_softnet_cpu *a, const struct dl_softnet_cpu *b,
		      enum dl_softnet_col c, __u64 *out)
{
	__u32 bit = 1u << c;

	if (!(a->have & bit) || !(b->have & bit))
		return false;
	*out = (__u32)(b->v[c] - a->v[c]);
	return true;
}

static int softnet_delta(struct dl_rss_report *r, const struct dl_rss_input *in)
{
	const struct dl_softnet *a = in->softnet_before, *b = in->softnet_after;
	struct dl_skew_softnet *sk;
	unsigned int i;
	int err;

	r->cpus = calloc(b->nr_cpus ? b->nr_cpus : 1, sizeof(*r->cpus));
	sk = calloc(b->nr_cpus ? b->nr_cpus : 1, sizeof(*sk));
	if (!r->cpus || !sk) {
		free(sk);
		return -ENOMEM;
	}
	for (i = 0; i < b->nr_cpus; i++) {
		const struct dl_softnet_cpu *after = &b->cpu[i];
		const struct dl_softnet_cpu *before = softnet_row(a, after->cpu);
		struct dl_rss_cpu *c = &r->cpus[r->nr_cpus];

		/* A CPU that came online during the interval has no start. */
		if (!before) {
			r->softnet_reset = true;
			continue;
		}
		c->cpu = after->cpu;
		col_delta(before, after, DL_SOFTNET_PROCESSED, &c->processed);
		c->has_dropped = col_delta(before, after, DL_SOFTNET_DROPPED, &c->dropped);
		c->has_time_squeeze = col_delta(before, after, DL_SOFTNET_TIME_SQUEEZE,
						&c->time_squeeze);
		sk[r->nr_cpus].cpu = c->cpu;
		sk[r->nr_cpus].processed = c->processed;
		sk[r->nr_cpus].dropped = c->dropped;
		sk[r->nr_cpus].time_squeeze = c->time_squeeze;
		sk[r->nr_cpus].has_dropped = c->has_dropped;
		sk[r->nr_cpus].has_time_squeeze = c->has_time_squeeze;
		r->nr_cpus++;
	}
	if (a->nr_cpus > r->nr_cpus)
		r->softnet_reset = true;
	r->has_softnet = r->nr_cpus > 0;
	err = 0;
	if (r->has_softnet) {
		struct dl_skew_opts so = { r->opts.hot_factor, r->opts.min_total };

		err = dl_skew__softnet(sk, r->nr_cpus, &so, &r->cpu_skew);
	}
	free(sk);
	return err;
}

static const char *const kind_names[] = {
	[DL_RSS_NO_TRAFFIC] = "no_traffic",
	[DL_RSS_SINGLE_QUEUE] = "single_queue",
	[DL_RSS_TOO_FEW] = "too_few",
	[DL_RSS_EVEN] = "even",
	[DL_RSS_SKEW] = "skew",
	[DL_RSS_ELEPHANT] = "elephant",
};

static void pct(char *buf, size_t len, double share)
{
	double p = share * 100.0;

	/* "0.4%" reads better than "0%" for a small but present share. */
	snprintf(buf, len, p > 0 && p < 1 ? "%.1f%%" : "%.0f%%", p);
}

/* "queue 2 holds 81% of traffic, 92% of it is one flow A -> B udp" */
static void hot_summary(struct dl_rss_report *r, struct dl_sbuf *s)
{
	struct dl_rss_verdict *v = &r->verdict;
	char share[16], ft[160];
	__u32 i;

	pct(share, sizeof(share), r->skew.hot_share);
	if (v->nr_queues == 1) {
		dl_sbuf__printf(s, "queue %u holds %s of traffic", v->queues[0], share);
	} else {
		dl_sbuf__printf(s, "queues ");
		for (i = 0; i < v->nr_queues; i++)
			dl_sbuf__printf(s, "%s%u", i ? ", " : "", v->queues[i]);
		if (r->skew.nr_hot > v->nr_queues)
			dl_sbuf__printf(s, " (+%u more)", r->skew.nr_hot - v->nr_queues);
		dl_sbuf__printf(s, " hold %s of traffic", share);
	}
	for (i = 0; i < v->nr_queues; i++) {
		const struct dl_rss_queue *q = &r->queues[v->queues[i]];
		const char *sep = v->nr_queues == 1 ? ", " : "; ";

		if (q->elephant) {
			dl_rss_report__format_flow(&q->top[0].flow, ft, sizeof(ft));
			pct(share, sizeof(share), q->top[0].share_of_queue);
			if (v->nr_queues == 1)
				dl_sbuf__printf(s, "%s%s of it is one flow %s", sep, share, ft);
			else
				dl_sbuf__printf(s, "%squeue %u: %s of it is one flow %s", sep,
					  q->queue, share, ft);
		} else if (r->has_flows && q->nr_flows && v->nr_queues == 1) {
			pct(share, sizeof(share), q->top[0].share_of_queue);
			dl_sbuf__printf(s, "%sspread over %u flows (biggest %s)", sep, q->nr_flows,
				  share);
		}
	}
	dl_sbuf__printf(s, " (%u queues, fair share %.0f%%, Jain %.2f)", r->nr_queues,
		  100.0 / r->nr_queues, r->skew.jain);
}

static void cpu_summary(struct dl_rss_report *r, struct dl_sbuf *s)
{
	const struct dl_cpu_skew *c = &r->cpu_skew;
	__u64 worst = 0;
	__u32 i;

	if (!r->has_softnet)
		return;
	for (i = 0; i < r->nr_cpus; i++)
		if (r->cpus[i].cpu == c->most_squeezed)
			worst = r->cpus[i].time_squeeze;
	if (c->nr_squeezed)
		dl_sbuf__printf(s, "; time_squeeze on %u cpu%s (most on cpu %u: %llu)",
			  c->nr_squeezed, c->nr_squeezed > 1 ? "s" : "", c->most_squeezed,
			  (unsigned long long)worst);
	if (c->dropped)
		dl_sbuf__printf(s, "; %llu packets dropped at a full CPU backlog",
			  (unsigned long long)c->dropped);
}

/*
 * The advice is rows of config/advice.tsv keyed "rss": this names what they
 * read (the verdict kind, the elephant's queue, whether hot queues also
 * carry spreadable traffic, CPU budget and backlog trouble).
 */
static void advise(struct dl_rss_report *r)
{
	const struct dl_advice *rules = dl_advice__shipped();
	struct dl_rss_verdict *v = &r->verdict;
	struct dl_advice_ctx c = { 0 };
	bool spread_too = false;
	__u32 i, q = v->nr_queues ? v->queues[0] : 0;

	for (i = 0; i < v->nr_queues; i++)
		if (!r->queues[v->queues[i]].elephant)
			spread_too = true;
	for (i = 0; i < v->nr_queues; i++)
		if (r->queues[v->queues[i]].elephant) {
			q = v->queues[i];
			break;
		}
	dl_advice_ctx__set(&c, "iface", "%s", r->ifname);
	dl_advice_ctx__set(&c, "kind", "%s", v->kind_name);
	dl_advice_ctx__set(&c, "queue", "%u", q);
	dl_advice_ctx__set(&c, "nr_queues", "%u", r->nr_queues);
	dl_advice_ctx__set(&c, "spread_too", "%d", spread_too);
	dl_advice_ctx__set(&c, "squeezed", "%u",
			   r->has_softnet ? r->cpu_skew.nr_squeezed : 0);
	dl_advice_ctx__set(&c, "backlog_dropped", "%llu", r->has_softnet ?
			   (unsigned long long)r->cpu_skew.dropped : 0ULL);
	if (rules)
		dl_advice__apply(rules, "rss", NULL, &c, true, NULL, 0, v->advice,
				 sizeof(v->advice));
}

static void verdict(struct dl_rss_report *r)
{
	struct dl_rss_verdict *v = &r->verdict;
	struct dl_sbuf s = { v->summary, sizeof(v->summary), 0 };
	__u32 i;

	v->category = "rss";
	if (!r->skew.total)
		v->kind = DL_RSS_NO_TRAFFIC;
	else if (r->nr_queues == 1)
		v->kind = DL_RSS_SINGLE_QUEUE;
	else if (!r->skew.enough)
		v->kind = DL_RSS_TOO_FEW;
	else if (!r->skew.skewed)
		v->kind = DL_RSS_EVEN;
	else
		v->kind = r->nr_elephants ? DL_RSS_ELEPHANT : DL_RSS_SKEW;
	v->kind_name = kind_names[v->kind];
	v->problem = v->kind == DL_RSS_SKEW || v->kind == DL_RSS_ELEPHANT;
	if (!v->problem) {
		dl_sbuf__printf(&s, "%s", r->skew.summary);
		cpu_summary(r, &s);
		advise(r);
		return;
	}
	v->nr_queues = r->skew.nr_hot < DL_SKEW_MAX_HOT ? r->skew.nr_hot : DL_SKEW_MAX_HOT;
	for (i = 0; i < v->nr_queues; i++) {
		v->queues[i] = r->skew.hot[i];
		v->count += r->queues[v->queues[i]].packets;
	}
	/* hot[] holds at most 16; count the rest from the queue table. */
	for (i = 0; i < r->nr_queues; i++) {
		__u32 k;
		bool listed = false;

		for (k = 0; k < v->nr_queues; k++)
			listed |= v->queues[k] == i;
		if (!listed && r->queues[i].hot)
			v->count += r->queues[i].packets;
	}
	hot_summary(r, &s);
	cpu_summary(r, &s);
	advise(r);
}

void dl_rss_report__free(struct dl_rss_report *r)
{
	if (!r)
		return;
	free(r->queues);
	free(r->cpus);
	free(r);
}

int dl_rss_report__build(const struct dl_rss_input *in, const struct dl_rss_opts *opts,
			 struct dl_rss_report **out)
{
	__u64 counts[DL_MAX_QUEUES] = {};
	struct dl_skew_opts so;
	struct dl_rss_report *r;
	__u32 q;
	int err;

	*out = NULL;
	if (!in || (!in->arrived && in->nr_arrived) || (!in->flows && in->nr_flows) ||
	    !in->softnet_before != !in->softnet_after)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	fill_opts(&r->opts, opts);
	snprintf(r->ifname, sizeof(r->ifname), "%s", in->ifname ? in->ifname : "");
	r->nr_queues = queue_count(in);
	r->queues = calloc(r->nr_queues, sizeof(*r->queues));
	if (!r->queues) {
		err = -ENOMEM;
		goto fail;
	}
	for (q = 0; q < r->nr_queues && q < in->nr_arrived; q++)
		counts[q] = in->arrived[q];
	so.hot_factor = r->opts.hot_factor;
	so.min_total = r->opts.min_total;
	err = dl_skew__compute(counts, r->nr_queues, "queue", &so, &r->skew);
	if (err)
		goto fail;
	for (q = 0; q < r->nr_queues; q++) {
		struct dl_rss_queue *rq = &r->queues[q];

		rq->queue = q;
		rq->packets = counts[q];
		rq->has_bytes = in->bytes && q < in->nr_arrived;
		rq->bytes = rq->has_bytes ? in->bytes[q] : 0;
		rq->share = dl_skew__share(&r->skew, counts, q);
		/* The rule dl_skew applies, kept per queue past its 16 hot slots. */
		rq->hot = r->skew.enough && r->nr_queues > 1 &&
			  counts[q] > r->opts.hot_factor * r->skew.mean;
	}
	r->has_flows = in->has_flows;
	if (r->has_flows) {
		err = queue_flows(r, in);
		if (err)
			goto fail;
	}
	if (in->softnet_before) {
		err = softnet_delta(r, in);
		if (err)
			goto fail;
	}
	verdict(r);
	*out = r;
	return 0;
fail:
	dl_rss_report__free(r);
	return err;
}
