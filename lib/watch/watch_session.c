// SPDX-License-Identifier: GPL-2.0-only
/*
 * The watch run (see watch_session.h): setup in the order that leaves
 * nothing behind on failure, then the interval loop. Between interval
 * ends it sleeps on rtnetlink link events (re-checking the watched set),
 * top's keys, and the systemd watchdog.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "dl_config.h"
#include "counters/kstate.h"
#include "counters/nic_map.h"
#include "export/fail_on.h"
#include "export/metrics.h"
#include "export/metrics_http.h"
#include "ledger/ledger.h"
#include "trace/drop_reasons.h"
#include "trace/ksyms.h"
#include "util/config_path.h"
#include "util/log.h"
#include "util/netns.h"
#include "util/nl.h"
#include "util/output.h"
#include "util/wait.h"
#include "verdict/causes.h"
#include "watch/watch_devs.h"
#include "watch/watch_evidence.h"
#include "watch/watch_netns.h"

#if DL_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#else
static int sd_notify(int unset, const char *state)
{
	(void)unset;
	(void)state;
	return 0;
}
#endif

/*
 * Metrics out: the HTTP snapshot and the textfile. A textfile that cannot
 * be written is said once (and once more when it recovers).
 */
static int publish(struct dl_watch *w)
{
	char *text;
	size_t len;
	int err = 0;

	if (!w->metrics)
		return 0;
	dl_metrics__touch(w->metrics, (double)time(NULL));
	if (dl_metrics__render(w->metrics, &text, &len))
		return -ENOMEM;
	if (w->http)
		dl_metrics_http__publish(w->http, text, len);
	if (w->o->textfile) {
		err = dl_metrics__write_textfile(w->o->textfile, text, len);
		if (err && !w->textfile_failing && w->ready)
			pr_warn("cannot write %s: %s (retried every interval)\n",
				w->o->textfile, strerror(-err));
		else if (!err && w->textfile_failing)
			pr_info("%s written again\n", w->o->textfile);
		w->textfile_failing = err != 0;
	}
	free(text);
	return err;
}

static int nl_open(struct dl_watch *w)
{
	w->nl = dl_nl__open(NETLINK_ROUTE, RTMGRP_LINK, SOCK_NONBLOCK | SOCK_CLOEXEC);
	return w->nl ? 0 : -errno;
}

/* Drain link events; true when any arrived (then reconcile). */
static bool nl_drain(struct dl_watch *w)
{
	char buf[16384];
	bool any = false;
	ssize_t n;

	while ((n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf))) > 0)
		any = true;
	/* ENOBUFS: events were lost; a full reconcile catches up anyway. */
	if (n < 0 && errno == ENOBUFS)
		any = true;
	return any;
}

static void load_names(struct dl_watch *w)
{
	char why[512];
	int err;

	w->names.flow_map_fd = -1;
	w->names.ksyms = dl_ksyms__load("/proc/kallsyms");
	if (!w->names.ksyms)
		pr_warn("kernel symbols unavailable (%s): locations shown as addresses\n",
			strerror(errno));
	w->names.reasons = dl_reasons__load(NULL);
	if (!w->names.reasons)
		pr_warn("no drop reason names in this kernel's BTF (%s): shown as numbers\n",
			strerror(errno));
	w->names.causes = dl_causes__load(NULL, why, sizeof(why));
	if (!w->names.causes)
		pr_warn("%s: causes get generic advice\n", why);
	err = dl_config__path("nic_counters.tsv", why, sizeof(why));
	if (!err)
		err = dl_nic_map__load(why, &w->nic_map);
	if (err)
		pr_warn("driver counter map %s unusable (%s): NIC columns from qstats and sysfs only\n",
			why, strerror(-err));
}

/* Everything the run holds, in reverse order of taking. */
static void release(struct dl_watch *w)
{
	struct dl_watch_dev *d;

	while (w->devs) {
		d = w->devs;
		w->devs = d->next;
		dl_watch__dev_free(d);
	}
	dl_watch_ev__close(w);
	if (w->nl)
		mnl_socket_close(w->nl);
	dl_metrics_http__stop(w->http);
	dl_metrics__free(w->metrics);
	dl_nic_map__free(w->nic_map);
	dl_ksyms__free((struct dl_ksyms *)w->names.ksyms);
	dl_reasons__free((struct dl_reasons *)w->names.reasons);
	dl_causes__free((struct dl_causes *)w->names.causes);
}

