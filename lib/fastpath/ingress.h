/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XDP ingress counter (bpf/ingress.bpf.c) and how it is attached.
 * Production edges run other XDP programs, so attaching is conservative:
 * join libxdp's dispatcher, or attach alone only when the interface is free
 * and say so; never replace or unload a program we did not load.
 */
#ifndef DL_INGRESS_H
#define DL_INGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "dropledger_shared.h"
#include "fastpath/mirror.h"

enum dl_attach_how {
	DL_ATTACH_LIBXDP,	/* default: libxdp, dispatcher when it loads */
	DL_ATTACH_LINK,		/* exclusive bpf_link; gone when we die */
};

/* Where arrivals are counted (fastpath/hook.h chooses for auto). */
enum dl_hook {
	DL_HOOK_XDP,		/* native XDP (generic only when asked: skb_mode) */
	DL_HOOK_TC,		/* tc ingress on the skb: TCX link, else clsact */
	DL_HOOK_AUTO,		/* per driver from config/hooks.tsv (note says which) */
};

struct dl_ingress_opts {
	int ifindex;
	const char *ifname;
	enum dl_attach_how how;
	bool track_flows;	/* LRU flow table (queue join, top flows) */
	bool skb_mode;		/* force generic XDP */
	int flow_map_fd;	/* > 0: reuse this flow table (the tracer's) */
	int arrival_map_fd;	/* > 0: tc hook hands arrivals to this tracer */
	bool track_flow_queues;	/* per-(flow, queue) counts (RSS, steering) */
	/*
	 * Tap mirroring: one record per @sample_every frames per CPU into the
	 * per-CPU rings (0: off). The rings exist before the program is
	 * attached, so no frame finds its CPU without one.
	 */
	unsigned int sample_every;
	size_t mirror_ring_bytes;	/* per CPU, power of two; 0: 4 MiB */
	enum dl_mirror_kind mirror_ring;	/* 0: the default (percpu) */
	bool mirror_ts;			/* records carry ts_ns (DL_REC_TS) */
	unsigned int flow_entries;	/* LRU flow table size; 0: DL_FLOW_ENTRIES */
	enum dl_hook hook;
	/*
	 * tc hook: skb->queue_mapping is the rx queue itself (veth) rather
	 * than recorded by the driver as queue + 1. Taken from the driver's
	 * hooks.tsv row ("rxq" column) whenever the table is readable.
	 */
	bool tc_qm_raw;
	bool tc_classic;	/* tc hook: a clsact filter even where TCX works */
	/*
	 * Every frame straight into the shared flow tables (atomic adds), not
	 * through the per-CPU flow cache. Both are exact when read through
	 * lib/; only this one is exact to a reader of the raw maps.
	 */
	bool exact_flows;
};

struct dl_ingress;
struct dl_mirror;

/*
 * Load dl_ingress and attach it to the interface. On failure returns NULL
 * with errno set and a one-line reason in @why (e.g. a foreign program holds
 * the interface). @note receives what the user should know even on success,
 * e.g. "single program: libxdp dispatcher unavailable".
 */
struct dl_ingress *dl_ingress__attach(const struct dl_ingress_opts *opts,
				      char *why, size_t why_len,
				      char *note, size_t note_len);

/* Detach (only our program, by id) and free. Safe with NULL. */
void dl_ingress__destroy(struct dl_ingress *ing);

/* "native", "skb" (generic), "link" (XDP); "tcx" or "clsact" (tc). */
const char *dl_ingress__mode(const struct dl_ingress *ing);

/* "xdp" or "tc": where the frames counted as seen were seen. */
const char *dl_ingress__hook(const struct dl_ingress *ing);

/*
 * Remove a classic tc filter of ours left on @ifindex by a run that is
 * gone (TCX links die with their run). Returns 1 removed, 0 none, -errno;
 * @msg says which.
 */
int dl_ingress__remove_stale_tc(int ifindex, char *msg, size_t msg_len);

/* Per-queue counters summed over CPUs; @out has DL_MAX_QUEUES + 1 slots. */
int dl_ingress__read_rxq(const struct dl_ingress *ing, struct dl_rxq_stats *out);

/* fd of the per-CPU per-queue counters (rxq_cnt, DL_MAX_QUEUES + 1 slots). */
int dl_ingress__rxq_map_fd(const struct dl_ingress *ing);

/* fd of the LRU flow table (hash -> struct dl_flow_info). */
int dl_ingress__flow_map_fd(const struct dl_ingress *ing);

/* fd of the per-(flow, queue) LRU (flow_q_cnt); empty unless tracked. */
int dl_ingress__flow_q_map_fd(const struct dl_ingress *ing);

/*
 * The mirror rings and their self-accounting (mirror.h), owned by @ing and
 * freed by dl_ingress__destroy(); NULL when sample_every was 0. Stop the
 * workers that read them before destroying @ing.
 */
struct dl_mirror *dl_ingress__mirror(const struct dl_ingress *ing);
unsigned int dl_ingress__sample_every(const struct dl_ingress *ing);

/*
 * What the attachment check found. Anything past DL_INGRESS_UP ends the
 * run: what it counted no longer describes the interface it named.
 */
enum dl_ingress_state {
	DL_INGRESS_OK,
	DL_INGRESS_DOWN,	/* went down: nothing arrives, the run goes on */
	DL_INGRESS_UP,		/* up again */
	DL_INGRESS_DELETED,	/* the interface is gone, with our program */
	DL_INGRESS_MOVED,	/* to another netns: our program detached there */
	DL_INGRESS_RENAMED,
	DL_INGRESS_REMOVED,	/* someone else removed our program */
	DL_INGRESS_REPLACED,	/* ... or put another in its place */
	DL_INGRESS_QUEUES,	/* the RX queue count changed */
};

/*
 * Is our program still attached to the interface it was attached to, and
 * is that interface still the same? Call each interval and before the
 * last read. DOWN and UP are reported once per change; a cutting state
 * comes with one line in @why and leaves nothing of ours behind (an
 * interface moved to another namespace is followed there and detached).
 */
enum dl_ingress_state dl_ingress__check(struct dl_ingress *ing, char *why,
					size_t why_len);

/* Is the interface administratively up? (false when unknown) */
bool dl_ingress__is_up(const struct dl_ingress *ing);

#endif
