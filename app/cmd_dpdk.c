// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger dpdk [EAL args] -- [options]: DPDK mode. Poll a DPDK port
 * (a NIC, or a vdev: net_ring, net_pcap, net_af_xdp) per rx queue on the
 * worker lcores and print its ledger: arrivals per queue vs rte_eth_stats
 * and xstats. Built only with libdpdk; otherwise it says so and exits 1.
 */
#include <errno.h>
#include <stdio.h>

#include "cli.h"
#include "dl_config.h"

#if !DL_HAVE_DPDK

int do_dpdk(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "dropledger: DPDK mode was not built (libdpdk was not found at build time;\n"
		"install dpdk-dev and rebuild)\n");
	return DL_EXIT_FAIL;
}

#else

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "agg.h"
#include "dpdk_port.h"
#include "dpdk_report.h"
#include "log.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dropledger dpdk [EAL arguments] -- [options]\n"
		"DPDK mode: poll every rx queue of a DPDK port on the worker lcores for a\n"
		"while, then print per queue the frames read against rte_eth_stats\n"
		"(q_ipackets, q_errors, imissed, ierrors, rx_nombuf) and the PMD's xstats,\n"
		"with the sequence check of stamped flows. No kernel stack: no stack columns.\n\n"
		"EAL arguments: as for any DPDK application (-l, --vdev, --no-huge, -a ...);\n"
		"at least two lcores (the main one waits, the others poll).\n\n"
		"Options (after --):\n"
		"  -p, --port ID          DPDK port to poll (default 0)\n"
		"  -q, --queues N         rx queues to set up and poll, 1..%d (default: what the\n"
		"                         port offers, at most %d)\n"
		"  -d, --duration SECONDS how long (default 10; Ctrl-C stops early)\n"
		"      --ring N           rx descriptors per queue (default 1024)\n"
		"      --lab-send N       loopback vdevs (net_ring): send N stamped frames per\n"
		"                         flow, two flows per queue, over the port's own TX queues\n"
		"  -j, --json             one JSON object instead of tables\n"
		"  -h, --help             this text\n\n"
		"Examples:\n"
		"  dropledger dpdk -l 0-1 --no-huge --vdev net_ring0 -- -q 4 -d 2 --lab-send 1000\n"
		"  dropledger dpdk -l 0-1 --no-huge --vdev net_pcap0,rx_pcap=in.pcap -- -d 2 --json\n"
		"  dropledger dpdk -l 0-3 -a 0000:3b:00.0 -- -q 4 -d 10 --json | jq .totals\n\n"
		"Exit codes: 0 ok, 1 runtime failure (EAL, port), 2 usage.\n",
		DL_DPDK_MAX_QUEUES, DL_DPDK_MAX_QUEUES);
}

struct dpdk_opts {
	int port;
	int nqueues;		/* 0: what the port offers */
	double duration;
	unsigned int ring;
	__u64 lab_send;
	bool json;
	const char *ready_file;
};

static int parse_ul(const char *s, unsigned long min, unsigned long max,
		    unsigned long *v)
{
	char *end;

	errno = 0;
	if (!s || s[0] == '-')
		return -EINVAL;
	*v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *v < min || *v > max)
		return -EINVAL;
	return 0;
}

