// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger gen: send stamped UDP frames (flow id + sequence number in the
 * payload) over AF_XDP TX on chosen queues, bounded in count, optionally
 * paced. The receiving side's analyzer checks the sequence numbers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "util/cpulist.h"
#include "lab/gen.h"
#include "util/log.h"
#include "util/output.h"

static void gen_usage(FILE *f)
{
	fprintf(f,
		"usage: dropledger gen [options] IFNAME\n"
		"Send stamped UDP frames over AF_XDP TX (copy mode).\n"
		"  --queues LIST     TX queues, e.g. 0-3 (default 0)\n"
		"  --flows N         flows, flow f on the (f %% nqueues)-th queue (default 1)\n"
		"  --count N         frames per flow (default 1000)\n"
		"  --rate PPS        frames per second, all queues (default: unpaced)\n"
		"  --size BYTES      frame length 64..1514 (default 64)\n"
		"  --cores LIST      pin the queue threads to these CPUs\n"
		"  --src-mac MAC     (default: IFNAME's)   --dst-mac MAC (default: broadcast)\n"
		"  --src-ip IP       (default 198.18.0.1)  --dst-ip IP   (default 198.18.0.2)\n"
		"  --sport PORT      flow f uses PORT+f (default 40000)\n"
		"  --dport PORT      (default 9)\n"
		"  --json            print the result as one JSON object\n"
		"EXAMPLES\n"
		"  dropledger gen --queues 0-3 --flows 8 --count 100000 --rate 200000 veth0\n"
		"  dropledger gen --dst-mac 02:00:00:00:00:02 --json eth1\n"
		"  ip netns exec lab-a dropledger gen --queues 0-3 --flows 8 --count 5000 v0a\n"
		"Receive side: dropledger report --mirror 1 (tap) or dropledger capture.\n"
		"Exit codes: 0 ok, 1 runtime failure (privileges, AF_XDP), 2 usage.\n");
}

static int parse_mac(const char *s, __u8 mac[6])
{
	unsigned int m[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (m[i] > 0xff)
			return -EINVAL;
		mac[i] = (__u8)m[i];
	}
	return 0;
}

static int parse_u64(const char *s, __u64 min, __u64 max, __u64 *v)
{
	char *end;
	unsigned long long x;

	if (!s || *s == '-' || !*s)
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x < min || x > max)
		return -ERANGE;
	*v = x;
	return 0;
}

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
	static const struct option lo[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "flows", required_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "rate", required_argument, NULL, 'r' },
		{ "size", required_argument, NULL, 's' },
		{ "cores", required_argument, NULL, 'c' },
		{ "src-mac", required_argument, NULL, 'M' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "src-ip", required_argument, NULL, 'A' },
		{ "dst-ip", required_argument, NULL, 'a' },
		{ "sport", required_argument, NULL, 'P' },
		{ "dport", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct dl_gen_opts o = { .flows = 1, .frames_per_flow = 1000 };
	int *queues = NULL, *cores = NULL, nq = 0, nc = 0, json = 0, opt, err = 0;
	struct dl_gen_result r;
	__u64 v;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		const char *what = NULL;

		switch (opt) {
		case 'q':
			free(queues);
			queues = NULL;
			if (dl_cpulist__parse(optarg, &queues, &nq) ||
			    queues[nq - 1] >= DL_GEN_MAX_QUEUES || nq > DL_GEN_MAX_QUEUES)
				what = "--queues (a list like 0-3, queues below 64)";
			break;
		case 'c':
			free(cores);
			cores = NULL;
			if (dl_cpulist__parse_usable(optarg, &cores, &nc))
				what = "--cores (online CPUs, e.g. 0-1)";
			break;
		case 'f':
			if (parse_u64(optarg, 1, DL_GEN_MAX_FLOWS, &v))
				what = "--flows (1..65536)";
			o.flows = (unsigned int)v;
			break;
		case 'n':
			if (parse_u64(optarg, 1, DL_GEN_MAX_FRAMES, &o.frames_per_flow))
				what = "--count (frames per flow, >= 1)";
			break;
		case 'r':
			if (parse_u64(optarg, 0, 1000000000ull, &o.rate_pps))
				what = "--rate (frames per second)";
			break;
		case 's':
			if (parse_u64(optarg, 64, 1514, &v))
				what = "--size (64..1514)";
			o.frame_len = (size_t)v;
			break;
		case 'M':
			if (parse_mac(optarg, o.src_mac))
				what = "--src-mac (aa:bb:cc:dd:ee:ff)";
			break;
		case 'm':
			if (parse_mac(optarg, o.dst_mac))
				what = "--dst-mac (aa:bb:cc:dd:ee:ff)";
			break;
		case 'A':
			if (inet_pton(AF_INET, optarg, &o.saddr) != 1)
				what = "--src-ip (IPv4 address)";
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &o.daddr) != 1)
				what = "--dst-ip (IPv4 address)";
			break;
		case 'P':
			if (parse_u64(optarg, 1, 65535, &v))
				what = "--sport (1..65535)";
			o.sport = (__u16)v;
			break;
		case 'p':
			if (parse_u64(optarg, 1, 65535, &v))
				what = "--dport (1..65535)";
			o.dport = (__u16)v;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			gen_usage(stdout);
			goto out;
		default:
			gen_usage(stderr);
			err = DL_EXIT_USAGE;
			goto out;
		}
		if (what) {
			fprintf(stderr, "dropledger gen: bad %s: '%s'\n", what, optarg);
			err = DL_EXIT_USAGE;
			goto out;
		}
	}
	if (optind != argc - 1) {
		if (optind >= argc)
			fprintf(stderr, "dropledger gen: which interface? (IFNAME after the options)\n");
		else
			fprintf(stderr, "dropledger gen: one interface expected, got '%s' and '%s'\n",
				argv[optind], argv[optind + 1]);
		fprintf(stderr, "'dropledger gen --help' for the options\n");
		err = DL_EXIT_USAGE;
		goto out;
	}
	if (!if_nametoindex(argv[optind])) {
		fprintf(stderr, "dropledger gen: no interface '%s' in this network namespace\n",
			argv[optind]);
		err = DL_EXIT_FAIL;
		goto out;
	}
	o.ifname = argv[optind];
	o.queues = queues;
	o.nqueues = queues ? nq : 1;
	o.cpus = cores;
	o.ncpus = nc;
	err = dl_gen__run(&o, &r);
	if (err) {
		fprintf(stderr, "dropledger gen: cannot send on %s: %s%s\n", o.ifname,
			strerror(-err), err == -EPERM ?
			" (AF_XDP needs root or CAP_NET_RAW + CAP_BPF)" : "");
		err = DL_EXIT_FAIL;
		goto out;
	}
	if (json)
		err = print_json(&r, o.ifname, o.frames_per_flow) ? 1 : 0;
	else
		print_text(&r, o.ifname);
	dl_gen__result_release(&r);
	dl_output__complain(&dl_stdout, "gen");
out:
	free(cores);
	free(queues);
	return err;
}
