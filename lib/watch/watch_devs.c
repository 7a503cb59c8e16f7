// SPDX-License-Identifier: GPL-2.0-only
/*
 * The watched devices (see watch_devs.h): drop capture first, then XDP, as
 * report does; one interval each; the set kept in line with the namespace.
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "counters/kstate.h"
#include "counters/sysfs_stats.h"
#include "export/fail_on.h"
#include "export/metrics.h"
#include "fastpath/ingress.h"
#include "ledger/ledger.h"
#include "trace/drop_trace.h"
#include "util/log.h"
#include "util/output.h"
#include "util/wait.h"
#include "watch/watch_devs.h"
#include "watch/watch_evidence.h"

static bool wanted(const struct dl_watch *w, const char *name)
{
	unsigned int i;

	if (w->o->all)
		return strcmp(name, "lo") != 0;
	for (i = 0; i < w->o->nifaces; i++)
		if (!strcmp(w->o->ifaces[i], name))
			return true;
	return false;
}

static struct dl_watch_dev *find_dev(struct dl_watch *w, const char *name)
{
	struct dl_watch_dev *d;

	for (d = w->devs; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

/* The cumulative ledger of @d now (BPF maps since its attach). */
static int collect_now(struct dl_watch *w, struct dl_watch_dev *d, struct dl_ledger *l)
{
	struct dl_rxq_stats rxq[DL_MAX_QUEUES + 1];
	struct dl_ledger_names names = w->names;
	int err;

	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s", d->name);
	l->ifindex = d->ifindex;
	l->mode = "tap";
	l->attach = dl_ingress__mode(d->ing);
	l->drop_source = dl_drop_trace__flavour(d->dt);
	names.flow_map_fd = w->o->flows ? dl_drop_trace__flow_map_fd(d->dt) : -1;
	err = dl_ingress__read_rxq(d->ing, rxq);
	if (!err)
		err = dl_ledger__collect(l, rxq, d->dt, &names);
	return err;
}

void dl_watch__dev_free(struct dl_watch_dev *d)
{
	/* The capture first: it reads the tracer's flow table and our names. */
	dl_watch_ev__dev_free(d);
	dl_ledger__free(&d->prev);
	dl_kstate__release(&d->ks_prev);
	/* Tracer first is not needed on the way out: XDP goes, then drops. */
	dl_ingress__destroy(d->ing);
	dl_drop_trace__destroy(d->dt);
	free(d);
}

static bool dev_is_up(const char *name)
{
	unsigned long flags;

	/* Unknown: do not cry wolf. */
	return dl_sysfs__if_flags(name, &flags) || (flags & 0x1);	/* IFF_UP */
}

static bool refused(struct dl_watch *w, const char *name, int ifindex, bool add)
{
	unsigned int i;

	for (i = 0; i < w->nbad; i++) {
		if (strcmp(w->bad[i].name, name))
			continue;
		if (w->bad[i].ifindex == ifindex)
			return true;
		if (add)
			w->bad[i].ifindex = ifindex;
		return false;
	}
	if (add && w->nbad < DL_WATCH_MAX_IFACES) {
		snprintf(w->bad[w->nbad].name, IF_NAMESIZE, "%s", name);
		w->bad[w->nbad++].ifindex = ifindex;
	}
	return false;
}

