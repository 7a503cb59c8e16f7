// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rss section as JSON (jansson) and as text; see rss_report.h. Ratios
 * that do not exist (no packets) are JSON null and "n/a", never 0, and so
 * are softnet columns the kernel does not print.
 */
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>

#include "util/json.h"
#include "fastpath/flow.h"
#include "rss/rss_report.h"

static json_t *real_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *cpus_json(__u64 mask, bool known)
{
	json_t *a;
	int c;

	if (!known)
		return json_null();
	a = json_array();
	for (c = 0; c < 64; c++)
		if (mask >> c & 1)
			json_array_append_new(a, json_integer(c));
	return a;
}

static json_t *flow_json(const struct dl_rss_flow *f, __u32 queue, bool with_queue)
{
	char p[16], s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], text[160];
	json_t *o = json_object();

	dl_flow__addr_str(&f->flow, true, s, sizeof(s));
	dl_flow__addr_str(&f->flow, false, d, sizeof(d));
	dl_rss_report__format_flow(&f->flow, text, sizeof(text));
	if (with_queue)
		json_object_set_new(o, "queue", json_integer(queue));
	json_object_set_new(o, "flow", json_string(text));
	json_object_set_new(o, "proto", json_string(dl_flow__proto_name(&f->flow, p, sizeof(p))));
	json_object_set_new(o, "src", s[0] ? json_string(s) : json_null());
	json_object_set_new(o, "sport", json_integer(dl_flow__sport(&f->flow)));
	json_object_set_new(o, "dst", d[0] ? json_string(d) : json_null());
	json_object_set_new(o, "dport", json_integer(dl_flow__dport(&f->flow)));
	json_object_set_new(o, "hash", json_integer(f->hash));
	json_object_set_new(o, "packets", dl_json__u64(f->packets));
	json_object_set_new(o, "packets_error", dl_json__u64(f->packets_error));
	json_object_set_new(o, "bytes", dl_json__u64(f->bytes));
	json_object_set_new(o, "share_of_queue", real_or_null(f->share_of_queue));
	json_object_set_new(o, "share_of_total", real_or_null(f->share_of_total));
	return o;
}

static json_t *queue_json(const struct dl_rss_report *r, const struct dl_rss_queue *q)
{
	json_t *o = json_object(), *top = json_array();
	__u32 i;

	json_object_set_new(o, "queue", json_integer(q->queue));
	json_object_set_new(o, "packets", dl_json__u64(q->packets));
	json_object_set_new(o, "bytes", q->has_bytes ? dl_json__u64(q->bytes) : json_null());
	json_object_set_new(o, "share", real_or_null(q->share));
	json_object_set_new(o, "hot", json_boolean(q->hot));
	/* No flow data, or no flow on this queue: the CPUs are unknown. */
	json_object_set_new(o, "cpus", cpus_json(q->cpus, r->has_flows && q->cpus));
	json_object_set_new(o, "flows", r->has_flows ? json_integer(q->nr_flows) : json_null());
	for (i = 0; i < q->nr_top; i++)
		json_array_append_new(top, flow_json(&q->top[i], q->queue, false));
	json_object_set_new(o, "top_flows", r->has_flows ? top : json_null());
	if (!r->has_flows)
		json_decref(top);
	json_object_set_new(o, "elephant", q->elephant ?
			    flow_json(&q->top[0], q->queue, false) : json_null());
	return o;
}

static json_t *cpu_json(const struct dl_rss_cpu *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "cpu", json_integer(c->cpu));
	json_object_set_new(o, "processed", dl_json__u64(c->processed));
	json_object_set_new(o, "time_squeeze",
			    c->has_time_squeeze ? dl_json__u64(c->time_squeeze) : json_null());
	json_object_set_new(o, "backlog_dropped",
			    c->has_dropped ? dl_json__u64(c->dropped) : json_null());
	return o;
}

