// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger steering: watch where each flow arrives (per-(flow, queue)
 * counts at XDP) for -d seconds, then check the operator's rules and the
 * NIC's own RSS/ntuple configuration against it, and show how the traffic
 * spread over queues and CPUs (the rss section of the report).
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>

#include "counters/sysfs_stats.h"
#include "cli.h"
#include "fastpath/flow_queues.h"
#include "fastpath/ingress.h"
#include "util/log.h"
#include "util/params.h"
#include "rss/rss_config.h"
#include "rss/rss_report.h"
#include "counters/softnet.h"
#include "rss/steering_check.h"
#include "rss/steering_print.h"
#include "rss/steering_rules.h"

#define EXIT_VIOLATION DL_EXIT_VIOLATION	/* rules or NIC config not honoured */
#define MAX_TEXT_MISMATCHES 20

static const struct dl_param_enum attach_names[] = {
	{ "libxdp", DL_ATTACH_LIBXDP },
	{ "link", DL_ATTACH_LINK },
	{ NULL, 0 },
};

struct steering_opts {
	const char *ifname;
	const char *rules_path;
	double duration;
	bool json;
	const char *ready_file;
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
	err = cli_params(&ps, &steering_cmd, o, argc, argv);
	if (err == DL_PARAMS_HELP)
		exit(DL_EXIT_OK);
	if (err)
		return err;
	o->ifname = o->c.ifname;
	o->duration = o->c.duration;
	o->json = o->c.json;
	o->ready_file = o->c.ready_file;
	o->ing.how = (enum dl_attach_how)o->how;
	if (o->min_packets) {
		o->rss.min_total = o->min_packets;
		o->check.min_packets = o->min_packets;
	}
	return 0;
}

/* What the NIC says it does, for prediction; notes what it cannot say. */
struct nic_view {
	struct dl_rss_config *cfg;
	struct dl_rss_table tbl;
	struct dl_steer_nic nic;
	bool use;		/* something to predict with */
	char summary[512];
	char note[256];
};

static void read_nic(const char *ifname, struct nic_view *v)
{
	char hf[32];
	int err;

	err = dl_rss_config__read(ifname, &v->cfg);
	if (err) {
		snprintf(v->summary, sizeof(v->summary),
			 "%s: cannot read the RSS configuration: %s", ifname, strerror(-err));
		return;
	}
	dl_rss_config__summary(v->cfg, v->summary, sizeof(v->summary));
	err = dl_rss_config__table(v->cfg, &v->tbl);
	if (!err) {
		v->nic.rss = &v->tbl;
	} else if (err == -EOPNOTSUPP) {
		snprintf(v->note, sizeof(v->note),
			 "RSS hash is %s%s, not plain Toeplitz: queues are not predicted from it",
			 dl_rss_config__hfunc_name(v->cfg->hfunc, hf, sizeof(hf)),
			 v->cfg->input_xfrm ? " with a symmetric input transform" : "");
	}
	if (v->cfg->has_ntuple && v->cfg->ntuple && dl_steer_rules__count(v->cfg->ntuple))
		v->nic.ntuple = v->cfg->ntuple;
	v->use = v->nic.rss || v->nic.ntuple;
}

struct observed {
	double duration_s;
	struct dl_rxq_stats rxq[DL_MAX_QUEUES + 1];
	struct dl_flow_q_entry *ents;
	size_t nr_ents;
	struct dl_flow_obs *obs;
	size_t nr_obs;
	struct dl_softnet *sn_before;
	struct dl_softnet *sn_after;
	const char *attach;
};

static void observed_free(struct observed *ob)
{
	free(ob->ents);
	free(ob->obs);
	dl_softnet__free(ob->sn_before);
	dl_softnet__free(ob->sn_after);
}

/* Attach, watch, read everything, detach. Returns 0 or an exit code. */
static int observe(struct steering_opts *o, int ifindex, struct observed *ob)
{
	struct dl_ingress *ing;
	char why[512], note[1024];
	int err, rc = DL_EXIT_FAIL;

	cli_stop_signals();
	o->ing.ifindex = ifindex;
	o->ing.ifname = o->ifname;
	ing = dl_ingress__attach(&o->ing, why, sizeof(why), note, sizeof(note));
	if (!ing) {
		fprintf(stderr, "dropledger: %s\n", why);
		return DL_EXIT_FAIL;
	}
	if (note[0])
		fprintf(stderr, "dropledger: %s", note);
	ob->attach = dl_ingress__mode(ing);
	/* Softnet is host-wide and optional: without it the CPU view is absent. */
	err = dl_softnet__read(NULL, &ob->sn_before);
	if (err)
		pr_warn("cannot read %s (%s): no per-CPU view\n", DL_SOFTNET_PATH, strerror(-err));
	if (!o->json)
		fprintf(stderr, "dropledger: watching %s for %.1f s (Ctrl-C to stop early)\n",
			o->ifname, o->duration);
	cli_ready(o->ready_file);
	{
		double t0 = cli_now();

		cli_wait_until(o->ifname, ifindex, t0 + o->duration);
		ob->duration_s = cli_now() - t0;
	}

	if (ob->sn_before && dl_softnet__read(NULL, &ob->sn_after)) {
		dl_softnet__free(ob->sn_before);
		ob->sn_before = NULL;
	}
	err = dl_ingress__read_rxq(ing, ob->rxq);
	if (!err)
		err = dl_flow_queues__read_raw(dl_ingress__flow_q_map_fd(ing), &ob->ents,
					       &ob->nr_ents);
	if (!err)
		err = dl_flow_queues__fold(ob->ents, ob->nr_ents, &ob->obs, &ob->nr_obs, NULL);
	if (err) {
		fprintf(stderr, "dropledger: reading counters of %s: %s\n", o->ifname,
			strerror(-err));
		goto out;
	}
	rc = DL_EXIT_OK;
out:
	dl_ingress__destroy(ing);
	return rc;
}

