/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the watch run: the watched devices and the run's shared state,
 * between watch_session.c (the loop) and watch_devs.c (attach, one
 * interval, detach, the set kept in line with the namespace).
 */
#ifndef DL_WATCH_DEVS_H
#define DL_WATCH_DEVS_H

#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>

#include "counters/kstate.h"
#include "ledger/ledger.h"
#include "watch/watch_session.h"

struct dl_metrics;
struct dl_metrics_http;
struct dl_nic_map;
struct mnl_socket;

/* One watched device: its programs and the cumulative state of the last interval. */
struct dl_watch_dev {
	char name[IF_NAMESIZE];
	int ifindex;
	struct dl_drop_trace *dt;
	struct dl_ingress *ing;
	struct dl_ledger prev;
	struct dl_kstate ks_prev;
	unsigned int nqueues;
	double mark;		/* start of the current interval */
	struct dl_watch_dev *next;
};

/* An attach that failed: not retried until the ifindex changes. */
struct dl_watch_refused {
	char name[IF_NAMESIZE];
	int ifindex;
};

struct dl_watch {
	const struct dl_watch_opts *o;
	struct dl_output *out;
	struct dl_watch_dev *devs;
	unsigned int ndevs;
	struct dl_watch_refused bad[DL_WATCH_MAX_IFACES];
	unsigned int nbad;
	struct dl_ledger_names names;
	struct dl_nic_map *nic_map;
	struct dl_metrics *metrics;
	struct dl_metrics_http *http;
	struct mnl_socket *nl;
	unsigned int netns;
	bool fired;		/* a --fail-on rule fired during the run */
	bool attached_once;	/* restarts are counted after the first attach */
	bool rule_fired[64];	/* per --fail-on rule, this interval */
	bool textfile_failing;
	bool ready;		/* past the first publish: failures are warnings */
};

/* Attach what is wanted and present, drop what vanished or was re-created. */
void dl_watch__reconcile(struct dl_watch *w, unsigned int k);
/* Queue count changes: one line each, the ledger follows. */
void dl_watch__check_queues(struct dl_watch *w);
/* Account and print interval @k of @d; @ks_now NULL when the device is gone. */
int dl_watch__dev_interval(struct dl_watch *w, struct dl_watch_dev *d, unsigned int k,
			   const struct dl_kstate *ks_now);
void dl_watch__dev_free(struct dl_watch_dev *d);

#endif
