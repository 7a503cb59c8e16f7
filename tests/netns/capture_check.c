// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab check of capture mode: in the receive namespace, one AF_XDP socket
 * and pinned worker per rx queue, dl_capture attached to the veth; in the
 * send namespace, the generator on the same queues. Every count must
 * balance: per queue, sent = seen by dl_capture = redirected = records read
 * + frames without metadata + socket ring loss (XDP_STATISTICS); per flow,
 * issued = received + lost, and the gaps equal the ring loss. --ring makes
 * the RX rings small and --slow-us the workers slow, to provoke ring loss.
 * Exit 0 pass, 1 fail, 77 when the kernel lacks a feature.
 */
#include <errno.h>
#include <getopt.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "linerate/agg.h"
#include "linerate/capture.h"
#include "capture_xdp.skel.h"
#include "util/cpulist.h"
#include "labutil.h"
#include "util/log.h"
#include "dropledger_shared.h"

static __u64 seen_frames(struct dl_capture_xdp_bpf *skel)
{
	struct dl_capture_cnt c;
	__u64 sum = 0;
	unsigned int q;

	for (q = 0; q <= DL_MAX_QUEUES; q++)
		if (!dl_capture__read_cnt(bpf_map__fd(skel->maps.capture_cnt), q, &c))
			sum += c.frames;
	return sum;
}