/* Drop capture first, then XDP, as report does: no drop falls between. */
static int dev_attach(struct dl_watch *w, const char *name, int ifindex, const char *why_log)
{
	struct dl_drop_trace_opts dto = { .ifindex = ifindex, .netns = w->netns };
	struct dl_ingress_opts io = {};
	char why[512], note[1024];
	struct dl_watch_dev *d;
	int err;

	if (refused(w, name, ifindex, false))
		return -EPERM;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->ifindex = ifindex;
	dto.flow_map_fd = -1;
	dto.no_flows = !w->o->flows;
	d->dt = dl_drop_trace__start(&dto, why, sizeof(why));
	if (!d->dt) {
		err = -errno;
		goto fail;
	}
	err = dl_watch_ev__dev_start(w, d, why, sizeof(why));
	if (err)
		goto fail;
	io.ifindex = ifindex;
	io.ifname = d->name;
	io.how = DL_ATTACH_LIBXDP;
	io.skb_mode = w->o->skb_mode;
	io.track_flows = w->o->flows;
	io.flow_map_fd = dl_drop_trace__flow_map_fd(d->dt);
	io.arrival_map_fd = dl_drop_trace__arrival_map_fd(d->dt);
	d->ing = dl_ingress__attach(&io, why, sizeof(why), note, sizeof(note));
	if (!d->ing) {
		err = -errno;
		goto fail;
	}
	if (note[0])
		pr_debug("%s: %s", name, note);
	if (!dev_is_up(name))
		pr_warn("%s: is down: counted from when it comes up\n", name);
	dl_kstate__take(&d->ks_prev, d->name, w->nic_map);
	dl_watch_ev__dev_arm(d);
	err = collect_now(w, d, &d->prev);
	if (!err)
		err = dl_watch_ev__dev_base(w, d);
	if (err) {
		snprintf(why, sizeof(why), "%s: reading counters: %s", name, strerror(-err));
		goto fail;
	}
	d->nqueues = dl_sysfs__rx_queues(d->name);
	d->mark = dl_wait__now();
	d->next = w->devs;
	w->devs = d;
	w->ndevs++;
	pr_info("%s: watching (%s, %u rx queues)%s\n", name, dl_ingress__mode(d->ing),
		d->nqueues, why_log);
	if (w->attached_once && w->metrics)
		dl_metrics__device_restart(w->metrics, name);
	return 0;
fail:
	pr_warn("%s: not watched: %s\n", name, why);
	refused(w, name, ifindex, true);
	dl_watch__dev_free(d);
	return err ? err : -EIO;
}

/* Print and account one interval of @d; @ks_now NULL when the device is gone. */
int dl_watch__dev_interval(struct dl_watch *w, struct dl_watch_dev *d, unsigned int k,
			   const struct dl_kstate *ks_now)
{
	struct dl_ledger cur, iv;
	char fired[512] = "";
	json_t *arr = NULL, *rec = NULL;
	unsigned int i;
	double now = dl_wait__now();
	int err;

	err = collect_now(w, d, &cur);
	if (err)
		return err;
	err = dl_ledger__diff(&d->prev, &cur, &iv);
	if (err) {
		dl_ledger__free(&cur);
		return err;
	}
	dl_ledger__name(&iv, &w->names);
	iv.interval = k;
	iv.duration_s = now - d->mark;
	if (ks_now) {
		err = dl_ledger__add_kstate(&iv, &d->ks_prev, ks_now);
		if (!err)
			err = dl_ledger__add_rss(&iv, -1, &d->ks_prev, ks_now, 0);
	}
	if (!err && w->o->fail_on) {
		arr = json_array();
		for (i = 0; i < dl_fail_on__count(w->o->fail_on); i++) {
			bool f = false;
			double v;

			if (dl_fail_on__eval(w->o->fail_on, i, &iv, &f, &v) || !f)
				continue;
			json_array_append_new(arr, json_string(dl_fail_on__rule(w->o->fail_on, i)));
			if (i < 64)
				w->rule_fired[i] = true;
			if (!fired[0])
				dl_fail_on__check(w->o->fail_on, &iv, fired, sizeof(fired));
		}
		if (fired[0]) {
			w->fired = true;
			pr_warn("--fail-on: %s\n", fired);
		}
	}
	if (!err && w->metrics)
		err = dl_metrics__add_interval(w->metrics, &iv, (double)time(NULL));
	/* The record as JSON: printed with --json, kept for --html-dir. */
	if (!err && (w->o->json || w->o->html_dir || d->pc)) {
		rec = dl_ledger__to_json(&iv);
		if (rec && arr)
			json_object_set(rec, "fail_on", arr);
		if (rec)
			dl_watch_ev__annotate(w, d, rec);
	}
	if (!err && w->o->render) {
		w->o->render(w->o->render_ctx, &iv);
	} else if (!err && w->o->json) {
		/* The envelope (schema, time, host, boot_id, seq) of every JSON line. */
		if (rec)
			dl_output__json(w->out, "watch", rec);
	} else if (!err) {
		dl_watch__print_line(&iv, fired[0] ? fired : NULL, w->out->f);
		dl_watch__print_evidence(rec, w->out->f);
		dl_output__check(w->out);
	}
	if (rec)
		dl_watch_ev__interval(w, d, rec, &cur, ks_now);
	json_decref(rec);
	json_decref(arr);
	dl_ledger__free(&iv);
	dl_ledger__free(&d->prev);
	d->prev = cur;
	d->mark = now;
	return err;
}

