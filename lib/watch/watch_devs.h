/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the watch run: the watched devices and the run's shared state,
 * between watch_session.c (the loop) and watch_devs.c (attach, one
 * interval, detach, the set kept in line with the namespace).
 */
#ifndef DL_WATCH_DEVS_H
#define DL_WATCH_DEVS_H

#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "counters/kstate.h"
#include "ledger/ledger.h"
#include "watch/watch_session.h"

struct dl_metrics;
struct dl_metrics_http;
struct dl_nic_map;
struct dl_drop_pcap;
struct dl_drop_pcap_stats;
struct dl_pcapng;
struct dl_pkt_filter;
struct dl_timeline;
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
	/* -w: the device's capture and its counts at the last interval. */
	struct dl_drop_pcap *pc;
	struct dl_drop_pcap_stats *pc_prev;
	/* --html-dir: the baseline, the last intervals, the page's totals. */
	struct dl_ledger base;
	struct dl_kstate ks_base;
	bool have_base;
	double t0;
	struct dl_timeline *tl;
	json_t *summary;	/* {"interface", "totals"} of the last page */
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
	/* -w: one pcapng for every device, written by each capture thread. */
	int pcap_fd;		/* -1: none; STDOUT_FILENO: -w - */
	struct dl_pcapng *pcap;
	struct dl_pkt_filter *filter;	/* shared by the capture threads (read only) */
	pthread_mutex_t pcap_lock;
	atomic_int pcap_err;	/* set by a capture thread; said once */
	bool pcap_told;
	bool html_failing;	/* --html-dir: said once until it recovers */
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
