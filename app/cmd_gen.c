// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger gen: send stamped UDP frames (flow id + sequence number in the
 * payload) over AF_XDP TX on chosen queues, bounded in count, optionally
 * paced. The receiving side's analyzer checks the sequence numbers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "util/cpulist.h"
#include "lab/gen.h"
#include "util/log.h"
#include "util/output.h"
#include "util/params.h"

struct gen_cli {
	struct dl_gen_opts g;
	int *queues, nq;
	int *cores, nc;
	struct dl_common_opts c;
};

static const struct dl_param gen_table[] = {
	DL_OPT_CPULIST("queues", 'q', struct gen_cli, queues, nq, "LIST",
		       "TX queues, e.g. 0-3 (default 0)"),
	DL_OPT_UINT("flows", 0, struct gen_cli, g.flows, 1, DL_GEN_MAX_FLOWS, "N",
		    "flows, flow f on the (f % nqueues)-th queue (default 1)"),
	DL_OPT_UINT("count", 'n', struct gen_cli, g.frames_per_flow, 1, DL_GEN_MAX_FRAMES, "N",
		    "frames per flow (default 1000)"),
	DL_OPT_UINT("rate", 0, struct gen_cli, g.rate_pps, 0, 1000000000, "PPS",
		    "frames per second, all queues (default: unpaced)"),
	DL_OPT_UINT("size", 0, struct gen_cli, g.frame_len, 64, 1514, "BYTES",
		    "frame length (default 64)"),
	DL_OPT_CPULIST("cores", 0, struct gen_cli, cores, nc, "LIST",
		       "pin the queue threads to these CPUs", .flags = DL_OPTF_USABLE),
	DL_OPT_MAC("src-mac", 0, struct gen_cli, g.src_mac,
		   "source MAC (default: the interface's)"),
	DL_OPT_MAC("dst-mac", 0, struct gen_cli, g.dst_mac, "destination MAC (default: broadcast)"),
	DL_OPT_IPV4("src-ip", 0, struct gen_cli, g.saddr, "source address (default 198.18.0.1)"),
	DL_OPT_IPV4("dst-ip", 0, struct gen_cli, g.daddr,
		    "destination address (default 198.18.0.2)"),
	DL_OPT_UINT("sport", 0, struct gen_cli, g.sport, 1, 65535, "PORT",
		    "flow f uses PORT+f (default 40000)"),
	DL_OPT_UINT("dport", 0, struct gen_cli, g.dport, 1, 65535, "PORT", "(default 9)"),
	{}
};

static const struct dl_cmd gen_cmd = {
	.name = "gen",
	.args = "-i IFACE [options]",
	.doc = "Send stamped UDP frames (flow id and sequence number in the payload) "
		"over AF_XDP TX (copy mode), bounded in count, optionally paced. Receive "
		"side: dropledger report --mirror 1 (tap) or dropledger capture.",
	.opts = gen_table,
	.common = DL_COMMON_IFACE | DL_COMMON_NEED_IFACE | DL_COMMON_JSON | DL_COMMON_VERBOSE,
	.common_off = offsetof(struct gen_cli, c),
	.examples =
		"dropledger gen -i veth0 --queues 0-3 --flows 8 --count 100000 --rate 200000\n"
		"dropledger gen -i eth1 --dst-mac 02:00:00:00:00:02 --json\n"
		"ip netns exec lab-a dropledger gen -i v0a --queues 0-3 --flows 8 --count 5000\n",
	.notes = "Needs root, or CAP_NET_RAW and CAP_BPF (AF_XDP).",
	.exit_codes = "0 ok, 1 runtime failure (privileges, AF_XDP), 2 usage",
};