static int build_rss(const struct steering_opts *o, const struct observed *ob,
		     struct dl_rss_report **out)
{
	__u64 arrived[DL_MAX_QUEUES], bytes[DL_MAX_QUEUES];
	struct dl_rss_input in = {
		.ifname = o->ifname,
		.nr_queues = dl_sysfs__rx_queues(o->ifname),
		.arrived = arrived,
		.bytes = bytes,
		.nr_arrived = DL_MAX_QUEUES,
		.has_flows = true,
		.flows = ob->ents,
		.nr_flows = ob->nr_ents,
		.softnet_before = ob->sn_before,
		.softnet_after = ob->sn_after,
	};
	__u32 q;

	for (q = 0; q < DL_MAX_QUEUES; q++) {
		arrived[q] = ob->rxq[q].frames;
		bytes[q] = ob->rxq[q].bytes;
	}
	return dl_rss_report__build(&in, &o->rss, out);
}

static void print_json(const struct steering_opts *o, const struct observed *ob,
		       const struct nic_view *nv, const struct dl_steer_report *rep,
		       const struct dl_rss_report *rss)
{
	json_t *j = json_object(), *nic = json_object(), *chk;

	json_object_set_new(j, "tool", json_string("dropledger"));
	json_object_set_new(j, "command", json_string("steering"));
	json_object_set_new(j, "interface", json_string(o->ifname));
	json_object_set_new(j, "duration_s", json_real(ob->duration_s));
	json_object_set_new(j, "attach", json_string(ob->attach));
	json_object_set_new(j, "rules_file",
			    o->rules_path ? json_string(o->rules_path) : json_null());
	json_object_set_new(nic, "exposed",
			    json_boolean(nv->cfg && dl_rss_config__exposed(nv->cfg)));
	json_object_set_new(nic, "summary", json_string(nv->summary));
	json_object_set_new(nic, "rss_predicts", json_boolean(nv->nic.rss != NULL));
	json_object_set_new(nic, "ntuple_rules", nv->nic.ntuple ?
			    json_integer((json_int_t)dl_steer_rules__count(nv->nic.ntuple)) :
			    json_null());
	json_object_set_new(nic, "note", nv->note[0] ? json_string(nv->note) : json_null());
	json_object_set_new(j, "nic", nic);
	if (rep) {
		chk = dl_steer_report__json(rep);
		json_object_update(j, chk);
		json_decref(chk);
	} else {
		/* Nothing to check against: no rules and no NIC prediction. */
		json_object_set_new(j, "violations", json_integer(0));
		json_object_set_new(j, "rules", json_null());
		json_object_set_new(j, "mismatches", json_null());
	}
	json_object_set_new(j, "rss", dl_rss_report__json(rss));
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(j);
}

static void print_text(const struct steering_opts *o, const struct observed *ob,
		       const struct nic_view *nv, const struct dl_steer_report *rep,
		       const struct dl_rss_report *rss)
{
	printf("steering on %s for %.1f s (%s XDP)", o->ifname, ob->duration_s, ob->attach);
	if (o->rules_path)
		printf(", rules from %s", o->rules_path);
	printf("\nNIC: %s\n", nv->summary);
	if (nv->note[0])
		printf("NIC: %s\n", nv->note);
	if (!nv->use && o->rules_path)
		printf("NIC: no RSS/ntuple prediction: only the rules are checked\n");
	if (rep)
		dl_steer_report__print_text(rep, MAX_TEXT_MISMATCHES, stdout);
	else
		printf("nothing to check: no --rules, and the NIC exposes nothing to predict with\n");
	printf("\n");
	dl_rss_report__print_text(rss, stdout);
}

int do_steering(int argc, char **argv)
{
	struct dl_steer_rules *rules = NULL;
	struct dl_steer_report *rep = NULL;
	struct dl_rss_report *rss = NULL;
	struct steering_opts o = {};
	struct nic_view nv = {};
	struct observed ob = {};
	int ifindex, rc, err;
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
	rc = DL_EXIT_FAIL;
	if (cli_check_caps("steering"))
		goto out;
	ifindex = if_nametoindex(o.ifname);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n",
			o.ifname);
		goto out;
	}
	read_nic(o.ifname, &nv);
	rc = observe(&o, ifindex, &ob);
	if (rc)
		goto out;
	rc = DL_EXIT_FAIL;
	if (rules || nv.use) {
		err = dl_steer_check__run(rules, ob.obs, ob.nr_obs, nv.use ? &nv.nic : NULL,
					  &o.check, &rep);
		if (err) {
			fprintf(stderr, "dropledger: steering check: %s\n", strerror(-err));
			goto out;
		}
	}
	err = build_rss(&o, &ob, &rss);
	if (err) {
		fprintf(stderr, "dropledger: rss report: %s\n", strerror(-err));
		goto out;
	}
	if (o.json)
		print_json(&o, &ob, &nv, rep, rss);
	else
		print_text(&o, &ob, &nv, rep, rss);
	fflush(stdout);
	rc = rep && dl_steer_report__violations(rep) ? EXIT_VIOLATION : DL_EXIT_OK;
out:
	dl_rss_report__free(rss);
	dl_steer_report__free(rep);
	observed_free(&ob);
	dl_rss_config__free(nv.cfg);
	dl_steer_rules__free(rules);
	return rc;
}