/* Wait until dl_capture saw @want frames or nothing moved for 300 ms. */
static void settle(struct dl_capture_xdp_bpf *skel, __u64 want)
{
	__u64 last = ~0ull, sum;
	int i, still = 0;

	for (i = 0; i < 1000 && still < 30; i++) {
		sum = seen_frames(skel);
		if (sum >= want)
			return;
		still = sum == last ? still + 1 : 0;
		last = sum;
		usleep(10000);
	}
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
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'R' },
		{ "cores", required_argument, NULL, 'c' },
		{ "ring", required_argument, NULL, 's' },
		{ "slow-us", required_argument, NULL, 'w' },
		{},
	};
	const char *rx_ns = NULL, *tx_ns = NULL, *rx_if = NULL, *tx_if = NULL,
		   *gen = NULL, *queues = "0-3", *count = "2000",
		   *rate = "100000", *cores = "0";
	struct dl_capture_opts co = { .idle_us = 50 };
	__u64 sent, txdrop, lost_ring = 0, lost_seq = 0, no_meta = 0;
	struct dl_capture_xdp_bpf *skel = NULL;
	struct dl_capture *cap = NULL;
	struct dl_agg *out = NULL;
	struct dl_agg_totals at;
	json_t *res = NULL, *it;
	int *qs = NULL, nq = 0, *cpus = NULL, ncpu = 0, opt, ifindex = 0;
	int err, rc = 1, attached = 0, i;
	char flows[16];
	size_t k;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'r': rx_ns = optarg; break;
		case 't': tx_ns = optarg; break;
		case 'i': rx_if = optarg; break;
		case 'o': tx_if = optarg; break;
		case 'g': gen = optarg; break;
		case 'q': queues = optarg; break;
		case 'n': count = optarg; break;
		case 'R': rate = optarg; break;
		case 'c': cores = optarg; break;
		case 's': co.ring_size = (unsigned int)atoi(optarg); break;
		case 'w': co.idle_us = (unsigned int)atoi(optarg); break;
		default: return 2;
		}
	}
	if (!rx_ns || !tx_ns || !rx_if || !tx_if || !gen)
		return 2;
	dl_log__route_libbpf();
	if (dl_cpulist__parse(queues, &qs, &nq) ||
	    dl_cpulist__parse_usable(cores, &cpus, &ncpu))
		return 2;
	/* Two flows per queue, so sequence checks see interleaving. */
	snprintf(flows, sizeof(flows), "%d", 2 * nq);
	if (lab_enter_ns(rx_ns))
		goto out;
	ifindex = (int)if_nametoindex(rx_if);
	if (!ifindex)
		goto out;

	skel = dl_capture_xdp_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "SKIP: cannot load dl_capture\n");
		rc = 77;
		goto out;
	}
	co.ifname = rx_if;
	co.queues = qs;
	co.nqueues = nq;
	co.cpus = cpus;
	co.ncpus = ncpu;
	cap = dl_capture__start(skel->maps.xsks, &co);
	if (!cap) {
		fprintf(stderr, "SKIP: AF_XDP capture sockets unavailable: %s\n",
			strerror(errno));
		rc = 77;
		goto out;
	}
	err = bpf_xdp_attach(ifindex, bpf_program__fd(skel->progs.dl_capture),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "SKIP: cannot attach XDP to %s: %s\n", rx_if,
			strerror(-err));
		rc = 77;
		goto out;
	}
	attached = 1;
	out = dl_agg__new(NULL);
	if (!out)
		goto out;
	{
		char *gargv[] = {
			(char *)gen, "gen", "--queues", (char *)queues,
			"--flows", flows, "--count", (char *)count,
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
	settle(skel, sent);
	dl_capture__stop(cap);
	dl_capture__collect(cap, out);
	dl_agg__totals(out, &at);
	CHECK(sent > 0, "nothing sent");

	json_array_foreach(json_object_get(res, "queues"), k, it) {
		int q = (int)json_integer_value(json_object_get(it, "queue"));
		__u64 qsent = (__u64)json_integer_value(json_object_get(it, "sent"));
		struct dl_capture_stats st = {};
		struct dl_capture_cnt c = {};
		struct dl_agg_queue aq = {};

		for (i = 0; i < nq; i++)
			if (qs[i] == q)
				dl_capture__stats(cap, i, &st);
		dl_capture__read_cnt(bpf_map__fd(skel->maps.capture_cnt),
				     (unsigned int)q, &c);
		dl_agg__queue(out, (unsigned int)q, &aq);
		printf("queue %d: sent %llu, seen %llu, redirected %llu, records %llu, "
		       "no meta %llu, rx_dropped %llu, rx_ring_full %llu, "
		       "fill ring empty %llu\n", q, (unsigned long long)qsent,
		       (unsigned long long)c.frames, (unsigned long long)c.redirected,
		       (unsigned long long)st.records, (unsigned long long)st.no_meta,
		       (unsigned long long)st.rx_dropped,
		       (unsigned long long)st.rx_ring_full,
		       (unsigned long long)st.rx_fill_ring_empty_descs);
		CHECK(c.frames == qsent, "queue %d: dl_capture saw %llu, sent %llu", q,
		      (unsigned long long)c.frames, (unsigned long long)qsent);
		CHECK(c.no_socket == 0, "queue %d: %llu frames found no socket", q,
		      (unsigned long long)c.no_socket);
		CHECK(c.redirected == st.records + st.no_meta + st.rx_dropped +
		      st.rx_ring_full,
		      "queue %d: redirected %llu != records %llu + no_meta %llu + "
		      "rx_dropped %llu + rx_ring_full %llu", q,
		      (unsigned long long)c.redirected, (unsigned long long)st.records,
		      (unsigned long long)st.no_meta, (unsigned long long)st.rx_dropped,
		      (unsigned long long)st.rx_ring_full);
		CHECK(aq.stamped == st.records, "queue %d: %llu stamped of %llu records",
		      q, (unsigned long long)aq.stamped, (unsigned long long)st.records);
		lost_ring += st.rx_dropped + st.rx_ring_full;
		no_meta += st.no_meta;
	}
	json_array_foreach(json_object_get(res, "flows"), k, it) {
		__u64 issued = (__u64)json_integer_value(json_object_get(it, "issued"));
		const struct dl_seqcheck *s;

		err = dl_agg__seq_finish(out, (unsigned int)k, issued);
		s = dl_agg__seq(out, (unsigned int)k);
		CHECK(!err && s, "flow %zu: no sequence state", k);
		if (!s)
			continue;
		CHECK(s->received + s->lost == issued,
		      "flow %zu: received %llu + lost %llu != issued %llu", k,
		      (unsigned long long)s->received, (unsigned long long)s->lost,
		      (unsigned long long)issued);
		CHECK(s->duplicated == 0, "flow %zu: %llu duplicates", k,
		      (unsigned long long)s->duplicated);
		lost_seq += s->lost;
	}
	CHECK(lost_seq == lost_ring + no_meta + txdrop,
	      "sequence gaps %llu != ring loss %llu + no_meta %llu + tx drops %llu",
	      (unsigned long long)lost_seq, (unsigned long long)lost_ring,
	      (unsigned long long)no_meta, (unsigned long long)txdrop);
	printf("sent %llu, records %llu, ring loss %llu, sequence gaps %llu\n",
	       (unsigned long long)sent, (unsigned long long)at.records,
	       (unsigned long long)lost_ring, (unsigned long long)lost_seq);
	rc = lab_failures ? 1 : 0;
	printf("%s: %d failed checks\n", rc ? "FAIL" : "PASS", lab_failures);
out:
	json_decref(res);
	dl_agg__free(out);
	if (attached)
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	dl_capture__free(cap);
	dl_capture_xdp_bpf__destroy(skel);
	free(cpus);
	free(qs);
	return rc;
}
