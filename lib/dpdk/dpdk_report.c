// SPDX-License-Identifier: GPL-2.0-only
/*
 * DPDK mode's ledger, see dpdk_report.h. The equations mirror the XDP
 * ledger's: arrived = nic_dropped (imissed + ierrors) + ipackets, and
 * ipackets = records read by the pollers + residual. rx_nombuf is shown
 * beside them, not added: PMDs disagree on whether imissed already holds it.
 * On net_af_xdp the XDP program's counters add one step in front: frames
 * seen at XDP = handed to the sockets + passed to the stack, and handed to
 * the sockets = ipackets + imissed + not read (socket ring full, which this
 * PMD does not count in imissed).
 */
#include "dl_config.h"
#include "util/json.h"
#if DL_HAVE_DPDK

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "linerate/agg.h"
#include "linerate/agg_json.h"
#include "dpdk/dpdk_afxdp.h"
#include "dpdk/dpdk_port.h"
#include "dpdk/dpdk_report.h"
#include "dropledger_shared.h"

#define DEFAULT_TOP_FLOWS 10

struct dl_dpdk_xstats {
	int n;
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *vals;
};

struct dl_dpdk_xstats *dl_dpdk_xstats__read(uint16_t port)
{
	struct dl_dpdk_xstats *x = calloc(1, sizeof(*x));
	int n, err = -ENOMEM;

	if (!x)
		return NULL;
	n = rte_eth_xstats_get_names(port, NULL, 0);
	if (n < 0) {
		err = n;
		goto fail;
	}
	x->names = calloc((size_t)n + 1, sizeof(*x->names));
	x->vals = calloc((size_t)n + 1, sizeof(*x->vals));
	if (!x->names || !x->vals)
		goto fail;
	if (rte_eth_xstats_get_names(port, x->names, (unsigned int)n) != n ||
	    rte_eth_xstats_get(port, x->vals, (unsigned int)n) != n) {
		err = -EAGAIN;	/* the PMD changed its list in between */
		goto fail;
	}
	x->n = n;
	return x;
fail:
	dl_dpdk_xstats__free(x);
	errno = -err;
	return NULL;
}

void dl_dpdk_xstats__free(struct dl_dpdk_xstats *x)
{
	if (!x)
		return;
	free(x->names);
	free(x->vals);
	free(x);
}

static __u64 xbase_of(const struct dl_dpdk_xstats *b, const char *name)
{
	int i;

	for (i = 0; b && i < b->n; i++)
		if (!strcmp(b->names[i].name, name))
			return b->vals[i].value;
	return 0;
}

/* Non-zero deltas only: a PMD lists hundreds, most never move. */
static json_t *xstats_json(const struct dl_dpdk_report_in *in)
{
	json_t *o;
	int i;

	if (!in->xnow)
		return json_null();
	o = json_object();
	for (i = 0; o && i < in->xnow->n; i++) {
		const char *name = in->xnow->names[i].name;
		__u64 v = in->xnow->vals[i].value - xbase_of(in->xbase, name);

		if (v)
			json_object_set_new(o, name, json_integer((json_int_t)v));
	}
	return o;
}

/* XDP counters of the kernel rx queue behind DPDK queue @q; NULL: absent. */
static const struct dl_afxdp_qcnt *xdp_q(const struct dl_dpdk_report_in *in, int q)
{
	int k = in->xdp_start_queue + q;

	if (!in->xdp || !in->xdp->ours || k < 0 || k >= DL_MAX_QUEUES)
		return NULL;
	return &in->xdp->q[k];
}

struct xdp_sums {
	__u64 seen, redirected, passed, meta_failed, meta_records, elsewhere;
	__s64 not_read;
};

