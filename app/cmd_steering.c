// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger steering: watch where each flow arrives (per-(flow, queue)
 * counts at XDP) for -d seconds, then check the operator's rules and the
 * NIC's own RSS/ntuple configuration against it, and show how the traffic
 * spread over queues and CPUs (the rss section of the report).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fastpath/ingress.h"
#include "util/log.h"
#include "util/params.h"
#include "rss/steering_rules.h"
#include "rss/steering_session.h"
#include "util/output.h"

#define EXIT_VIOLATION DL_EXIT_VIOLATION	/* rules or NIC config not honoured */

static const struct dl_param_enum attach_names[] = {
	{ "libxdp", DL_ATTACH_LIBXDP },
	{ "link", DL_ATTACH_LINK },
	{ NULL, 0 },
};

struct steering_opts {
	const char *rules_path;
	struct dl_rss_opts rss;
	struct dl_steer_check_opts check;
	struct dl_ingress_opts ing;
	struct dl_common_opts c;	/* as parsed */
	uint64_t min_packets;		/* --min-packets: rss and check */
	int how;			/* --attach */
};

static const struct dl_param steering_table[] = {
	DL_OPT_STRING("rules", 'r', struct steering_opts, rules_path, "FILE",
		      "steering rules, one per line, e.g.\n"
		      "  udp dport 5000 -> queue 3\n"
		      "  tcp dst 10.0.0.0/8 -> queues 0-3 even\n"
		      "  default -> queues 0-7 even\n"
		      "(first match wins; '#' comments; see README)"),
	DL_OPT_DOUBLE("hot-factor", 0, struct steering_opts, rss.hot_factor, 1, 64, "F",
		      "a queue above F x mean is hot: skewed (default 1.5)",
		      .flags = DL_OPTF_GT_MIN),
	DL_OPT_DOUBLE("jain-min", 0, struct steering_opts, check.jain_min, 0.01, 1, "J",
		      "an 'even' rule below Jain J is uneven (default 0.8)"),
	DL_OPT_UINT("min-packets", 0, struct steering_opts, min_packets, 1, 1e15, "N",
		    "judge skew and 'even' from N packets (default 1000)"),
	DL_OPT_ENUM("attach", 0, struct steering_opts, how, attach_names, "HOW",
		    "libxdp (default) or link, as for 'report'"),
	DL_OPT_FLAG("skb-mode", 0, struct steering_opts, ing.skb_mode,
		    "generic XDP even where the driver has native XDP"),
	{}
};

static const struct dl_cmd steering_cmd = {
	.name = "steering",
	.args = "-i IFACE [--rules FILE] [-d SECONDS] [options]",
	.doc = "Watch which RX queue every flow arrives on, then check it against your "
		"steering rules and the NIC's own RSS indirection table and ntuple "
		"rules, and show how traffic spread over queues and CPUs: Jain's index, "
		"hot queues, elephant flows, time_squeeze and backlog drops per CPU.",
	.opts = steering_table,
	.common = DL_COMMON_REPORTING | DL_COMMON_NEED_IFACE,
	.common_off = offsetof(struct steering_opts, c),
	.examples =
		"dropledger steering -i eth1 --rules /etc/dropledger/steering.rules -d 10\n"
		"dropledger steering -i eth1 -d 5 --json | jq .rss.verdict\n"
		"ip netns exec edge dropledger steering -i v0b -r lab.rules -d 3\n",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN). A rules file error names the file "
		"and line only, never the line's text.",
	.exit_codes = "0 no violation, 1 runtime failure, 2 usage or a bad rules file "
		"(file:line: why), 3 violations: a rule not honoured (traffic on other "
		"queues, or an 'even' rule spread unevenly) or flows not where the NIC's "
		"own config sends them",
};

static int parse(int argc, char **argv, struct steering_opts *o)
{
	static struct dl_params ps;	/* keeps strings read from -c FILE */
	int err;

	o->c.duration = 10;
	o->how = DL_ATTACH_LIBXDP;
	o->ing.track_flow_queues = true;
	err = cli_params_or_help(&ps, &steering_cmd, o, argc, argv);
	if (err)
		return err;
	o->ing.how = (enum dl_attach_how)o->how;
	if (o->min_packets) {
		o->rss.min_total = o->min_packets;
		o->check.min_packets = o->min_packets;
	}
	return 0;
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

	err = parse(argc, argv, &o);
	if (err)
		return cli_parse_exit(err);
	/* A bad rules file is found before anything is attached. */
	if (o.rules_path) {
		err = dl_steer_rules__parse_file(o.rules_path, &rules, msg, sizeof(msg));
		if (err) {
			cli_file_error("steering", msg);
			return DL_EXIT_USAGE;
		}
	}
	if (cli_check_caps("steering"))
		goto out;
	cli_stop_signals();
	so.ifname = o.c.ifname;
	so.rules = rules;
	so.rules_path = o.rules_path;
	so.ing = o.ing;
	so.rss = o.rss;
	so.check = o.check;
	so.json = o.c.json;
	so.out = &dl_stdout;
	s = dl_steering_session__start(&so, msg, sizeof(msg));
	if (!s) {
		fprintf(stderr, "dropledger: %s\n", msg);
		goto out;
	}
	if (!o.c.json)
		fprintf(stderr, "dropledger: watching %s for %.1f s (Ctrl-C to stop early)\n",
			cli_ifname(o.c.ifname), o.c.duration);
	cli_ready(o.c.ready_file);
	dl_steering_session__wait(s, dl_steering_session__t0(s) + o.c.duration, &cli_stop);
	if (!dl_steering_session__finish(s, &violations))
		rc = violations ? EXIT_VIOLATION : DL_EXIT_OK;
out:
	dl_steering_session__free(s);
	dl_output__complain(&dl_stdout, "steering");
	dl_steer_rules__free(rules);
	return rc;
}