/* The device went away or was re-created: its last counts, then detach. */
static void dev_drop(struct dl_watch *w, struct dl_watch_dev *d, unsigned int k, const char *what)
{
	struct dl_watch_dev **pp;

	dl_watch_ev__dev_stop(d);
	if (dl_watch__dev_interval(w, d, k, NULL))
		pr_debug("%s: last interval unreadable\n", d->name);
	if (w->metrics)
		dl_metrics__device_down(w->metrics, d->name);
	pr_info("%s: %s: no longer watched\n", d->name, what);
	for (pp = &w->devs; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	}
	w->ndevs--;
	dl_watch__dev_free(d);
}

/*
 * Bring the watched set in line with the namespace: attach what is wanted
 * and present, drop what vanished or changed ifindex (re-created).
 */
void dl_watch__reconcile(struct dl_watch *w, unsigned int k)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	struct dl_watch_dev *d, *next;

	if (!ni)
		return;
	for (d = w->devs; d; d = next) {
		int idx = (int)if_nametoindex(d->name);
		enum dl_ingress_state st;
		char why[512] = "";
		char *cut;

		next = d->next;
		/*
		 * The attachment check first: it tells a deleted device from one
		 * moved to another namespace (followed there and detached), a
		 * rename, or our program removed or replaced.
		 */
		st = dl_ingress__check(d->ing, why, sizeof(why));
		switch (st) {
		case DL_INGRESS_OK:
		case DL_INGRESS_QUEUES:	/* check_queues says it; counts go on */
			break;
		case DL_INGRESS_DOWN:
		case DL_INGRESS_UP:
			pr_info("%s\n", why);
			break;
		case DL_INGRESS_DELETED:
			dev_drop(w, d, k, idx ? "re-created" : "gone");
			continue;
		default:
			/* report's wording is about its run; here only this device stops. */
			cut = strstr(why, "; the run ends");
			if (!cut)
				cut = strstr(why, ": the run ends");
			if (cut)
				*cut = '\0';
			/* Not re-attached behind the back of whoever removed it. */
			if (st == DL_INGRESS_REMOVED || st == DL_INGRESS_REPLACED)
				refused(w, d->name, d->ifindex, true);
			dev_drop(w, d, k, why);
			continue;
		}
		if (!idx || idx != d->ifindex)
			dev_drop(w, d, k, idx ? "re-created" : "gone");
	}
	for (p = ni; p->if_index; p++) {
		if (!wanted(w, p->if_name) || find_dev(w, p->if_name))
			continue;
		dev_attach(w, p->if_name, (int)p->if_index,
			   w->attached_once ? " (appeared)" : "");
	}
	if_freenameindex(ni);
	w->attached_once = true;
}

/* Queue count changes: one line, the ledger follows the new count. */
void dl_watch__check_queues(struct dl_watch *w)
{
	struct dl_watch_dev *d;

	for (d = w->devs; d; d = d->next) {
		unsigned int nq = dl_sysfs__rx_queues(d->name);

		if (nq && nq != d->nqueues) {
			pr_info("%s: rx queues %u -> %u\n", d->name, d->nqueues, nq);
			d->nqueues = nq;
		}
	}
}

