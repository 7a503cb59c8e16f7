// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ledger as one JSON object (jansson) and as aligned text. Both show the
 * same numbers; absent counters are null in JSON and "n/a" in text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "dl_config.h"
#include "fastpath/flow.h"
#include "ledger/ledger_print.h"
#include "ledger/ledger.h"
#include "util/output.h"
#include "counters/nic_counters.h"
#include "counters/nic_delta.h"
#include "counters/nic_map.h"
#include "rss/rss_report.h"

static json_t *opt_json(struct dl_opt o)
{
	return o.have ? json_integer((json_int_t)o.v) : json_null();
}

static json_t *flow_json(const struct dl_ledger_flow *lf)
{
	char proto[16], s[64], d[64];
	json_t *o = json_object();

	dl_flow__addr_str(&lf->flow, true, s, sizeof(s));
	dl_flow__addr_str(&lf->flow, false, d, sizeof(d));
	json_object_set_new(o, "proto", json_string(dl_flow__proto_name(&lf->flow, proto, sizeof(proto))));
	json_object_set_new(o, "src", s[0] ? json_string(s) : json_null());
	json_object_set_new(o, "sport", json_integer(dl_flow__sport(&lf->flow)));
	json_object_set_new(o, "dst", d[0] ? json_string(d) : json_null());
	json_object_set_new(o, "dport", json_integer(dl_flow__dport(&lf->flow)));
	json_object_set_new(o, "count", json_integer((json_int_t)lf->count));
	json_object_set_new(o, "arrived", opt_json(lf->arrived));
	json_object_set_new(o, "loss_rate", lf->arrived.have && lf->arrived.v ?
			    json_real((double)lf->count / (double)lf->arrived.v) : json_null());
	json_object_set_new(o, "hash", json_integer(dl_flow__hash(&lf->flow)));
	return o;
}

/* Background every host drops (expected.tsv): listed after real problems. */
static bool cause_expected(const struct dl_ledger_cause *c)
{
	return c->category && !strcmp(c->category, "expected");
}

static json_t *cause_json(const struct dl_ledger_cause *c)
{
	json_t *o = json_object(), *qs = json_object(), *fl = json_array();
	unsigned int q;

	json_object_set_new(o, "direction", json_string(c->tx ? "tx" : "rx"));
	json_object_set_new(o, "category", json_string(c->category));
	json_object_set_new(o, "group", json_string(c->group));
	json_object_set_new(o, "reason", json_string(c->reason_name));
	json_object_set_new(o, "reason_code", json_integer(c->reason));
	json_object_set_new(o, "location", json_string(c->location_str));
	json_object_set_new(o, "function", json_string(c->function));
	json_object_set_new(o, "count", json_integer((json_int_t)c->count));
	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		char k[16];

		if (!c->queues[q])
			continue;
		if (q == DL_Q_UNKNOWN)
			snprintf(k, sizeof(k), "unknown");
		else
			snprintf(k, sizeof(k), "%u", q);
		json_object_set_new(qs, k, json_integer((json_int_t)c->queues[q]));
	}
	json_object_set_new(o, "queues", qs);
	for (q = 0; q < c->nflows; q++)
		json_array_append_new(fl, flow_json(&c->flows[q]));
	json_object_set_new(o, "flows", fl);
	json_object_set_new(o, "flows_other", opt_json(c->flows_other));
	json_object_set_new(o, "flows_untracked", opt_json(c->flows_untracked));
	json_object_set_new(o, "flows_distinct", opt_json(c->flows_distinct));
	json_object_set_new(o, "summary", json_string(c->summary));
	json_object_set_new(o, "advice", json_string(c->advice));
	json_object_set_new(o, "expected", json_boolean(cause_expected(c)));
	if (c->nstacks) {
		json_t *st = json_array();

		for (q = 0; q < c->nstacks; q++) {
			json_t *so = json_object(), *fr = json_array();
			unsigned int k;

			for (k = 0; k < c->stacks[q].nframes; k++)
				json_array_append_new(fr, json_string(c->stacks[q].frames[k]));
			json_object_set_new(so, "count",
					    json_integer((json_int_t)c->stacks[q].count));
			json_object_set_new(so, "frames", fr);
			json_array_append_new(st, so);
		}
		json_object_set_new(o, "stacks", st);
	}
	return o;
}

