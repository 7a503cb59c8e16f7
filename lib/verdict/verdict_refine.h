/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A cause's verdict refined with the host's state (verdict_refine.c).
 */
#ifndef DL_VERDICT_REFINE_H
#define DL_VERDICT_REFINE_H

#include <stddef.h>

struct dl_flow;
struct dl_vctx;

/*
 * Refine the verdict of a cause: @reason is the kernel's drop reason name
 * ("IP_RPFILTER", "NOT_SPECIFIED", ...), @function the dropping function
 * (a "+0xoff" suffix is ignored), @top_flow the cause's biggest flow or
 * NULL. Recognised: multicast for a group not joined on the interface (seed
 * 000), IP_RPFILTER, NETFILTER_DROP, NEIGH_FAILED / NEIGH_QUEUEFULL, and
 * STP/LLC frames (not a fault). @ctx may be NULL: only the verdicts that
 * need no context are made. Returns 1 and overwrites @summary and @advice
 * (NUL-terminated, truncated to @slen / @alen) when it refined, 0 when it
 * had nothing to add (buffers untouched), -EINVAL for NULL buffers.
 */
int dl_vctx__refine(const struct dl_vctx *ctx, const char *reason,
		    const char *function, const struct dl_flow *top_flow,
		    char *summary, size_t slen, char *advice, size_t alen);

#endif
