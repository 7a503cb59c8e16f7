// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger watch (and top's options): the option tables and parsing; the
 * run itself is lib/watch (dl_watch_session__run).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export/fail_on.h"
#include "evidence/filter.h"
#include "export/metrics.h"
#include "util/output.h"
#include "util/params.h"
#include "watch.h"

/* watch_opts and what only the parser needs. */
struct watch_cli {
	struct dl_watch_opts w;
	const char *ready_file;
	const char *fail_on;
	struct dl_common_opts c;	/* -v, -c */
};

#define WATCH_IFACE_HELP "interface to watch (repeatable); 'all': every interface of the " \
	"namespace except lo, including ones created later"

static const struct dl_param watch_table[] = {
	DL_OPT_STRINGS("interface", 'i', struct watch_cli, w.ifaces, w.nifaces, "IFACE",
		       WATCH_IFACE_HELP, .flags = DL_OPTF_IFNAMES),
	DL_OPT_STRING("netns", 0, struct watch_cli, w.netns, "NAME|PID",
		      "watch the network namespace /run/netns/NAME or /proc/PID/ns/net "
		      "(the metrics socket stays here)"),
	DL_OPT_SECONDS("interval", 'I', struct watch_cli, w.interval, 0.1, 86400.0 * 365,
		       "length of an interval (default 10)"),
	DL_OPT_SECONDS("duration", 'd', struct watch_cli, w.duration, 0, 86400.0 * 365,
		       "stop after this long (default 0: until stopped)"),
	DL_OPT_FLAG("json", 'j', struct watch_cli, w.json,
		    "one JSON line per device per interval on stdout"),
	DL_OPT_STRING("metrics-listen", 0, struct watch_cli, w.listen, "[ADDR:]PORT",
		      "serve GET /metrics (ADDR default 127.0.0.1; e.g. 9477 or [::1]:9477)"),
	DL_OPT_STRING("metrics-textfile", 0, struct watch_cli, w.textfile, "PATH",
		      "write the metrics to PATH each interval (atomic rename; "
		      "node_exporter textfile collector)"),
	DL_OPT_UINT("metrics-max-series", 0, struct watch_cli, w.max_series, 1, 10000000, "N",
		    "hard cap on series (default " DL__STR(DL_METRICS_MAX_SERIES_DEFAULT)
		    "); the rest are counted in dropledger_metrics_series_dropped_total"),
	DL_OPT_UINT("metrics-locations", 0, struct watch_cli, w.locations, 0, 1000, "N",
		    "also count drops by dropping function for the first N functions of "
		    "each device (the rest: function=\"other\"; default 0: none)"),
	DL_OPT_STRING("fail-on", 0, struct watch_cli, fail_on, "RULES",
		      "e.g. 'residual>1%,reason=NO_SOCKET>0': each interval record says "
		      "which fired; exit 4 at the end if any did"),
	DL_OPT_FLAG("flows", 0, struct watch_cli, w.flows,
		    "also record the top flows of each cause (JSON lines; costs a flow "
		    "table at XDP and a read that grows with the flows seen, up to 65536 "
		    "per device)"),
	DL_OPT_STRING("write", 'w', struct watch_cli, w.pcap_path, "FILE",
		      "dropped frames of every watched device as one pcapng, one interface "
		      "block per device, reason, queue and cause per frame (-: stdout, the "
		      "lines then go to stderr)"),
	DL_OPT_UINT("snaplen", 0, struct watch_cli, w.snaplen, 1, 65535, "N",
		    "bytes of each dropped frame written, from its MAC header (default 128)"),
	DL_OPT_UINT("sample", 0, struct watch_cli, w.sample, 1, 1000000, "N",
		    "write 1 in N dropped frames (the rest counted as sampled out)"),
	DL_OPT_UINT("max-packets", 0, struct watch_cli, w.max_packets, 1, 1e15, "N",
		    "write at most N frames per device (the rest counted)"),
	DL_OPT_STRING("filter", 0, struct watch_cli, w.filter, "EXPR",
		      "write only the dropped frames matching this pcap-filter expression "
		      "(the rest counted as filtered out; the ledger stays whole)"),
	DL_OPT_STRING("html-dir", 0, struct watch_cli, w.html_dir, "DIR",
		      "after every interval write DIR/DEVICE.html (the device's ledger since "
		      "it was first watched, the timeline of its last intervals) and "
		      "DIR/index.html (and DEVICE.json, the page's JSON), each replaced "
		      "atomically"),
	DL_OPT_UINT("html-intervals", 0, struct watch_cli, w.html_intervals, 1, 10000, "N",
		    "intervals on each page's timeline (default "
		    DL__STR(DL_WATCH_HTML_INTERVALS) ")"),
	DL_OPT_FLAG("skb-mode", 0, struct watch_cli, w.skb_mode,
		    "generic XDP even where the driver has native XDP"),
	DL_OPT_STRING("ready-file", 0, struct watch_cli, ready_file, "FILE",
		      "write 'ready' to FILE once counting (tests)",
		      .flags = DL_OPTF_HIDDEN | DL_OPTF_NOCONF),
	{}
};

