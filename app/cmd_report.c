// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger report: attach, count for -d seconds (or until Ctrl-C), detach,
 * print the ledger. Signals and a vanishing interface end the interval
 * early; the report is printed either way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
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
#include "evidence/evidence.h"
#include "util/params.h"

struct report_opts {
	const char *ifname;
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
	struct dl_evidence_opts ev;
	char *filter;		/* trailing words, joined */
	struct dl_report_conf conf;	/* as parsed; ifname points into it */
};

/* Trailing words are one pcap-filter expression, as tcpdump takes them. */
static int take_filter(char **args, int n, struct report_opts *o)
{
	size_t len = 0;
	int i;

	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++)
		len += strlen(args[i]) + 1;
	o->filter = calloc(1, len);
	if (!o->filter)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (i)
			strcat(o->filter, " ");
		strcat(o->filter, args[i]);
	}
	o->ev.filter = o->filter;
	return 0;
}

/* The table (lib/ledger/report_conf.c) fills o->conf; the run reads o. */
static int parse(int argc, char **argv, struct report_opts *o)
{
	static struct dl_params ps;	/* keeps strings read from -c FILE */
	struct dl_report_conf *rc = &o->conf;
	char why[160];
	int err;

	dl_report_conf__defaults(rc);
	err = cli_params_or_help(&ps, &dl_report_conf__cmd, rc, argc, argv);
	if (err)
		return err;
	o->ifname = rc->c.ifname;
	o->duration = rc->c.duration;
	o->interval = rc->interval;
	o->skew_threshold = rc->skew_threshold;
	o->json = rc->c.json;
	o->ready_file = rc->c.ready_file;
	o->max_flows = rc->max_flows;
	o->ing.track_flows = rc->flows;

	/* Flows per queue feed the rss section; --no-flows drops both. */
	o->ing.track_flow_queues = rc->flows;
	o->ing.skb_mode = rc->skb_mode;
	o->ing.how = rc->attach == DL_REPORT_ATTACH_CLSACT ? DL_ATTACH_LIBXDP :
		     (enum dl_attach_how)rc->attach;
	o->ing.exact_flows = rc->exact_flows;
	o->ev.pcap_path = rc->write;
	o->ev.snaplen = rc->snaplen;
	o->ev.sample = rc->sample;
	o->ev.max_packets = rc->max_packets;
	o->ev.html_path = rc->html;
	o->ev.save_path = rc->save;
	err = take_filter(argv + ps.first_arg, ps.nargs, o);
	if (err)
		return err;
	err = dl_evidence__check(&o->ev, why, sizeof(why));
	if (err)
		return cli_usage_error("report", "%s", why);
	if (rc->skb_mode && rc->hook == DL_HOOK_TC)
		return cli_usage_error("report", "--skb-mode is generic XDP; it does not go with --hook tc");
	/* Generic XDP only when asked for: --skb-mode means the xdp hook. */
	if (rc->skb_mode)
		rc->hook = DL_HOOK_XDP;
	o->ing.tc_classic = rc->attach == DL_REPORT_ATTACH_CLSACT;
	if (o->ing.tc_classic && rc->hook == DL_HOOK_XDP)
		return cli_usage_error("report", "--attach clsact is for the tc hook (--hook tc)");
	o->ing.hook = rc->hook >= 0 ? (enum dl_hook)rc->hook :
		      o->ing.tc_classic ? DL_HOOK_TC : DL_HOOK_AUTO;
	o->ing.sample_every = rc->mirror;
	o->ing.mirror_ring = (enum dl_mirror_kind)rc->mirror_ring;
	if (rc->fail_on) {
		char why[512];

		o->fail_on = dl_fail_on__parse(rc->fail_on, why, sizeof(why));
		if (!o->fail_on)
			return cli_usage_error("report", "--fail-on: %s", why);
	}
	if (!o->duration && !o->interval)
		return cli_usage_error("report", "-d 0 runs until stopped and needs --interval "
				       "to print anything before that");
	if (rc->mirror_ring && !o->ing.sample_every)
		return cli_usage_error("report", "--mirror-ring chooses the --mirror rings; add --mirror N");
	if (o->max_flows && !o->ing.sample_every)
		return cli_usage_error("report", "--max-flows sizes the --mirror workers' "
				       "tables; add --mirror N");
	if (rc->cores && !o->ing.sample_every)
		return cli_usage_error("report", "--cores is for the --mirror workers; add --mirror N");
	if (!o->ing.sample_every)
		return 0;
	/* --mirror workers: on --cores, or on every CPU we may use. */
	if (rc->cores) {
		o->cpus = rc->cores;
		o->ncpus = rc->ncores;
		rc->cores = NULL;
		return 0;
	}
	err = dl_cpulist__usable(&o->cpus, &o->ncpus);
	if (err)
		fprintf(stderr, "dropledger report: cannot list the CPUs for the --mirror workers: %s\n",
			strerror(-err));
	return err;
}

/* The pcap output failed mid-run (capture thread): end the run. */
static void on_evidence_error(int err, void *ctx)
{
	(void)err;
	(void)ctx;
	cli_stop = SIGTERM;
}

