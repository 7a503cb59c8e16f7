/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lab steering emulation for veth. veth has no RSS engine, but on a
 * multi-queue veth the RX queue of a frame equals the TX queue it was sent
 * on, so steering is emulated on the SENDER with a tc egress rule that
 * picks the TX queue: flower + skbedit queue_mapping where the kernel has
 * them (Linux 5.18+ honours it on clsact egress), else our own BPF
 * classifier (bpf/lab_steer.bpf.c). The skbedit path matches IPv4 only,
 * the BPF one IPv4 and IPv6. For lab namespaces only: clearing removes the
 * device's whole clsact qdisc.
 */
#ifndef DL_LAB_STEER_H
#define DL_LAB_STEER_H

#include <linux/types.h>

enum dl_lab_steer_how {
	DL_LAB_STEER_AUTO,	/* flower/skbedit, else BPF */
	DL_LAB_STEER_SKBEDIT,	/* tc flower ... action skbedit queue_mapping */
	DL_LAB_STEER_BPF,	/* cls_bpf direct-action setting queue_mapping */
};

struct dl_lab_steer_rule {
	__u8 l4proto;		/* IPPROTO_UDP or IPPROTO_TCP */
	__u16 dport;		/* host order; 0: any */
	__u16 sport;		/* host order; 0: any (BPF only) */
	__u16 queue;		/* TX queue of the sender = RX queue of the peer */
	__u16 prio;		/* tc filter priority, unique per device (0: 1) */
};

/*
 * Install @r on @ifname's egress in namespace @netns (NULL: current).
 * @how asks for a method (AUTO tries skbedit, then BPF) and returns the
 * one used. tc and ip run via posix_spawn with an argv, never a shell.
 * Returns 0, -EINVAL (bad rule), -ENODEV, -EOPNOTSUPP (method missing in
 * this kernel), -EIO (tc failed; its message is logged) or -errno.
 */
int dl_lab_steer__add(const char *netns, const char *ifname,
		      const struct dl_lab_steer_rule *r, enum dl_lab_steer_how *how);

/* Remove every lab steering rule (the clsact qdisc) of @ifname. */
int dl_lab_steer__clear(const char *netns, const char *ifname);

#endif
