// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger report: attach, count for -d seconds (or until Ctrl-C), detach,
 * print the ledger. Signals and a vanishing interface end the interval
 * early; the report is printed either way.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "causes.h"
#include "cli.h"
#include "cpulist.h"
#include "drop_reasons.h"
#include "drop_trace.h"
#include "ingress.h"
#include "ksyms.h"
#include "ledger.h"
#include "log.h"
#include "tap_session.h"

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dropledger report -i IFACE [-d SECONDS] [options]\n"
		"Attach to IFACE, count every arriving frame per RX queue and every kernel\n"
		"drop of those frames by reason and location, then print the ledger:\n"
		"  xdp_seen = stack_dropped + delivered + residual\n"
		"with the causes, biggest first, and the fix for each.\n\n"
		"Options:\n"
		"  -i, --interface IFACE  interface to watch (in this network namespace)\n"
		"  -d, --duration SECONDS how long to count (default 10; Ctrl-C stops early)\n"
		"  -j, --json             one JSON object instead of tables\n"
		"      --attach HOW       libxdp (default: joins libxdp's dispatcher, or attaches\n"
		"                         alone when the interface is free and says so) or link\n"
		"                         (exclusive bpf_link for benchmarks; the kernel removes\n"
		"                         it when the process dies)\n"
		"      --skb-mode         generic XDP even where the driver has native XDP\n"
		"      --no-flows         no per-flow table (cheapest; drops lose their queue\n"
		"                         when the driver does not record it)\n"
		"      --mirror N         tap mode: mirror 1 in N frames (1: every frame) to\n"
		"                         poll-mode workers: per-queue records, records lost,\n"
		"                         sequence check of stamped (dropledger gen) flows\n"
		"      --cores LIST       cores for the --mirror workers (default: all online)\n"
		"  -v, --verbose          more detail on stderr (-vv: libbpf too)\n"
		"  -h, --help             this text\n\n"
		"Examples:\n"
		"  dropledger report -i eth1 -d 10\n"
		"  ip netns exec edge dropledger report -i v0b -d 5 --json | jq .causes\n"
		"  dropledger report -i eth1 -d 10 --mirror 8 --cores 2-3 --json | jq .tap\n\n"
		"Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON). Exit codes: 0 ok,\n"
		"1 runtime failure, 2 usage.\n");
}

struct report_opts {
	const char *ifname;
	double duration;
	bool json;
	const char *ready_file;
	int *cpus;		/* --mirror workers */
	int ncpus;
	struct dl_ingress_opts ing;
};

/* --cores LIST, or every online CPU. */
static int parse_cores(const char *cores, int **cpus, int *n)
{
	char online[256] = "0";
	int err;
	FILE *f;

	if (!cores) {
		f = fopen("/sys/devices/system/cpu/online", "re");
		if (f) {
			if (!fgets(online, sizeof(online), f))
				snprintf(online, sizeof(online), "0");
			online[strcspn(online, "\n")] = '\0';
			fclose(f);
		}
	}
	err = dl_cpulist__parse_usable(cores ? cores : online, cpus, n);
	if (err)
		fprintf(stderr, "dropledger report: bad --cores '%s' (online CPUs this process may use, e.g. 0-1)\n",
			cores ? cores : online);
	return err;
}

