/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A capture-mode run on one interface: load dl_capture, open one AF_XDP
 * socket and pinned worker per chosen rx queue (capture.h), attach with an
 * exclusive bpf_link (gone when the process dies: captured frames never
 * reach the stack, so nothing may outlive the run), and at the end the
 * ledger of it. Per queue:
 *   arrived = no_socket (passed to the stack) + redirected
 *   redirected = records + no_meta + rx_dropped + rx_ring_full + residual
 * where rx_dropped and rx_ring_full (XDP_STATISTICS) are the ring loss.
 */
#ifndef DL_CAPTURE_SESSION_H
#define DL_CAPTURE_SESSION_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include <jansson.h>

struct dl_agg;
struct dl_capture_session;

struct dl_capture_session_opts {
	const char *ifname;
	const int *queues;	/* rx queues to capture; NULL: all (sysfs) */
	int nqueues;
	const int *cpus;	/* worker i on cpus[i % ncpus]; NULL: not pinned */
	int ncpus;
	unsigned int ring_size;	/* AF_XDP ring descriptors; 0: 2048 */
	unsigned int idle_us;	/* sleep after an empty poll; 0: busy poll */
	unsigned int top_flows;	/* flows listed; 0: 10 */
	unsigned int stamp_flows;	/* stamped flow ids tracked; 0: 1024 */
};

/* One queue's ledger row, after stop. */
struct dl_capture_queue_row {
	int queue;
	int captured;			/* 1: a socket and worker were on it */
	int cpu;			/* worker's core, -1 not pinned */
	__u64 arrived;			/* frames dl_capture saw on the queue */
	__u64 redirected;		/* handed to the socket */
	__u64 no_socket;		/* passed: queue not captured */
	__u64 records;			/* read with a valid record */
	__u64 no_meta;			/* read without one */
	__u64 rx_dropped;		/* XDP_STATISTICS: ring loss */
	__u64 rx_ring_full;
	__u64 rx_fill_ring_empty_descs;	/* events, not frames */
	__u64 rx_invalid_descs;
	__s64 residual;			/* redirected not placed above */
};

/*
 * Load, open sockets, start workers, attach. NULL + errno, with a one-line
 * reason in @why (a foreign XDP program, no AF_XDP, a bad queue).
 */
struct dl_capture_session *dl_capture_session__start(
	const struct dl_capture_session_opts *opts, char *why, size_t why_len);
/* "native" or "skb": how the kernel runs dl_capture on this interface. */
const char *dl_capture_session__xdp_mode(const struct dl_capture_session *s);
/* Detach, drain the rings, stop the workers, read every counter. 0 or -errno. */
int dl_capture_session__stop(struct dl_capture_session *s);
/* After stop: queue rows (captured queues and any other that saw frames). */
int dl_capture_session__nrows(const struct dl_capture_session *s);
int dl_capture_session__row(const struct dl_capture_session *s, int i,
			    struct dl_capture_queue_row *row);
/* After stop: the merged aggregator (records, flows, sequence state). */
struct dl_agg *dl_capture_session__agg(struct dl_capture_session *s);
/*
 * After stop: the report object: "mode": "capture", "totals" (arrived,
 * records, records_lost, residual...), "queues", "ring_loss", "rss",
 * "sequence", "top_flows". No stack columns. NULL + errno.
 */
json_t *dl_capture_session__json(const struct dl_capture_session *s, double seconds);
int dl_capture_session__print_text(const struct dl_capture_session *s,
				   double seconds, FILE *out);
void dl_capture_session__free(struct dl_capture_session *s);

#endif
