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

#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "linerate/agg.h"
#include "dpdk/dpdk_afxdp.h"
#include "dpdk/dpdk_port.h"
#include "dpdk/dpdk_report.h"
#include "util/log.h"
#include "util/output.h"
#include "util/params.h"
#include "util/wait.h"

struct dpdk_opts {
	int port;
	int nqueues;		/* 0: what the port offers */
	unsigned int ring;
	__u64 lab_send;
	bool pmd_prog;
	struct dl_common_opts c;	/* as parsed */
	/* net_af_xdp vdevs of the EAL arguments (as rewritten) */
	struct dl_afxdp_vdev afxdp[RTE_MAX_ETHPORTS];
	int nafxdp;
};

#define STR_(x) #x
#define STR(x) STR_(x)

static const struct dl_param dpdk_table[] = {
	DL_OPT_UINT("port", 'p', struct dpdk_opts, port, 0, RTE_MAX_ETHPORTS - 1, "ID",
		    "DPDK port to poll (default 0)"),
	DL_OPT_UINT("queues", 'q', struct dpdk_opts, nqueues, 1, DL_DPDK_MAX_QUEUES, "N",
		    "rx queues to set up and poll, 1.." STR(DL_DPDK_MAX_QUEUES)
		    " (default: what the port offers, at most " STR(DL_DPDK_MAX_QUEUES) ")"),
	DL_OPT_UINT("ring", 0, struct dpdk_opts, ring, 64, 32768, "N",
		    "rx descriptors per queue, a power of two (default 1024)",
		    .flags = DL_OPTF_POW2),
	DL_OPT_UINT("lab-send", 0, struct dpdk_opts, lab_send, 1, 100000000, "N",
		    "loopback vdevs (net_ring): send N stamped frames per flow, two "
		    "flows per queue, over the port's own TX queues"),
	DL_OPT_FLAG("pmd-prog", 0, struct dpdk_opts, pmd_prog,
		    "net_af_xdp: keep the PMD's own XDP program instead of ours (no "
		    "xdp_seen column)"),
	{}
};

static const struct dl_cmd dpdk_cmd = {
	.name = "dpdk",
	.args = "[EAL arguments] -- [options]",
	.doc = "DPDK mode: poll every rx queue of a DPDK port on the worker lcores for "
		"a while, then print per queue the frames read against rte_eth_stats "
		"(q_ipackets, q_errors, imissed, ierrors, rx_nombuf) and the PMD's "
		"xstats, with the sequence check of stamped flows. No kernel stack: no "
		"stack columns.\n\n"
	       "net_af_xdp: a --vdev net_af_xdp without xdp_prog= gets ours (built into "
	       "dropledger), which counts every frame per rx queue at XDP and puts its "
	       "record in the metadata area before the frame; the report then sets the "
	       "frames seen at XDP against q_ipackets and imissed. The PMD needs the "
	       "interface free of other XDP programs; queue_count is at most the "
	       "interface's combined channels (1 on veth: poll another queue with "
	       "start_queue=).\n\n"
	       "EAL arguments: as for any DPDK application (-l, --vdev, --no-huge, -a "
	       "...); at least two lcores (the main one waits, the others poll). The "
	       "options below go after --.",
	.opts = dpdk_table,
	.common = DL_COMMON_DURATION | DL_COMMON_JSON | DL_COMMON_VERBOSE | DL_COMMON_READY |
		  DL_COMMON_CONFIG,
	.common_off = offsetof(struct dpdk_opts, c),
	.examples =
		"dropledger dpdk -l 0-1 --no-huge --vdev net_ring0 -- -q 4 -d 2 --lab-send 1000\n"
		"dropledger dpdk -l 0-1 --vdev net_pcap0,rx_pcap=in.pcap -- -d 2 --json\n"
		"dropledger dpdk -l 0-1 --vdev net_af_xdp0,iface=v0b,start_queue=2 -- -d 5\n"
		"dropledger dpdk -l 0-3 -a 0000:3b:00.0 -- -q 4 -d 10 --json | jq .totals\n",
	.exit_codes = "0 ok, 1 runtime failure (EAL, port), 2 usage",
};

/* Our options, after --: @argv[0] stands for the command. */
static int parse(int argc, char **argv, struct dpdk_opts *o)
{
	static struct dl_params ps;	/* keeps strings read from -c FILE */
	int err;

	o->c.duration = 10;
	err = cli_params_or_help(&ps, &dpdk_cmd, o, argc, argv);
	if (err)
		return err;
	return 0;
}

/*
 * Sleep @duration seconds, until a stop signal or until nobody reads our
 * output; returns the time slept.
 */
static double wait_interval(double duration)
{
	double start = cli_now();

	dl_wait__until_check(start + duration, &cli_stop, NULL, NULL, &dl_stdout);
	return cli_now() - start;
}

