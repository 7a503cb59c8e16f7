/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounded-memory heavy hitters (weighted Space-Saving, Metwally et al.):
 * at most k flows are tracked; a new flow evicts the smallest counter and
 * inherits its count as error. A flow counted as c with error e really
 * had between c - e and c packets; any flow not listed had at most
 * dl_topk__error_bound() packets.
 */
#ifndef DL_TOPK_H
#define DL_TOPK_H

#include <stddef.h>
#include <linux/types.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#include "dropledger_shared.h"
#pragma GCC diagnostic pop

struct dl_topk;

/* One tracked flow, as returned by dl_topk__list(). */
struct dl_topk_entry {
	__u32 hash;		/* key: dl_flow_hash() or any 32-bit flow id */
	struct dl_flow flow;	/* opaque to the counter: copied as given */
	__u64 packets;		/* estimate, never below the true count */
	__u64 packets_error;	/* true packets >= packets - packets_error */
	__u64 bytes;		/* bytes seen while tracked: a lower bound,
				 * exact when packets_error is 0 */
};

/* A summary of at most @k flows (1 .. 1<<20). NULL + errno on failure. */
struct dl_topk *dl_topk__new(__u32 k);
void dl_topk__free(struct dl_topk *t);

/*
 * Count @packets and @bytes for the flow keyed by @hash; @flow is stored
 * when the flow enters the summary (may be NULL). Returns 0 or -EINVAL
 * (packets is 0).
 */
int dl_topk__add(struct dl_topk *t, __u32 hash, const struct dl_flow *flow,
		 __u64 packets, __u64 bytes);

/*
 * Fold @src into @dst (mergeable summaries, Agarwal et al.): counts of a
 * flow known to both are added; a flow missing from a full summary is
 * charged that summary's smallest counter, as count and as error. @dst
 * keeps its own k. Returns 0, -EINVAL (@dst is @src) or -ENOMEM.
 */
int dl_topk__merge(struct dl_topk *dst, const struct dl_topk *src);

/*
 * Copy up to @max entries, largest packet count first, into @out. Returns
 * the number copied or -ENOMEM.
 */
int dl_topk__list(const struct dl_topk *t, struct dl_topk_entry *out,
		     size_t max);

/* Flows tracked now (<= k), and k. */
__u32 dl_topk__size(const struct dl_topk *t);
__u32 dl_topk__capacity(const struct dl_topk *t);

/* Packets and bytes counted in total, tracked or not. */
__u64 dl_topk__total_packets(const struct dl_topk *t);
__u64 dl_topk__total_bytes(const struct dl_topk *t);

/*
 * Largest packet count a flow that is NOT listed can have had: 0 while
 * the summary has never evicted, else the smallest counter (<= total/k).
 */
__u64 dl_topk__error_bound(const struct dl_topk *t);

#endif
