// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger capture: AF_XDP capture mode. Every frame of the captured rx
 * queues goes to a poll-mode worker instead of the stack, so the ledger is
 * arrivals vs ring loss (XDP_STATISTICS) and the sequence check of stamped
 * frames; there are no stack columns. For labs and benchmarks.
 */
#include <errno.h>
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
#include "util/params.h"

struct capture_opts {
	int *queues, nqueues;
	int *cpus, ncpus;
	unsigned int ring;
	bool busy;
	struct dl_common_opts c;	/* as parsed */
};

static const struct dl_param capture_table[] = {
	DL_OPT_CPULIST("queues", 'q', struct capture_opts, queues, nqueues, "LIST",
		       "rx queues to capture, e.g. 0-3 (default: all)"),
	DL_OPT_CPULIST("cores", 0, struct capture_opts, cpus, ncpus, "LIST",
		       "pin the queue workers to these CPUs (default: not pinned)",
		       .flags = DL_OPTF_USABLE),
	DL_OPT_UINT("ring", 0, struct capture_opts, ring, 64, 65536, "N",
		    "AF_XDP ring descriptors, a power of two (default 2048)",
		    .flags = DL_OPTF_POW2),
	DL_OPT_FLAG("busy-poll", 0, struct capture_opts, busy,
		    "never sleep in the workers (default: 50 us after an empty poll)"),
	{}
};

static const struct dl_cmd capture_cmd = {
	.name = "capture",
	.args = "-i IFACE [-d SECONDS] [options]",
	.doc = "AF_XDP capture mode: redirect every frame of the chosen rx queues to "
		"one AF_XDP socket and pinned poll-mode worker per queue, then print per "
		"queue the arrivals, the records read, the AF_XDP ring loss "
		"(XDP_STATISTICS) and the sequence check of stamped (dropledger gen) "
		"flows. Captured frames do not reach the kernel stack while it runs: use "
		"it on a lab or benchmark interface, not on a production path.",
	.opts = capture_table,
	.common = DL_COMMON_REPORTING | DL_COMMON_NEED_IFACE,
	.common_off = offsetof(struct capture_opts, c),
	.examples =
		"ip netns exec lab-b dropledger capture -i v0b -d 5 --queues 0-3 --cores 1\n"
		"dropledger capture -i eth2 -d 10 --json | jq '.totals, .ring_loss'\n",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN) and an interface with no XDP program.",
};

static int parse(int argc, char **argv, struct capture_opts *o)
{
	static struct dl_params ps;	/* keeps strings read from -c FILE */
	int err;

	o->c.duration = 10;
	err = cli_params_or_help(&ps, &capture_cmd, o, argc, argv);
	if (err)
		return err;
	return 0;
}

int do_capture(int argc, char **argv)
{
	struct dl_capture_session_opts so = {};
	struct dl_capture_session *s = NULL;
	struct capture_opts o = {};
	int rc = DL_EXIT_FAIL, ifindex, err;
	char why[512];
	double secs;

	rc = parse(argc, argv, &o);
	if (rc) {
		rc = cli_parse_exit(rc);
		goto out;
	}
	rc = DL_EXIT_FAIL;
	if (cli_check_caps("capture"))
		goto out;
	ifindex = (int)if_nametoindex(o.c.ifname);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n",
			cli_ifname(o.c.ifname));
		goto out;
	}
	cli_stop_signals();

	so.ifname = o.c.ifname;
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
	if (!o.c.json)
		fprintf(stderr, "dropledger: capturing on %s for %.1f s (Ctrl-C to stop early)\n",
			cli_ifname(o.c.ifname), o.c.duration);
	cli_ready(o.c.ready_file);
	secs = cli_now();
	cli_wait_until(o.c.ifname, ifindex, secs + o.c.duration);
	secs = cli_now() - secs;
	if (dl_capture_session__stop(s)) {
		fprintf(stderr, "dropledger: cannot read the capture counters\n");
		goto out;
	}
	if (o.c.json) {
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