/* Metrics, namespace, names, the first attach: -errno with @why on failure. */
static int setup(struct dl_watch *w, char *why, size_t why_len)
{
	const struct dl_watch_opts *o = w->o;
	unsigned int i;
	int err;

	/* Outputs first: a bad path costs nothing. */
	err = dl_watch_ev__open(w, why, why_len);
	if (err)
		return err;
	if (o->netns) {
		err = dl_watch__private_mounts(why, why_len);
		if (err)
			return err;
	}
	/* The listener first: it stays in the namespace we were started in. */
	if (o->listen || o->textfile) {
		w->metrics = dl_metrics__new(o->max_series);
		if (!w->metrics) {
			snprintf(why, why_len, "cannot set up the metrics: %s", strerror(ENOMEM));
			return -ENOMEM;
		}
		dl_metrics__set_locations(w->metrics, o->locations);
	}
	if (o->listen) {
		w->http = dl_metrics_http__start(o->listen, why, why_len);
		if (!w->http)
			return errno ? -errno : -EIO;
	}
	if (o->netns) {
		err = dl_watch__enter_netns(o->netns, why, why_len);
		if (err)
			return err;
	}
	err = dl_netns__self_inum(&w->netns);
	if (err) {
		snprintf(why, why_len, "cannot identify this network namespace: %s",
			 strerror(-err));
		return err;
	}
	if (nl_open(w))
		pr_warn("no rtnetlink link events (%s): interfaces re-checked every interval\n",
			strerror(errno));
	load_names(w);
	dl_watch__reconcile(w, 0);
	for (i = 0; i < o->nifaces; i++)
		if (!if_nametoindex(o->ifaces[i]))
			pr_warn("%s: not in this namespace: watched when it appears\n",
				o->ifaces[i]);
	if (!w->ndevs) {
		snprintf(why, why_len, "nothing to watch: %s",
			 o->all ? "no interface except lo in this namespace could be attached" :
				  "none of the named interfaces could be attached here");
		return -ENODEV;
	}
	/* A textfile that cannot be written at all is a setup error: say so and stop. */
	err = publish(w);
	if (err && o->textfile) {
		snprintf(why, why_len, "--metrics-textfile %s is not writable (%s): nothing "
			 "attached is left behind", o->textfile, strerror(-err));
		return err;
	}
	return 0;
}

/* Sleep until @until on link events, keys and the watchdog; true: quit (key). */
static bool idle(struct dl_watch *w, unsigned int k, double until, double *last_ping)
{
	const struct dl_watch_opts *o = w->o;
	bool changed = false;

	while (!*o->stop && dl_wait__now() < until) {
		struct pollfd pfd[2] = { { .fd = w->nl ? mnl_socket_get_fd(w->nl) : -1,
					   .events = POLLIN },
					 { .fd = o->key_fd, .events = POLLIN } };
		double left = until - dl_wait__now();
		int ms = left > 1 ? 1000 : (int)(left * 1000) + 1;

		if (poll(pfd, 2, ms) > 0) {
			if (pfd[0].revents && nl_drain(w))
				changed = true;
			if (pfd[1].revents && o->on_key && o->on_key(o->render_ctx))
				return true;
		}
		if (changed) {
			dl_watch__reconcile(w, k);
			changed = false;
		}
		if (dl_wait__now() - *last_ping >= 1) {
			sd_notify(0, "WATCHDOG=1");
			*last_ping = dl_wait__now();
		}
	}
	return false;
}

/*
 * Interval @k of every device; false when the output failed (stop). The
 * @last one closes the captures first, so its counts hold every frame.
 */
static bool interval(struct dl_watch *w, unsigned int k, bool last)
{
	const struct dl_watch_opts *o = w->o;
	struct dl_watch_dev *d;
	unsigned int i;
	int err;

	/* Link events can be lost or absent (program removal): look anyway. */
	dl_watch__reconcile(w, k);
	dl_watch__check_queues(w);
	for (d = w->devs; last && d; d = d->next)
		dl_watch_ev__dev_stop(d);
	for (d = w->devs; d; d = d->next) {
		struct dl_kstate ks_now;

		dl_kstate__take(&ks_now, d->name, w->nic_map);
		err = dl_watch__dev_interval(w, d, k, &ks_now);
		dl_kstate__release(&d->ks_prev);
		d->ks_prev = ks_now;
		if (err)
			pr_warn("%s: reading counters: %s\n", d->name, strerror(-err));
	}
	dl_watch_ev__index(w);
	dl_watch_ev__check(w);
	if (o->render_done)
		o->render_done(o->render_ctx);
	/* Nobody reads (or the disk is full): stop, detach, say so once. */
	if (dl_output__failed(w->out) || (!o->render && dl_output__gone(w->out)))
		return false;
	/* dropledger_fail_on_fired{rule}: fired on any device this interval. */
	for (i = 0; o->fail_on && w->metrics && i < dl_fail_on__count(o->fail_on); i++) {
		dl_metrics__set_rule(w->metrics, dl_fail_on__rule(o->fail_on, i),
				     w->rule_fired[i]);
		w->rule_fired[i] = false;
	}
	publish(w);
	return true;
}

int dl_watch_session__run(const struct dl_watch_opts *o, bool *fired, char *why,
			  size_t why_len)
{
	static const volatile sig_atomic_t never;
	struct dl_watch_opts opts = *o;
	struct dl_watch w = { .o = &opts, .pcap_fd = -1 };
	double t0, last_ping = 0;
	unsigned int k = 1;
	int err;

	*fired = false;
	if (!opts.stop)
		opts.stop = &never;
	w.out = opts.out ? opts.out : &dl_stdout;
	if (!w.out->f)
		w.out->f = stdout;
	err = setup(&w, why, why_len);
	if (err) {
		release(&w);
		return err;
	}
	w.ready = true;
	sd_notify(0, "READY=1");
	if (opts.on_ready)
		opts.on_ready(opts.ready_ctx);
	t0 = dl_wait__now();
	for (;;) {
		double next = t0 + k * opts.interval;
		double end = opts.duration ? t0 + opts.duration : 1e300;
		double until = next < end ? next : end;
		bool quit = idle(&w, k, until, &last_ping);
		bool last = quit || *opts.stop || until >= end;

		if (!interval(&w, k, last))
			break;
		/* An interval's work can take a while on many devices: ping after it too. */
		sd_notify(0, "WATCHDOG=1");
		last_ping = dl_wait__now();
		if (quit || *opts.stop || until >= end)
			break;
		k++;
	}
	*fired = w.fired;
	sd_notify(0, "STOPPING=1");
	release(&w);
	return 0;
}
