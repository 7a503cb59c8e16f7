// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger report: attach, count for -d seconds (or until Ctrl-C), detach,
 * print the ledger. Signals and a vanishing interface end the interval
 * early; the report is printed either way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "verdict/causes.h"
#include "cli.h"
#include "util/config_path.h"
#include "util/cpulist.h"
#include "trace/drop_reasons.h"
#include "trace/drop_trace.h"
#include "fastpath/ingress.h"
#include "counters/kstate.h"
#include "trace/ksyms.h"
#include "ledger/ledger.h"
#include "util/log.h"
#include "counters/nic_map.h"
#include "ledger/report_conf.h"
#include "linerate/tap_session.h"
#include "evidence/evidence.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dropledger report -i IFACE [-d SECONDS] [options] [FILTER]\n"
		"Attach to IFACE, count every arriving frame per RX queue and every kernel\n"
		"drop of those frames by reason and location, then print the ledger:\n"
		"  xdp_seen = stack_dropped + delivered + residual\n"
		"with the causes, biggest first, and the fix for each.\n\n"
		"Options:\n"
		"  -i, --interface IFACE  interface to watch (in this network namespace)\n"
		"  -c, --config FILE      defaults from the [report] section of FILE\n"
		"                         (config/dropledger.conf); the command line wins\n"
		"  -d, --duration SECONDS how long to count (default 10; Ctrl-C stops early;\n"
		"                         0: until SIGINT/SIGTERM, with --interval)\n"
		"  -I, --interval SECONDS also print the ledger of every interval (JSON: one\n"
		"                         object per line), then the whole run\n"
		"  -j, --json             one JSON object instead of tables\n"
		"      --attach HOW       libxdp (default: joins libxdp's dispatcher, or attaches\n"
		"                         alone when the interface is free and says so) or link\n"
		"                         (exclusive bpf_link for benchmarks; the kernel removes\n"
		"                         it when the process dies)\n"
		"      --skb-mode         generic XDP even where the driver has native XDP\n"
		"      --mirror N         tap mode: mirror 1 in N frames (1: every frame) to\n"
		"                         poll-mode workers: per-queue records, records lost,\n"
		"                         sequence check of stamped (dropledger gen) flows\n"
		"      --cores LIST       cores for the --mirror workers (default: all online)\n"
		"      --max-flows N      flows each --mirror worker counts exactly (default\n"
		"                         65536; memory grows only with flows seen, ~40 B each)\n"
		"      --skew-threshold F a queue above F x the mean share is hot (default 1.5);\n"
		"                         the rss section names it and the flows behind it\n"
		"      --no-flows         causes only: no flow table at XDP, no flows in drop\n"
		"                         records (cheapest; drops lose their queue when the\n"
		"                         driver does not record it)\n"
		"  -w, --write FILE       the dropped frames as pcapng (- : stdout, the report then\n"
		"                         goes to stderr), each with reason, location, queue,\n"
		"                         CPU, device, netns and cause in its comment\n"
		"      --snaplen N        bytes kept per frame from its MAC header (1..65535,\n"
		"                         default 128); nothing beyond, ever\n"
		"      --sample N         write 1 in N dropped frames (default: every one)\n"
		"      --max-packets N    stop writing after N frames (the rest are counted)\n"
		"      --html FILE        the whole-run report as one self-contained HTML page\n"
		"      --save FILE        the whole-run report's JSON, for `dropledger diff`\n"
		"  FILTER                 a pcap-filter expression ('udp and port 53'): causes\n"
		"                         and the pcap keep only matching drops; totals stay whole\n"
		"  -v, --verbose          more detail on stderr (-vv: libbpf too)\n"
		"  -h, --help             this text\n\n"
		"Examples:\n"
		"  dropledger report -i eth1 -d 10\n"
		"  ip netns exec edge dropledger report -i v0b -d 5 --json | jq .causes\n"
		"  dropledger report -i eth1 -d 3600 -I 10 --json >> ledger.jsonl\n"
		"  dropledger report -i eth1 -d 10 --mirror 8 --cores 1 --json | jq .tap\n"
		"  dropledger report -i eth1 -d 10 -w drops.pcapng 'udp and port 53'\n"
		"  dropledger report -i eth1 -d 10 -w - | tcpdump -n -r -\n"
		"  dropledger report -i eth1 -d 60 --html run.html --save run.json\n\n"
		"Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON). Exit codes: 0 ok,\n"
		"1 runtime failure, 2 usage.\n");
}

