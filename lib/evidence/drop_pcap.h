/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Evidence capture: the dropped frames of one interface written as pcapng
 * (bpf/drop_pcap.bpf.c feeds a ring buffer; a thread here drains it), each
 * with its reason, location, rx queue, CPU, device, namespace and cause in
 * the packet's comment. With a pcap-filter expression it also counts the
 * matching drops per (reason, location, queue), to narrow the ledger's
 * causes. Every drop is accounted: written, sampled out, lost (ring full),
 * over --max-packets, or not matching the filter.
 */
#ifndef DL_DROP_PCAP_H
#define DL_DROP_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include <jansson.h>

struct dl_ledger;
struct dl_ledger_names;
struct dl_pkt_filter;

#define DL_PCAP_SNAP_DEFAULT 128

struct dl_drop_pcap_opts {
	unsigned int ifindex;
	const char *ifname;	/* name of @ifindex for the interface block */
	unsigned int netns;	/* netns inode; 0: every namespace */
	int flow_map_fd;	/* the drop tracer's flow table, or -1 */
	int fd;			/* pcapng output, or -1: count for the filter only */
	const char *path;	/* what @fd is, for messages ("-": stdout) */
	uint32_t snaplen;	/* 1..65535 (0: DL_PCAP_SNAP_DEFAULT) */
	uint32_t sample;	/* write 1 in N drops (0, 1: all) */
	uint64_t max_packets;	/* stop writing after N (0: no limit) */
	const struct dl_pkt_filter *filter;	/* NULL: every drop */
	const struct dl_ledger_names *names;	/* reason, symbol and cause names */
	/*
	 * Or a writer shared with other captures (watch: one file, one
	 * interface block per device), taken under @writer_lock; not closed.
	 */
	struct dl_pcapng *writer;
	pthread_mutex_t *writer_lock;
	/* Called from the capture thread once, when the output fails. */
	void (*on_error)(int err, void *ctx);
	void *ctx;
};

/* What happened to the drops seen between arm and stop. */
struct dl_drop_pcap_stats {
	uint64_t drops;		/* drops of the watched device (every one) */
	uint64_t sampled_out;	/* skipped by --sample */
	uint64_t lost;		/* ring full: never reached userspace */
	uint64_t filtered_out;	/* not matching the filter */
	uint64_t over_max;	/* matching, after --max-packets was reached */
	uint64_t unwritten;	/* matching, after the output failed */
	uint64_t written;	/* packets in the file */
	uint64_t no_headers;	/* written without bytes: mac header unset */
	uint64_t truncated;	/* written shorter than snaplen: only the linear part */
	uint64_t bytes;		/* bytes of the file */
	int write_error;	/* 0 or -errno of the output */
};

struct dl_drop_pcap;

/* Load, attach and start draining; NULL with errno and a reason in @why. */
struct dl_drop_pcap *dl_drop_pcap__start(const struct dl_drop_pcap_opts *o,
					 char *why, size_t why_len);
/*
 * Start of the run: drops freed before now (attaching XDP) are left out,
 * as the ledger's baseline leaves them out.
 */
void dl_drop_pcap__arm(struct dl_drop_pcap *pc);
/*
 * End of the run: what was freed until now is drained and written, the
 * file flushed; later drops are left out. Then the thread ends. Returns
 * the output's error, if any.
 */
int dl_drop_pcap__stop(struct dl_drop_pcap *pc);
/* Detach and free (stops first when needed). */
void dl_drop_pcap__destroy(struct dl_drop_pcap *pc);

int dl_drop_pcap__stats(const struct dl_drop_pcap *pc, struct dl_drop_pcap_stats *st);
/* The same while running (the window so far): for per-interval counts. */
int dl_drop_pcap__stats_now(struct dl_drop_pcap *pc, struct dl_drop_pcap_stats *st);

/*
 * With a filter: restrict @l's drop causes to the matching drops (counts
 * and queues from the captured frames, flows kept when they match), drop
 * causes left with none, re-sort. Totals stay whole.
 */
int dl_drop_pcap__narrow(const struct dl_drop_pcap *pc, struct dl_ledger *l);

/* {"file", "snaplen", "sample", "max_packets", "filter", counts...} */
json_t *dl_drop_pcap__json(const struct dl_drop_pcap *pc);
/* The same object for counts @st (an interval's, say). */
json_t *dl_drop_pcap__stats_json(const struct dl_drop_pcap *pc,
				 const struct dl_drop_pcap_stats *st);

#endif