static int print_report(const struct dl_dpdk_report_in *in, bool json)
{
	json_t *j;

	int err;

	if (!json) {
		err = dl_dpdk_report__print_text(in, stdout);
		return dl_output__check(&dl_stdout) ?: err;
	}
	j = dl_dpdk_report__json(in);
	if (!j)
		return -errno;
	err = dl_output__json(&dl_stdout, "dpdk", j);
	json_decref(j);
	return err;
}

/* The net_af_xdp vdev behind DPDK port @port, or NULL. */
static const struct dl_afxdp_vdev *port_afxdp(const struct dpdk_opts *o, uint16_t port)
{
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	int i;

	if (rte_eth_dev_get_name_by_port(port, name))
		return NULL;
	for (i = 0; i < o->nafxdp; i++)
		if (!strcmp(o->afxdp[i].name, name))
			return &o->afxdp[i];
	return NULL;
}

/* The interface of a net_af_xdp port: DPDK's if_index, else by name. */
static int afxdp_ifindex(const struct rte_eth_dev_info *info, const struct dl_afxdp_vdev *v)
{
	if (info->if_index)
		return (int)info->if_index;
	return (int)if_nametoindex(v->iface);
}

/*
 * With xdp_prog= the PMD attaches only to an interface without an XDP
 * program, and says little when it cannot: name the one in the way.
 */
static bool afxdp_busy(const struct rte_eth_dev_info *info, const struct dl_afxdp_vdev *v)
{
	struct dl_afxdp_xdp cur;
	int ifindex = afxdp_ifindex(info, v);

	if (ifindex <= 0 || dl_afxdp_xdp__read(ifindex, &cur) || !cur.prog_id)
		return false;
	fprintf(stderr, "dropledger: %s already has XDP program %s (id %u); net_af_xdp attaches\n"
		"its program only to a free interface (remove it first: ip link set dev %s xdp off)\n",
		v->iface, cur.prog_name, cur.prog_id, v->iface);
	return true;
}

/* Everything after EAL started; EAL is cleaned up by the caller. */
static int run(struct dpdk_opts *o)
{
	const struct dl_afxdp_vdev *av;
	struct dl_afxdp_xdp *xbase_xdp = NULL, *xdp = NULL;
	int ifindex = 0;
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
		if (o->nafxdp)
			fprintf(stderr, "dropledger: net_af_xdp refused the vdev: iface= must exist in this\n"
				"namespace, queue_count= is at most its combined channels (1 on veth)\n");
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
	av = port_afxdp(o, po.port_id);
	po.xdp_meta = av != NULL;
	if (av && av->has_prog && afxdp_busy(&info, av))
		return DL_EXIT_FAIL;
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
	/* The PMD attached the program while setting up the queues (in open). */
	if (av) {
		ifindex = afxdp_ifindex(&info, av);
		xbase_xdp = calloc(1, sizeof(*xbase_xdp));
		xdp = calloc(1, sizeof(*xdp));
		if (!xbase_xdp || !xdp)
			goto out;
		if (ifindex <= 0 || dl_afxdp_xdp__read(ifindex, xbase_xdp))
			fprintf(stderr, "dropledger: cannot read the XDP program of %s: no xdp_seen\n",
				av->iface);
	}
	err = dl_dpdk_port__launch(p);
	if (err) {
		fprintf(stderr, "dropledger: cannot start the pollers: %s\n",
			err == -ENODEV ? "EAL has no worker lcore (give two or more, e.g. -l 0-1)" :
			strerror(-err));
		goto out;
	}
	cli_stop_signals();
	cli_ready(o->c.ready_file);
	if (!o->c.json)
		fprintf(stderr, "dropledger: polling DPDK port %d (%s, %d queues) for %.1f s\n",
			o->port, info.driver_name, po.nqueues, o->c.duration);
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
	if (in.seconds < o->c.duration)
		in.seconds += wait_interval(o->c.duration - in.seconds);
	dl_dpdk_port__stop(p);
	if (dl_dpdk_port__collect(p, agg) || dl_dpdk_port__stats(p, &st)) {
		fprintf(stderr, "dropledger: cannot read the port's counters\n");
		goto out;
	}
	xnow = dl_dpdk_xstats__read(po.port_id);
	if (av) {
		/* Before close: the PMD detaches the program when the port closes. */
		if (ifindex > 0 && !dl_afxdp_xdp__read(ifindex, xdp)) {
			dl_afxdp_xdp__sub(xdp, xbase_xdp);
			in.xdp = xdp;
		}
		in.xdp_iface = av->iface;
		in.xdp_start_queue = av->start_queue;
	}
	in.port = po.port_id;
	in.stats = &st;
	in.agg = agg;
	in.xbase = xbase;
	in.xnow = xnow;
	err = print_report(&in, o->c.json);
	if (err && !dl_output__failed(&dl_stdout)) {
		fprintf(stderr, "dropledger: cannot print the report: %s\n", strerror(-err));
		goto out;
	}
	/* A write failure is said once, after the port is closed (main). */
	if (!err)
		rc = DL_EXIT_OK;
out:
	free(xbase_xdp);
	free(xdp);
	dl_dpdk_xstats__free(xbase);
	dl_dpdk_xstats__free(xnow);
	dl_agg__free(agg);
	dl_dpdk_port__close(p);
	return rc;
}

