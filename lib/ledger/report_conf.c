// SPDX-License-Identifier: GPL-2.0-only
/*
 * `dropledger report`'s option table, shared by its command line and the
 * [report] section of a configuration file; see report_conf.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath/ingress.h"
#include "ledger/report_conf.h"

#define SECS_MAX (86400.0 * 365)

static const struct dl_param_enum attach_names[] = {
	{ "libxdp", DL_ATTACH_LIBXDP },
	{ "link", DL_ATTACH_LINK },
	{ "clsact", DL_REPORT_ATTACH_CLSACT },
	{ NULL, 0 },
};

static const struct dl_param_enum hook_names[] = {
	{ "auto", DL_HOOK_AUTO },
	{ "xdp", DL_HOOK_XDP },
	{ "tc", DL_HOOK_TC },
	{ NULL, 0 },
};

static const struct dl_param report_table[] = {
	DL_OPT_SECONDS("duration", 'd', struct dl_report_conf, c.duration, 0, SECS_MAX,
		       "how long to count (default 10; Ctrl-C stops early; 0: until "
		       "SIGINT/SIGTERM, with --interval)"),
	DL_OPT_SECONDS("interval", 'I', struct dl_report_conf, interval, 0.1, SECS_MAX,
		       "also print the ledger of every interval (JSON: one object per "
		       "line), then the whole run"),
	DL_OPT_ENUM("hook", 0, struct dl_report_conf, hook, hook_names, "HOOK",
		    "where arrivals are counted: auto (default: per driver, "
		    "config/hooks.tsv), xdp (native XDP) or tc (tc ingress on the skb: "
		    "veth, bridge, vxlan, where native XDP would convert every skb "
		    "first); xdp_seen then means seen at that hook"),
	DL_OPT_ENUM("attach", 0, struct dl_report_conf, attach, attach_names, "HOW",
		    "XDP: libxdp (default: joins libxdp's dispatcher, or attaches alone "
		    "when the interface is free and says so) or link (exclusive bpf_link; "
		    "the kernel removes it when the process dies); tc: link (TCX, default "
		    "where the kernel has it) or clsact (classic filter)"),
	DL_OPT_FLAG("skb-mode", 0, struct dl_report_conf, skb_mode,
		    "generic XDP even where the driver has native XDP"),
	DL_OPT_FLAG("exact-flows", 0, struct dl_report_conf, exact_flows,
		    "per-flow counts added to the shared flow tables on every frame "
		    "(atomic adds) instead of through the per-CPU flow cache; the "
		    "report's figures are exact either way"),
	DL_OPT_FLAG("stack", 0, struct dl_report_conf, stack,
		    "record the kernel stack of each generic drop (reason "
		    "NOT_SPECIFIED) and show the biggest stacks under its cause "
		    "(JSON: \"stacks\"); off by default, costs nothing then"),
	DL_OPT_UINT("mirror", 0, struct dl_report_conf, mirror, 1, 1000000, "N",
		    "tap mode: mirror 1 in N frames (1: every frame) to poll-mode "
		    "workers: per-queue records, records lost, sequence check of stamped "
		    "(dropledger gen) flows. Workers sleep while their rings run dry, "
		    "up to 1 ms, never long enough at the rate seen to fill a quarter "
		    "of a ring (idle: ~15 ms of CPU per second each)"),
	DL_OPT_ENUM("mirror-ring", 0, struct dl_report_conf, mirror_ring, dl_mirror__kinds, "KIND",
		    "the --mirror rings: percpu (default: one slot ring per CPU that "
		    "the workers read in place, no per-record reserve/commit) or "
		    "ringbuf (BPF ring buffers, the older and dearer path)"),
	DL_OPT_CPULIST("cores", 0, struct dl_report_conf, cores, ncores, "LIST",
		       "cores for the --mirror workers (default: all online)"),
	DL_OPT_UINT("max-flows", 0, struct dl_report_conf, max_flows, 1, 16000000, "N",
		    "flows each --mirror worker counts exactly (default 65536; memory "
		    "grows only with flows seen, ~40 B each)"),
	DL_OPT_DOUBLE("skew-threshold", 0, struct dl_report_conf, skew_threshold, 1, 64, "F",
		      "a queue above F x the mean share is hot (default 1.5); the rss "
		      "section names it and the flows behind it",
		      .flags = DL_OPTF_GT_MIN),
	DL_OPT_FLAG("flows", 0, struct dl_report_conf, flows,
		    "flow table at XDP and flows in drop records (default); --no-flows: "
		    "causes only (cheapest; drops lose their queue when the driver does "
		    "not record it)"),
	DL_OPT_STRING("fail-on", 0, struct dl_report_conf, fail_on, "RULES",
		      "exit 4 naming the first rule the whole run crosses, e.g. "
		      "'residual>1%,reason=NO_SOCKET>0' "
		      "(see dropledger-watch(1))"),
	DL_OPT_STRING("write", 'w', struct dl_report_conf, write, "FILE",
		      "dropped frames as pcapng with reason, queue and cause per frame "
		      "(-: stdout, the report then goes to stderr)"),
	DL_OPT_UINT("snaplen", 0, struct dl_report_conf, snaplen, 1, 65535, "N",
		    "bytes of each dropped frame written, from its MAC header (default 128)"),
	DL_OPT_UINT("sample", 0, struct dl_report_conf, sample, 1, 1000000, "N",
		    "write 1 in N dropped frames (the rest counted as sampled out)"),
	DL_OPT_UINT("max-packets", 0, struct dl_report_conf, max_packets, 1, 1e15, "N",
		    "write at most N frames (the rest counted)"),
	DL_OPT_STRING("html", 0, struct dl_report_conf, html, "FILE",
		      "also write the run as one self-contained HTML page"),
	DL_OPT_STRING("save", 0, struct dl_report_conf, save, "FILE",
		      "also write the run's JSON line to FILE (for dropledger diff)"),
	{}
};

const struct dl_cmd dl_report_conf__cmd = {
	.name = "report",
	.args = "-i IFACE [-d SECONDS] [options] [FILTER]",
	.doc = "Attach to IFACE, count every arriving frame per RX queue and every "
		"kernel drop of those frames by reason and location, then print the "
		"ledger:\n"
	       "  xdp_seen = stack_dropped + delivered + residual\n"
	       "with the causes, biggest first, and the fix for each. A trailing "
		"pcap-filter expression (FILTER, as tcpdump takes it) narrows the causes "
		"and the pcap to matching frames; the ledger's totals stay whole.",
	.opts = report_table,
	.max_args = 64,
	.common = DL_COMMON_REPORTING | DL_COMMON_NEED_IFACE,
	.common_off = offsetof(struct dl_report_conf, c),
	.examples =
		"dropledger report -i eth1 -d 10\n"
		"ip netns exec edge dropledger report -i v0b -d 5 --json | jq .causes\n"
		"dropledger report -i eth1 -d 3600 -I 10 --json >> ledger.jsonl\n"
		"dropledger report -c /etc/dropledger.conf --no-json -d 5\n"
		"dropledger report -i eth1 -d 10 --mirror 8 --cores 1 --json | jq .tap\n"
		"dropledger report -i eth1 -d 10 -w - 'udp port 53' | tcpdump -nr -\n",
	.exit_codes = "0 ok, 1 runtime failure, 2 usage or a bad config file, 4 a --fail-on "
		"rule fired, 5 the run was "
		"cut short (interface deleted, renamed, moved or re-queued, or our "
		"program removed; what was counted is printed, \"truncated\" in JSON)",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON). -c FILE: the [report] "
		"section of FILE (config/dropledger.conf) gives defaults; every key is "
		"an option's long name.",
};

void dl_report_conf__defaults(struct dl_report_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->c.duration = 10;
	conf->flows = true;
	conf->attach = DL_ATTACH_LIBXDP;
	conf->hook = -1;
}

int dl_report_conf__load(const char *path, struct dl_report_conf *conf,
			 char *why, size_t why_len)
{
	struct dl_params ps;
	int rc;

	dl_report_conf__defaults(conf);
	rc = dl_params__load_file(&ps, &dl_report_conf__cmd, conf, path);
	if (rc)
		snprintf(why, why_len, "%s", ps.err);
	/* The strings live as long as @conf. */
	conf->owned = ps.strings;
	conf->nowned = ps.nstrings;
	return rc;
}

void dl_report_conf__release(struct dl_report_conf *conf)
{
	int i;

	for (i = 0; i < conf->nowned; i++)
		free(conf->owned[i]);
	free(conf->owned);
	free(conf->cores);
	conf->owned = NULL;
	conf->nowned = 0;
	conf->cores = NULL;
}
