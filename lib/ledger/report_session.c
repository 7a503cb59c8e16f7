// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report run of one or more interfaces; see report_session.h. The ledger
 * math is called at three places only: collect (cumulative now), interval
 * (diff of two cumulatives plus kernel counters) and finish (the whole run).
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "counters/kstate.h"
#include "counters/nic_map.h"
#include "ledger/ledger.h"
#include "ledger/report_session.h"
#include "ledger/snapshot.h"
#include "linerate/tap_session.h"
#include "trace/drop_reasons.h"
#include "trace/drop_trace.h"
#include "trace/ksyms.h"
#include "ledger/ledger_stacks.h"
#include "util/config_path.h"
#include "util/log.h"
#include "util/netns.h"
#include "util/output.h"
#include "util/wait.h"
#include "verdict/causes.h"

/* One watched interface: its programs and its cumulative baselines. */
struct dl_report_dev {
	char ifname[IF_NAMESIZE];
	int ifindex;
	struct dl_ingress_opts ing;
	struct dl_drop_trace *dt;
	struct dl_ingress *xdp;
	struct dl_tap_session *tap;
	struct dl_ledger_names names;	/* shared names, this device's flow map */
	struct dl_kstate ks_start, ks_prev;
	struct dl_ledger base, prev;	/* cumulative at start, at last interval */
	bool have_prev;
	bool stacks;		/* --stack: the tracer records generic drops' stacks */
	char cut[512];		/* why the run was cut short here; "": it was not */
};

struct dl_report_session {
	struct dl_report_session_opts o;
	struct dl_ksyms *ksyms;
	struct dl_reasons *reasons;
	struct dl_causes *causes;
	struct dl_nic_map *nic_map;
	double t0, mark;	/* start of the run, of the current interval */
	unsigned int k;		/* intervals printed */
	unsigned int ndev;
	char hook_why[512];	/* a hook's reason for failing the run */
	struct dl_report_dev dev[];
};

double dl_report_session__now(void)
{
	return dl_wait__now();
}

double dl_report_session__t0(const struct dl_report_session *s)
{
	return s->t0;
}

const char *dl_report_session__hook(const struct dl_report_session *s, unsigned int i)
{
	return i < s->ndev && s->dev[i].xdp ? dl_ingress__hook(s->dev[i].xdp) : NULL;
}

/*
 * The cumulative ledger of @d now: one snapshot (each CPU's XDP and drop
 * counts read at one moment, so every interval balances on its own), the
 * ledger computed from it, then the verdict pass.
 */
static int collect(struct dl_report_dev *d, struct dl_ledger *l)
{
	struct dl_snapshot_src src = {
		.ifname = d->ifname, .rxq_map_fd = dl_ingress__rxq_map_fd(d->xdp),
		.dt = d->dt, .flow_map_fd = d->names.flow_map_fd,
		.no_flows = !d->ing.track_flows,
	};
	struct dl_snapshot snap;
	int err;

	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s", d->ifname);
	l->ifindex = d->ifindex;
	l->mode = "tap";
	l->attach = dl_ingress__mode(d->xdp);
	l->hook = dl_ingress__hook(d->xdp);
	l->drop_source = dl_drop_trace__flavour(d->dt);
	err = dl_snapshot__take(&snap, &src);
	if (!err) {
		err = dl_ledger__compute(NULL, &snap, l);
		dl_snapshot__free(&snap);
	}
	/* Named after the diff (name_span): summaries speak of the span's own flows. */
	if (err) {
		pr_warn("reading counters of %s: %s\n", d->ifname, strerror(-err));
		dl_ledger__free(l);
	}
	return err;
}

/* Both states of the kernel and the maps, as one baseline. */
static int snapshot(struct dl_report_session *s, struct dl_report_dev *d,
		    struct dl_kstate *ks, struct dl_ledger *l)
{
	int err;

