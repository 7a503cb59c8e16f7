// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger report: attach, count for -d seconds (or until Ctrl-C), detach,
 * print the ledger. Signals and a vanishing interface end the interval
 * early; the report is printed either way.
 */
#include <errno.h>
#include <stdbool.h>
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
#include "util/netns.h"
#include "counters/kstate.h"
#include "trace/ksyms.h"
#include "ledger/ledger.h"
#include "util/log.h"
#include "counters/nic_map.h"
#include "ledger/report_conf.h"
#include "util/params.h"
#include "linerate/tap_session.h"

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
	struct dl_ingress_opts ing;
	struct dl_report_conf conf;	/* as parsed; ifname points into it */
};

/* The table (lib/ledger/report_conf.c) fills o->conf; the run reads o. */
static int parse(int argc, char **argv, struct report_opts *o)
{
	static struct dl_params ps;	/* keeps strings read from -c FILE */
	struct dl_report_conf *rc = &o->conf;
	int err;

	dl_report_conf__defaults(rc);
	err = cli_params(&ps, &dl_report_conf__cmd, rc, argc, argv);
	if (err == DL_PARAMS_HELP)
		exit(DL_EXIT_OK);
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
	o->ing.how = (enum dl_attach_how)rc->attach;
	o->ing.sample_every = rc->mirror;
	if (!o->duration && !o->interval)
		return cli_usage_error("report", "-d 0 runs until stopped and needs --interval "
				       "to print anything before that");
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
 * the mirror's accounting goes with the whole-run ledger ("tap" in JSON).
 */
static int print_ledger(const struct dl_ledger *l, bool json,
			const struct dl_tap_session *tap)
{
	if (json && tap) {
		json_t *root = dl_ledger__to_json(l);

		if (root) {
			json_object_set_new(root, "tap", dl_tap_session__json(tap));
			dl_ledger__dump_json(root, stdout);
			json_decref(root);
		}
	} else if (json) {
		dl_ledger__print_json(l, stdout);
	} else {
		dl_ledger__print_text(l, stdout);
		if (tap)
			dl_tap_session__print_text(tap, stdout);
	}
	if (fflush(stdout) || ferror(stdout)) {
		cli_stop = SIGPIPE;
		return -EPIPE;
	}
	return 0;
}

/*
 * With --interval: print each interval as the difference of cumulative
 * ledgers, with the kernel counters of that interval. @prev and @ks_prev
 * advance to now.
 */
static int print_interval(struct dl_ledger *prev, struct dl_kstate *ks_prev,
			  unsigned int k, double secs, const char *cut,
			  const struct report_opts *o,
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
		iv.truncated_reason = cut[0] ? cut : NULL;
		err = dl_ledger__add_kstate(&iv, ks_prev, &ks_now);
		if (!err)
			err = print_ledger(&iv, o->json, NULL);
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
	char why[512], note[1024], cut[512] = "";
	int ifindex, rc = DL_EXIT_FAIL, err;
	double t0;
	unsigned int netns;

	err = parse(argc, argv, &o);
	if (err)
		return cli_parse_exit(err);
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
		return DL_EXIT_FAIL;
	}
	o.ing.ifindex = ifindex;
	o.ing.ifname = o.ifname;
	o.ing.flow_map_fd = dl_drop_trace__flow_map_fd(dt);
	ing = dl_ingress__attach(&o.ing, why, sizeof(why), note, sizeof(note));
	if (!ing) {
		fprintf(stderr, "dropledger: %s\n", why);
		goto out;
	}
	if (note[0])
		fprintf(stderr, "dropledger: %s", note);
	if (!dl_ingress__is_up(ing))
		fprintf(stderr, "dropledger: %s is down: the ledger will stay at zero until it is up\n",
			o.ifname);
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
			bool go_on = cli_wait_ingress(ing, next < end ? next : end,
						      cut, sizeof(cut));

			err = print_interval(&prev, &ks_prev, k, cli_now() - mark, cut, &o,
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
		cli_wait_ingress(ing, t0 + o.duration, cut, sizeof(cut));
	}
	/* The last word on the attachment, before the last read. */
	if (!cut[0])
		cli_check_ingress(ing, cut, sizeof(cut));
	/* The workers drain what the rings hold, then stop. */
	if (tap && dl_tap_session__stop(tap)) {
		fprintf(stderr, "dropledger: cannot read the tap mirror counts\n");
		goto out;
	}
	dl_kstate__take(&ks_end, o.ifname, nic_map);
	err = collect_now(&cum, &o, ifindex, ing, dt, &names);
	if (!err)
		err = dl_ledger__diff(&base, &cum, &l);
	if (!err)
		err = dl_ledger__add_kstate(&l, &ks_start, &ks_end);
	if (!err)
		err = dl_ledger__add_rss(&l, o.ing.track_flow_queues ?
					 dl_ingress__flow_q_map_fd(ing) : -1,
					 &ks_start, &ks_end, o.skew_threshold);
	if (err)
		goto fail_read;
	l.duration_s = cli_now() - t0;
	l.cumulative = o.interval > 0;
	l.truncated_reason = cut[0] ? cut : NULL;
	if (print_ledger(&l, o.json, tap) && cli_stop == SIGPIPE)
		pr_debug("output closed: whole-run ledger not printed\n");
	rc = cut[0] ? DL_EXIT_CUT : DL_EXIT_OK;
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
	dl_drop_trace__destroy(dt);
	dl_ingress__destroy(ing);
	free(o.cpus);
	dl_ksyms__free((struct dl_ksyms *)names.ksyms);
	dl_reasons__free((struct dl_reasons *)names.reasons);
	dl_causes__free((struct dl_causes *)names.causes);
	return rc;
}