static json_t *nic_vals_json(const struct dl_nic_vals *v)
{
	json_t *o = json_object();
	int col;

	for (col = 0; col < DL_NIC__NR; col++) {
		uint64_t x;

		json_object_set_new(o, dl_nic_col__name(col),
				    dl_nic_vals__get(v, col, &x) ? json_null() :
				    json_integer((json_int_t)x));
	}
	return o;
}

static json_t *nic_json(const struct dl_ledger *l)
{
	json_t *o, *reset;

	if (!l->nic)
		return json_null();
	o = json_object();
	reset = json_array();
	json_object_set_new(o, "driver", json_string(l->nic_driver));
	if (l->nic->reset & DL_NIC_RESET_BACKWARDS)
		json_array_append_new(reset, json_string("backwards"));
	if (l->nic->reset & DL_NIC_RESET_QUEUES)
		json_array_append_new(reset, json_string("queue count changed"));
	if (l->nic->reset & DL_NIC_RESET_SOURCE)
		json_array_append_new(reset, json_string("counter source changed"));
	if (l->nic->reset & DL_NIC_RESET_DEVICE)
		json_array_append_new(reset, json_string("device changed"));
	/* Reset columns are absent in the delta: marked, never negative. */
	json_object_set_new(o, "interval_reset", reset);
	json_object_set_new(o, "counters", nic_vals_json(&l->nic->global));
	return o;
}

static json_t *xchecks_json(const struct dl_ledger *l)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < l->nxchecks; i++) {
		const struct dl_ledger_xcheck *x = &l->xchecks[i];
		json_t *o = json_object();

		json_object_set_new(o, "counter", json_string(x->counter));
		json_object_set_new(o, "reason", json_string(x->reason));
		json_object_set_new(o, "kernel", opt_json(x->kernel));
		json_object_set_new(o, "traced", json_integer((json_int_t)x->traced));
		json_object_set_new(o, "match", json_boolean(x->match));
		json_object_set_new(o, "note", x->note ? json_string(x->note) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *cpus_json(const struct dl_ledger *l)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < l->ncpus; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "cpu", json_integer(l->cpus[i].cpu));
		json_object_set_new(o, "processed", opt_json(l->cpus[i].processed));
		json_object_set_new(o, "backlog_dropped", opt_json(l->cpus[i].backlog_dropped));
		json_object_set_new(o, "time_squeeze", opt_json(l->cpus[i].time_squeeze));
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * A JSON string for a name the kernel accepts but JSON may not: an
 * interface name is any bytes, and json_string() gives NULL (so "null")
 * for invalid UTF-8. Bytes that are not valid UTF-8 become the text \xNN.
 */
static json_t *json_name(const char *s)
{
	json_t *j = json_string(s);
	char buf[4 * 64 + 1];
	size_t o = 0;

	if (j)
		return j;
	for (; *s && o + 5 < sizeof(buf); s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x80)
			buf[o++] = c;
		else
			o += snprintf(buf + o, sizeof(buf) - o, "\\x%02x", c);
	}
	buf[o] = '\0';
	return json_string(buf);
}

