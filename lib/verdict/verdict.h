/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdict of one cause: which row of the tables (causes.h) explains a
 * drop, chosen by its reason, the function that dropped it, its top flow
 * and the host's state, rendered with the cause's placeholders. Where the
 * state cannot tell the kernel's meanings of a reason apart, the verdict
 * lists the meanings that remain instead of picking one.
 */
#ifndef DL_VERDICT_H
#define DL_VERDICT_H

#include <stddef.h>

#include "dropledger_shared.h"
#include "verdict/causes.h"
#include "verdict/verdict_context.h"

/*
 * Evaluate a condition of reason_sites.tsv / expected.tsv: "-" (always) or
 * terms joined by '&':
 *   sysctl:PATH=V       /proc/sys/PATH ({iface} replaced) reads V
 *   carrier=0|1         /sys/class/net/{iface}/carrier
 *   dst=C,C...          mcast, bcast, v6mcast, llmcast, local, unicast, or
 *                       an exact address
 *   dport=N,N...  proto=udp,tcp...  ethertype=0x88cc,llc...
 *   route=none|present  route lookup of the IPv4 destination (main table)
 * Returns 1 (true), 0 (false), -1 when the state needed is unknown (no
 * flow, unreadable file), -EINVAL for a term it does not know.
 */
int dl_verdict__cond(const char *when, const char *iface,
		     const struct dl_flow *flow, const struct dl_vctx *vctx);

/*
 * Name a cause. @reason and @function (location, "+0xoff" allowed) come
 * from the drop; @flow is its top flow (NULL: none); @cctx holds the
 * placeholder values; @vctx the host state (NULL: unknown). Fills @rule
 * (category and group to show; category "expected" for background every
 * host drops) and the rendered @summary / @advice. Never fails; returns 1
 * when a site, function, expected or state-based verdict applied, 0 when
 * only the reason's own row did.
 */
int dl_verdict__explain(const struct dl_causes *c, const struct dl_vctx *vctx,
			const char *reason, const char *function,
			const struct dl_flow *flow, const struct dl_cause_ctx *cctx,
			struct dl_cause_rule *rule, char *summary, size_t slen,
			char *advice, size_t alen);

#endif