static json_t *cpu_skew_json(const struct dl_rss_report *r)
{
	const struct dl_cpu_skew *c = &r->cpu_skew;
	json_t *o = json_object(), *hot = json_array();
	__u32 i;

	for (i = 0; i < c->skew.nr_hot && i < DL_SKEW_MAX_HOT; i++)
		json_array_append_new(hot, json_integer(c->skew.hot[i]));
	json_object_set_new(o, "processed", dl_json__u64(c->skew.total));
	json_object_set_new(o, "jain_index", real_or_null(c->skew.jain));
	json_object_set_new(o, "max_over_mean", real_or_null(c->skew.max_over_mean));
	json_object_set_new(o, "skewed", json_boolean(c->skew.skewed));
	json_object_set_new(o, "hot_cpus", hot);
	json_object_set_new(o, "time_squeeze",
			    c->has_time_squeeze ? dl_json__u64(c->time_squeeze) : json_null());
	json_object_set_new(o, "backlog_dropped",
			    c->has_dropped ? dl_json__u64(c->dropped) : json_null());
	json_object_set_new(o, "reset", json_boolean(r->softnet_reset));
	json_object_set_new(o, "summary", json_string(c->summary));
	return o;
}

static json_t *verdict_json(const struct dl_rss_verdict *v)
{
	json_t *o = json_object(), *qs = json_array();
	__u32 i;

	for (i = 0; i < v->nr_queues; i++)
		json_array_append_new(qs, json_integer(v->queues[i]));
	json_object_set_new(o, "category", json_string(v->category));
	json_object_set_new(o, "kind", json_string(v->kind_name));
	json_object_set_new(o, "problem", json_boolean(v->problem));
	json_object_set_new(o, "count", dl_json__u64(v->count));
	json_object_set_new(o, "queues", qs);
	json_object_set_new(o, "summary", json_string(v->summary));
	json_object_set_new(o, "advice", v->advice[0] ? json_string(v->advice) : json_null());
	return o;
}

json_t *dl_rss_report__json(const struct dl_rss_report *r)
{
	json_t *o = json_object(), *hot = json_array(), *qs = json_array();
	json_t *el = json_array(), *cpus;
	__u32 i;

	if (!o || !hot || !qs || !el) {
		json_decref(o);
		json_decref(hot);
		json_decref(qs);
		json_decref(el);
		return NULL;
	}
	for (i = 0; i < r->skew.nr_hot && i < DL_SKEW_MAX_HOT; i++)
		json_array_append_new(hot, json_integer(r->skew.hot[i]));
	for (i = 0; i < r->nr_queues; i++) {
		json_array_append_new(qs, queue_json(r, &r->queues[i]));
		if (r->queues[i].elephant)
			json_array_append_new(el, flow_json(&r->queues[i].top[0], i, true));
	}
	json_object_set_new(o, "queues_total", json_integer(r->nr_queues));
	json_object_set_new(o, "packets", dl_json__u64(r->skew.total));
	json_object_set_new(o, "jain_index", real_or_null(r->skew.jain));
	json_object_set_new(o, "max_over_mean", real_or_null(r->skew.max_over_mean));
	json_object_set_new(o, "cv", real_or_null(r->skew.cv));
	json_object_set_new(o, "enough", json_boolean(r->skew.enough));
	json_object_set_new(o, "skewed", json_boolean(r->skew.skewed));
	json_object_set_new(o, "hot_factor", json_real(r->opts.hot_factor));
	json_object_set_new(o, "min_packets", dl_json__u64(r->opts.min_total));
	json_object_set_new(o, "hot_queues", hot);
	json_object_set_new(o, "hot_share",
			    r->skew.total ? json_real(r->skew.hot_share) : json_null());
	json_object_set_new(o, "flow_packets",
			    r->has_flows ? dl_json__u64(r->flow_packets) : json_null());
	json_object_set_new(o, "queues", qs);
	json_object_set_new(o, "elephants", r->has_flows ? el : json_null());
	if (!r->has_flows)
		json_decref(el);
	if (r->has_softnet) {
		cpus = json_array();
		for (i = 0; i < r->nr_cpus; i++)
			json_array_append_new(cpus, cpu_json(&r->cpus[i]));
		json_object_set_new(o, "cpus", cpus);
		json_object_set_new(o, "cpu_skew", cpu_skew_json(r));
	} else {
		json_object_set_new(o, "cpus", json_null());
		json_object_set_new(o, "cpu_skew", json_null());
	}
	json_object_set_new(o, "verdict", verdict_json(&r->verdict));
	return o;
}