static void print_text(const struct dl_gen_result *r, const char *ifname)
{
	__u64 sent = 0, drop = 0;
	int i;

	for (i = 0; i < r->nqueues; i++) {
		sent += r->q[i].sent;
		drop += r->q[i].tx_dropped;
	}
	printf("%s: sent %llu frames in %.3f s (%.0f pps), %llu dropped at TX\n",
	       ifname, (unsigned long long)sent, r->seconds,
	       r->seconds > 0 ? sent / r->seconds : 0.0, (unsigned long long)drop);
	for (i = 0; i < r->nqueues; i++)
		printf("  queue %d: sent %llu, tx_dropped %llu, retries %llu\n",
		       r->q[i].queue, (unsigned long long)r->q[i].sent,
		       (unsigned long long)r->q[i].tx_dropped,
		       (unsigned long long)r->q[i].retries);
}

static int print_json(const struct dl_gen_result *r, const char *ifname,
		      __u64 per_flow)
{
	json_t *o = json_object(), *qs = json_array(), *fs = json_array();
	__u64 sent = 0, drop = 0;
	unsigned int f;
	int i, err;

	if (!o || !qs || !fs)
		return -ENOMEM;
	for (i = 0; i < r->nqueues; i++) {
		const struct dl_gen_queue_result *q = &r->q[i];

		sent += q->sent;
		drop += q->tx_dropped;
		json_array_append_new(qs, json_pack(
			"{s:i, s:I, s:I, s:I, s:I, s:I, s:I}",
			"queue", q->queue, "sent", (json_int_t)q->sent,
			"tx_dropped", (json_int_t)q->tx_dropped,
			"retries", (json_int_t)q->retries,
			"tx_invalid_descs", (json_int_t)q->tx_invalid_descs,
			"tx_ring_empty_descs", (json_int_t)q->tx_ring_empty_descs,
			"unfinished", (json_int_t)q->unfinished));
	}
	for (f = 0; f < r->flows; f++)
		json_array_append_new(fs, json_pack("{s:i, s:i, s:I, s:I}",
			"flow", (int)f, "queue", r->flow_queue[f],
			"issued", (json_int_t)r->flow_issued[f],
			"tx_dropped", (json_int_t)r->flow_dropped[f]));
	json_object_set_new(o, "interface", json_string(ifname));
	json_object_set_new(o, "frames_per_flow", json_integer((json_int_t)per_flow));
	json_object_set_new(o, "sent", json_integer((json_int_t)sent));
	json_object_set_new(o, "tx_dropped", json_integer((json_int_t)drop));
	json_object_set_new(o, "seconds", json_real(r->seconds));
	json_object_set_new(o, "queues", qs);
	json_object_set_new(o, "flows", fs);
	err = dl_output__json(&dl_stdout, "gen", o);
	json_decref(o);
	return err;
}

int do_gen(int argc, char **argv)
{
	static struct dl_params ps;
	struct gen_cli o = { .g = { .flows = 1, .frames_per_flow = 1000 } };
	struct dl_gen_result r;
	int err;

	err = cli_params(&ps, &gen_cmd, &o, argc, argv);
	if (err) {
		err = cli_parse_exit(err);
		goto out;
	}
	if (o.queues && o.queues[o.nq - 1] >= DL_GEN_MAX_QUEUES) {
		cli_usage_error("gen", "--queues: queue %d is above %d",
				o.queues[o.nq - 1], DL_GEN_MAX_QUEUES - 1);
		err = DL_EXIT_USAGE;
		goto out;
	}
	o.g.ifname = o.c.ifname;
	o.g.queues = o.queues;
	o.g.nqueues = o.queues ? o.nq : 1;
	o.g.cpus = o.cores;
	o.g.ncpus = o.nc;
	err = dl_gen__run(&o.g, &r);
	if (err) {
		fprintf(stderr, "dropledger gen: cannot send on %s: %s%s\n",
			cli_ifname(o.g.ifname),
			strerror(-err), err == -EPERM ?
			" (AF_XDP needs root or CAP_NET_RAW + CAP_BPF)" : "");
		err = DL_EXIT_FAIL;
		goto out;
	}
	if (o.c.json)
		err = print_json(&r, o.g.ifname, o.g.frames_per_flow) ? 1 : 0;
	else
		print_text(&r, cli_ifname(o.g.ifname));
	dl_gen__result_release(&r);
	dl_output__complain(&dl_stdout, "gen");
out:
	free(o.cores);
	free(o.queues);
	return err;
}
