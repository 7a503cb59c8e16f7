/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The built-in lab: two network namespaces joined by a multi-queue veth
 * pair, plus a second link for multi-interface cases, in 198.18.0.0/15
 * (RFC 2544 benchmarking range). Nothing touches the root namespace.
 *
 *   <prefix>-a                         <prefix>-b
 *   v0a 198.18.0.1/24  <== veth ==>  v0b 198.18.0.2/24   (N queues)
 *   v1a 198.18.1.1/24  <== veth ==>  v1b 198.18.1.2/24   (1 queue)
 *
 * Neighbours are static so no ARP frame disturbs exact counts.
 */
#ifndef DL_LAB_H
#define DL_LAB_H

#include <stdbool.h>
#include <stddef.h>

#define DL_LAB_PREFIX "dlab"

struct dl_lab {
	char prefix[16];
	char ns_a[32];
	char ns_b[32];
	unsigned int queues;
};

/* Fill names for @prefix (NULL: DL_LAB_PREFIX); -EINVAL for a bad prefix. */
int dl_lab__init(struct dl_lab *lab, const char *prefix, unsigned int queues);
/* Create everything; on failure removes what it made. -EEXIST if up. */
int dl_lab__up(const struct dl_lab *lab, char *why, size_t why_len);
/* Remove both namespaces (and so the veths); 0 also when already gone. */
int dl_lab__down(const struct dl_lab *lab);
/* true when both namespaces exist. */
bool dl_lab__exists(const struct dl_lab *lab);
/* Run argv inside namespace @ns via `ip netns exec`; returns exit code. */
int dl_lab__exec(const char *ns, char *const argv[], int quiet);

#endif
