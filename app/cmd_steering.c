// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger steering: watch where each flow arrives (per-(flow, queue)
 * counts at XDP) for -d seconds, then check the operator's rules and the
 * NIC's own RSS/ntuple configuration against it, and show how the traffic
 * spread over queues and CPUs (the rss section of the report).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fastpath/ingress.h"
#include "util/log.h"
#include "rss/steering_rules.h"
#include "rss/steering_session.h"
#include "util/output.h"

#define EXIT_VIOLATION 3	/* rules or NIC config not honoured */

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dropledger steering -i IFACE [--rules FILE] [-d SECONDS] [options]\n"
		"Watch which RX queue every flow arrives on, then check it against your\n"
		"steering rules and the NIC's own RSS indirection table and ntuple rules,\n"
		"and show how traffic spread over queues and CPUs: Jain's index, hot\n"
		"queues, elephant flows, time_squeeze and backlog drops per CPU.\n\n"
		"Options:\n"
		"  -i, --interface IFACE  interface to watch (in this network namespace)\n"
		"  -r, --rules FILE       steering rules, one per line, e.g.\n"
		"                           udp dport 5000 -> queue 3\n"
		"                           tcp dst 10.0.0.0/8 -> queues 0-3 even\n"
		"                           default -> queues 0-7 even\n"
		"                         (first match wins; '#' comments; see README)\n"
		"  -d, --duration SECONDS how long to watch (default 10; Ctrl-C stops early)\n"
		"  -j, --json             one JSON object instead of text\n"
		"      --hot-factor F     a queue above F x mean is hot: skewed (default 1.5)\n"
		"      --jain-min J       an 'even' rule below Jain J is uneven (default 0.8)\n"
		"      --min-packets N    judge skew and 'even' from N packets (default 1000)\n"
		"      --attach HOW       libxdp (default) or link, as for 'report'\n"
		"      --skb-mode         generic XDP even where the driver has native XDP\n"
		"  -v, --verbose          more detail on stderr (-vv: libbpf too)\n"
		"  -h, --help             this text\n\n"
		"Examples:\n"
		"  dropledger steering -i eth1 --rules /etc/dropledger/steering.rules -d 10\n"
		"  dropledger steering -i eth1 -d 5 --json | jq .rss.verdict\n"
		"  ip netns exec edge dropledger steering -i v0b -r lab.rules -d 3\n\n"
		"Needs root (CAP_BPF, CAP_NET_ADMIN). Exit codes: 0 no violation,\n"
		"1 runtime failure, 2 usage or a bad rules file (printed as file:line: why),\n"
		"3 violations: a rule not honoured (traffic on other queues, or an 'even'\n"
		"rule spread unevenly) or flows not where the NIC's own config sends them.\n");
}

struct steering_opts {
	const char *ifname;
	const char *rules_path;
	double duration;
	bool json;
	const char *ready_file;
	struct dl_rss_opts rss;
	struct dl_steer_check_opts check;
	struct dl_ingress_opts ing;
};

static int parse_double(const char *what, const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "dropledger steering: bad %s '%s' (%g..%g)\n", what, s, lo, hi);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int parse(int argc, char **argv, struct steering_opts *o)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "rules", required_argument, NULL, 'r' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "hot-factor", required_argument, NULL, 'H' },
		{ "jain-min", required_argument, NULL, 'J' },
		{ "min-packets", required_argument, NULL, 'M' },
		{ "attach", required_argument, NULL, 'A' },
		{ "skb-mode", no_argument, NULL, 'S' },
		{ "ready-file", required_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c, verbose = 0;
	double v;

	o->duration = 10;
	o->ing.how = DL_ATTACH_LIBXDP;
	o->ing.track_flow_queues = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:r:d:jvh", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'r':
			o->rules_path = optarg;
			break;
		case 'd':
			if (cli_parse_seconds(optarg, &o->duration)) {
				fprintf(stderr, "dropledger steering: bad duration '%s' (seconds > 0, e.g. 5 or 0.5)\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'H':
			if (parse_double("hot factor", optarg, 1.0, 64, &o->rss.hot_factor))
				return -EINVAL;
			break;
		case 'J':
			if (parse_double("Jain minimum", optarg, 0.01, 1.0, &o->check.jain_min))
				return -EINVAL;
			break;
		case 'M':
			if (parse_double("packet minimum", optarg, 1, 1e15, &v))
				return -EINVAL;
			o->rss.min_total = (__u64)v;
			o->check.min_packets = (__u64)v;
			break;
		case 'A':
			if (!strcmp(optarg, "libxdp")) {
				o->ing.how = DL_ATTACH_LIBXDP;
			} else if (!strcmp(optarg, "link")) {
				o->ing.how = DL_ATTACH_LINK;
			} else {
				fprintf(stderr, "dropledger steering: --attach takes libxdp or link, not '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'S':
			o->ing.skb_mode = true;
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
			usage(stderr);
			return -EINVAL;
		}
	}
	cli_verbosity(verbose);
	return cli_args_done("steering", argc, argv, o->ifname);
}

int do_steering(int argc, char **argv)
{
	struct dl_steering_session_opts so = {};
	struct dl_steering_session *s = NULL;
	struct dl_steer_rules *rules = NULL;
	struct steering_opts o = {};
	unsigned int violations = 0;
	int rc = DL_EXIT_FAIL, err;
	char msg[512];

	if (parse(argc, argv, &o))
		return DL_EXIT_USAGE;
	/* A bad rules file is found before anything is attached. */
	if (o.rules_path) {
		err = dl_steer_rules__parse_file(o.rules_path, &rules, msg, sizeof(msg));
		if (err) {
			fprintf(stderr, "dropledger steering: %s\n", msg);
			return DL_EXIT_USAGE;
		}
	}
	if (cli_check_caps("steering"))
		goto out;
	cli_stop_signals();
	so.ifname = o.ifname;
	so.rules = rules;
	so.rules_path = o.rules_path;
	so.ing = o.ing;
	so.rss = o.rss;
	so.check = o.check;
	so.json = o.json;
	so.out = &dl_stdout;
	s = dl_steering_session__start(&so, msg, sizeof(msg));
	if (!s) {
		fprintf(stderr, "dropledger: %s\n", msg);
		goto out;
	}
	if (!o.json)
		fprintf(stderr, "dropledger: watching %s for %.1f s (Ctrl-C to stop early)\n",
			o.ifname, o.duration);
	cli_ready(o.ready_file);
	dl_steering_session__wait(s, dl_steering_session__t0(s) + o.duration, &cli_stop);
	if (!dl_steering_session__finish(s, &violations))
		rc = violations ? EXIT_VIOLATION : DL_EXIT_OK;
out:
	dl_steering_session__free(s);
	dl_output__complain(&dl_stdout, "steering");
	dl_steer_rules__free(rules);
	return rc;
}
