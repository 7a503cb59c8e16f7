// SPDX-License-Identifier: GPL-2.0-only
/*
 * Steering check; see steering_check.h. Per rule: where its packets went
 * and whether "even" held. Per flow, with a NIC config: where the NIC
 * should have put it and where it was seen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/sbuf.h"
#include "rss/steering_check.h"

#define DEF_JAIN_MIN 0.8
#define DEF_FLOWS_PER_QUEUE 2
#define DEF_MIN_PACKETS 1000
#define BREAKDOWN_MAX 8		/* queues listed in a breakdown */


static const char *l4_name(__u8 p)
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmp6";
	case IPPROTO_SCTP: return "sctp";
	default: return NULL;
	}
}

int dl_steer_check__format_flow(const struct dl_flow *f, char *buf, size_t len)
{
	struct dl_sbuf s = { buf, len, 0 };
	char sa[INET6_ADDRSTRLEN], da[INET6_ADDRSTRLEN], proto[16];
	bool v6 = f->l3proto == htons(0x86DD);
	bool ports = (f->l4proto == IPPROTO_TCP || f->l4proto == IPPROTO_UDP ||
		      f->l4proto == IPPROTO_SCTP) && !f->frag;

	if (len)
		buf[0] = 0;
	if (!v6 && f->l3proto != htons(0x0800)) {
		dl_sbuf__printf(&s, "ethertype 0x%04x", ntohs(f->l3proto));
		return s.off;
	}
	inet_ntop(v6 ? AF_INET6 : AF_INET, f->saddr, sa, sizeof(sa));
	inet_ntop(v6 ? AF_INET6 : AF_INET, f->daddr, da, sizeof(da));
	if (l4_name(f->l4proto))
		snprintf(proto, sizeof(proto), "%s", l4_name(f->l4proto));
	else
		snprintf(proto, sizeof(proto), "proto %u", f->l4proto);
	if (!ports) {
		dl_sbuf__printf(&s, "%s %s -> %s%s", proto, sa, da, f->frag ? " (fragment)" : "");
		return s.off;
	}
	if (v6)
		dl_sbuf__printf(&s, "%s [%s]:%u -> [%s]:%u", proto, sa, ntohs(f->sport), da,
			  ntohs(f->dport));
	else
		dl_sbuf__printf(&s, "%s %s:%u -> %s:%u", proto, sa, ntohs(f->sport), da,
			  ntohs(f->dport));
	return s.off;
}

static __u64 flow_total(const struct dl_flow_obs *o)
{
	__u64 t = 0;
	int q;

	for (q = 0; q < DL_STEER_QUEUES; q++)
		t += o->packets[q];
	return t;
}

static void queue_set_text(__u64 queues, char *buf, size_t len)
{
	char list[DL_STEER_TEXT_MAX];

	dl_steer_queues__format(queues, list, sizeof(list));
	snprintf(buf, len, "queue%s %s", __builtin_popcountll(queues) > 1 ? "s" : "", list);
}

/* "queue 0" / "queue 0: 600, queue 1: 400" for packets outside @allowed. */
static void breakdown(struct dl_sbuf *s, const __u64 *per_queue, __u64 allowed, bool counts)
{
	int q, shown = 0, others = 0;

	for (q = 0; q < DL_STEER_QUEUES; q++) {
		if (allowed >> q & 1 || !per_queue[q])
			continue;
		if (shown == BREAKDOWN_MAX) {
			others++;
			continue;
		}
		if (counts)
			dl_sbuf__printf(s, "%squeue %d: %llu", shown ? ", " : "", q,
				  (unsigned long long)per_queue[q]);
		else
			dl_sbuf__printf(s, "%squeue %d", shown ? ", " : "", q);
		shown++;
	}
	if (others)
		dl_sbuf__printf(s, ", +%d more queues", others);
}

static int nr_outside(const __u64 *per_queue, __u64 allowed)
{
	int q, n = 0;

	for (q = 0; q < DL_STEER_QUEUES; q++)
		if (!(allowed >> q & 1) && per_queue[q])
			n++;
	return n;
}

static void judge_even(struct dl_steer_rule_result *res, const struct dl_steer_check_opts *o)
{
	long double sum = 0, sumsq = 0;
	int q, n = 0, maxq = -1;

	res->jain = NAN;
	if (!res->rule->even)
		return;
	for (q = 0; q < DL_STEER_QUEUES; q++) {
		__u64 c = res->per_queue[q];

		if (!(res->rule->queues >> q & 1))
			continue;
		n++;
		sum += c;
		sumsq += (long double)c * c;
		if (maxq < 0 || c > res->per_queue[maxq])
			maxq = q;
	}
	if (!sum)
		return;
	res->jain = (double)(sum * sum / (n * sumsq));
	res->judged = res->flows >= (__u64)o->flows_per_queue * n &&
		      res->on_allowed >= o->min_packets;
	res->uneven = res->judged && res->jain < o->jain_min;
}

