/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The XDP side of DPDK's net_af_xdp PMD in `dropledger dpdk`: what a --vdev
 * argument asks for (interface, queues, whose program), our program
 * dl_dpdk_xdp handed to the PMD as xdp_prog=, and the per-queue counters of
 * the program the PMD attached, read back through the interface. Only
 * libbpf: built with or without DPDK, so it is unit-tested everywhere.
 */
#ifndef DL_DPDK_AFXDP_H
#define DL_DPDK_AFXDP_H

#include <net/if.h>
#include <stdbool.h>
#include <linux/types.h>

#include "dropledger_shared.h"

/* Name of our counter map in dl_dpdk_xdp (found by name after the PMD loaded it). */
#define DL_AFXDP_CNT_MAP "dl_dpdk_cnt"
#define DL_AFXDP_PROG_NAME "dl_dpdk_xdp"

struct dl_afxdp_vdev {
	char name[64];			/* device name: net_af_xdp0 */
	char iface[IF_NAMESIZE];	/* iface=, "" when missing */
	int start_queue;		/* start_queue=, PMD default 0 */
	int queue_count;		/* queue_count=, PMD default 1 */
	bool has_prog;			/* xdp_prog= given by the user */
};

/*
 * Parse the value of one --vdev. 0: a net_af_xdp (or eth_af_xdp) device,
 * @v filled; -ENOENT: another kind of vdev; -EINVAL: an af_xdp device with
 * a malformed iface/start_queue/queue_count (the PMD would refuse it too).
 */
int dl_afxdp_vdev__parse(const char *arg, struct dl_afxdp_vdev *v);
/* "@arg,xdp_prog=@path", malloc'd; NULL + errno (EINVAL: a comma in @path). */
char *dl_afxdp_vdev__with_prog(const char *arg, const char *path);

/*
 * An anonymous file (memfd) holding the dl_dpdk_xdp object built into this
 * binary, so the program always matches the binary and nothing is left on
 * disk. The PMD opens it as /proc/self/fd/<fd>. fd or -errno.
 */
int dl_afxdp_prog__memfd(void);

/* Per kernel rx queue, summed over CPUs (struct dl_capture_cnt without padding). */
struct dl_afxdp_qcnt {
	__u64 frames;		/* seen by the program */
	__u64 redirected;	/* handed to the queue's AF_XDP socket */
	__u64 no_socket;	/* no socket on the queue: passed to the stack */
	__u64 meta_failed;	/* redirected without the metadata record */
};

struct dl_afxdp_xdp {
	__u32 prog_id;				/* 0: no XDP program attached */
	char prog_name[16];
	bool ours;				/* has our counter map: q[] valid */
	struct dl_afxdp_qcnt q[DL_MAX_QUEUES + 1];	/* last: queues >= max */
};

/*
 * The XDP program attached to @ifindex (any mode) and, when it carries
 * DL_AFXDP_CNT_MAP, its counters. 0 (see x->prog_id and x->ours) or -errno.
 */
int dl_afxdp_xdp__read(int ifindex, struct dl_afxdp_xdp *x);
/*
 * @now - @base per queue, into @now. A base of another program (a
 * different id) or NULL leaves @now as read.
 */
void dl_afxdp_xdp__sub(struct dl_afxdp_xdp *now, const struct dl_afxdp_xdp *base);

#endif