	dl_kstate__take(ks, d->ifname, s->nic_map);
	err = collect(d, l);
	if (err)
		dl_kstate__release(ks);
	return err;
}

/*
 * One ledger to the output: a JSON line or text tables. @whole: the
 * whole-run ledger, which the hooks see.
 */
static int print(struct dl_report_session *s, const struct dl_ledger *l,
		 const struct dl_tap_session *tap, bool whole)
{
	const struct dl_report_hooks *h = whole ? s->o.hooks : NULL;
	struct dl_output *out = s->o.out;
	json_t *root = NULL;
	int err;

	if (dl_output__failed(out))
		return out->err;
	if (s->o.on_ledger)
		s->o.on_ledger(s->o.on_ledger_ctx, l);
	if (!out->f)
		out->f = stdout;
	if (h && h->json) {
		root = dl_ledger__to_json(l);
		if (!root)
			return -ENOMEM;
		if (tap)
			json_object_set_new(root, "tap", dl_tap_session__json(tap));
		err = h->json(h->ctx, root, s->hook_why, sizeof(s->hook_why));
		if (err) {
			json_decref(root);
			return err;
		}
	}
	if (!s->o.json) {
		json_decref(root);
		/* Each printer's own return is seen; the stream's flag too. */
		err = dl_ledger__print_text(l, out->f);
		if (!err && tap)
			err = dl_tap_session__print_text(tap, out->f);
		if (!err && h && h->text)
			h->text(h->ctx, out->f);
		return dl_output__check(out) ?: err;
	}
	if (!root)
		root = dl_ledger__to_json(l);
	if (!root)
		return -ENOMEM;
	if (tap && !json_object_get(root, "tap"))
		json_object_set_new(root, "tap", dl_tap_session__json(tap));
	err = dl_output__json(out, "report", root);
	json_decref(root);
	if (err && !dl_output__failed(out))
		pr_warn("cannot build the JSON ledger of %s: %s\n", l->ifname, strerror(-err));
	return err;
}

static int load_names(struct dl_report_session *s)
{
	char why[512];
	int err;

	s->ksyms = dl_ksyms__load("/proc/kallsyms");
	if (!s->ksyms)
		pr_warn("kernel symbols unavailable (%s): locations shown as addresses\n",
			strerror(errno));
	s->reasons = dl_reasons__load(NULL);
	if (!s->reasons)
		pr_warn("no drop reason names in this kernel's BTF (%s): shown as numbers\n",
			strerror(errno));
	s->causes = dl_causes__load(NULL, why, sizeof(why));
	if (!s->causes)
		pr_warn("%s: causes get generic advice\n", why);
	err = dl_config__path("nic_counters.tsv", why, sizeof(why));
	if (!err)
		err = dl_nic_map__load(why, &s->nic_map);
	if (err)
		pr_warn("driver counter map %s unusable (%s): NIC columns from qstats and sysfs only\n",
			why, strerror(-err));
	return 0;
}

/*
 * Drop capture first, XDP second: every frame XDP counts is then covered
 * by the tracer, so no drop falls between the two.
 */