static const struct dl_cmd watch_cmd = {
	.name = "watch",
	.args = "-i IFACE|all [-i IFACE...] [options]",
	.doc = "Always-on ledger of every watched interface (all RX queues), one interval "
	       "after the other, into Prometheus metrics, JSON lines and threshold checks. "
	       "Interfaces that appear, disappear or are re-created are picked up or "
	       "dropped with one log line each.",
	.opts = watch_table,
	.common = DL_COMMON_VERBOSE | DL_COMMON_CONFIG,
	.common_off = offsetof(struct watch_cli, c),
	.examples =
		"dropledger watch -i all --metrics-listen 9477\n"
		"dropledger watch -i eth1 -i eth2 -I 60 --json >> ledger.jsonl\n"
		"dropledger watch -i all -w drops.pcapng --sample 10 --html-dir /var/www/drops\n"
		"dropledger watch --netns edge -i all --metrics-textfile \\\n"
		"    /var/lib/prometheus/node-exporter/dropledger.prom\n",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON). Under systemd "
		 "(Type=notify) READY=1 follows the first attach and WATCHDOG=1 every loop.",
	.exit_codes = "0 ok, 1 runtime failure, 2 usage, 4 a --fail-on rule fired",
};

static const struct dl_param top_table[] = {
	DL_OPT_STRINGS("interface", 'i', struct watch_cli, w.ifaces, w.nifaces, "IFACE",
		       "interface to show (repeatable); 'all': every one but lo",
		       .flags = DL_OPTF_IFNAMES),
	DL_OPT_STRING("netns", 0, struct watch_cli, w.netns, "NAME|PID",
		      "enter that network namespace first"),
	DL_OPT_SECONDS("interval", 'I', struct watch_cli, w.interval, 0.1, 86400.0 * 365,
		       "refresh (default 1)"),
	DL_OPT_SECONDS("duration", 'd', struct watch_cli, w.duration, 0, 86400.0 * 365,
		       "stop after this long (default: until q or Ctrl-C)"),
	{}
};

static const struct dl_cmd top_cmd = {
	.name = "top",
	.args = "-i IFACE|all [-i IFACE...] [options]",
	.doc = "Live view of the ledger of every watched interface: rates per second, "
	       "causes by rate, hot queues. On a terminal it redraws once a second (q "
	       "quits and detaches, f shows flows, a advice); otherwise one compact line "
	       "per device per interval.",
	.opts = top_table,
	.common = DL_COMMON_VERBOSE,
	.common_off = offsetof(struct watch_cli, c),
	.examples = "dropledger top -i eth1 -i eth2\ndropledger top --netns edge -i all\n",
};

