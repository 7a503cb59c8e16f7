// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger capture: AF_XDP capture mode. Every frame of the captured rx
 * queues goes to a poll-mode worker instead of the stack, so the ledger is
 * arrivals vs ring loss (XDP_STATISTICS) and the sequence check of stamped
 * frames; there are no stack columns. For labs and benchmarks.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "linerate/capture_session.h"
#include "cli.h"
#include "util/cpulist.h"
#include "util/log.h"
#include "util/output.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dropledger capture -i IFACE [-d SECONDS] [options]\n"
		"AF_XDP capture mode: redirect every frame of the chosen rx queues to one\n"
		"AF_XDP socket and pinned poll-mode worker per queue, then print per queue\n"
		"the arrivals, the records read, the AF_XDP ring loss (XDP_STATISTICS) and\n"
		"the sequence check of stamped (dropledger gen) flows.\n"
		"Captured frames do not reach the kernel stack while it runs: use it on a\n"
		"lab or benchmark interface, not on a production path.\n\n"
		"Options:\n"
		"  -i, --interface IFACE  interface (in this network namespace)\n"
		"  -d, --duration SECONDS how long (default 10; Ctrl-C stops early)\n"
		"  -q, --queues LIST      rx queues to capture, e.g. 0-3 (default: all)\n"
		"  -c, --cores LIST       pin the queue workers to these CPUs (default: not pinned)\n"
		"      --ring N           AF_XDP ring descriptors, power of two (default 2048)\n"
		"      --busy-poll        never sleep in the workers (default: 50 us after an\n"
		"                         empty poll)\n"
		"  -j, --json             one JSON object instead of tables\n"
		"  -v, --verbose          more detail on stderr\n"
		"  -h, --help             this text\n\n"
		"Examples:\n"
		"  ip netns exec lab-b dropledger capture -i v0b -d 5 --queues 0-3 --cores 1\n"
		"  dropledger capture -i eth2 -d 10 --json | jq '.totals, .ring_loss'\n\n"
		"Needs root (CAP_BPF, CAP_NET_ADMIN) and an interface with no XDP program.\n"
		"Exit codes: 0 ok, 1 runtime failure, 2 usage.\n");
}

struct capture_opts {
	const char *ifname;
	double duration;
	bool json;
	const char *ready_file;
	int *queues, nqueues;
	int *cpus, ncpus;
	unsigned int ring;
	bool busy;
};

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "dropledger capture: bad %s: '%s'\n", what, arg);
	return -EINVAL;
}

static int parse(int argc, char **argv, struct capture_opts *o)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "queues", required_argument, NULL, 'q' },
		{ "cores", required_argument, NULL, 'c' },
		{ "ring", required_argument, NULL, 'r' },
		{ "busy-poll", no_argument, NULL, 'B' },
		{ "json", no_argument, NULL, 'j' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, verbose = 0;
	char *end;
	unsigned long v;

	o->duration = 10;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:d:q:c:jvh", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'd':
			if (cli_parse_seconds(optarg, &o->duration))
				return bad("duration (seconds > 0, e.g. 5 or 0.5)", optarg);
			break;
		case 'q':
			free(o->queues);
			o->queues = NULL;
			if (dl_cpulist__parse(optarg, &o->queues, &o->nqueues))
				return bad("--queues (a list like 0-3)", optarg);
			break;
		case 'c':
			free(o->cpus);
			o->cpus = NULL;
			if (dl_cpulist__parse_usable(optarg, &o->cpus, &o->ncpus))
				return bad("--cores (online CPUs, e.g. 0-1)", optarg);
			break;
		case 'r':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || v < 64 || v > 65536 ||
			    (v & (v - 1)))
				return bad("--ring (a power of two, 64..65536)", optarg);
			o->ring = (unsigned int)v;
			break;
		case 'B':
			o->busy = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'R':
			o->ready_file = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(DL_EXIT_OK);
		default:
			fprintf(stderr, "'dropledger capture --help' for the options\n");
			return -EINVAL;
		}
	}
	cli_verbosity(verbose);
	return cli_args_done("capture", argc, argv, o->ifname);
}

int do_capture(int argc, char **argv)
{
	struct dl_capture_session_opts so = {};
	struct dl_capture_session *s = NULL;
	struct capture_opts o = {};
	int rc = DL_EXIT_FAIL, ifindex, err;
	char why[512];
	double secs;

	if (parse(argc, argv, &o)) {
		rc = DL_EXIT_USAGE;
		goto out;
	}
	if (cli_check_caps("capture"))
		goto out;
	ifindex = (int)if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n",
			o.ifname);
		goto out;
	}
	cli_stop_signals();

	so.ifname = o.ifname;
	so.queues = o.queues;
	so.nqueues = o.nqueues;
	so.cpus = o.cpus;
	so.ncpus = o.ncpus;
	so.ring_size = o.ring;
	so.idle_us = o.busy ? 0 : 50;
	s = dl_capture_session__start(&so, why, sizeof(why));
	if (!s) {
		fprintf(stderr, "dropledger: %s\n", why[0] ? why : strerror(errno));
		goto out;
	}
	if (!o.json)
		fprintf(stderr, "dropledger: capturing on %s for %.1f s (Ctrl-C to stop early)\n",
			o.ifname, o.duration);
	cli_ready(o.ready_file);
	secs = cli_now();
	cli_wait_until(o.ifname, ifindex, secs + o.duration);
	secs = cli_now() - secs;
	if (dl_capture_session__stop(s)) {
		fprintf(stderr, "dropledger: cannot read the capture counters\n");
		goto out;
	}
	if (o.json) {
		json_t *j = dl_capture_session__json(s, secs);

		if (!j) {
			fprintf(stderr, "dropledger: cannot build the JSON report: %s\n",
				strerror(errno));
			goto out;
		}
		err = dl_output__json(&dl_stdout, "capture", j);
		json_decref(j);
	} else {
		err = dl_capture_session__print_text(s, secs, stdout);
		err = dl_output__check(&dl_stdout) ?: err;
	}
	if (!err)
		rc = DL_EXIT_OK;
out:
	dl_capture_session__free(s);
	dl_output__complain(&dl_stdout, "capture");
	free(o.queues);
	free(o.cpus);
	return rc;
}