static void rule_text(struct dl_steer_rule_result *res, const struct dl_steer_check_opts *o)
{
	const struct dl_steer_rule *r = res->rule;
	struct dl_sbuf s = { res->text, sizeof(res->text), 0 };
	char rt[DL_STEER_TEXT_MAX], qs[DL_STEER_TEXT_MAX + 8];
	int nq = __builtin_popcountll(r->queues);

	dl_steer_rule__format(r, rt, sizeof(rt));
	queue_set_text(r->queues, qs, sizeof(qs));
	dl_sbuf__printf(&s, "rule %u (%s): ", r->index, rt);
	if (!res->packets) {
		dl_sbuf__printf(&s, "no packets matched");
		return;
	}
	dl_sbuf__printf(&s, "%llu packets matched, ", (unsigned long long)res->packets);
	if (!res->elsewhere) {
		dl_sbuf__printf(&s, "all on %s", qs);
	} else if (!res->on_allowed) {
		dl_sbuf__printf(&s, "0 arrived on %s, all on ", qs);
		breakdown(&s, res->per_queue, r->queues, nr_outside(res->per_queue, r->queues) > 1);
		return;
	} else {
		dl_sbuf__printf(&s, "%llu arrived on %s, %llu on ", (unsigned long long)res->on_allowed,
			  qs, (unsigned long long)res->elsewhere);
		breakdown(&s, res->per_queue, r->queues, nr_outside(res->per_queue, r->queues) > 1);
	}
	if (!r->even || !res->on_allowed)
		return;
	if (!res->judged) {
		dl_sbuf__printf(&s, ", spread not judged (%llu flow%s, %llu packets for %d queues)",
			  (unsigned long long)res->flows, res->flows == 1 ? "" : "s",
			  (unsigned long long)res->on_allowed, nq);
		return;
	}
	if (!res->uneven) {
		dl_sbuf__printf(&s, ", spread evenly (Jain %.2f over %d queues, %llu flows)", res->jain,
			  nq, (unsigned long long)res->flows);
		return;
	}
	{
		int q, maxq = 0;

		for (q = 0; q < DL_STEER_QUEUES; q++)
			if (r->queues >> q & 1 && res->per_queue[q] > res->per_queue[maxq])
				maxq = q;
		dl_sbuf__printf(&s, ", spread unevenly (Jain %.2f < %.2f over %d queues, %llu flows: "
			  "queue %d holds %.0f%%)", res->jain, o->jain_min, nq,
			  (unsigned long long)res->flows, maxq,
			  100.0 * res->per_queue[maxq] / res->on_allowed);
	}
}

/* Where the NIC sends @f: ntuple first, then RSS. 1 predicted, 0 not. */
static int predict(const struct dl_steer_nic *nic, const struct dl_flow *f,
		   struct dl_steer_mismatch *m, const struct dl_steer_rule **by)
{
	__u32 hash;
	int q;

	*by = NULL;
	if (nic->ntuple) {
		const struct dl_steer_rule *r = dl_steer_rules__lookup(nic->ntuple, f);

		if (r && r->queues) {
			*by = r;
			m->by_ntuple = true;
			m->predicted = __builtin_ctzll(r->queues);
			return 1;
		}
	}
	if (!nic->rss || !nic->rss->indir_size)
		return 0;
	if (dl_toeplitz__hash_flow(nic->rss, f, &hash))
		return 0;
	q = dl_toeplitz__queue(hash, nic->rss->indir, nic->rss->indir_size);
	if (q < 0)
		return 0;
	m->hash = hash;
	m->predicted = q;
	return 1;
}

static void mismatch_text(struct dl_steer_mismatch *m, const struct dl_flow_obs *o,
			  const struct dl_steer_rule *by, const struct dl_rss_table *rss)
{
	__u64 want = m->predicted < DL_STEER_QUEUES ? 1ull << m->predicted : 0;
	struct dl_sbuf s = { m->text, sizeof(m->text), 0 };
	char ft[128], rt[DL_STEER_TEXT_MAX];

	dl_steer_check__format_flow(&m->flow, ft, sizeof(ft));
	dl_sbuf__printf(&s, "flow %s: ", ft);
	if (by) {
		dl_steer_rule__format(by, rt, sizeof(rt));
		dl_sbuf__printf(&s, "ntuple rule %u (%s) predicts queue %u", by->line, rt, m->predicted);
	} else {
		dl_sbuf__printf(&s, "RSS predicts queue %u (hash 0x%08x, indir[%u])", m->predicted,
			  m->hash, m->hash % rss->indir_size);
	}
	if (m->elsewhere == m->packets) {
		dl_sbuf__printf(&s, ", %llu packets arrived on ", (unsigned long long)m->packets);
		breakdown(&s, o->packets, want, nr_outside(o->packets, want) > 1);
	} else {
		dl_sbuf__printf(&s, ", %llu of %llu packets arrived elsewhere (",
			  (unsigned long long)m->elsewhere, (unsigned long long)m->packets);
		breakdown(&s, o->packets, want, true);
		dl_sbuf__printf(&s, ")");
	}
}