/* Sums over the polled queues; false when there are no counters. */
static bool xdp_sums(const struct dl_dpdk_report_in *in, struct xdp_sums *x)
{
	const struct dl_afxdp_qcnt *c;
	int q, k;

	memset(x, 0, sizeof(*x));
	if (!in->xdp || !in->xdp->ours)
		return false;
	for (q = 0; q < in->stats->nqueues; q++) {
		c = xdp_q(in, q);
		if (!c)
			continue;
		x->seen += c->frames;
		x->redirected += c->redirected;
		x->passed += c->no_socket;
		x->meta_failed += c->meta_failed;
		x->meta_records += in->stats->meta_records[q];
	}
	for (k = 0; k <= DL_MAX_QUEUES; k++)
		if (k < in->xdp_start_queue || k >= in->xdp_start_queue + in->stats->nqueues)
			x->elsewhere += in->xdp->q[k].frames;
	x->not_read = (__s64)x->redirected - (__s64)in->stats->ipackets -
		      (__s64)in->stats->imissed;
	return true;
}

/* Kernel queues DPDK does not poll: what the program saw there went to the stack. */
static json_t *xdp_other_queues(const struct dl_dpdk_report_in *in)
{
	json_t *arr = json_array();
	int k;

	for (k = 0; arr && k <= DL_MAX_QUEUES; k++) {
		const struct dl_afxdp_qcnt *c = &in->xdp->q[k];

		if (!c->frames || (k >= in->xdp_start_queue &&
				   k < in->xdp_start_queue + in->stats->nqueues))
			continue;
		json_array_append_new(arr, json_pack("{s:o, s:I, s:I}",
			"rx_queue", k < DL_MAX_QUEUES ? json_integer(k) : json_null(),
			"seen", (json_int_t)c->frames,
			"passed", (json_int_t)c->no_socket));
	}
	return arr;
}

static json_t *xdp_json(const struct dl_dpdk_report_in *in)
{
	const struct dl_afxdp_xdp *x = in->xdp;
	struct xdp_sums sum;
	const char *why = NULL;
	json_t *o;

	if (!x)
		return json_null();
	if (!x->prog_id)
		why = "no XDP program on the interface at the end of the run";
	else if (!x->ours)
		why = "the attached program has no " DL_AFXDP_CNT_MAP
		      " map (not dl_dpdk_xdp: xdp_prog= of your own, or --pmd-prog)";
	o = json_pack("{s:s?, s:i, s:o, s:o, s:b, s:s?}",
		      "interface", in->xdp_iface,
		      "start_queue", in->xdp_start_queue,
		      "program", x->prog_id ? json_string(x->prog_name) : json_null(),
		      "prog_id", dl_json__opt_u64(x->prog_id, x->prog_id),
		      "counters", x->ours,
		      "why", why);
	if (!o || !xdp_sums(in, &sum))
		return o;
	json_object_set_new(o, "seen", json_integer((json_int_t)sum.seen));
	json_object_set_new(o, "redirected", json_integer((json_int_t)sum.redirected));
	json_object_set_new(o, "passed", json_integer((json_int_t)sum.passed));
	json_object_set_new(o, "meta_failed", json_integer((json_int_t)sum.meta_failed));
	json_object_set_new(o, "meta_records", json_integer((json_int_t)sum.meta_records));
	json_object_set_new(o, "not_read", json_integer((json_int_t)sum.not_read));
	json_object_set_new(o, "seen_elsewhere", json_integer((json_int_t)sum.elsewhere));
	json_object_set_new(o, "other_queues", xdp_other_queues(in));
	return o;
}

struct totals {
	__u64 nic_dropped, arrived, records, stamped;
	__s64 residual;
};

static void totals(const struct dl_dpdk_report_in *in, struct totals *t)
{
	struct dl_agg_totals at;

	dl_agg__totals(in->agg, &at);
	t->nic_dropped = in->stats->imissed + in->stats->ierrors;
	t->arrived = in->stats->ipackets + t->nic_dropped;
	t->records = at.records;
	t->stamped = at.stamped;
	t->residual = (__s64)in->stats->ipackets - (__s64)at.records;
}

