// SPDX-License-Identifier: GPL-2.0-only
/*
 * Views of an aggregator, see agg_json.h. Top flows are picked with a small
 * sorted array rather than a full sort: the table may hold a million flows
 * and we want ten of them without a second copy of the table.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "linerate/agg.h"
#include "linerate/agg_json.h"
#include "fastpath/flow.h"
#include "dropledger_shared.h"
#include "rss/skew.h"

#define TOP_MAX 1024

void dl_agg_json__seq_totals(const struct dl_agg *a, struct dl_agg_seq_totals *t)
{
	unsigned int i, n = dl_agg__stamp_flows(a);

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		const struct dl_seqcheck *s = dl_agg__seq(a, i);

		if (!s)
			continue;
		t->flows++;
		t->received += s->received;
		t->lost += s->lost;
		t->reordered += s->reordered;
		t->duplicated += s->duplicated;
		t->stale += s->stale;
	}
}

json_t *dl_agg_json__queues(const struct dl_agg *a)
{
	json_t *arr = json_array();
	struct dl_agg_totals t;
	unsigned int q;

	if (!arr)
		return NULL;
	dl_agg__totals(a, &t);
	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		struct dl_agg_queue aq;
		json_t *o;

		if (dl_agg__queue(a, q, &aq) || !aq.records)
			continue;
		o = json_pack("{s:o, s:o, s:o, s:o, s:f}",
			      "queue", q < DL_MAX_QUEUES ? json_integer(q) : json_null(),
			      "records", dl_json__u64(aq.records), "bytes", dl_json__u64(aq.bytes),
			      "stamped", dl_json__u64(aq.stamped),
			      "share", t.records ? (double)aq.records / (double)t.records : 0.0);
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static json_t *seq_json(const struct dl_seqcheck *s, bool sampled)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o}",
			 "received", dl_json__u64(s->received),
			 "lost", dl_json__opt_u64(!sampled, s->lost),
			 "reordered", dl_json__opt_u64(!sampled, s->reordered),
			 "duplicated", dl_json__opt_u64(!sampled, s->duplicated),
			 "late", dl_json__opt_u64(!sampled, s->stale));
}

json_t *dl_agg_json__seq_flows(const struct dl_agg *a, bool sampled)
{
	unsigned int i, n = dl_agg__stamp_flows(a);
	json_t *arr = json_array();

	if (!arr)
		return NULL;
	for (i = 0; i < n; i++) {
		const struct dl_seqcheck *s = dl_agg__seq(a, i);
		json_t *o;

		if (!s)
			continue;
		o = seq_json(s, sampled);
		if (!o || json_object_set_new(o, "flow", json_integer(i)) ||
		    json_array_append_new(arr, o)) {
			json_decref(o);
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *dl_agg_json__seq_summary(const struct dl_agg *a, bool sampled)
{
	struct dl_agg_seq_totals t;
	struct dl_seqcheck s = {};
	json_t *o;

	dl_agg_json__seq_totals(a, &t);
	s.received = t.received;
	s.lost = t.lost;
	s.reordered = t.reordered;
	s.duplicated = t.duplicated;
	s.stale = t.stale;
	o = seq_json(&s, sampled);
	if (o)
		json_object_set_new(o, "flows", json_integer(t.flows));
	return o;
}

json_t *dl_agg_json__sequence(const struct dl_agg *a)
{
	json_t *seq = dl_agg_json__seq_summary(a, false);

	if (seq)
		json_object_set_new(seq, "per_flow", dl_agg_json__seq_flows(a, false));
	return seq;
}

struct top {
	struct dl_agg_flow *v;
	unsigned int n, cap;
};

/* Keep @t->v sorted by records, biggest first; drop what falls off. */
static int top_add(const struct dl_agg_flow *f, void *ctx)
{
	struct top *t = ctx;
	unsigned int i;

	if (t->n == t->cap && f->records <= t->v[t->n - 1].records)
		return 0;
	i = t->n < t->cap ? t->n++ : t->n - 1;
	while (i > 0 && t->v[i - 1].records < f->records) {
		t->v[i] = t->v[i - 1];
		i--;
	}
	t->v[i] = *f;
	return 0;
}

static int top_flows(const struct dl_agg *a, unsigned int n, struct top *t)
{
	t->cap = n > TOP_MAX ? TOP_MAX : n;
	t->n = 0;
	t->v = calloc(t->cap ? t->cap : 1, sizeof(*t->v));
	if (!t->v)
		return -ENOMEM;
	if (t->cap)
		dl_agg__foreach_flow(a, top_add, t);
	return 0;
}