static int parse(int argc, char **argv, struct dl_watch_opts *o, const char **ready_file,
		 bool top)
{
	static struct dl_params ps;	/* keeps strings read from -c FILE */
	const struct dl_cmd *cmd = top ? &top_cmd : &watch_cmd;
	struct watch_cli cli = { .w = *o };
	unsigned int i, k;
	char why[512];
	int err;

	cli.w.interval = top ? 1 : 10;
	/*
	 * watch: causes without flows by default. Metrics never carry flows,
	 * and per-flow drop keys make every interval's read grow with the
	 * flows seen; top shows flows on a key, so it keeps them.
	 */
	cli.w.flows = top;
	err = cli_params_or_help(&ps, cmd, &cli, argc, argv);
	if (err)
		return err;
	/* -i all among the names: every interface, now and later */
	for (i = k = 0; i < cli.w.nifaces; i++) {
		if (!strcmp(cli.w.ifaces[i], "all"))
			cli.w.all = true;
		else
			cli.w.ifaces[k++] = cli.w.ifaces[i];
	}
	cli.w.nifaces = k;
	if (!cli.w.all && !cli.w.nifaces)
		return cli_usage_error(cmd->name, "which interfaces? (-i IFACE, repeatable, or -i all)");
	if (!cli.w.pcap_path && (cli.w.snaplen || cli.w.sample > 1 || cli.w.max_packets))
		return cli_usage_error(cmd->name, "--snaplen, --sample and --max-packets shape "
				       "the pcap; add -w FILE");
	if (cli.w.filter && !cli.w.pcap_path)
		return cli_usage_error(cmd->name, "--filter picks the frames of the pcap; add -w FILE");
	if (cli.w.filter) {
		struct dl_pkt_filter *f = dl_pkt_filter__compile(cli.w.filter, why, sizeof(why));

		if (!f)
			return cli_usage_error(cmd->name, "--filter: %s", why);
		dl_pkt_filter__free(f);
	}
	if (cli.w.html_intervals && !cli.w.html_dir)
		return cli_usage_error(cmd->name, "--html-intervals sizes the --html-dir pages; "
				       "add --html-dir DIR");
	if (cli.fail_on) {
		cli.w.fail_on = dl_fail_on__parse(cli.fail_on, why, sizeof(why));
		if (!cli.w.fail_on)
			return cli_usage_error(cmd->name, "--fail-on: %s", why);
	}
	*o = cli.w;
	if (ready_file)
		*ready_file = cli.ready_file;
	return 0;
}

static void on_ready(void *ctx)
{
	cli_ready(ctx);
}

int watch_run(struct dl_watch_opts *o, const char *ready_file)
{
	static struct dl_output err_out = { .f = NULL, .name = "stderr" };
	char why[512];
	bool fired;
	int err;

	if (cli_check_caps(o->top ? "top" : "watch"))
		return DL_EXIT_FAIL;
	cli_stop_signals();
	o->stop = &cli_stop;
	/* -w -: the pcap has stdout, the lines go to stderr. */
	if (o->pcap_path && !strcmp(o->pcap_path, "-"))
		o->out = &err_out;
	err_out.f = stderr;
	o->on_ready = on_ready;
	o->ready_ctx = (void *)ready_file;
	err = dl_watch_session__run(o, &fired, why, sizeof(why));
	if (err)
		fprintf(stderr, "dropledger: %s\n", why);
	if (dl_output__failed(o->out ? o->out : &dl_stdout)) {
		dl_output__complain(o->out ? o->out : &dl_stdout, o->top ? "top" : "watch");
		return DL_EXIT_FAIL;
	}
	if (err)
		return DL_EXIT_FAIL;
	return fired ? DL_EXIT_THRESHOLD : DL_EXIT_OK;
}

int do_watch(int argc, char **argv)
{
	struct dl_watch_opts o = { .key_fd = -1 };
	const char *ready_file = NULL;
	int rc;

	if (parse(argc, argv, &o, &ready_file, false)) {
		dl_fail_on__free(o.fail_on);
		return DL_EXIT_USAGE;
	}
	rc = watch_run(&o, ready_file);
	dl_fail_on__free(o.fail_on);
	return rc;
}

int watch_parse(int argc, char **argv, struct dl_watch_opts *o, bool top)
{
	return parse(argc, argv, o, NULL, top);
}
