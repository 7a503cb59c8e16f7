// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab check of tap mirroring end to end: in the receive namespace, attach
 * dl_ingress (mirroring every frame) to the veth and start the poll-mode
 * workers; in the send namespace, run the generator CLI over AF_XDP on
 * chosen TX queues. Then every count must balance exactly: per queue,
 * frames sent = frames seen at XDP = stamped records; in total, frames
 * seen = records received + records lost; per flow, sequence numbers
 * issued = received + lost, and flows arrive on the queue they were sent
 * on. Exit 0 pass, 1 fail, 77 when the kernel lacks a feature.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "linerate/agg.h"
#include "util/cpulist.h"
#include "ingress.skel.h"
#include "labutil.h"
#include "util/log.h"
#include "fastpath/mirror.h"
#include "dropledger_shared.h"
#include "linerate/workers.h"

static void rxq_frames(struct dl_ingress_bpf *skel, __u64 *per_q)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct dl_rxq_stats *v = calloc((size_t)ncpu, sizeof(*v));
	__u32 q;

	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		per_q[q] = 0;
		if (!v || bpf_map_lookup_elem(bpf_map__fd(skel->maps.rxq_cnt), &q, v))
			continue;
		for (i = 0; i < ncpu; i++)
			per_q[q] += v[i].frames;
	}
	free(v);
}

/* Wait until XDP saw @want frames or nothing moved for 300 ms (max 10 s). */
static __u64 settle(struct dl_ingress_bpf *skel, __u64 want)
{
	__u64 q[DL_MAX_QUEUES + 1], sum = 0, last = ~0ull;
	int i, still = 0;

	for (i = 0; i < 1000 && still < 30; i++) {
		int k;

		rxq_frames(skel, q);
		for (sum = 0, k = 0; k <= DL_MAX_QUEUES; k++)
			sum += q[k];
		if (sum >= want)
			break;
		still = sum == last ? still + 1 : 0;
		last = sum;
		usleep(10000);
	}
	return sum;
}