static int parse(int argc, char **argv, struct report_opts *o)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "attach", required_argument, NULL, 'A' },
		{ "skb-mode", no_argument, NULL, 'S' },
		{ "no-flows", no_argument, NULL, 'F' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "mirror", required_argument, NULL, 'M' },
		{ "cores", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *cores = NULL;
	int c, verbose = 0, err;

	o->duration = 10;
	o->ing.how = DL_ATTACH_LIBXDP;
	o->ing.track_flows = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:d:jvh", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'd':
			if (cli_parse_seconds(optarg, &o->duration)) {
				fprintf(stderr, "dropledger report: bad duration '%s' (seconds > 0, e.g. 5 or 0.5)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'A':
			if (!strcmp(optarg, "libxdp")) {
				o->ing.how = DL_ATTACH_LIBXDP;
			} else if (!strcmp(optarg, "link")) {
				o->ing.how = DL_ATTACH_LINK;
			} else {
				fprintf(stderr, "dropledger report: --attach takes libxdp or link, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'S':
			o->ing.skb_mode = true;
			break;
		case 'F':
			o->ing.track_flows = false;
			break;
		case 'R':
			o->ready_file = optarg;
			break;
		case 'M': {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > 1000000 ||
			    optarg[0] == '-') {
				fprintf(stderr, "dropledger report: --mirror takes N in 1..1000000 (1 in N frames), not '%s'\n",
					optarg);
				return -EINVAL;
			}
			o->ing.sample_every = (unsigned int)n;
			break;
		}
		case 'C':
			cores = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(DL_EXIT_OK);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	cli_verbosity(verbose);
	if (optind < argc) {
		fprintf(stderr, "dropledger report: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->ifname) {
		fprintf(stderr, "dropledger report: which interface? (-i IFACE)\n");
		return -EINVAL;
	}
	if (cores && !o->ing.sample_every) {
		fprintf(stderr, "dropledger report: --cores is for the --mirror workers; add --mirror N\n");
		return -EINVAL;
	}
	if (o->ing.sample_every) {
		err = parse_cores(cores, &o->cpus, &o->ncpus);
		if (err)
			return err;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep until the duration ends, a signal arrives or the interface goes. */
static double wait_interval(const struct report_opts *o, int ifindex)
{
	double start = now_s(), left;

	while (!stop_sig && (left = o->duration - (now_s() - start)) > 0) {
		struct timespec ts;
		double step = left < 0.1 ? left : 0.1;

		ts.tv_sec = 0;
		ts.tv_nsec = (long)(step * 1e9);
		nanosleep(&ts, NULL);
		if ((int)if_nametoindex(o->ifname) != ifindex) {
			pr_warn("%s vanished during the interval: reporting what was counted until then\n",
				o->ifname);
			break;
		}
	}
	return now_s() - start;
}

/* Tap mode: workers on the mirror rings of @ing, on --cores. */
static struct dl_tap_session *start_tap(struct dl_ingress *ing,
					const struct report_opts *o)
{
	struct dl_tap_session_opts to = { .idle_us = 50 };
	struct dl_tap_session *tap;

	to.cpus = o->cpus;
	to.ncpus = o->ncpus;
	tap = dl_tap_session__start(ing, &to);
	if (!tap)
		fprintf(stderr, "dropledger: cannot start the tap workers: %s\n",
			strerror(errno));
	return tap;
}

/* The ledger's JSON object with the tap session's under "tap". */
static int print_json_with_tap(const struct dl_ledger *l,
			       const struct dl_tap_session *tap)
{
	json_t *root, *t;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	mem = open_memstream(&buf, &len);
	if (!mem)
		return -errno;
	dl_ledger__print_json(l, mem);
	fclose(mem);
	root = json_loads(buf, 0, NULL);
	free(buf);
	t = dl_tap_session__json(tap);
	if (!root || !t) {
		json_decref(root);
		json_decref(t);
		return -ENOMEM;
	}
	json_object_set_new(root, "tap", t);
	json_dumpf(root, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(root);
	return 0;
}

int do_report(int argc, char **argv)
{
	struct dl_ledger_names names = { .flow_map_fd = -1 };
	struct dl_drop_trace_opts dto = {};
	struct dl_drop_trace *dt = NULL;
	struct dl_rxq_stats rxq[DL_MAX_QUEUES + 1];
	struct dl_ingress *ing = NULL;
	struct dl_tap_session *tap = NULL;
	struct report_opts o = {};
	struct dl_ledger l = {};
	char why[512], note[1024];
	struct sigaction sa = { .sa_handler = on_signal };
	int ifindex, rc = DL_EXIT_FAIL, err;
	unsigned int netns;

	if (parse(argc, argv, &o))
		return DL_EXIT_USAGE;
	if (cli_check_caps("report"))
		return DL_EXIT_FAIL;
	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n",
			o.ifname);
		return DL_EXIT_FAIL;
	}
	err = dl_netns__self_inum(&netns);
	if (err) {
		fprintf(stderr, "dropledger: cannot identify this network namespace: %s\n",
			strerror(-err));
		return DL_EXIT_FAIL;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	o.ing.ifindex = ifindex;
	o.ing.ifname = o.ifname;
	ing = dl_ingress__attach(&o.ing, why, sizeof(why), note, sizeof(note));
	if (!ing) {
		fprintf(stderr, "dropledger: %s\n", why);
		return DL_EXIT_FAIL;
	}
	if (note[0])
		fprintf(stderr, "dropledger: %s", note);
	if (o.ing.sample_every) {
		tap = start_tap(ing, &o);
		if (!tap)
			goto out;
	}
	dto.ifindex = ifindex;
	dto.netns = netns;
	dto.flow_map_fd = dl_ingress__flow_map_fd(ing);
	dt = dl_drop_trace__start(&dto, why, sizeof(why));
	if (!dt) {
		fprintf(stderr, "dropledger: %s\n", why);
		goto out;
	}

	names.ksyms = dl_ksyms__load("/proc/kallsyms");
	if (!names.ksyms)
		pr_warn("kernel symbols unavailable (%s): locations shown as addresses\n",
			strerror(errno));
	names.reasons = dl_reasons__load(NULL);
	if (!names.reasons)
		pr_warn("no drop reason names in this kernel's BTF (%s): shown as numbers\n",
			strerror(errno));
	names.causes = dl_causes__load(NULL, why, sizeof(why));
	if (!names.causes)
		pr_warn("%s: causes get generic advice\n", why);
	names.flow_map_fd = dto.flow_map_fd;

	if (!o.json)
		fprintf(stderr, "dropledger: counting on %s for %.1f s (Ctrl-C to stop early)\n",
			o.ifname, o.duration);
	cli_ready(o.ready_file);
	l.duration_s = wait_interval(&o, ifindex);

	if (tap && dl_tap_session__stop(tap)) {
		fprintf(stderr, "dropledger: cannot read the tap mirror counts\n");
		goto out;
	}
	snprintf(l.ifname, sizeof(l.ifname), "%s", o.ifname);
	l.ifindex = ifindex;
	l.mode = "tap";
	l.attach = dl_ingress__mode(ing);
	l.drop_source = dl_drop_trace__flavour(dt);
	err = dl_ingress__read_rxq(ing, rxq);
	if (!err)
		err = dl_ledger__collect(&l, rxq, dt, &names);
	if (err) {
		fprintf(stderr, "dropledger: reading counters: %s\n", strerror(-err));
		goto out;
	}
	if (o.json && tap)
		err = print_json_with_tap(&l, tap);
	else if (o.json)
		dl_ledger__print_json(&l, stdout);
	else
		dl_ledger__print_text(&l, stdout);
	if (!o.json && tap)
		dl_tap_session__print_text(tap, stdout);
	if (err)
		goto out;
	fflush(stdout);
	rc = stop_sig == SIGINT || stop_sig == SIGTERM || !stop_sig ? DL_EXIT_OK : rc;
out:
	dl_ledger__free(&l);
	dl_tap_session__free(tap);
	free(o.cpus);
	dl_drop_trace__destroy(dt);
	dl_ingress__destroy(ing);
	dl_ksyms__free((struct dl_ksyms *)names.ksyms);
	dl_reasons__free((struct dl_reasons *)names.reasons);
	dl_causes__free((struct dl_causes *)names.causes);
	return rc;
}