json_t *dl_ledger__to_json(const struct dl_ledger *l)
{
	json_t *root = json_object(), *tot = json_object(), *qs = json_array(),
	       *cs = json_array();
	unsigned int q, nexp;

	json_object_set_new(root, "interface", json_name(l->ifname));
	json_object_set_new(root, "ifindex", json_integer(l->ifindex));
	json_object_set_new(root, "mode", json_string(l->mode));
	json_object_set_new(root, "attach", json_string(l->attach ? l->attach : "none"));
	json_object_set_new(root, "hook", json_string(l->hook ? l->hook : "xdp"));
	json_object_set_new(root, "drop_source", l->drop_source ?
			    json_string(l->drop_source) : json_null());
	json_object_set_new(root, "duration_s", json_real(l->duration_s));
	json_object_set_new(root, "truncated", json_boolean(l->truncated_reason));
	json_object_set_new(root, "truncated_reason", l->truncated_reason ?
			    json_string(l->truncated_reason) : json_null());
	if (l->interval || l->cumulative) {
		json_object_set_new(root, "interval", l->interval ?
				    json_integer(l->interval) : json_null());
		json_object_set_new(root, "cumulative", json_boolean(l->cumulative));
	}

	json_object_set_new(tot, "arrived", l->nic_dropped.have ?
			    json_integer((json_int_t)(l->xdp_seen + l->nic_dropped.v)) :
			    json_integer((json_int_t)l->xdp_seen));
	json_object_set_new(tot, "xdp_seen", json_integer((json_int_t)l->xdp_seen));
	json_object_set_new(tot, "nic_dropped", opt_json(l->nic_dropped));
	json_object_set_new(tot, "stack_dropped", json_integer((json_int_t)l->stack_dropped));
	json_object_set_new(tot, "delivered", json_integer((json_int_t)l->delivered));
	json_object_set_new(tot, "residual", json_integer(l->residual));
	json_object_set_new(tot, "residual_delivered_untraced", opt_json(l->residual_delivered_untraced));
	json_object_set_new(tot, "records_lost", json_integer((json_int_t)l->records_lost));
	json_object_set_new(tot, "location_lost", json_integer((json_int_t)l->location_lost));
	json_object_set_new(tot, "flows_untracked", json_integer((json_int_t)l->flows_untracked));
	json_object_set_new(tot, "counter_reset", json_boolean(l->counter_reset));
	json_object_set_new(tot, "malformed", json_integer((json_int_t)l->malformed));
	json_object_set_new(tot, "unattributed", json_integer((json_int_t)l->unattributed));
	json_object_set_new(tot, "tx_dropped", json_integer((json_int_t)l->tx_dropped));
	json_object_set_new(tot, "queue_overflow", json_integer((json_int_t)l->queue_overflow));
	json_object_set_new(root, "totals", tot);

	for (q = 0; q < l->nqueues; q++) {
		const struct dl_ledger_queue *lq = &l->q[q];
		json_t *o = json_object();

		json_object_set_new(o, "queue", json_integer(q));
		json_object_set_new(o, "arrived", json_integer((json_int_t)lq->arrived));
		json_object_set_new(o, "share", json_real(l->xdp_seen ?
				    (double)lq->arrived / (double)l->xdp_seen : 0.0));
		json_object_set_new(o, "bytes", json_integer((json_int_t)lq->bytes));
		json_object_set_new(o, "malformed", json_integer((json_int_t)lq->malformed));
		json_object_set_new(o, "nic_dropped", opt_json(lq->nic_dropped));
		json_object_set_new(o, "stack_dropped", json_integer((json_int_t)lq->stack_dropped));
		json_object_set_new(o, "delivered", json_integer((json_int_t)lq->delivered));
		json_array_append_new(qs, o);
	}
	json_object_set_new(root, "queues", qs);
	for (q = 0, nexp = 0; q < l->ncauses; q++) {
		json_array_append_new(cs, cause_json(&l->causes[q]));
		nexp += cause_expected(&l->causes[q]);
	}
	json_object_set_new(root, "causes", cs);
	/* Healthy: no drop, or only background every host drops. */
	json_object_set_new(root, "healthy", json_boolean(nexp == l->ncauses));
	json_object_set_new(root, "crosschecks", xchecks_json(l));
	json_object_set_new(root, "nic", nic_json(l));
	json_object_set_new(root, "cpus", cpus_json(l));
	{
		json_t *arp = json_object(), *ct = json_object();

		json_object_set_new(arp, "table_fulls", opt_json(l->arp_table_fulls));
		json_object_set_new(arp, "unresolved_discards", opt_json(l->arp_unresolved_discards));
		json_object_set_new(arp, "res_failed", opt_json(l->arp_res_failed));
		json_object_set_new(ct, "insert_failed", opt_json(l->ct_insert_failed));
		json_object_set_new(ct, "drop", opt_json(l->ct_drop));
		json_object_set_new(ct, "early_drop", opt_json(l->ct_early_drop));
		json_object_set_new(ct, "entries", opt_json(l->ct_entries));
		json_object_set_new(root, "arp_cache", arp);
		json_object_set_new(root, "conntrack", ct);
	}
	json_object_set_new(root, "rss", l->rss ? dl_rss_report__json(l->rss) : json_null());
	return root;
}

int dl_ledger__dump_json(json_t *root, FILE *out)
{
	struct dl_output o = { .f = out, .name = "output" };

	return dl_output__json(&o, "report", root);
}