static int flow_queue_ok(const struct dl_agg_flow *f, void *ctx)
{
	json_t *flows = ctx;
	__u16 sport = (__u16)((f->flow.sport >> 8) | (f->flow.sport << 8));
	json_t *fl;
	int id;

	if (f->flow.l4proto != 17 || sport < 40000)
		return 0;
	id = sport - 40000;
	fl = json_array_get(flows, (size_t)id);
	if (!fl)
		return 0;
	CHECK(json_integer_value(json_object_get(fl, "queue")) == f->rxq,
	      "flow %d sent on queue %lld arrived on rx queue %u", id,
	      json_integer_value(json_object_get(fl, "queue")), f->rxq);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rx-ns", required_argument, NULL, 'r' },
		{ "tx-ns", required_argument, NULL, 't' },
		{ "rx-if", required_argument, NULL, 'i' },
		{ "tx-if", required_argument, NULL, 'o' },
		{ "gen", required_argument, NULL, 'g' },
		{ "queues", required_argument, NULL, 'q' },
		{ "flows", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'R' },
		{ "cores", required_argument, NULL, 'c' },
		{ "mirror-ring", required_argument, NULL, 'k' },
		{},
	};
	const char *rx_ns = NULL, *tx_ns = NULL, *rx_if = NULL, *tx_if = NULL,
		   *gen = NULL, *queues = "0-3", *flows = "8", *count = "2000",
		   *rate = "100000", *cores = "0";
	struct dl_workers_opts wo = { .idle_us = 50 };
	__u64 xdp_q[DL_MAX_QUEUES + 1], sent = 0, seen, lost_seq = 0, txdrop = 0;
	struct dl_mirror_opts mo = { .ring_bytes = 1 << 22 };
	struct dl_mirror *mirror = NULL;
	struct dl_ingress_bpf *skel = NULL;
	struct dl_workers *w = NULL;
	struct dl_mirror_totals mt;
	struct dl_agg_totals at;
	struct dl_agg *out = NULL;
	json_t *res = NULL, *qs, *fls, *it;
	int opt, ifindex, err, rc = 1, *cpus = NULL, ncpu = 0, attached = 0;
	size_t i;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'r': rx_ns = optarg; break;
		case 't': tx_ns = optarg; break;
		case 'i': rx_if = optarg; break;
		case 'o': tx_if = optarg; break;
		case 'g': gen = optarg; break;
		case 'q': queues = optarg; break;
		case 'f': flows = optarg; break;
		case 'n': count = optarg; break;
		case 'R': rate = optarg; break;
		case 'c': cores = optarg; break;
		case 'k':
			if (dl_mirror__parse_kind(optarg, &mo.kind))
				return 2;
			break;
		default: return 2;
		}
	}
	if (!rx_ns || !tx_ns || !rx_if || !tx_if || !gen)
		return 2;
	dl_log__route_libbpf();
	if (dl_cpulist__parse_usable(cores, &cpus, &ncpu))
		return 2;
	if (lab_enter_ns(rx_ns))
		return 1;
	ifindex = (int)if_nametoindex(rx_if);
	if (!ifindex)
		return 1;

	skel = dl_ingress_bpf__open();
	if (!skel)
		goto out;
	skel->rodata->sample_every = 1;
	if (dl_mirror__prepare(skel, &mo) || dl_ingress_bpf__load(skel)) {
		fprintf(stderr, "SKIP: cannot load dl_ingress\n");
		rc = 77;
		goto out;
	}
	mirror = dl_mirror__new(skel, &mo);
	if (!mirror)
		goto out;
	printf("mirror rings: %s\n", dl_mirror__kind_name(dl_mirror__kind(mirror)));
	err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.dl_ingress),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "SKIP: cannot attach XDP to %s: %s\n", rx_if,
			strerror(-err));
		rc = 77;
		goto out;
	}
	attached = 1;
	wo.cpus = cpus;
	wo.ncpus = ncpu;
	wo.mirror = mirror;
	w = dl_workers__start(&wo);
	out = dl_agg__new(NULL);
	if (!w || !out)
		goto out;

	{
		char *gargv[] = {
			(char *)gen, "gen", "--queues", (char *)queues,
			"--flows", (char *)flows, "--count", (char *)count,
			"--rate", (char *)rate, "--cores", (char *)cores,
			"--dst-ip", "198.18.0.99", "--json", "-i", (char *)tx_if, NULL,
		};

		res = lab_run_gen(tx_ns, gargv);
	}
	if (!res) {
		fprintf(stderr, "SKIP: generator could not send (AF_XDP)\n");
		rc = 77;
		goto out;
	}
	sent = (__u64)json_integer_value(json_object_get(res, "sent"));
	txdrop = (__u64)json_integer_value(json_object_get(res, "tx_dropped"));
	seen = settle(skel, sent);
	dl_workers__stop(w);
	dl_workers__collect(w, out);
	dl_agg__totals(out, &at);
	dl_mirror__totals(mirror, &mt);
	rxq_frames(skel, xdp_q);

	printf("sent %llu (tx_dropped %llu), seen at XDP %llu, records received %llu, "
	       "records lost %llu, sampled out %llu\n",
	       (unsigned long long)sent, (unsigned long long)txdrop,
	       (unsigned long long)seen, (unsigned long long)at.records,
	       (unsigned long long)mt.lost, (unsigned long long)mt.sampled_out);
	CHECK(sent > 0, "nothing sent");
	CHECK(seen == sent, "XDP saw %llu frames, %llu sent",
	      (unsigned long long)seen, (unsigned long long)sent);
	CHECK(mt.frames == seen, "mirror saw %llu, XDP %llu",
	      (unsigned long long)mt.frames, (unsigned long long)seen);
	CHECK(at.records + mt.lost + mt.sampled_out == mt.frames,
	      "received %llu + lost %llu + sampled_out %llu != frames %llu",
	      (unsigned long long)at.records, (unsigned long long)mt.lost,
	      (unsigned long long)mt.sampled_out, (unsigned long long)mt.frames);
	CHECK(at.stamped == at.records, "%llu of %llu records unstamped",
	      (unsigned long long)(at.records - at.stamped),
	      (unsigned long long)at.records);

	qs = json_object_get(res, "queues");
	json_array_foreach(qs, i, it) {
		int q = (int)json_integer_value(json_object_get(it, "queue"));
		__u64 qs_sent = (__u64)json_integer_value(json_object_get(it, "sent"));
		struct dl_agg_queue aq = {};

		dl_agg__queue(out, (unsigned int)q, &aq);
		printf("queue %d: sent %llu, seen at XDP %llu, stamped records %llu\n",
		       q, (unsigned long long)qs_sent, (unsigned long long)xdp_q[q],
		       (unsigned long long)aq.stamped);
		CHECK(xdp_q[q] == qs_sent, "queue %d: XDP saw %llu, sent %llu", q,
		      (unsigned long long)xdp_q[q], (unsigned long long)qs_sent);
		if (!mt.lost)
			CHECK(aq.stamped == qs_sent, "queue %d: %llu records, sent %llu",
			      q, (unsigned long long)aq.stamped,
			      (unsigned long long)qs_sent);
	}

	fls = json_object_get(res, "flows");
	json_array_foreach(fls, i, it) {
		__u64 issued = (__u64)json_integer_value(json_object_get(it, "issued"));
		const struct dl_seqcheck *s;

		err = dl_agg__seq_finish(out, (unsigned int)i, issued);
		s = dl_agg__seq(out, (unsigned int)i);
		CHECK(!err && s, "flow %zu: no sequence state (%d)", i, err);
		if (!s)
			continue;
		CHECK(s->received + s->lost == issued,
		      "flow %zu: received %llu + lost %llu != issued %llu", i,
		      (unsigned long long)s->received, (unsigned long long)s->lost,
		      (unsigned long long)issued);
		CHECK(s->duplicated == 0, "flow %zu: %llu duplicates", i,
		      (unsigned long long)s->duplicated);
		lost_seq += s->lost;
	}
	CHECK(lost_seq == mt.lost + txdrop,
	      "sequence gaps %llu != records lost %llu + tx drops %llu",
	      (unsigned long long)lost_seq, (unsigned long long)mt.lost,
	      (unsigned long long)txdrop);
	dl_agg__foreach_flow(out, flow_queue_ok, fls);
	for (i = 0; i < (size_t)dl_workers__count(w); i++) {
		struct dl_worker_stats ws;

		dl_workers__stats(w, (int)i, &ws);
		printf("worker on CPU %d (node %d%s): %d rings, %llu records\n",
		       ws.cpu, ws.numa_node, ws.numa_local ? "" : ", heap memory",
		       ws.nrings, (unsigned long long)ws.records);
	}
	rc = lab_failures ? 1 : 0;
	printf("%s: %d failed checks\n", rc ? "FAIL" : "PASS", lab_failures);
out:
	json_decref(res);
	dl_agg__free(out);
	dl_workers__free(w);
	if (attached)
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	dl_mirror__free(mirror);
	dl_ingress_bpf__destroy(skel);
	free(cpus);
	return rc;
}