static int by_elsewhere_desc(const void *a, const void *b)
{
	const struct dl_steer_mismatch *x = a, *y = b;

	if (x->elsewhere != y->elsewhere)
		return x->elsewhere < y->elsewhere ? 1 : -1;
	return memcmp(&x->flow, &y->flow, sizeof(x->flow));
}

void dl_steer_report__free(struct dl_steer_report *r)
{
	if (!r)
		return;
	free(r->rules);
	free(r->mismatches);
	free(r);
}

int dl_steer_check__run(const struct dl_steer_rules *rules,
			const struct dl_flow_obs *flows, size_t n,
			const struct dl_steer_nic *nic,
			const struct dl_steer_check_opts *opts,
			struct dl_steer_report **out)
{
	struct dl_steer_check_opts o = { DEF_JAIN_MIN, DEF_FLOWS_PER_QUEUE, DEF_MIN_PACKETS };
	struct dl_steer_report *rep;
	size_t i, nr = rules ? dl_steer_rules__count(rules) : 0;
	int q;

	*out = NULL;
	if ((!flows && n) || (!rules && !nic))
		return -EINVAL;
	if (opts && opts->jain_min > 0)
		o.jain_min = opts->jain_min;
	if (opts && opts->flows_per_queue)
		o.flows_per_queue = opts->flows_per_queue;
	if (opts && opts->min_packets)
		o.min_packets = opts->min_packets;

	rep = calloc(1, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	rep->rules = calloc(nr ? nr : 1, sizeof(*rep->rules));
	rep->mismatches = calloc(n ? n : 1, sizeof(*rep->mismatches));
	if (!rep->rules || !rep->mismatches) {
		dl_steer_report__free(rep);
		return -ENOMEM;
	}
	rep->nr_rules = nr;
	rep->predicted = nic && (nic->rss || nic->ntuple);
	for (i = 0; i < nr; i++)
		rep->rules[i].rule = dl_steer_rules__get(rules, i);

	for (i = 0; i < n; i++) {
		const struct dl_flow_obs *fo = &flows[i];
		__u64 total = flow_total(fo);
		const struct dl_steer_rule *r, *by;
		struct dl_steer_mismatch m;

		if (!total)
			continue;
		rep->flows++;
		rep->packets += total;
		r = rules ? dl_steer_rules__lookup(rules, &fo->flow) : NULL;
		if (r) {
			struct dl_steer_rule_result *res = &rep->rules[r->index - 1];

			res->flows++;
			res->packets += total;
			for (q = 0; q < DL_STEER_QUEUES; q++) {
				res->per_queue[q] += fo->packets[q];
				if (r->queues >> q & 1)
					res->on_allowed += fo->packets[q];
				else
					res->elsewhere += fo->packets[q];
			}
		} else if (rules) {
			rep->unmatched_flows++;
			rep->unmatched_packets += total;
		}

		if (!rep->predicted)
			continue;
		memset(&m, 0, sizeof(m));
		if (!predict(nic, &fo->flow, &m, &by)) {
			rep->unpredicted_flows++;
			continue;
		}
		m.flow = fo->flow;
		m.packets = total;
		/* A queue past the tracked ones saw none of the counted packets. */
		m.elsewhere = total;
		if (m.predicted < DL_STEER_QUEUES)
			m.elsewhere -= fo->packets[m.predicted];
		if (!m.elsewhere)
			continue;
		for (q = 0; q < DL_STEER_QUEUES; q++)
			if (fo->packets[q] > fo->packets[m.observed])
				m.observed = q;
		mismatch_text(&m, fo, by, nic->rss);
		rep->mismatches[rep->nr_mismatches++] = m;
	}

	for (i = 0; i < nr; i++) {
		struct dl_steer_rule_result *res = &rep->rules[i];

		res->misrouted = res->elsewhere > 0;
		judge_even(res, &o);
		rule_text(res, &o);
		if (res->misrouted || res->uneven)
			rep->nr_violations++;
	}
	qsort(rep->mismatches, rep->nr_mismatches, sizeof(*rep->mismatches), by_elsewhere_desc);
	*out = rep;
	return 0;
}
