// SPDX-License-Identifier: GPL-2.0-only
/*
 * The steering run; see steering_session.h. The flow table is read once:
 * its raw entries feed the rss section, folded they feed the rules check.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "counters/softnet.h"
#include "counters/sysfs_stats.h"
#include "fastpath/flow_queues.h"
#include "rss/rss_config.h"
#include "rss/steering_print.h"
#include "rss/steering_rules.h"
#include "rss/steering_session.h"
#include "util/json.h"
#include "util/log.h"
#include "util/output.h"
#include "util/wait.h"

#define MAX_TEXT_MISMATCHES 20

/* What the NIC says it does, for prediction; notes what it cannot say. */
struct nic_view {
	struct dl_rss_config *cfg;
	struct dl_rss_table tbl;
	struct dl_steer_nic nic;
	bool use;		/* something to predict with */
	char summary[512];
	char note[256];
};

struct dl_steering_session {
	struct dl_steering_session_opts o;
	struct dl_wait_if wait;
	struct dl_ingress *xdp;
	struct nic_view nv;
	double t0;
	double duration_s;
	struct dl_rxq_stats rxq[DL_MAX_QUEUES + 1];
	struct dl_flow_q_entry *ents;
	size_t nr_ents;
	struct dl_flow_obs *obs;
	size_t nr_obs;
	struct dl_softnet *sn_before;
	struct dl_softnet *sn_after;
	const char *attach;
	struct dl_steer_report *rep;
	struct dl_rss_report *rss;
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

struct dl_steering_session *dl_steering_session__start(const struct dl_steering_session_opts *o,
						       char *why, size_t why_len)
{
	struct dl_steering_session *s;
	char note[1024];
	int err, ifindex;

	why[0] = '\0';
	ifindex = (int)if_nametoindex(o->ifname);
	if (!ifindex) {
		snprintf(why, why_len, "no interface '%s' in this network namespace", o->ifname);
		errno = ENODEV;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(why, why_len, "%s", strerror(ENOMEM));
		return NULL;
	}
	s->o = *o;
	s->wait.ifname = o->ifname;
	s->wait.ifindex = ifindex;
	read_nic(o->ifname, &s->nv);
	s->o.ing.ifindex = ifindex;
	s->o.ing.ifname = o->ifname;
	s->o.ing.track_flow_queues = true;
	s->xdp = dl_ingress__attach(&s->o.ing, why, why_len, note, sizeof(note));
	if (!s->xdp) {
		err = errno;
		dl_steering_session__free(s);
		errno = err ?: EINVAL;
		return NULL;
	}
	if (note[0])
		pr_warn("%s", note);
	s->attach = dl_ingress__mode(s->xdp);
	/* Softnet is host-wide and optional: without it the CPU view is absent. */
	err = dl_softnet__read(NULL, &s->sn_before);
	if (err)
		pr_warn("cannot read %s (%s): no per-CPU view\n", DL_SOFTNET_PATH, strerror(-err));
	s->t0 = dl_wait__now();
	return s;
}

double dl_steering_session__t0(const struct dl_steering_session *s)
{
	return s->t0;
}

bool dl_steering_session__wait(struct dl_steering_session *s, double until,
			       const volatile sig_atomic_t *stop)
{
	return dl_wait__until(until, stop, &s->wait, 1, s->o.out);
}

/* Everything the run counted, then detach. */
static int observe(struct dl_steering_session *s)
{
	int err;

	s->duration_s = dl_wait__now() - s->t0;
	if (s->sn_before && dl_softnet__read(NULL, &s->sn_after)) {
		dl_softnet__free(s->sn_before);
		s->sn_before = NULL;
	}
	err = dl_ingress__read_rxq(s->xdp, s->rxq);
	if (!err)
		err = dl_flow_queues__read_raw(dl_ingress__flow_q_map_fd(s->xdp), &s->ents,
					       &s->nr_ents);
	if (!err)
		err = dl_flow_queues__fold(s->ents, s->nr_ents, &s->obs, &s->nr_obs, NULL);
	if (err)
		pr_warn("reading counters of %s: %s\n", s->o.ifname, strerror(-err));
	dl_ingress__destroy(s->xdp);
	s->xdp = NULL;
	return err;
}

static int build_rss(struct dl_steering_session *s)
{
	__u64 arrived[DL_MAX_QUEUES], bytes[DL_MAX_QUEUES];
	struct dl_rss_input in = {
		.ifname = s->o.ifname,
		.nr_queues = dl_sysfs__rx_queues(s->o.ifname),
		.arrived = arrived,
		.bytes = bytes,
		.nr_arrived = DL_MAX_QUEUES,
		.has_flows = true,
		.flows = s->ents,
		.nr_flows = s->nr_ents,
		.softnet_before = s->sn_before,
		.softnet_after = s->sn_after,
	};
	__u32 q;

	for (q = 0; q < DL_MAX_QUEUES; q++) {
		arrived[q] = s->rxq[q].frames;
		bytes[q] = s->rxq[q].bytes;
	}
	return dl_rss_report__build(&in, &s->o.rss, &s->rss);
}

static int print_json(struct dl_steering_session *s)
{
	const struct nic_view *nv = &s->nv;
	json_t *j = json_object(), *nic = json_object(), *chk;
	int err;

	if (!j || !nic) {
		json_decref(j);
		json_decref(nic);
		return -ENOMEM;
	}
	json_object_set_new(j, "interface", json_string(s->o.ifname));
	json_object_set_new(j, "duration_s", json_real(s->duration_s));
	json_object_set_new(j, "attach", json_string(s->attach));
	json_object_set_new(j, "rules_file",
			    s->o.rules_path ? json_string(s->o.rules_path) : json_null());
	json_object_set_new(nic, "exposed",
			    json_boolean(nv->cfg && dl_rss_config__exposed(nv->cfg)));
	json_object_set_new(nic, "summary", json_string(nv->summary));
	json_object_set_new(nic, "rss_predicts", json_boolean(nv->nic.rss != NULL));
	json_object_set_new(nic, "ntuple_rules", dl_json__opt_u64(nv->nic.ntuple,
			    nv->nic.ntuple ? dl_steer_rules__count(nv->nic.ntuple) : 0));
	json_object_set_new(nic, "note", nv->note[0] ? json_string(nv->note) : json_null());
	json_object_set_new(j, "nic", nic);
	if (s->rep) {
		chk = dl_steer_report__json(s->rep);
		json_object_update(j, chk);
		json_decref(chk);
	} else {
		/* Nothing to check against: no rules and no NIC prediction. */
		json_object_set_new(j, "violations", json_integer(0));
		json_object_set_new(j, "rules", json_null());
		json_object_set_new(j, "mismatches", json_null());
	}
	json_object_set_new(j, "rss", dl_rss_report__json(s->rss));
	err = dl_output__json(s->o.out, "steering", j);
	json_decref(j);
	return err;
}

static int print_text(struct dl_steering_session *s)
{
	const struct nic_view *nv = &s->nv;
	FILE *f = s->o.out->f;

	fprintf(f, "steering on %s for %.1f s (%s XDP)", s->o.ifname, s->duration_s, s->attach);
	if (s->o.rules_path)
		fprintf(f, ", rules from %s", s->o.rules_path);
	fprintf(f, "\nNIC: %s\n", nv->summary);
	if (nv->note[0])
		fprintf(f, "NIC: %s\n", nv->note);
	if (!nv->use && s->o.rules_path)
		fprintf(f, "NIC: no RSS/ntuple prediction: only the rules are checked\n");
	if (s->rep)
		dl_steer_report__print_text(s->rep, MAX_TEXT_MISMATCHES, f);
	else
		fprintf(f, "nothing to check: no --rules, and the NIC exposes nothing to predict with\n");
	fprintf(f, "\n");
	dl_rss_report__print_text(s->rss, f);
	return dl_output__check(s->o.out);
}

int dl_steering_session__finish(struct dl_steering_session *s, unsigned int *violations)
{
	int err;

	*violations = 0;
	err = observe(s);
	/* Nobody reads: detached above, no further work. */
	if (err || dl_output__failed(s->o.out))
		return err ?: s->o.out->err;
	if (s->o.rules || s->nv.use) {
		err = dl_steer_check__run(s->o.rules, s->obs, s->nr_obs,
					  s->nv.use ? &s->nv.nic : NULL, &s->o.check, &s->rep);
		if (err) {
			pr_warn("steering check: %s\n", strerror(-err));
			return err;
		}
	}
	err = build_rss(s);
	if (err) {
		pr_warn("rss report: %s\n", strerror(-err));
		return err;
	}
	if (!s->o.out->f)
		s->o.out->f = stdout;
	err = s->o.json ? print_json(s) : print_text(s);
	if (err && !dl_output__failed(s->o.out))
		pr_warn("cannot build the steering report: %s\n", strerror(-err));
	if (!err && s->rep)
		*violations = dl_steer_report__violations(s->rep);
	return err;
}

void dl_steering_session__free(struct dl_steering_session *s)
{
	if (!s)
		return;
	dl_ingress__destroy(s->xdp);
	dl_rss_report__free(s->rss);
	dl_steer_report__free(s->rep);
	free(s->ents);
	free(s->obs);
	dl_softnet__free(s->sn_before);
	dl_softnet__free(s->sn_after);
	dl_rss_config__free(s->nv.cfg);
	free(s);
}