/*
 * net_af_xdp vdevs: remember them for the report and, unless the user
 * named a program or asked for the PMD's, hand ours over as xdp_prog=.
 * One per interface: the PMD attaches with "no replace", so a second
 * instance on the same interface must share the first one's program.
 * eal[i] may be replaced by a string added to @owned. 0 or -errno.
 */
static int prepare_afxdp(struct dpdk_opts *o, char **eal, int n, char **owned,
			 int *nowned, int *memfd)
{
	char path[64];
	int i, j, err;

	for (i = 1; i < n; i++) {
		char *arg = eal[i], *val, *nv;
		struct dl_afxdp_vdev *v = &o->afxdp[o->nafxdp];
		bool done = false, joined = false;

		if (!strncmp(arg, "--vdev=", 7))
			val = arg + 7, joined = true;
		else if (!strcmp(arg, "--vdev") && i + 1 < n)
			val = eal[++i];
		else
			continue;
		if (o->nafxdp >= RTE_MAX_ETHPORTS || dl_afxdp_vdev__parse(val, v))
			continue;	/* other vdevs; bad ones are the PMD's to refuse */
		o->nafxdp++;
		for (j = 0; j < o->nafxdp - 1; j++)
			done |= !strcmp(o->afxdp[j].iface, v->iface) && o->afxdp[j].has_prog;
		if (v->has_prog || o->pmd_prog || done)
			continue;
		if (*memfd < 0) {
			*memfd = dl_afxdp_prog__memfd();
			if (*memfd < 0)
				return *memfd;
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", *memfd);
		nv = dl_afxdp_vdev__with_prog(val, path);
		if (!nv)
			return -errno;
		err = asprintf(&owned[*nowned], "%s%s", joined ? "--vdev=" : "", nv);
		free(nv);
		if (err < 0)
			return -ENOMEM;
		eal[i] = owned[(*nowned)++];
		v->has_prog = true;
	}
	return 0;
}

int do_dpdk(int argc, char **argv)
{
	struct dpdk_opts o = {};
	char *eal[256], *owned[256];
	int i, sep = -1, n, rc, nowned = 0, memfd = -1;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
	}
	if (argc > 1 && sep != 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		dl_params__usage(&dpdk_cmd, stdout);
		return DL_EXIT_OK;
	}
	/* Our options first: a usage error never starts EAL. */
	if (sep >= 0) {
		argv[sep] = argv[0];
		rc = parse(argc - sep, argv + sep, &o);
		argv[sep] = "--";
	} else {
		rc = parse(1, argv, &o);
	}
	if (rc)
		return cli_parse_exit(rc);
	n = sep >= 0 ? sep : argc;
	if (n > (int)(sizeof(eal) / sizeof(eal[0])) - 1) {
		fprintf(stderr, "dropledger dpdk: too many EAL arguments\n");
		return DL_EXIT_USAGE;
	}
	eal[0] = "dropledger";
	for (i = 1; i < n; i++)
		eal[i] = argv[i];
	eal[n] = NULL;
	rc = prepare_afxdp(&o, eal, n, owned, &nowned, &memfd);
	if (rc) {
		fprintf(stderr, "dropledger: cannot prepare the XDP program for net_af_xdp: %s\n",
			strerror(-rc));
		rc = DL_EXIT_FAIL;
		goto out;
	}
	rc = dl_dpdk__eal_init(n, eal);
	if (rc < 0) {
		fprintf(stderr, "dropledger: DPDK EAL did not start: %s (check the EAL arguments before --,\n"
			"e.g. -l 0-1 --no-huge --vdev net_ring0; hugepages or root may be missing)\n",
			rte_strerror(-rc));
		rc = DL_EXIT_FAIL;
		goto out;
	}
	/* EAL returns how many arguments it parsed after argv[0]. */
	if (rc != n - 1) {
		fprintf(stderr, "dropledger dpdk: EAL left '%s' unparsed; put dropledger options after --\n",
			eal[rc + 1]);
		rte_eal_cleanup();
		rc = DL_EXIT_USAGE;
		goto out;
	}
	rc = run(&o);
	/* Closes the ports: net_af_xdp detaches its program here. */
	rte_eal_cleanup();
out:
	if (memfd >= 0)
		close(memfd);
	while (nowned)
		free(owned[--nowned]);
	return rc;
}

#endif /* DL_HAVE_DPDK */