int dl_ledger__print_json(const struct dl_ledger *l, FILE *out)
{
	json_t *root = dl_ledger__to_json(l);
	int err;

	if (!root)
		return -ENOMEM;
	err = dl_ledger__dump_json(root, out);
	json_decref(root);
	return err;
}

static void opt_str(struct dl_opt o, char *buf, size_t len)
{
	if (o.have)
		snprintf(buf, len, "%" PRIu64, o.v);
	else
		snprintf(buf, len, "n/a");
}

int dl_ledger__print_text(const struct dl_ledger *l, FILE *out)
{
	char nd[24];
	unsigned int q, i, nexp;

	if (l->interval)
		fprintf(out, "== interval %u (%.1f s)\n", l->interval, l->duration_s);
	else if (l->cumulative)
		fprintf(out, "== whole run\n");
	fprintf(out, "dropledger %s: %s (ifindex %d), %s mode, %s %s, drops via %s, %.1f s\n\n",
		DL_VERSION, l->ifname, l->ifindex, l->mode,
		l->hook && !strcmp(l->hook, "tc") ? "tc ingress" : "XDP",
		l->attach ? l->attach : "none",
		l->drop_source ? l->drop_source : "n/a", l->duration_s);
	if (l->truncated_reason)
		fprintf(out, "RUN CUT SHORT: %s\n\n", l->truncated_reason);
	opt_str(l->nic_dropped, nd, sizeof(nd));
	fprintf(out, "LEDGER\n");
	fprintf(out, "  arrived        %12" PRIu64 "   = nic_dropped + xdp_seen\n",
		l->xdp_seen + (l->nic_dropped.have ? l->nic_dropped.v : 0));
	fprintf(out, "  nic_dropped    %12s\n", nd);
	fprintf(out, "  xdp_seen       %12" PRIu64 "   (malformed %" PRIu64 ")\n",
		l->xdp_seen, l->malformed);
	fprintf(out, "  stack_dropped  %12" PRIu64 "\n", l->stack_dropped);
	fprintf(out, "  delivered      %12" PRIu64 "\n", l->delivered);
	fprintf(out, "  residual       %12" PRId64 "   = xdp_seen - stack_dropped - delivered%s\n",
		l->residual, l->residual && !l->residual_delivered_untraced.have ?
		"  <-- not explained" : "");
	if (l->residual_delivered_untraced.have)
		fprintf(out, "                 %12" PRIu64 "   of it: UDP datagrams read by applications (Udp InDatagrams),\n"
			"                                freed without a tracepoint on this kernel%s\n",
			l->residual_delivered_untraced.v,
			l->residual_delivered_untraced.v < (uint64_t)l->residual ?
			"; the rest is not explained" : "");
	fprintf(out, "  records_lost   %12" PRIu64 "\n", l->records_lost);
	if (l->location_lost)
		fprintf(out, "  location_lost  %12" PRIu64 "   (reason kept, dropping function not)\n",
			l->location_lost);
	if (l->counter_reset)
		fprintf(out, "  counter_reset  yes            (the maps were reset: counted again from 0)\n");
	if (l->unattributed)
		fprintf(out, "  unattributed   %12" PRIu64 "   (drops whose namespace could not be told)\n",
			l->unattributed);

	fprintf(out, "\nQUEUES\n  %5s %12s %7s %12s %12s %12s\n", "queue", "arrived",
		"share", "nic_dropped", "stack_drop", "delivered");
	for (q = 0; q < l->nqueues; q++) {
		const struct dl_ledger_queue *lq = &l->q[q];

		opt_str(lq->nic_dropped, nd, sizeof(nd));
		fprintf(out, "  %5u %12" PRIu64 " %6.1f%% %12s %12" PRIu64 " %12" PRIu64 "\n",
			q, lq->arrived,
			l->xdp_seen ? 100.0 * (double)lq->arrived / (double)l->xdp_seen : 0.0,
			nd, lq->stack_dropped, lq->delivered);
	}

	fprintf(out, "\nCAUSES%s\n", l->ncauses ? "" : "  (no drops)");
	for (i = 0, nexp = 0; i < l->ncauses; i++)
		nexp += cause_expected(&l->causes[i]);
	if (l->ncauses && nexp == l->ncauses)
		fprintf(out, "  healthy: every drop is EXPECTED background (multicast nobody joined, discovery broadcasts, LLDP/STP); no fault\n");
	if (l->ncauses)
		fprintf(out, "  %10s  %-8s %-10s %-22s %s\n", "count", "category", "group",
			"reason", "location");
	for (i = 0; i < l->ncauses; i++) {
		const struct dl_ledger_cause *c = &l->causes[i];
		unsigned int k;

		if (cause_expected(c) && (!i || !cause_expected(&l->causes[i - 1])))
			fprintf(out, "  EXPECTED (background every host drops; not a fault)\n");
		fprintf(out, "  %10" PRIu64 "  %-8s %-10s %-22s %s%s\n", c->count,
			c->category, c->group, c->reason_name, c->location_str,
			c->tx ? "  [tx]" : "");
		fprintf(out, "  %10s  why:  %s\n", "", c->summary);
		fprintf(out, "  %10s  fix:  %s\n", "", c->advice);
		/* --stack: innermost frame first, the first few callers. */
		for (k = 0; k < c->nstacks; k++) {
			unsigned int f;

			fprintf(out, "  %10s  stack (%" PRIu64 " drops): ", "", c->stacks[k].count);
			for (f = 0; f < c->stacks[k].nframes && f < 8; f++)
				fprintf(out, "%s%s", f ? " <- " : "", c->stacks[k].frames[f]);
			fprintf(out, "%s\n", c->stacks[k].nframes > 8 ? " <- ..." : "");
		}
		for (k = 0; k < c->nflows; k++) {
			char fs[128], ar[24];

			dl_flow__str(&c->flows[k].flow, fs, sizeof(fs));
			/* rss causes count arrivals: "of" would be about drops. */
			if (!strcmp(c->category, "rss")) {
				fprintf(out, "  %10s  flow: %-52s %8" PRIu64 " packets\n", "", fs,
					c->flows[k].count);
				continue;
			}
			opt_str(c->flows[k].arrived, ar, sizeof(ar));
			fprintf(out, "  %10s  flow: %-52s %8" PRIu64 " of %s\n", "", fs,
				c->flows[k].count, ar);
		}
		if (c->flows_other.have && c->flows_other.v && strcmp(c->category, "rss"))
			fprintf(out, "  %10s  other flows: %" PRIu64 " drops (%" PRIu64
				" beyond the flow table)\n", "", c->flows_other.v,
				c->flows_untracked.v);
	}
	if (l->nic) {
		int col;

		fprintf(out, "\nNIC (%s)%s\n ", l->nic_driver[0] ? l->nic_driver : "driver unknown",
			l->nic->reset ? "  interval marked: a counter reset or the queue count changed; those columns are left out" : "");
		for (col = 0; col < DL_NIC__NR; col++) {
			uint64_t x;

			if (!dl_nic_vals__get(&l->nic->global, col, &x))
				fprintf(out, " %s %" PRIu64, dl_nic_col__name(col), x);
		}
		fputc('\n', out);
	}
	{
		char f[24], u[24], ci[24], cd[24], ce[24];

		opt_str(l->arp_table_fulls, f, sizeof(f));
		opt_str(l->arp_unresolved_discards, u, sizeof(u));
		opt_str(l->ct_insert_failed, ci, sizeof(ci));
		opt_str(l->ct_drop, cd, sizeof(cd));
		opt_str(l->ct_early_drop, ce, sizeof(ce));
		fprintf(out, "\nTABLES  arp_cache table_fulls %s unresolved_discards %s;"
			" conntrack insert_failed %s drop %s early_drop %s\n", f, u, ci, cd, ce);
	}
	if (l->nxchecks) {
		fprintf(out, "\nCROSS-CHECKS (kernel counter vs traced drops)\n");
		for (i = 0; i < l->nxchecks; i++) {
			const struct dl_ledger_xcheck *x = &l->xchecks[i];

			opt_str(x->kernel, nd, sizeof(nd));
			fprintf(out, "  %-28s %10s  %-18s %10" PRIu64 "  %s%s%s\n", x->counter, nd,
				x->reason, x->traced, x->match ? "match" : "MISMATCH",
				x->note ? ": " : "", x->note ? x->note : "");
		}
	}

	if (l->rss) {
		fputc('\n', out);
		dl_rss_report__print_text(l->rss, out);
	}

	return 0;
}