static json_t *queues_json(const struct dl_dpdk_report_in *in, __u64 *counts)
{
	json_t *arr = json_array();
	struct dl_agg_totals at;
	int q;

	dl_agg__totals(in->agg, &at);
	for (q = 0; arr && q < in->stats->nqueues; q++) {
		bool have = q < RTE_ETHDEV_QUEUE_STAT_CNTRS;
		const struct dl_afxdp_qcnt *xc = xdp_q(in, q);
		struct dl_agg_queue aq = {};
		json_t *e;

		dl_agg__queue(in->agg, (unsigned int)q, &aq);
		counts[q] = have ? in->stats->q_ipackets[q] : aq.records;
		e = json_pack(
			"{s:i, s:o, s:I, s:I, s:I, s:f, s:o, s:o}",
			"queue", q,
			"arrived", have ? json_integer((json_int_t)in->stats->q_ipackets[q]) :
					  json_null(),
			"records", (json_int_t)aq.records,
			"bytes", (json_int_t)aq.bytes,
			"stamped", (json_int_t)aq.stamped,
			"share", at.records ? (double)aq.records / (double)at.records : 0.0,
			"q_errors", have ? json_integer((json_int_t)in->stats->q_errors[q]) :
					   json_null(),
			"residual", have ? json_integer((json_int_t)in->stats->q_ipackets[q] -
							(json_int_t)aq.records) : json_null());
		if (e) {
			json_object_set_new(e, "xdp_seen", dl_json__opt_u64(xc, xc ? xc->frames : 0));
			json_object_set_new(e, "xdp_redirected",
					    dl_json__opt_u64(xc, xc ? xc->redirected : 0));
			json_object_set_new(e, "meta_records",
					    dl_json__opt_u64(in->xdp, in->stats->meta_records[q]));
		}
		json_array_append_new(arr, e);
	}
	return arr;
}

json_t *dl_dpdk_report__json(const struct dl_dpdk_report_in *in)
{
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	struct rte_eth_dev_info info = {};
	__u64 counts[DL_DPDK_MAX_QUEUES + 1] = {};
	json_t *root, *tot, *qs;
	struct xdp_sums xs;
	struct totals t;

	if (!in || !in->stats || !in->agg) {
		errno = EINVAL;
		return NULL;
	}
	rte_eth_dev_get_name_by_port(in->port, name);
	rte_eth_dev_info_get(in->port, &info);
	totals(in, &t);
	tot = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"arrived", (json_int_t)t.arrived,
			"nic_dropped", (json_int_t)t.nic_dropped,
			"imissed", (json_int_t)in->stats->imissed,
			"ierrors", (json_int_t)in->stats->ierrors,
			"rx_nombuf", (json_int_t)in->stats->rx_nombuf,
			"ipackets", (json_int_t)in->stats->ipackets,
			"records", (json_int_t)t.records,
			"stamped", (json_int_t)t.stamped,
			"residual", (json_int_t)t.residual,
			"opackets", (json_int_t)in->stats->opackets,
			"oerrors", (json_int_t)in->stats->oerrors);
	if (tot) {
		json_object_set_new(tot, "lab_sent", in->lab_sent ?
				    json_integer((json_int_t)in->lab_sent) : json_null());
		bool have_xdp = xdp_sums(in, &xs);

		json_object_set_new(tot, "xdp_seen", dl_json__opt_u64(have_xdp, xs.seen));
	}
	qs = queues_json(in, counts);
	root = json_pack("{s:s, s:i, s:s, s:s, s:f, s:i}",
			 "interface", name, "port", (int)in->port,
			 "driver", info.driver_name ? info.driver_name : "?",
			 "mode", "dpdk", "duration_s", in->seconds,
			 "nqueues", in->stats->nqueues);
	{
		struct dl_json_field f[] = {
			{ "totals", tot },
			{ "queues", qs },
			{ "rss", dl_agg_json__rss(counts, (unsigned int)in->stats->nqueues), true },
			{ "sequence", dl_agg_json__sequence(in->agg) },
			{ "top_flows", dl_agg_json__top_flows(in->agg, in->top_flows ?
				       in->top_flows : DEFAULT_TOP_FLOWS), true },
			{ "xstats", xstats_json(in), true },
			{ "xdp", xdp_json(in), true },
		};

		return dl_json__fill(root, f, sizeof(f) / sizeof(f[0]));
	}
}