static int attach_dev(struct dl_report_session *s, struct dl_report_dev *d,
		      unsigned int netns, char *why, size_t why_len)
{
	struct dl_drop_trace_opts dto = {};
	char note[1024];

	dto.ifindex = d->ifindex;
	dto.netns = netns;
	dto.flow_map_fd = -1;
	dto.no_flows = !s->o.ing.track_flows;
	dto.stacks = s->o.stacks;
	d->stacks = s->o.stacks;
	d->dt = dl_drop_trace__start(&dto, why, why_len);
	if (!d->dt)
		return -errno ?: -EINVAL;
	d->ing = s->o.ing;
	d->ing.ifindex = d->ifindex;
	d->ing.ifname = d->ifname;
	d->ing.flow_map_fd = dl_drop_trace__flow_map_fd(d->dt);
	d->ing.arrival_map_fd = dl_drop_trace__arrival_map_fd(d->dt);
	/* The names are filled in before the window opens. */
	if (s->o.hooks && s->o.hooks->attached &&
	    s->o.hooks->attached(s->o.hooks->ctx, d->ifindex, d->ifname, netns,
				 d->ing.flow_map_fd, &d->names, why, why_len))
		return -errno ?: -EIO;
	d->xdp = dl_ingress__attach(&d->ing, why, why_len, note, sizeof(note));
	if (!d->xdp)
		return -errno ?: -EINVAL;
	if (note[0])
		pr_warn("%s", note);
	if (!dl_ingress__is_up(d->xdp))
		pr_warn("%s is down: the ledger will stay at zero until it is up\n", d->ifname);
	if (d->ing.sample_every) {
		struct dl_tap_session_opts to = { .idle_us = 50 };

		to.cpus = (int *)s->o.cpus;
		to.ncpus = s->o.ncpus;
		to.max_flows = s->o.max_flows;
		d->tap = dl_tap_session__start(d->xdp, &to);
		if (!d->tap) {
			snprintf(why, why_len, "cannot start the tap workers: %s",
				 strerror(errno));
			return -errno ?: -EINVAL;
		}
	}
	return 0;
}

struct dl_report_session *dl_report_session__start(const struct dl_report_session_opts *o,
						   char *why, size_t why_len)
{
	struct dl_report_session *s;
	unsigned int i, netns;
	int err;

	why[0] = '\0';
	if (!o->nifs || !o->out || (o->hooks && o->nifs != 1)) {
		snprintf(why, why_len, "no interface to report on");
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s) + o->nifs * sizeof(s->dev[0]));
	if (!s) {
		snprintf(why, why_len, "%s", strerror(ENOMEM));
		return NULL;
	}
	s->o = *o;
	s->ndev = o->nifs;
	err = dl_netns__self_inum(&netns);
	if (err) {
		snprintf(why, why_len, "cannot identify this network namespace: %s",
			 strerror(-err));
		goto fail;
	}
	for (i = 0; i < s->ndev; i++) {
		struct dl_report_dev *d = &s->dev[i];

		snprintf(d->ifname, sizeof(d->ifname), "%s", o->ifnames[i]);
		d->ifindex = (int)if_nametoindex(d->ifname);
		if (!d->ifindex) {
			snprintf(why, why_len, "no interface '%s' in this network namespace",
				 o->ifnames[i]);
			err = -ENODEV;
			goto fail;
		}
	}
	for (i = 0; i < s->ndev; i++) {
		err = attach_dev(s, &s->dev[i], netns, why, why_len);
		if (err)
			goto fail;
	}
	load_names(s);
	/*
	 * The run covers [ready, end]: a baseline taken now removes what
	 * attaching itself caused (veth re-creating its queues for XDP).
	 */
	for (i = 0; i < s->ndev; i++) {
		struct dl_report_dev *d = &s->dev[i];

		d->names.reasons = s->reasons;
		d->names.ksyms = s->ksyms;
		d->names.causes = s->causes;
		d->names.flow_map_fd = d->ing.flow_map_fd;
		if (o->hooks && o->hooks->opened)
			o->hooks->opened(o->hooks->ctx);
		err = snapshot(s, d, &d->ks_start, &d->base);
		if (err) {
			snprintf(why, why_len, "reading counters of %s: %s", d->ifname,
				 strerror(-err));
			goto fail;
		}
		/* Intervals get their own; ks_start stays for the whole run. */
		if (o->intervals) {
			err = snapshot(s, d, &d->ks_prev, &d->prev);
			if (err) {
				snprintf(why, why_len, "reading counters of %s: %s",
					 d->ifname, strerror(-err));
				goto fail;
			}
			d->have_prev = true;
			/* The run is the union of its intervals: it starts where they do. */
			dl_ledger__free(&d->base);
			err = dl_ledger__copy(&d->base, &d->prev);
			if (err) {
				snprintf(why, why_len, "%s", strerror(-err));
				goto fail;
			}
		}
	}
	s->t0 = s->mark = dl_report_session__now();
	return s;
