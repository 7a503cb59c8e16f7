/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capture mode: one AF_XDP socket (copy mode, so any driver and veth) per
 * chosen rx queue, registered in dl_capture's XSKMAP, and one poll-mode
 * worker per queue, pinned, reading the struct dl_pkt_rec that dl_capture
 * left in the XDP metadata area in front of each frame into its own
 * aggregator. Ring loss comes from the sockets' XDP_STATISTICS.
 */
#ifndef DL_CAPTURE_H
#define DL_CAPTURE_H

#include <linux/types.h>

#include "linerate/agg.h"

struct bpf_map;
struct dl_capture;
struct dl_capture_cnt;

struct dl_capture_opts {
	const char *ifname;
	const int *queues;	/* rx queues to capture */
	int nqueues;
	const int *cpus;	/* worker i pinned to cpus[i % ncpus]; NULL: not */
	int ncpus;
	unsigned int ring_size;	/* RX and fill ring descriptors; 0: 2048 */
	unsigned int idle_us;	/* sleep after an empty poll; 0: busy poll */
	struct dl_agg_opts agg;
};

/* Per queue: what its worker read and what the socket lost. */
struct dl_capture_stats {
	int queue;
	int cpu;			/* -1: not pinned */
	__u64 records;			/* frames read with a valid record */
	__u64 no_meta;			/* frames read without one (adjust_meta failed) */
	/* XDP_STATISTICS of the socket: ring loss. */
	__u64 rx_dropped;		/* no buffer or too large: frame lost */
	__u64 rx_ring_full;		/* RX ring full: frame lost */
	__u64 rx_fill_ring_empty_descs;	/* fill ring found empty (not a count of frames) */
	__u64 rx_invalid_descs;
};

/*
 * Create the sockets, put them in @xsks (dl_capture's XSKMAP; the program
 * should be attached after, or frames pass until then) and start the
 * workers. NULL + errno; the failing queue is logged.
 */
struct dl_capture *dl_capture__start(struct bpf_map *xsks,
				     const struct dl_capture_opts *opts);
/* Interval boundary, as dl_workers__collect(). 0 or -errno. */
int dl_capture__collect(struct dl_capture *c, struct dl_agg *out);
/* Drain the RX rings and stop the workers; statistics stay readable. */
int dl_capture__stop(struct dl_capture *c);
void dl_capture__free(struct dl_capture *c);
int dl_capture__count(const struct dl_capture *c);
/* Worker @i's counters, with the socket's XDP_STATISTICS read now. */
int dl_capture__stats(const struct dl_capture *c, int i,
		      struct dl_capture_stats *st);
/*
 * Sum dl_capture's per-CPU counters of rx queue @queue (capture_cnt map
 * fd @map_fd) into @out. 0 or -errno.
 */
int dl_capture__read_cnt(int map_fd, unsigned int queue,
			 struct dl_capture_cnt *out);

#endif