/* lib/evidence at the session's fixed points (struct dl_report_hooks). */
static int ev_attached(void *ctx, unsigned int ifindex, const char *ifname,
		       unsigned int netns, int flow_map_fd,
		       const struct dl_ledger_names *names, char *why, size_t why_len)
{
	return dl_evidence__start(ctx, ifindex, ifname, netns, flow_map_fd, names,
				  on_evidence_error, NULL, why, why_len);
}

static void ev_opened(void *ctx)
{
	dl_evidence__arm(ctx);
}

static int ev_closed(void *ctx, char *why, size_t why_len)
{
	dl_evidence__stop(ctx);
	return dl_evidence__error(ctx, why, why_len);
}

static int ev_ledger(void *ctx, struct dl_ledger *l)
{
	return dl_evidence__narrow(ctx, l);
}

static int ev_json(void *ctx, json_t *root, char *why, size_t why_len)
{
	int err = dl_evidence__annotate(ctx, root);

	return err ?: dl_evidence__write_files(ctx, root, why, why_len);
}

static int ev_interval(void *ctx, const json_t *rec, char *why, size_t why_len)
{
	int err = dl_evidence__interval(ctx, rec);

	if (err)
		snprintf(why, why_len, "keeping the timeline: %s", strerror(-err));
	return err;
}

static void ev_text(void *ctx, FILE *out)
{
	dl_evidence__print_text(ctx, out);
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
	struct dl_output err_out = { .f = stderr, .name = "stderr" };
	struct dl_report_hooks hooks = {
		.attached = ev_attached, .opened = ev_opened, .closed = ev_closed,
		.ledger = ev_ledger, .json = ev_json, .text = ev_text,
		.interval = ev_interval,
	};
	struct dl_evidence *ev = NULL;
	struct dl_report_session_opts so = {};
	struct dl_report_session *s = NULL;
	struct report_opts o = {};
	int rc = DL_EXIT_FAIL, err = 0;
	char why[512];
	double t0, end;

	err = parse(argc, argv, &o);
	if (err) {
		free(o.filter);
		dl_fail_on__free(o.fail_on);
		return cli_parse_exit(err);
	}
	if (cli_check_caps("report"))
		goto out;
	/* Filter and outputs before anything is attached: a bad one costs nothing. */
	err = dl_evidence__open(&o.ev, &ev, why, sizeof(why));
	if (err) {
		fprintf(stderr, "dropledger report: %s\n", why);
		/* -EINVAL: the filter does not compile, a usage error. */
		rc = err == -EINVAL ? DL_EXIT_USAGE : DL_EXIT_FAIL;
		err = 0;
		goto out;
	}
	cli_stop_signals();
	so.ifnames = &o.ifname;
	so.nifs = 1;
	so.ing = o.ing;
	so.skew_threshold = o.skew_threshold;
	so.cpus = o.cpus;
	so.ncpus = o.ncpus;
	so.max_flows = o.max_flows;
	so.intervals = o.interval > 0;
	so.stacks = o.conf.stack;
	so.json = o.json;
	/* -w -: the pcap has stdout, the report goes to stderr. */
	so.out = dl_evidence__owns_stdout(ev) ? &err_out : &dl_stdout;
	hooks.ctx = ev;
	so.hooks = ev ? &hooks : NULL;
	if (o.fail_on) {
		so.on_ledger = check_rules;
		so.on_ledger_ctx = &o;
	}
	s = dl_report_session__start(&so, why, sizeof(why));
	if (!s) {
		fprintf(stderr, "dropledger report: %s\n", why);
		goto out;
	}
	if (!o.json)
		say_hook(&o, dl_report_session__hook(s, 0));
	if (!o.json && o.duration)
		fprintf(stderr, "dropledger: counting on %s for %.1f s (Ctrl-C to stop early)\n",
			cli_ifname(o.ifname), o.duration);
	else if (!o.json)
		fprintf(stderr, "dropledger: counting on %s until stopped (Ctrl-C)\n",
			cli_ifname(o.ifname));
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
			if (!dl_output__failed(so.out))
				err = dl_report_session__interval(s);
		}
	} else {
		dl_report_session__wait(s, end, &cli_stop);
	}
	if (!err)
		err = dl_report_session__finish(s);
	if (!err)
		rc = dl_report_session__cut(s) ? DL_EXIT_CUT : DL_EXIT_OK;
	else if (dl_report_session__hook_error(s)[0])
		fprintf(stderr, "dropledger report: %s\n", dl_report_session__hook_error(s));
	if (rc == DL_EXIT_OK && o.fired[0]) {
		fprintf(stderr, "dropledger: --fail-on: %s\n", o.fired);
		rc = DL_EXIT_THRESHOLD;
	}
out:
	/* The capture thread reads the session's names: it ends first. */
	dl_evidence__free(ev);
	/* Detached before anything is said about the output. */
	dl_report_session__free(s);
	dl_output__complain(so.out ? so.out : &dl_stdout, "report");
	free(o.cpus);
	free(o.filter);
	dl_fail_on__free(o.fail_on);
	return rc;
}