struct report_opts {
	const char *ifname;
	char conf_ifname[32];	/* the interface named in --config */
	double duration;
	double interval;	/* 0: one ledger for the whole run */
	double skew_threshold;	/* hot queue: above this x mean; 0: default */
	int *cpus;		/* --mirror workers */
	int ncpus;
	unsigned int max_flows;	/* --mirror: flows each worker tracks; 0: default */
	bool json;
	FILE *out;		/* stdout, or stderr with -w - */
	const char *ready_file;
	struct dl_ingress_opts ing;
	struct dl_evidence_opts ev;
	char *filter;		/* trailing words, joined */
};

/* N in [@min, @max] for --@name. */
static int parse_count(const char *name, const char *arg, uint64_t min, uint64_t max,
		       uint64_t *out)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n < min || n > max) {
		fprintf(stderr, "dropledger report: --%s takes %llu..%llu, not '%s'\n", name,
			(unsigned long long)min, (unsigned long long)max, arg);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

/* Trailing words are one pcap-filter expression, as tcpdump takes them. */
static int take_filter(int argc, char **argv, struct report_opts *o)
{
	size_t len = 0;
	int i;

	if (optind >= argc)
		return 0;
	for (i = optind; i < argc; i++)
		len += strlen(argv[i]) + 1;
	o->filter = calloc(1, len);
	if (!o->filter)
		return -ENOMEM;
	for (i = optind; i < argc; i++) {
		if (i > optind)
			strcat(o->filter, " ");
		strcat(o->filter, argv[i]);
	}
	o->ev.filter = o->filter;
	optind = argc;
	return 0;
}

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
		{ "config", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'I' },
		{ "json", no_argument, NULL, 'j' },
		{ "attach", required_argument, NULL, 'A' },
		{ "skb-mode", no_argument, NULL, 'S' },
		{ "no-flows", no_argument, NULL, 'F' },
		{ "skew-threshold", required_argument, NULL, 'K' },
		{ "mirror", required_argument, NULL, 'M' },
		{ "cores", required_argument, NULL, 'C' },
		{ "max-flows", required_argument, NULL, 'X' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "write", required_argument, NULL, 'w' },
		{ "snaplen", required_argument, NULL, 257 },
		{ "max-packets", required_argument, NULL, 258 },
		{ "sample", required_argument, NULL, 259 },
		{ "html", required_argument, NULL, 260 },
		{ "save", required_argument, NULL, 261 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, verbose = 0, json = -1, flows = -1, skb = -1, how = -1;
	const char *config = NULL, *cores = NULL;
	char why[160];
	uint64_t n;

	o->duration = -1;
	o->interval = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:c:d:I:jvhw:", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 'd':
			/* 0: until SIGINT/SIGTERM (a service). */
			if (strcmp(optarg, "0") && cli_parse_seconds(optarg, &o->duration)) {
				fprintf(stderr, "dropledger report: bad duration '%s' (seconds, e.g. 5 or 0.5; 0: until stopped)\n",
					optarg);
				return -EINVAL;
			}
			if (!strcmp(optarg, "0"))
				o->duration = 0;
			break;
		case 'I':
			if (cli_parse_seconds(optarg, &o->interval) || o->interval < 0.1) {
				fprintf(stderr, "dropledger report: bad interval '%s' (seconds >= 0.1)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'j':
			json = 1;
			break;
		case 'A':
			if (!strcmp(optarg, "libxdp")) {
				how = DL_ATTACH_LIBXDP;
			} else if (!strcmp(optarg, "link")) {
				how = DL_ATTACH_LINK;
			} else {
				fprintf(stderr, "dropledger report: --attach takes libxdp or link, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'S':
			skb = 1;
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
		case 'X': {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || n < 1 || n > 16000000 ||
			    optarg[0] == '-') {
				fprintf(stderr, "dropledger report: --max-flows takes 1..16000000, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			o->max_flows = (unsigned int)n;
			break;
		}
		case 'K':
			if (cli_parse_seconds(optarg, &o->skew_threshold) ||
			    o->skew_threshold <= 1.0) {
				fprintf(stderr, "dropledger report: --skew-threshold wants a factor > 1 (e.g. 1.5), not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'F':
			flows = 0;
			break;
		case 'R':
			o->ready_file = optarg;
			break;
		case 'w':
			o->ev.pcap_path = optarg;
			break;
		case 257:
			if (parse_count("snaplen", optarg, 1, 65535, &n))
				return -EINVAL;
			o->ev.snaplen = (uint32_t)n;
			break;
		case 258:
			if (parse_count("max-packets", optarg, 1, UINT64_MAX / 2, &n))
				return -EINVAL;
			o->ev.max_packets = n;
			break;
		case 259:
			if (parse_count("sample", optarg, 1, 1000000, &n))
				return -EINVAL;
			o->ev.sample = (uint32_t)n;
			break;
		case 260:
			o->ev.html_path = optarg;
			break;
		case 261:
			o->ev.save_path = optarg;
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
	if (config) {
		struct dl_report_conf rc;
		char err[300];

		if (dl_report_conf__load(config, &rc, err, sizeof(err))) {
			fprintf(stderr, "dropledger report: %s\n", err);
			return -EINVAL;
		}
		/* The command line wins over the file. */
		if (!o->ifname && rc.interface[0]) {
			snprintf(o->conf_ifname, sizeof(o->conf_ifname), "%s", rc.interface);
			o->ifname = o->conf_ifname;
		}
		if (o->duration < 0)
			o->duration = rc.duration;
		if (o->interval < 0)
			o->interval = rc.interval;
		if (json < 0)
			json = rc.json;
		if (flows < 0)
			flows = rc.flows;
		if (skb < 0)
			skb = rc.skb_mode;
		if (how < 0 && rc.attach[0])
			how = strcmp(rc.attach, "link") ? DL_ATTACH_LIBXDP : DL_ATTACH_LINK;
	}
	o->duration = o->duration < 0 ? 10 : o->duration;
	o->interval = o->interval < 0 ? 0 : o->interval;
	o->json = json > 0;
	o->ing.track_flows = flows != 0;
	/* Flows per queue feed the rss section; --no-flows drops both. */
	o->ing.track_flow_queues = flows != 0;
	o->ing.skb_mode = skb > 0;
	o->ing.how = how < 0 ? DL_ATTACH_LIBXDP : (enum dl_attach_how)how;
	if (!o->duration && !o->interval) {
		fprintf(stderr, "dropledger report: -d 0 runs until stopped and needs --interval to print anything before that\n");
		return -EINVAL;
	}
	if (take_filter(argc, argv, o) || cli_args_done("report", argc, argv, o->ifname))
		return -EINVAL;
	if (dl_evidence__check(&o->ev, why, sizeof(why))) {
		fprintf(stderr, "dropledger report: %s\n", why);
		return -EINVAL;
	}
	if (o->max_flows && !o->ing.sample_every) {
		fprintf(stderr, "dropledger report: --max-flows sizes the --mirror workers' tables; add --mirror N\n");
		return -EINVAL;
	}
	if (cores && !o->ing.sample_every) {
		fprintf(stderr, "dropledger report: --cores is for the --mirror workers; add --mirror N\n");
		return -EINVAL;
	}
	if (o->ing.sample_every && parse_cores(cores, &o->cpus, &o->ncpus))
		return -EINVAL;
	return 0;
}

/* The cumulative ledger now. */
static int collect_now(struct dl_ledger *l, const struct report_opts *o, int ifindex,
		       const struct dl_ingress *ing, const struct dl_drop_trace *dt,
		       const struct dl_ledger_names *names)
{
	struct dl_rxq_stats rxq[DL_MAX_QUEUES + 1];
	int err;

	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s", o->ifname);
	l->ifindex = ifindex;
	l->mode = "tap";
	l->attach = dl_ingress__mode(ing);
	l->drop_source = dl_drop_trace__flavour(dt);
	err = dl_ingress__read_rxq(ing, rxq);
	if (!err)
		err = dl_ledger__collect(l, rxq, dt, names);
	return err;
}

/* Tap mode: workers on the mirror rings of @ing, on --cores. */
static struct dl_tap_session *start_tap(struct dl_ingress *ing,
					const struct report_opts *o)
{
	struct dl_tap_session_opts to = { .idle_us = 50 };
	struct dl_tap_session *tap;

	to.cpus = o->cpus;
	to.ncpus = o->ncpus;
	to.max_flows = o->max_flows;
	tap = dl_tap_session__start(ing, &to);
	if (!tap)
		fprintf(stderr, "dropledger: cannot start the tap workers: %s\n",
			strerror(errno));
	return tap;
}

/*
 * A reader that went away (EPIPE) ends the run cleanly, detached. @tap:
 * the mirror's accounting goes with the whole-run ledger ("tap" in JSON),
 * as does the evidence (@ev); the whole run's JSON is kept in *@keep for
 * --html and --save. @out: stdout, or stderr when the pcap streams there.
 */
static int print_ledger(const struct dl_ledger *l, bool json,
			const struct dl_tap_session *tap, const struct dl_evidence *ev,
			FILE *out, json_t **keep)
{
	json_t *root = NULL;

	if (tap || ev || keep) {
		root = dl_ledger__to_json(l);
		if (!root)
			return -ENOMEM;
		if (tap)
			json_object_set_new(root, "tap", dl_tap_session__json(tap));
		dl_evidence__annotate(ev, root);
	}
	if (json && root) {
		dl_ledger__dump_json(root, out);
	} else if (json) {
		dl_ledger__print_json(l, out);
	} else {
		dl_ledger__print_text(l, out);
		if (tap)
			dl_tap_session__print_text(tap, out);
		dl_evidence__print_text(ev, out);
	}
	if (keep)
		*keep = root;
	else
		json_decref(root);
	if (fflush(out) || ferror(out)) {
		cli_stop = SIGPIPE;
		return -EPIPE;
	}
	return 0;
}

/* The pcap output failed mid-run (capture thread): end the run. */
static void on_evidence_error(int err, void *ctx)
{
	(void)err;
	(void)ctx;
	cli_stop = SIGTERM;
}

/*
 * With --interval: print each interval as the difference of cumulative
 * ledgers, with the kernel counters of that interval. @prev and @ks_prev
 * advance to now.
 */
static int print_interval(struct dl_ledger *prev, struct dl_kstate *ks_prev,
			  unsigned int k, double secs, const struct report_opts *o,
			  int ifindex, const struct dl_ingress *ing,
			  const struct dl_drop_trace *dt, const struct dl_ledger_names *names,
			  const struct dl_nic_map *map)
{
	struct dl_ledger cur, iv;
	struct dl_kstate ks_now;
	int err;

	err = collect_now(&cur, o, ifindex, ing, dt, names);
	if (err)
		return err;
	dl_kstate__take(&ks_now, o->ifname, map);
	err = dl_ledger__diff(prev, &cur, &iv);
	if (!err) {
		iv.interval = k;
		iv.duration_s = secs;
		err = dl_ledger__add_kstate(&iv, ks_prev, &ks_now);
		if (!err)
			err = print_ledger(&iv, o->json, NULL, NULL, o->out, NULL);
		dl_ledger__free(&iv);
	}
	dl_ledger__free(prev);
	*prev = cur;
	dl_kstate__release(ks_prev);
	*ks_prev = ks_now;
	return err;
}

int do_report(int argc, char **argv)
{
	struct dl_ledger_names names = { .flow_map_fd = -1 };
	struct dl_drop_trace_opts dto = {};
	struct dl_drop_trace *dt = NULL;
	struct dl_ingress *ing = NULL;
	struct dl_kstate ks_start = {}, ks_end = {};
	struct dl_tap_session *tap = NULL;
	struct dl_nic_map *nic_map = NULL;
	struct report_opts o = {};
	struct dl_ledger l = {}, base = {}, cum = {};
	struct dl_evidence *ev = NULL;
	json_t *whole = NULL;
	char why[512], note[1024];
	int ifindex, rc = DL_EXIT_FAIL, err;
	double t0;
	unsigned int netns;

	if (parse(argc, argv, &o)) {
		free(o.filter);
		return DL_EXIT_USAGE;
	}
	if (cli_check_caps("report")) {
		free(o.filter);
		return DL_EXIT_FAIL;
	}
	/* Filter and outputs before anything is attached: a bad one costs nothing. */
	err = dl_evidence__open(&o.ev, &ev, why, sizeof(why));
	if (err) {
		fprintf(stderr, "dropledger report: %s\n", why);
		free(o.filter);
		/* -EINVAL: the filter does not compile, a usage error. */
		return err == -EINVAL ? DL_EXIT_USAGE : DL_EXIT_FAIL;
	}
	o.out = dl_evidence__owns_stdout(ev) ? stderr : stdout;
	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n",
			o.ifname);
		goto out;
	}
	err = dl_netns__self_inum(&netns);
	if (err) {
		fprintf(stderr, "dropledger: cannot identify this network namespace: %s\n",
			strerror(-err));
		goto out;
	}
	cli_stop_signals();

	/*
	 * Drop capture first, XDP second: every frame XDP counts is then
	 * covered by the tracer, so no drop falls between the two.
	 */
	dto.ifindex = ifindex;
	dto.netns = netns;
	dto.flow_map_fd = -1;
	dto.no_flows = !o.ing.track_flows;
	dt = dl_drop_trace__start(&dto, why, sizeof(why));
	if (!dt) {
		fprintf(stderr, "dropledger: %s\n", why);
		goto out;
	}
	o.ing.ifindex = ifindex;
	o.ing.ifname = o.ifname;
	o.ing.flow_map_fd = dl_drop_trace__flow_map_fd(dt);
	/*
	 * The pcap before XDP, so a failing output attaches nothing. It reads
	 * @names only from dl_evidence__arm on, when they are loaded.
	 */
	if (dl_evidence__start(ev, ifindex, o.ifname, netns, o.ing.flow_map_fd, &names,
			       on_evidence_error, NULL, why, sizeof(why))) {
		fprintf(stderr, "dropledger report: %s\n", why);
		goto out;
	}
	ing = dl_ingress__attach(&o.ing, why, sizeof(why), note, sizeof(note));
	if (!ing) {
		fprintf(stderr, "dropledger: %s\n", why);
		goto out;
	}
	if (note[0])
		fprintf(stderr, "dropledger: %s", note);
	if (o.ing.sample_every) {
		tap = start_tap(ing, &o);
		if (!tap)
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
	names.flow_map_fd = o.ing.flow_map_fd;
	err = dl_config__path("nic_counters.tsv", why, sizeof(why));
	if (!err)
		err = dl_nic_map__load(why, &nic_map);
	if (err)
		pr_warn("driver counter map %s unusable (%s): NIC columns from qstats and sysfs only\n",
			why, strerror(-err));

	if (!o.json && o.duration)
		fprintf(stderr, "dropledger: counting on %s for %.1f s (Ctrl-C to stop early)\n",
			o.ifname, o.duration);
	else if (!o.json)
		fprintf(stderr, "dropledger: counting on %s until stopped (Ctrl-C)\n", o.ifname);
	/*
	 * The run covers [ready, end]: a baseline taken now removes what
	 * attaching itself caused (veth re-creating its queues for XDP).
	 */
	dl_kstate__take(&ks_start, o.ifname, nic_map);
	dl_evidence__arm(ev);
	err = collect_now(&base, &o, ifindex, ing, dt, &names);
	if (err)
		goto fail_read;
	cli_ready(o.ready_file);
	t0 = cli_now();
	if (o.interval) {
		struct dl_ledger prev;
		struct dl_kstate ks_prev;
		unsigned int k = 1;
		double mark = t0;

		/* ks_start stays for the whole-run ledger; intervals get their own. */
		dl_kstate__take(&ks_prev, o.ifname, nic_map);
		err = collect_now(&prev, &o, ifindex, ing, dt, &names);
		if (err) {
			dl_kstate__release(&ks_prev);
			goto fail_read;
		}
		for (;; k++) {
			double next = t0 + k * o.interval;
			double end = o.duration ? t0 + o.duration : 1e300;
			bool go_on = cli_wait_until(o.ifname, ifindex, next < end ? next : end);

			err = print_interval(&prev, &ks_prev, k, cli_now() - mark, &o,
					     ifindex, ing, dt, &names, nic_map);
			mark = cli_now();
			if (err || !go_on || next >= end)
				break;
		}
		dl_ledger__free(&prev);
		dl_kstate__release(&ks_prev);
		if (err == -EPIPE)
			goto out;
		if (err)
			goto fail_read;
	} else {
		cli_wait_until(o.ifname, ifindex, t0 + o.duration);
	}
	/* The workers drain what the rings hold, then stop. */
	if (tap && dl_tap_session__stop(tap)) {
		fprintf(stderr, "dropledger: cannot read the tap mirror counts\n");
		goto out;
	}
	dl_kstate__take(&ks_end, o.ifname, nic_map);
	err = collect_now(&cum, &o, ifindex, ing, dt, &names);
	/* The pcap covers the same window: until the counters were read. */
	dl_evidence__stop(ev);
	if (dl_evidence__error(ev, why, sizeof(why))) {
		fprintf(stderr, "dropledger report: %s\n", why);
		goto out;
	}
	if (!err)
		err = dl_ledger__diff(&base, &cum, &l);
	if (!err)
		err = dl_ledger__add_kstate(&l, &ks_start, &ks_end);
	if (!err)
		err = dl_ledger__add_rss(&l, o.ing.track_flow_queues ?
					 dl_ingress__flow_q_map_fd(ing) : -1,
					 &ks_start, &ks_end, o.skew_threshold);
	/* After the cross-checks: they compare whole counts. */
	if (!err)
		err = dl_evidence__narrow(ev, &l);
	if (err)
		goto fail_read;
	l.duration_s = cli_now() - t0;
	l.cumulative = o.interval > 0;
	if (print_ledger(&l, o.json, tap, ev, o.out, &whole) && cli_stop == SIGPIPE)
		pr_debug("output closed: whole-run ledger not printed\n");
	if (whole && dl_evidence__write_files(ev, whole, why, sizeof(why))) {
		fprintf(stderr, "dropledger report: %s\n", why);
		goto out;
	}
	rc = DL_EXIT_OK;
	goto out;
fail_read:
	fprintf(stderr, "dropledger: reading counters: %s\n", strerror(-err));
out:
	dl_kstate__release(&ks_start);
	dl_kstate__release(&ks_end);
	dl_nic_map__free(nic_map);
	dl_ledger__free(&l);
	dl_ledger__free(&base);
	dl_ledger__free(&cum);
	dl_tap_session__free(tap);
	/* Its thread reads the names: gone before they are. */
	dl_evidence__free(ev);
	dl_drop_trace__destroy(dt);
	dl_ingress__destroy(ing);
	free(o.cpus);
	dl_ksyms__free((struct dl_ksyms *)names.ksyms);
	dl_reasons__free((struct dl_reasons *)names.reasons);
	dl_causes__free((struct dl_causes *)names.causes);
	json_decref(whole);
	free(o.filter);
	return rc;
}
