/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A report run: attach the drop tracer and the XDP counters to each of its
 * interfaces, take the baseline, print a ledger per interface for every
 * interval and for the whole run, detach. One struct per device inside,
 * so one session can watch several interfaces; the app only waits.
 */
#ifndef DL_REPORT_SESSION_H
#define DL_REPORT_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "fastpath/ingress.h"

struct dl_ledger;
struct dl_ledger_names;
struct dl_output;
struct dl_report_session;

/*
 * Optional work riding on a one-interface run (report -w, --html, --save:
 * lib/evidence), called at the run's fixed points; any member may be NULL.
 * A hook returning -errno puts its reason in @why and fails the run.
 */
struct dl_report_hooks {
	void *ctx;
	/* The drop tracer is up (@flow_map_fd: its flow table), XDP not yet. */
	int (*attached)(void *ctx, unsigned int ifindex, const char *ifname,
			unsigned int netns, int flow_map_fd,
			const struct dl_ledger_names *names, char *why, size_t why_len);
	/* The run's window: just before the baseline, just after the last read. */
	void (*opened)(void *ctx);
	int (*closed)(void *ctx, char *why, size_t why_len);
	/* The whole-run ledger before it is printed (may narrow its causes). */
	int (*ledger)(void *ctx, struct dl_ledger *l);
	/* Its JSON before it is printed (sections added, files written). */
	int (*json)(void *ctx, json_t *root, char *why, size_t why_len);
	/* After its text tables. */
	void (*text)(void *ctx, FILE *out);
	/* Each interval ledger's JSON, as printed (the whole run's timeline). */
	int (*interval)(void *ctx, const json_t *rec, char *why, size_t why_len);
};

struct dl_report_session_opts {
	const char *const *ifnames;	/* interfaces of this network namespace */
	unsigned int nifs;
	struct dl_ingress_opts ing;	/* per-device fields are filled in */
	double skew_threshold;	/* rss: hot queue above this x mean; 0: default */
	/* Tap mode (ing.sample_every > 0): workers on these cores. */
	const int *cpus;
	int ncpus;
	unsigned int max_flows;	/* per worker; 0: default */
	bool intervals;		/* dl_report_session__interval will be called */
	bool stacks;		/* --stack: stacks of NOT_SPECIFIED drops under their cause */
	bool json;
	struct dl_output *out;	/* where ledgers go: text tables or JSON lines */
	const struct dl_report_hooks *hooks;	/* NULL: none; needs nifs == 1 */
	/* Also handed every ledger printed (report --fail-on); may be NULL. */
	void (*on_ledger)(void *ctx, const struct dl_ledger *l);
	void *on_ledger_ctx;
};

/*
 * Attach everything and take the baseline (the run starts when this
 * returns). NULL with @why set (and errno) when anything cannot be
 * attached; nothing is left attached then.
 */
struct dl_report_session *dl_report_session__start(const struct dl_report_session_opts *o,
						   char *why, size_t why_len);
/*
 * Sleep until @until (seconds of CLOCK_MONOTONIC, dl_report_session__now),
 * *@stop set by a signal, the output's reader gone, or an attachment check
 * (every step, every device) that cuts the run. Returns false when the
 * run must end early.
 */
bool dl_report_session__wait(struct dl_report_session *s, double until,
			     const volatile sig_atomic_t *stop);
/*
 * Why the run was cut short (an interface deleted, renamed, moved or
 * re-queued, our program removed or replaced: dl_ingress__check), or NULL.
 * The ledgers say so too ("truncated", "truncated_reason").
 */
const char *dl_report_session__cut(const struct dl_report_session *s);
/* Print every device's ledger of the interval since the last one. */
int dl_report_session__interval(struct dl_report_session *s);
/*
 * Stop the tap workers, print every device's whole-run ledger (cumulative
 * when intervals were printed). Nothing is printed once the output failed.
 */
int dl_report_session__finish(struct dl_report_session *s);
/* Why the last call failed in a hook (""), for the one-line message. */
const char *dl_report_session__hook_error(const struct dl_report_session *s);
/* Detach and free. */
void dl_report_session__free(struct dl_report_session *s);

/* When the run started (ready), on the clock of __wait. */
double dl_report_session__t0(const struct dl_report_session *s);
double dl_report_session__now(void);

/* "xdp" or "tc": where device @i's arrivals are counted (NULL: no such). */
const char *dl_report_session__hook(const struct dl_report_session *s, unsigned int i);

#endif
