// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger report: attach, count for -d seconds (or until Ctrl-C), detach,
 * print the ledger. Signals and a vanishing interface end the interval
 * early; the report is printed either way.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util/config_path.h"
#include "util/cpulist.h"
#include "fastpath/hook.h"
#include "fastpath/ingress.h"
#include "util/log.h"
#include "ledger/report_conf.h"
#include "export/fail_on.h"
#include "ledger/ledger.h"
#include "ledger/report_session.h"
#include "util/output.h"

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
		"  -c, --config FILE      defaults from the [report] section of FILE\n"
		"                         (config/dropledger.conf); the command line wins\n"
		"  -d, --duration SECONDS how long to count (default 10; Ctrl-C stops early;\n"
		"                         0: until SIGINT/SIGTERM, with --interval)\n"
		"  -I, --interval SECONDS also print the ledger of every interval (JSON: one\n"
		"                         object per line), then the whole run\n"
		"  -j, --json             one JSON object instead of tables\n"
		"      --hook HOOK        where arrivals are counted: auto (default: per driver,\n"
		"                         config/hooks.tsv), xdp (native XDP) or tc (tc ingress\n"
		"                         on the skb: veth, bridge, vxlan, where native XDP\n"
		"                         would convert every skb first); xdp_seen then means\n"
		"                         seen at that hook\n"
		"      --attach HOW       XDP: libxdp (default: joins libxdp's dispatcher, or\n"
		"                         attaches alone when the interface is free and says so)\n"
		"                         or link (exclusive bpf_link; the kernel removes it when\n"
		"                         the process dies); tc: link (TCX, default where the\n"
		"                         kernel has it) or clsact (classic filter)\n"
		"      --skb-mode         generic XDP even where the driver has native XDP\n"
		"      --exact-flows      per-flow counts added to the shared flow tables on every\n"
		"                         frame (atomic adds) instead of through the per-CPU flow\n"
		"                         cache; the report's figures are exact either way\n"
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
		"      --fail-on RULES    exit 4 naming the first rule the whole run crosses,\n"
		"                         e.g. 'stack_dropped_rate>100/s,residual>1%%,\n"
		"                         reason=NO_SOCKET>0' (see dropledger-watch(1))\n"
		"  -v, --verbose          more detail on stderr (-vv: libbpf too)\n"
		"  -h, --help             this text\n\n"
		"Examples:\n"
		"  dropledger report -i eth1 -d 10\n"
		"  ip netns exec edge dropledger report -i v0b -d 5 --json | jq .causes\n"
		"  dropledger report -i eth1 -d 3600 -I 10 --json >> ledger.jsonl\n"
		"  dropledger report -i eth1 -d 10 --mirror 8 --cores 1 --json | jq .tap\n\n"
		"Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON). Exit codes: 0 ok,\n"
		"1 runtime failure, 2 usage, 4 a --fail-on rule fired, 5 the run was cut short.\n");
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
	const char *ready_file;
	struct dl_fail_on *fail_on;
	char fired[512];	/* the first rule a whole-run ledger crossed */
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
		{ "config", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'I' },
		{ "json", no_argument, NULL, 'j' },
		{ "attach", required_argument, NULL, 'A' },
		{ "skb-mode", no_argument, NULL, 'S' },
		{ "hook", required_argument, NULL, 'H' },
		{ "exact-flows", no_argument, NULL, 'E' },
		{ "no-flows", no_argument, NULL, 'F' },
		{ "skew-threshold", required_argument, NULL, 'K' },
		{ "mirror", required_argument, NULL, 'M' },
		{ "cores", required_argument, NULL, 'C' },
		{ "max-flows", required_argument, NULL, 'X' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "fail-on", required_argument, NULL, 'O' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, verbose = 0, json = -1, flows = -1, skb = -1, how = -1, hook = -1;
	bool clsact = false;
	const char *config = NULL, *cores = NULL;

	o->duration = -1;
	o->interval = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:c:d:I:jvh", lo, NULL)) != -1) {
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
			} else if (!strcmp(optarg, "clsact")) {
				clsact = true;
			} else {
				fprintf(stderr, "dropledger report: --attach takes libxdp, link or clsact, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'S':
			skb = 1;
			break;
		case 'H':
			if (!strcmp(optarg, "auto")) {
				hook = DL_HOOK_AUTO;
			} else if (!strcmp(optarg, "xdp")) {
				hook = DL_HOOK_XDP;
			} else if (!strcmp(optarg, "tc")) {
				hook = DL_HOOK_TC;
			} else {
				fprintf(stderr, "dropledger report: --hook takes auto, xdp or tc, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'E':
			o->ing.exact_flows = true;
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
		case 'O': {
			char why[512];

			dl_fail_on__free(o->fail_on);
			o->fail_on = dl_fail_on__parse(optarg, why, sizeof(why));
			if (!o->fail_on) {
				fprintf(stderr, "dropledger report: %s\n", why);
				return -EINVAL;
			}
			break;
		}
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
	if (cli_args_done("report", argc, argv, o->ifname))
		return -EINVAL;
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
	if (skb > 0 && hook == DL_HOOK_TC) {
		fprintf(stderr, "dropledger report: --skb-mode is generic XDP; it does not go with --hook tc\n");
		return -EINVAL;
	}
	/* Generic XDP only when asked for: --skb-mode means the xdp hook. */
	if (skb > 0)
		hook = DL_HOOK_XDP;
	if (clsact && hook == DL_HOOK_XDP) {
		fprintf(stderr, "dropledger report: --attach clsact is for the tc hook (--hook tc)\n");
		return -EINVAL;
	}
	o->ing.hook = hook >= 0 ? (enum dl_hook)hook : clsact ? DL_HOOK_TC : DL_HOOK_AUTO;
	o->ing.tc_classic = clsact;
	return 0;
}

/* --fail-on is judged on the whole run, not on its intervals. */
static void check_rules(void *ctx, const struct dl_ledger *l)
{
	struct report_opts *o = ctx;

	if (!l->interval && !o->fired[0])
		dl_fail_on__check(o->fail_on, l, o->fired, sizeof(o->fired));
}

/*
 * Which hook counts arrivals, and why (the driver's row of hooks.tsv; a
 * driver without native XDP under auto gets tc). JSON carries "hook".
 */
static void say_hook(const struct report_opts *o, const char *hook)
{
	struct dl_hook_choice hc;
	bool asked = o->ing.hook != DL_HOOK_AUTO, tc = hook && !strcmp(hook, "tc");

	dl_hook__auto(o->ifname, &hc);
	/* The table's reason only when its choice is the one that held. */
	if (asked || (hc.hook == DL_HOOK_TC) != tc)
		hc.why[0] = '\0';
	fprintf(stderr, "dropledger: arrivals counted at %s on %s (%s; driver %s%s%s)\n",
		tc ? "tc ingress" : "XDP", o->ifname,
		asked ? "asked for" : "auto", hc.driver[0] ? hc.driver : "unknown",
		hc.why[0] ? ": " : "", hc.why);
}

int do_report(int argc, char **argv)
{
	struct dl_report_session_opts so = {};
	struct dl_report_session *s = NULL;
	struct report_opts o = {};
	int rc = DL_EXIT_FAIL, err = 0;
	char why[512];
	double t0, end;

	if (parse(argc, argv, &o)) {
		dl_fail_on__free(o.fail_on);
		return DL_EXIT_USAGE;
	}
	if (cli_check_caps("report"))
		goto out;
	cli_stop_signals();
	so.ifnames = &o.ifname;
	so.nifs = 1;
	so.ing = o.ing;
	so.skew_threshold = o.skew_threshold;
	so.cpus = o.cpus;
	so.ncpus = o.ncpus;
	so.max_flows = o.max_flows;
	so.intervals = o.interval > 0;
	so.json = o.json;
	so.out = &dl_stdout;
	if (o.fail_on) {
		so.on_ledger = check_rules;
		so.on_ledger_ctx = &o;
	}
	s = dl_report_session__start(&so, why, sizeof(why));
	if (!s) {
		fprintf(stderr, "dropledger: %s\n", why);
		goto out;
	}
	if (!o.json)
		say_hook(&o, dl_report_session__hook(s, 0));
	if (!o.json && o.duration)
		fprintf(stderr, "dropledger: counting on %s for %.1f s (Ctrl-C to stop early)\n",
			o.ifname, o.duration);
	else if (!o.json)
		fprintf(stderr, "dropledger: counting on %s until stopped (Ctrl-C)\n", o.ifname);
	cli_ready(o.ready_file);
	t0 = dl_report_session__t0(s);
	end = o.duration ? t0 + o.duration : 1e300;
	if (o.interval) {
		unsigned int k;
		bool go_on = true;

		for (k = 1; go_on && !err; k++) {
			double next = t0 + k * o.interval;

			go_on = dl_report_session__wait(s, next < end ? next : end, &cli_stop) &&
				next < end;
			/* A closed reader gets nothing more, not even this one. */
			if (!dl_output__failed(&dl_stdout))
				err = dl_report_session__interval(s);
		}
	} else {
		dl_report_session__wait(s, end, &cli_stop);
	}
	if (!err)
		err = dl_report_session__finish(s);
	if (!err)
		rc = dl_report_session__cut(s) ? DL_EXIT_CUT : DL_EXIT_OK;
	if (rc == DL_EXIT_OK && o.fired[0]) {
		fprintf(stderr, "dropledger: --fail-on: %s\n", o.fired);
		rc = DL_EXIT_THRESHOLD;
	}
out:
	/* Detached before anything is said about the output. */
	dl_report_session__free(s);
	dl_output__complain(&dl_stdout, "report");
	free(o.cpus);
	dl_fail_on__free(o.fail_on);
	return rc;
}