fail:
	/* A hook's work (a capture thread reading the names) ends before they go. */
	if (o->hooks && o->hooks->closed)
		o->hooks->closed(o->hooks->ctx, s->hook_why, sizeof(s->hook_why));
	dl_report_session__free(s);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

/*
 * Is our program still on @d, and @d the interface it was? Going down or
 * up is said and the run goes on; anything else cuts it (said once).
 */
static bool dev_check(struct dl_report_dev *d)
{
	enum dl_ingress_state st;
	char why[512];

	if (d->cut[0])
		return false;
	st = dl_ingress__check(d->xdp, why, sizeof(why));
	if (st == DL_INGRESS_OK)
		return true;
	pr_warn("%s\n", why);
	if (st == DL_INGRESS_DOWN || st == DL_INGRESS_UP)
		return true;
	snprintf(d->cut, sizeof(d->cut), "%s", why);
	return false;
}

static bool devs_check(void *arg)
{
	struct dl_report_session *s = arg;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < s->ndev; i++)
		ok = dev_check(&s->dev[i]) && ok;
	return ok;
}

bool dl_report_session__wait(struct dl_report_session *s, double until,
			     const volatile sig_atomic_t *stop)
{
	return dl_wait__until_check(until, stop, devs_check, s, s->o.out);
}

const char *dl_report_session__cut(const struct dl_report_session *s)
{
	unsigned int i;

	for (i = 0; i < s->ndev; i++)
		if (s->dev[i].cut[0])
			return s->dev[i].cut;
	return NULL;
}

/* The interval ledger's JSON to the hooks (the timeline of --html). */
static int interval_hook(struct dl_report_session *s, const struct dl_ledger *iv)
{
	const struct dl_report_hooks *h = s->o.hooks;
	json_t *rec;
	int err;

	if (!h || !h->interval)
		return 0;
	rec = dl_ledger__to_json(iv);
	if (!rec)
		return -ENOMEM;
	err = h->interval(h->ctx, rec, s->hook_why, sizeof(s->hook_why));
	json_decref(rec);
	return err;
}

/*
 * Name a span's ledger (the diff of two snapshots), then hang the stacks of
 * its generic causes under them (--stack only: the map is empty otherwise;
 * stacks count since the start).
 */
static int name_span(struct dl_report_dev *d, struct dl_ledger *l)
{
	dl_ledger__name(l, &d->names);
	return d->stacks ? dl_ledger__add_stacks(l, d->dt, d->names.ksyms) : 0;
}

/* @d's ledger since its last interval; @prev and @ks_prev advance to now. */
static int dev_interval(struct dl_report_session *s, struct dl_report_dev *d,
			double secs)
{
	struct dl_ledger cur, iv;
	struct dl_kstate ks_now;
	int err;

	if (!d->have_prev)
		return -EINVAL;	/* started without .intervals */
	err = snapshot(s, d, &ks_now, &cur);
	if (err)
		return err;
	err = dl_ledger__diff(&d->prev, &cur, &iv);
	if (!err) {
		iv.interval = s->k;
		/* duration_s is the span between the two snapshots (diff). */
		(void)secs;
		iv.truncated_reason = d->cut[0] ? d->cut : NULL;
		err = name_span(d, &iv);
		if (!err)
			err = dl_ledger__add_kstate(&iv, &d->ks_prev, &ks_now);
		if (!err)
			err = print(s, &iv, NULL, false);
		if (!err)
			err = interval_hook(s, &iv);
		dl_ledger__free(&iv);
	}
	dl_ledger__free(&d->prev);
	d->prev = cur;
	dl_kstate__release(&d->ks_prev);
	d->ks_prev = ks_now;
	return err;
}