static void cpu_list(char *buf, size_t len, __u64 mask)
{
	size_t off = 0;
	int c;

	buf[0] = '\0';
	for (c = 0; c < 64 && off < len; c++)
		if (mask >> c & 1)
			off += snprintf(buf + off, len - off, "%s%d", off ? "," : "", c);
	if (!off)
		snprintf(buf, len, "-");
}

static void fmt_pct(char *buf, size_t len, double share)
{
	if (isfinite(share))
		snprintf(buf, len, "%.1f%%", share * 100.0);
	else
		snprintf(buf, len, "n/a");
}

static void fmt_opt(char *buf, size_t len, bool have, __u64 v)
{
	if (have)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "n/a");
}

static void print_queues(const struct dl_rss_report *r, FILE *out)
{
	char share[16], cpus[96], flows[16], ft[160], qs[16];
	__u32 i;

	fprintf(out, "  %-8s %12s %7s %6s %-8s %s\n", "queue", "packets", "share", "flows",
		"cpus", "top flow (packets, share of queue)");
	for (i = 0; i < r->nr_queues; i++) {
		const struct dl_rss_queue *q = &r->queues[i];

		snprintf(qs, sizeof(qs), "%u%s", q->queue, q->hot ? " hot" : "");
		fmt_pct(share, sizeof(share), q->share);
		fmt_opt(flows, sizeof(flows), r->has_flows, q->nr_flows);
		if (r->has_flows)
			cpu_list(cpus, sizeof(cpus), q->cpus);
		else
			snprintf(cpus, sizeof(cpus), "n/a");
		/* No trailing blanks when there is no flow column to align. */
		fprintf(out, "  %-8s %12llu %7s %6s %-*s", qs, (unsigned long long)q->packets,
			share, flows, q->nr_top ? 8 : 0, cpus);
		if (q->nr_top) {
			char fs[16];

			dl_rss_report__format_flow(&q->top[0].flow, ft, sizeof(ft));
			fmt_pct(fs, sizeof(fs), q->top[0].share_of_queue);
			fprintf(out, " %s (%llu%s, %s)%s", ft,
				(unsigned long long)q->top[0].packets,
				q->top[0].packets_error ? "?" : "", fs,
				q->elephant ? " ELEPHANT" : "");
		}
		fputc('\n', out);
	}
}

static void print_cpus(const struct dl_rss_report *r, FILE *out)
{
	char sq[24], dr[24];
	__u32 i;

	fprintf(out, "  per-CPU softnet over the interval (all interfaces):\n");
	fprintf(out, "  %-5s %12s %13s %14s\n", "cpu", "processed", "time_squeeze",
		"backlog_drops");
	for (i = 0; i < r->nr_cpus; i++) {
		const struct dl_rss_cpu *c = &r->cpus[i];

		fmt_opt(sq, sizeof(sq), c->has_time_squeeze, c->time_squeeze);
		fmt_opt(dr, sizeof(dr), c->has_dropped, c->dropped);
		fprintf(out, "  %-5u %12llu %13s %14s\n", c->cpu,
			(unsigned long long)c->processed, sq, dr);
	}
	if (r->softnet_reset)
		fprintf(out, "  (CPUs came or went during the interval: "
			"their rows are left out)\n");
}

void dl_rss_report__print_text(const struct dl_rss_report *r, FILE *out)
{
	fprintf(out, "RSS over %u RX queue%s%s%s: %llu packets\n", r->nr_queues,
		r->nr_queues == 1 ? "" : "s", r->ifname[0] ? " of " : "", r->ifname,
		(unsigned long long)r->skew.total);
	print_queues(r, out);
	if (r->skew.total)
		fprintf(out, "  Jain %.2f, max/mean %.2f, CV %.2f: %s (hot: above %.1f x mean)\n",
			r->skew.jain, r->skew.max_over_mean, r->skew.cv,
			!r->skew.enough ? "too few packets to judge" :
			r->skew.skewed ? "skewed" : "not skewed", r->opts.hot_factor);
	if (r->has_softnet)
		print_cpus(r, out);
	fprintf(out, "verdict [rss%s]: %s\n", r->verdict.problem ? "" : ", ok",
		r->verdict.summary);
	if (r->verdict.advice[0])
		fprintf(out, "  advice: %s\n", r->verdict.advice);
}