static void print_xdp(const struct dl_dpdk_report_in *in, FILE *out)
{
	const struct dl_afxdp_xdp *x = in->xdp;
	struct xdp_sums sum;

	if (!x->prog_id) {
		fprintf(out, "  XDP: no program on %s at the end of the run\n",
			in->xdp_iface ? in->xdp_iface : "?");
		return;
	}
	if (!xdp_sums(in, &sum)) {
		fprintf(out, "  XDP: %s (id %u) on %s has no %s map: no XDP column\n",
			x->prog_name, x->prog_id, in->xdp_iface ? in->xdp_iface : "?",
			DL_AFXDP_CNT_MAP);
		return;
	}
	fprintf(out, "  XDP %s (id %u) on %s, kernel queues %d-%d:\n", x->prog_name,
		x->prog_id, in->xdp_iface ? in->xdp_iface : "?", in->xdp_start_queue,
		in->xdp_start_queue + in->stats->nqueues - 1);
	fprintf(out, "    seen %" PRIu64 " = to sockets %" PRIu64 " + passed to the stack %"
		PRIu64 "\n", (uint64_t)sum.seen, (uint64_t)sum.redirected,
		(uint64_t)sum.passed);
	fprintf(out, "    to sockets %" PRIu64 " = ipackets %" PRIu64 " + imissed %" PRIu64
		" + not read %" PRId64 "\n", (uint64_t)sum.redirected,
		(uint64_t)in->stats->ipackets, (uint64_t)in->stats->imissed,
		(int64_t)sum.not_read);
	fprintf(out, "    records with XDP metadata %" PRIu64 " (meta failed %" PRIu64
		"); seen on other queues %" PRIu64 "\n", (uint64_t)sum.meta_records,
		(uint64_t)sum.meta_failed, (uint64_t)sum.elsewhere);
	if (sum.not_read > 0)
		fprintf(out, "    not read: the socket rings overflowed (this PMD leaves that out of imissed)\n");
}

int dl_dpdk_report__print_text(const struct dl_dpdk_report_in *in, FILE *out)
{
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	struct totals t;
	int q;

	if (!in || !in->stats || !in->agg || !out)
		return -EINVAL;
	rte_eth_dev_get_name_by_port(in->port, name);
	totals(in, &t);
	fprintf(out, "DPDK port %u (%s), %d queues, %.1f s\n", in->port, name,
		in->stats->nqueues, in->seconds);
	fprintf(out, "  arrived %" PRIu64 " = NIC dropped %" PRIu64 " (imissed %" PRIu64
		", ierrors %" PRIu64 ") + ipackets %" PRIu64 "; rx_nombuf %" PRIu64 "\n",
		(uint64_t)t.arrived, (uint64_t)t.nic_dropped,
		(uint64_t)in->stats->imissed, (uint64_t)in->stats->ierrors,
		(uint64_t)in->stats->ipackets, (uint64_t)in->stats->rx_nombuf);
	fprintf(out, "  ipackets = records %" PRIu64 " + residual %" PRId64 "\n",
		(uint64_t)t.records, (int64_t)t.residual);
	fprintf(out, "  %-6s %14s %14s %10s %14s\n", "queue", "q_ipackets", "records",
		"q_errors", "xdp_seen");
	for (q = 0; q < in->stats->nqueues; q++) {
		const struct dl_afxdp_qcnt *xc = xdp_q(in, q);
		struct dl_agg_queue aq = {};
		char xs[24] = "n/a";

		if (xc)
			snprintf(xs, sizeof(xs), "%" PRIu64, (uint64_t)xc->frames);
		dl_agg__queue(in->agg, (unsigned int)q, &aq);
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			fprintf(out, "  %-6d %14" PRIu64 " %14" PRIu64 " %10" PRIu64 " %14s\n", q,
				(uint64_t)in->stats->q_ipackets[q], (uint64_t)aq.records,
				(uint64_t)in->stats->q_errors[q], xs);
		else
			fprintf(out, "  %-6d %14s %14" PRIu64 " %10s %14s\n", q, "n/a",
				(uint64_t)aq.records, "n/a", xs);
	}
	if (in->xdp)
		print_xdp(in, out);
	if (in->stats->imissed)
		fprintf(out, "  imissed: the rx rings overflowed; use --ring or more lcores\n");
	dl_agg_json__print_text(in->agg, false,
				in->top_flows ? in->top_flows : DEFAULT_TOP_FLOWS, out);
	return 0;
}

#endif /* DL_HAVE_DPDK */
