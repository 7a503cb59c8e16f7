/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A steering run: read what the NIC says it does (RSS table, ntuple rules),
 * attach the per-(flow, queue) counters, wait, then check the operator's
 * rules and the NIC's own config against where flows really arrived and
 * print the result with the rss section. The app parses and waits only.
 */
#ifndef DL_STEERING_SESSION_H
#define DL_STEERING_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "fastpath/ingress.h"
#include "rss/rss_report.h"
#include "rss/steering_check.h"

struct dl_output;
struct dl_steering_session;

struct dl_steering_session_opts {
	const char *ifname;
	const struct dl_steer_rules *rules;	/* NULL: only the NIC's config */
	const char *rules_path;	/* shown in the output */
	struct dl_ingress_opts ing;	/* ifindex, ifname, flow queues: filled in */
	struct dl_rss_opts rss;
	struct dl_steer_check_opts check;
	bool json;
	struct dl_output *out;
};

/* NULL with @why (and errno) set; nothing is left attached then. */
struct dl_steering_session *dl_steering_session__start(const struct dl_steering_session_opts *o,
						       char *why, size_t why_len);
/* dl_wait__until for this run's interface and output. */
bool dl_steering_session__wait(struct dl_steering_session *s, double until,
			       const volatile sig_atomic_t *stop);
/*
 * Read the counters, detach, check and print. 0 with @violations (rules
 * not honoured plus flows not where the NIC sends them), or -errno
 * (logged, or the output's failure in s->out).
 */
int dl_steering_session__finish(struct dl_steering_session *s, unsigned int *violations);
void dl_steering_session__free(struct dl_steering_session *s);
/* When the watch started, on dl_wait__now's clock. */
double dl_steering_session__t0(const struct dl_steering_session *s);

#endif