static int parse(int argc, char **argv, struct dpdk_opts *o)
{
	static const struct option lo[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "duration", required_argument, NULL, 'd' },
		{ "ring", required_argument, NULL, 'r' },
		{ "lab-send", required_argument, NULL, 'L' },
		{ "json", no_argument, NULL, 'j' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	unsigned long v;
	int c;

	o->duration = 10;
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:q:d:jh", lo, NULL)) != -1) {
		const char *bad = NULL;

		switch (c) {
		case 'p':
			if (parse_ul(optarg, 0, RTE_MAX_ETHPORTS - 1, &v))
				bad = "--port (a DPDK port id)";
			o->port = (int)v;
			break;
		case 'q':
			if (parse_ul(optarg, 1, DL_DPDK_MAX_QUEUES, &v))
				bad = "--queues (1..16)";
			o->nqueues = (int)v;
			break;
		case 'd':
			if (cli_parse_seconds(optarg, &o->duration))
				bad = "--duration (seconds > 0)";
			break;
		case 'r':
			if (parse_ul(optarg, 64, 32768, &v) || (v & (v - 1)))
				bad = "--ring (a power of two, 64..32768)";
			o->ring = (unsigned int)v;
			break;
		case 'L':
			if (parse_ul(optarg, 1, 100000000, &v))
				bad = "--lab-send (frames per flow, 1..100000000)";
			o->lab_send = v;
			break;
		case 'j':
			o->json = true;
			break;
		case 'R':
			o->ready_file = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(DL_EXIT_OK);
		default:
			fprintf(stderr, "'dropledger dpdk --help' for the options\n");
			return -EINVAL;
		}
		if (bad) {
			fprintf(stderr, "dropledger dpdk: bad %s: '%s'\n", bad, optarg);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dropledger dpdk: unexpected argument '%s' (EAL arguments go before --)\n",
			argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Sleep @duration seconds or until a stop signal; returns the time slept. */
static double wait_interval(double duration)
{
	double start = cli_now(), left;

	while (!cli_stop && (left = duration - (cli_now() - start)) > 0) {
		struct timespec ts = { 0, (long)((left < 0.1 ? left : 0.1) * 1e9) };

		nanosleep(&ts, NULL);
	}
	return cli_now() - start;
}

static int print_report(const struct dl_dpdk_report_in *in, bool json)
{
	json_t *j;

	if (!json)
		return dl_dpdk_report__print_text(in, stdout);
	j = dl_dpdk_report__json(in);
	if (!j)
		return -errno;
	json_dumpf(j, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(j);
	return 0;
}

/* Everything after EAL started; EAL is cleaned up by the caller. */
static int run(struct dpdk_opts *o)
{
	struct dl_dpdk_port_opts po = { .ring_size = o->ring };
	struct dl_dpdk_report_in in = {};
	struct dl_dpdk_xstats *xbase = NULL, *xnow = NULL;
	struct dl_dpdk_port *p = NULL;
	struct rte_eth_dev_info info;
	struct dl_dpdk_stats st;
	struct dl_agg *agg = NULL;
	__u64 sent_q[DL_DPDK_MAX_QUEUES];
	int rc = DL_EXIT_FAIL, err, q;

	if (!rte_eth_dev_is_valid_port((uint16_t)o->port)) {
		fprintf(stderr, "dropledger: no DPDK port %d (%u port%s; add a NIC with -a or a vdev with --vdev)\n",
			o->port, rte_eth_dev_count_avail(),
			rte_eth_dev_count_avail() == 1 ? "" : "s");
		return DL_EXIT_FAIL;
	}
	po.port_id = (uint16_t)o->port;
	if (rte_eth_dev_info_get(po.port_id, &info)) {
		fprintf(stderr, "dropledger: cannot read DPDK port %d\n", o->port);
		return DL_EXIT_FAIL;
	}
	po.nqueues = o->nqueues ? o->nqueues : info.max_rx_queues < DL_DPDK_MAX_QUEUES ?
		     info.max_rx_queues : DL_DPDK_MAX_QUEUES;
	if (po.nqueues < 1 || po.nqueues > info.max_rx_queues) {
		fprintf(stderr, "dropledger: DPDK port %d (%s) has %u rx queues, %d asked\n",
			o->port, info.driver_name, info.max_rx_queues, po.nqueues);
		return DL_EXIT_FAIL;
	}
	if (o->lab_send && info.max_tx_queues < po.nqueues) {
		fprintf(stderr, "dropledger: --lab-send needs %d TX queues; port %d has %u\n",
			po.nqueues, o->port, info.max_tx_queues);
		return DL_EXIT_FAIL;
	}
	p = dl_dpdk_port__open(&po);
	if (!p) {
		fprintf(stderr, "dropledger: cannot start DPDK port %d (%s) with %d queues: %s\n",
			o->port, info.driver_name, po.nqueues, strerror(errno));
		return DL_EXIT_FAIL;
	}
	agg = dl_agg__new(&po.agg);
	xbase = dl_dpdk_xstats__read(po.port_id);
	if (!agg)
		goto out;
	err = dl_dpdk_port__launch(p);
	if (err) {
		fprintf(stderr, "dropledger: cannot start the pollers: %s\n",
			err == -ENODEV ? "EAL has no worker lcore (give two or more, e.g. -l 0-1)" :
			strerror(-err));
		goto out;
	}
	cli_stop_signals();
	cli_ready(o->ready_file);
	if (!o->json)
		fprintf(stderr, "dropledger: polling DPDK port %d (%s, %d queues) for %.1f s\n",
			o->port, info.driver_name, po.nqueues, o->duration);
	in.seconds = cli_now();
	if (o->lab_send) {
		err = dl_dpdk_port__send_stamped(p, 2u * (unsigned int)po.nqueues,
						 o->lab_send, sent_q);
		if (err) {
			fprintf(stderr, "dropledger: --lab-send: %s%s\n", strerror(-err),
				err == -ETIMEDOUT ? " (a TX ring stayed full: is this a loopback vdev?)" : "");
			goto out;
		}
		for (q = 0; q < po.nqueues; q++)
			in.lab_sent += sent_q[q];
	}
	in.seconds = cli_now() - in.seconds;
	if (in.seconds < o->duration)
		in.seconds += wait_interval(o->duration - in.seconds);
	dl_dpdk_port__stop(p);
	if (dl_dpdk_port__collect(p, agg) || dl_dpdk_port__stats(p, &st)) {
		fprintf(stderr, "dropledger: cannot read the port's counters\n");
		goto out;
	}
	xnow = dl_dpdk_xstats__read(po.port_id);
	in.port = po.port_id;
	in.stats = &st;
	in.agg = agg;
	in.xbase = xbase;
	in.xnow = xnow;
	err = print_report(&in, o->json);
	if (err) {
		fprintf(stderr, "dropledger: cannot print the report: %s\n", strerror(-err));
		goto out;
	}
	fflush(stdout);
	rc = DL_EXIT_OK;
out:
	dl_dpdk_xstats__free(xbase);
	dl_dpdk_xstats__free(xnow);
	dl_agg__free(agg);
	dl_dpdk_port__close(p);
	return rc;
}

int do_dpdk(int argc, char **argv)
{
	struct dpdk_opts o = {};
	char *eal[256];
	int i, sep = -1, n, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
	}
	if (argc > 1 && sep != 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return DL_EXIT_OK;
	}
	/* Our options first: a usage error never starts EAL. */
	if (sep >= 0) {
		argv[sep] = argv[0];
		if (parse(argc - sep, argv + sep, &o))
			return DL_EXIT_USAGE;
		argv[sep] = "--";
	}
	n = sep >= 0 ? sep : argc;
	if (n > (int)(sizeof(eal) / sizeof(eal[0])) - 1) {
		fprintf(stderr, "dropledger dpdk: too many EAL arguments\n");
		return DL_EXIT_USAGE;
	}
	eal[0] = "dropledger";
	for (i = 1; i < n; i++)
		eal[i] = argv[i];
	eal[n] = NULL;
	rc = dl_dpdk__eal_init(n, eal);
	if (rc < 0) {
		fprintf(stderr, "dropledger: DPDK EAL did not start: %s (check the EAL arguments before --,\n"
			"e.g. -l 0-1 --no-huge --vdev net_ring0; hugepages or root may be missing)\n",
			rte_strerror(-rc));
		return DL_EXIT_FAIL;
	}
	/* EAL returns how many arguments it parsed after argv[0]. */
	if (rc != n - 1) {
		fprintf(stderr, "dropledger dpdk: EAL left '%s' unparsed; put dropledger options after --\n",
			eal[rc + 1]);
		rte_eal_cleanup();
		return DL_EXIT_USAGE;
	}
	rc = run(&o);
	rte_eal_cleanup();
	return rc;
}

#endif /* DL_HAVE_DPDK */