json_t *dl_agg_json__top_flows(const struct dl_agg *a, unsigned int n)
{
	json_t *arr = json_array();
	struct top t;
	unsigned int i;

	if (!arr || top_flows(a, n, &t)) {
		json_decref(arr);
		return NULL;
	}
	for (i = 0; i < t.n; i++) {
		const struct dl_agg_flow *f = &t.v[i];
		char proto[16], s[64], d[64];
		json_t *o;

		dl_flow__addr_str(&f->flow, true, s, sizeof(s));
		dl_flow__addr_str(&f->flow, false, d, sizeof(d));
		o = json_pack("{s:s, s:o, s:i, s:o, s:i, s:i, s:o, s:o, s:I}",
			      "proto", dl_flow__proto_name(&f->flow, proto, sizeof(proto)),
			      "src", s[0] ? json_string(s) : json_null(),
			      "sport", (int)dl_flow__sport(&f->flow),
			      "dst", d[0] ? json_string(d) : json_null(),
			      "dport", (int)dl_flow__dport(&f->flow),
			      "queue", (int)f->rxq,
			      "records", dl_json__u64(f->records), "bytes", dl_json__u64(f->bytes),
			      "hash", (json_int_t)f->hash);
		if (!o || json_array_append_new(arr, o)) {
			json_decref(arr);
			arr = NULL;
			break;
		}
	}
	free(t.v);
	return arr;
}

static json_t *ratio(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

json_t *dl_agg_json__rss(const __u64 *counts, unsigned int n)
{
	struct dl_skew sk;
	json_t *hot;
	unsigned int i;

	if (!n || dl_skew__compute(counts, n, "queue", NULL, &sk))
		return json_null();
	hot = json_array();
	for (i = 0; hot && i < sk.nr_hot && i < DL_SKEW_MAX_HOT; i++)
		json_array_append_new(hot, json_integer(sk.hot[i]));
	return json_pack("{s:i, s:o, s:o, s:b, s:o, s:s}",
			 "queues", (int)n,
			 "jain_index", ratio(sk.jain),
			 "max_over_mean", ratio(sk.max_over_mean),
			 "skewed", sk.skewed,
			 "hot_queues", hot ? hot : json_array(),
			 "summary", sk.summary);
}

void dl_agg_json__print_text(const struct dl_agg *a, bool sampled,
			     unsigned int top, FILE *out)
{
	struct dl_agg_seq_totals st;
	struct dl_agg_totals t;
	struct top tp;
	unsigned int q, i;

	dl_agg__totals(a, &t);
	fprintf(out, "  %-6s %14s %14s %12s %7s\n", "queue", "records", "bytes",
		"stamped", "share");
	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		struct dl_agg_queue aq;
		char qn[8];

		if (dl_agg__queue(a, q, &aq) || !aq.records)
			continue;
		snprintf(qn, sizeof(qn), q < DL_MAX_QUEUES ? "%u" : ">=%u", q);
		fprintf(out, "  %-6s %14" PRIu64 " %14" PRIu64 " %12" PRIu64 " %6.1f%%\n",
			qn, (uint64_t)aq.records, (uint64_t)aq.bytes,
			(uint64_t)aq.stamped,
			t.records ? 100.0 * (double)aq.records / (double)t.records : 0.0);
	}
	dl_agg_json__seq_totals(a, &st);
	if (st.flows && sampled)
		fprintf(out, "  stamped flows %u: %" PRIu64 " received (1-in-N sampling: "
			"loss and order not checked)\n", st.flows, (uint64_t)st.received);
	else if (st.flows)
		fprintf(out, "  stamped flows %u: received %" PRIu64 ", lost %" PRIu64
			", reordered %" PRIu64 ", duplicated %" PRIu64 ", late %" PRIu64 "\n",
			st.flows, (uint64_t)st.received, (uint64_t)st.lost,
			(uint64_t)st.reordered, (uint64_t)st.duplicated,
			(uint64_t)st.stale);
	if (!top || top_flows(a, top, &tp))
		return;
	if (tp.n)
		fprintf(out, "  top flows by records:\n");
	for (i = 0; i < tp.n; i++) {
		char fs[160];

		dl_flow__str(&tp.v[i].flow, fs, sizeof(fs));
		fprintf(out, "    %-56s queue %-3u %12" PRIu64 " records\n", fs,
			tp.v[i].rxq, (uint64_t)tp.v[i].records);
	}
	free(tp.v);
}
