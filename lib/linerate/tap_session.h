/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tap session: the poll-mode workers (workers.h) reading the mirror rings
 * of an attached dl_ingress for one interval, and the ledger's view of it
 * when it ends: records received, records lost (ring full), sampled out,
 * per-queue records, per-stamped-flow sequence results. Every frame that
 * reached the mirror step is accounted exactly once:
 *   frames = records_received + records_lost + sampled_out + records_unread
 * (unread: committed after the workers' last drain, at the very end).
 */
#ifndef DL_TAP_SESSION_H
#define DL_TAP_SESSION_H

#include <stdio.h>
#include <linux/types.h>

#include <jansson.h>

struct dl_agg;
struct dl_ingress;
struct dl_tap_session;

struct dl_tap_session_opts {
	const int *cpus;	/* worker cores, e.g. from dl_cpulist__parse_usable */
	int ncpus;
	unsigned int idle_us;	/* sleep after an empty poll round; 0: busy poll */
	unsigned int batch;	/* records per ring per poll; 0: 256 */
	/*
	 * Distinct flows counted one by one, per worker and in the result
	 * (beyond: flow_overflow); memory follows the flows seen. 0: 65536.
	 */
	unsigned int max_flows;
	unsigned int stamp_flows;	/* stamped flow ids tracked; 0: 1024 */
	unsigned int top_flows;	/* flows listed in the report; 0: 10 */
};

/* The ledger's numbers, valid after dl_tap_session__stop(). */
struct dl_tap_totals {
	unsigned int sample_every;	/* 1: every frame mirrored */
	__u64 frames;		/* frames that reached the mirror step */
	__u64 records_received;	/* records the workers read (all sizes) */
	__u64 records_lost;	/* ring full (or no ring for the CPU) */
	__u64 records_lost_no_ring;	/* of records_lost: CPU had no ring */
	__u64 sampled_out;	/* skipped by 1-in-N sampling */
	__u64 records_unread;	/* committed after the final drain */
	__u64 bad_records;	/* of received: unexpected size, skipped */
	__u64 stamped;		/* received records carrying a generator stamp */
	__u64 malformed;	/* received records of unparsable frames */
	__u64 flow_overflow;	/* records of flows beyond max_flows */
	double seconds;		/* start to stop */
};

/*
 * Start one worker per core on @ing's mirror rings (@ing attached with
 * sample_every >= 1). NULL + errno: EINVAL when @ing does not mirror or no
 * core was given; the failing core is logged.
 */
struct dl_tap_session *dl_tap_session__start(struct dl_ingress *ing,
					     const struct dl_tap_session_opts *opts);
/*
 * End of the interval: drain the rings, stop the workers, merge their
 * counts and read the BPF-side accounting. Idempotent. 0 or -errno.
 */
int dl_tap_session__stop(struct dl_tap_session *s);
/*
 * The sender of stamped flow @flow sent @sent frames: count its tail loss.
 * After stop. 0, -ENOENT (flow id not tracked) or -ERANGE (a sequence
 * number >= @sent was seen).
 */
int dl_tap_session__seq_finish(struct dl_tap_session *s, unsigned int flow,
			       __u64 sent);
/* After stop: the totals above. 0 or -EINVAL (not stopped). */
int dl_tap_session__totals(const struct dl_tap_session *s, struct dl_tap_totals *t);
/* After stop: the merged aggregator (queues, flows, sequence state). */
const struct dl_agg *dl_tap_session__agg(const struct dl_tap_session *s);
/*
 * After stop: one JSON object (see README "tap" section): totals,
 * "queues", "sequence" (summary and "flows"), "top_flows", "workers".
 * NULL + errno.
 */
json_t *dl_tap_session__json(const struct dl_tap_session *s);
/* After stop: the same for people. 0 or -errno. */
int dl_tap_session__print_text(const struct dl_tap_session *s, FILE *out);
/* Stops the workers if still running. Free before destroying the dl_ingress. */
void dl_tap_session__free(struct dl_tap_session *s);

#endif