int dl_report_session__interval(struct dl_report_session *s)
{
	double now = dl_report_session__now();
	unsigned int i;
	int err = 0;

	s->k++;
	for (i = 0; i < s->ndev && !err; i++)
		err = dev_interval(s, &s->dev[i], now - s->mark);
	s->mark = dl_report_session__now();
	return err;
}

static int dev_finish(struct dl_report_session *s, struct dl_report_dev *d)
{
	const struct dl_report_hooks *h = s->o.hooks;
	struct dl_ledger cum = {}, l = {}, *end = &cum;
	struct dl_kstate ks_end = {}, *ks = &ks_end;
	bool own = true;
	int err;

	/* The last word on the attachment, before the last read. */
	dev_check(d);
	/* The workers drain what the rings hold, then stop. */
	if (d->tap && dl_tap_session__stop(d->tap)) {
		pr_warn("cannot read the tap mirror counts of %s\n", d->ifname);
		return -EIO;
	}
	/* With intervals the run ends where the last one did: they add up. */
	if (d->have_prev && s->k > 0) {
		end = &d->prev;
		ks = &d->ks_prev;
		own = false;
	} else {
		err = snapshot(s, d, &ks_end, &cum);
		if (err)
			return err;
	}
	if (h && h->closed) {
		err = h->closed(h->ctx, s->hook_why, sizeof(s->hook_why));
		if (err) {
			if (own) {
				dl_ledger__free(&cum);
				dl_kstate__release(&ks_end);
			}
			return err;
		}
	}
	err = dl_ledger__diff(&d->base, end, &l);
	if (!err)
		err = name_span(d, &l);
	if (!err)
		err = dl_ledger__add_kstate(&l, &d->ks_start, ks);
	if (!err)
		err = dl_ledger__add_rss(&l, d->ing.track_flow_queues ?
					 dl_ingress__flow_q_map_fd(d->xdp) : -1,
					 &d->ks_start, ks, s->o.skew_threshold);
	/* After the cross-checks: they compare whole counts. */
	if (!err && h && h->ledger)
		err = h->ledger(h->ctx, &l);
	if (err) {
		pr_warn("reading counters of %s: %s\n", d->ifname, strerror(-err));
	} else {
		/* duration_s: the span between the snapshots (diff). */
		l.cumulative = s->k > 0;
		l.truncated_reason = d->cut[0] ? d->cut : NULL;
		err = print(s, &l, d->tap, true);
	}
	dl_ledger__free(&l);
	if (own) {
		dl_ledger__free(&cum);
		dl_kstate__release(&ks_end);
	}
	return err;
}

int dl_report_session__finish(struct dl_report_session *s)
{
	unsigned int i;
	int err = 0;

	/* Nobody reads: no further work, only the detach. */
	if (dl_output__failed(s->o.out))
		return s->o.out->err;
	for (i = 0; i < s->ndev && !err; i++)
		err = dev_finish(s, &s->dev[i]);
	return err;
}

const char *dl_report_session__hook_error(const struct dl_report_session *s)
{
	return s->hook_why;
}

void dl_report_session__free(struct dl_report_session *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->ndev; i++) {
		struct dl_report_dev *d = &s->dev[i];

		dl_tap_session__free(d->tap);
		dl_drop_trace__destroy(d->dt);
		dl_ingress__destroy(d->xdp);
		dl_kstate__release(&d->ks_start);
		dl_ledger__free(&d->base);
		if (d->have_prev) {
			dl_kstate__release(&d->ks_prev);
			dl_ledger__free(&d->prev);
		}
	}
	dl_nic_map__free(s->nic_map);
	dl_ksyms__free(s->ksyms);
	dl_reasons__free(s->reasons);
	dl_causes__free(s->causes);
	free(s);
}
