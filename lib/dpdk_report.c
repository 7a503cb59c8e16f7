// SPDX-License-Identifier: GPL-2.0-only
/*
 * DPDK mode's ledger, see dpdk_report.h. The equations mirror the XDP
 * ledger's: arrived = nic_dropped (imissed + ierrors) + ipackets, and
 * ipackets = records read by the pollers + residual. rx_nombuf is shown
 * beside them, not added: PMDs disagree on whether imissed already holds it.
 */
#include "dl_config.h"
#if DL_HAVE_DPDK

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "agg.h"
#include "agg_json.h"
#include "dpdk_port.h"
#include "dpdk_report.h"
#include "shared_user.h"

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
		struct dl_agg_queue aq = {};

		dl_agg__queue(in->agg, (unsigned int)q, &aq);
		counts[q] = have ? in->stats->q_ipackets[q] : aq.records;
		json_array_append_new(arr, json_pack(
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
							(json_int_t)aq.records) : json_null()));
	}
	return arr;
}

json_t *dl_dpdk_report__json(const struct dl_dpdk_report_in *in)
{
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	struct rte_eth_dev_info info = {};
	__u64 counts[DL_DPDK_MAX_QUEUES + 1] = {};
	json_t *root, *tot, *qs, *seq;
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
	if (tot)
		json_object_set_new(tot, "lab_sent", in->lab_sent ?
				    json_integer((json_int_t)in->lab_sent) : json_null());
	qs = queues_json(in, counts);
	seq = dl_agg_json__seq_summary(in->agg, false);
	if (seq)
		json_object_set_new(seq, "per_flow", dl_agg_json__seq_flows(in->agg, false));
	root = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:f, s:i}",
			 "tool", "dropledger", "version", DL_VERSION,
			 "interface", name, "port", (int)in->port,
			 "driver", info.driver_name ? info.driver_name : "?",
			 "mode", "dpdk", "duration_s", in->seconds,
			 "nqueues", in->stats->nqueues);
	if (!root || !tot || !qs || !seq) {
		json_decref(root);
		json_decref(tot);
		json_decref(qs);
		json_decref(seq);
		errno = ENOMEM;
		return NULL;
	}
	json_object_set_new(root, "totals", tot);
	json_object_set_new(root, "queues", qs);
	json_object_set_new(root, "rss", dl_agg_json__rss(counts,
			    (unsigned int)in->stats->nqueues));
	json_object_set_new(root, "sequence", seq);
	json_object_set_new(root, "top_flows", dl_agg_json__top_flows(in->agg,
			    in->top_flows ? in->top_flows : DEFAULT_TOP_FLOWS));
	json_object_set_new(root, "xstats", xstats_json(in));
	return root;
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
	fprintf(out, "  %-6s %14s %14s %10s\n", "queue", "q_ipackets", "records",
		"q_errors");
	for (q = 0; q < in->stats->nqueues; q++) {
		struct dl_agg_queue aq = {};

		dl_agg__queue(in->agg, (unsigned int)q, &aq);
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			fprintf(out, "  %-6d %14" PRIu64 " %14" PRIu64 " %10" PRIu64 "\n", q,
				(uint64_t)in->stats->q_ipackets[q], (uint64_t)aq.records,
				(uint64_t)in->stats->q_errors[q]);
		else
			fprintf(out, "  %-6d %14s %14" PRIu64 " %10s\n", q, "n/a",
				(uint64_t)aq.records, "n/a");
	}
	if (in->stats->imissed)
		fprintf(out, "  imissed: the rx rings overflowed; use --ring or more lcores\n");
	dl_agg_json__print_text(in->agg, false,
				in->top_flows ? in->top_flows : DEFAULT_TOP_FLOWS, out);
	return 0;
}

#endif /* DL_HAVE_DPDK */
