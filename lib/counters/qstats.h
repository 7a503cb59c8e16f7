/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's standard per-queue statistics (Linux 6.9+): NETDEV_CMD_QSTATS_GET
 * of the "netdev" generic netlink family, dumped per queue (scope=queue) and
 * per device (no scope; includes queues that no longer exist). A driver
 * without support answers with nothing: then there are no records, which is
 * "absent", not an error. Only the attributes a driver fills are present.
 */
#ifndef DL_QSTATS_H
#define DL_QSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Statistics, in the order of the netlink attributes (NETDEV_A_QSTATS_*). */
enum dl_qstat {
	DL_QSTAT_RX_PACKETS,
	DL_QSTAT_RX_BYTES,
	DL_QSTAT_TX_PACKETS,
	DL_QSTAT_TX_BYTES,
	DL_QSTAT_RX_ALLOC_FAIL,		/* skb/buffer allocation failed */
	DL_QSTAT_RX_HW_DROPS,		/* entered the device, never left it */
	DL_QSTAT_RX_HW_DROP_OVERRUNS,	/* part of hw_drops: no buffer/descriptor */
	DL_QSTAT_RX_CSUM_COMPLETE,
	DL_QSTAT_RX_CSUM_UNNECESSARY,
	DL_QSTAT_RX_CSUM_NONE,
	DL_QSTAT_RX_CSUM_BAD,
	DL_QSTAT_RX_HW_GRO_PACKETS,
	DL_QSTAT_RX_HW_GRO_BYTES,
	DL_QSTAT_RX_HW_GRO_WIRE_PACKETS,
	DL_QSTAT_RX_HW_GRO_WIRE_BYTES,
	DL_QSTAT_RX_HW_DROP_RATELIMITS,	/* part of hw_drops: rate limiter */
	DL_QSTAT_TX_HW_DROPS,
	DL_QSTAT_TX_HW_DROP_ERRORS,
	DL_QSTAT_TX_CSUM_NONE,
	DL_QSTAT_TX_NEEDS_CSUM,
	DL_QSTAT_TX_HW_GSO_PACKETS,
	DL_QSTAT_TX_HW_GSO_BYTES,
	DL_QSTAT_TX_HW_GSO_WIRE_PACKETS,
	DL_QSTAT_TX_HW_GSO_WIRE_BYTES,
	DL_QSTAT_TX_HW_DROP_RATELIMITS,
	DL_QSTAT_TX_STOP,
	DL_QSTAT_TX_WAKE,
	DL_QSTAT__NR,
};

enum dl_qstats_kind {
	DL_QSTATS_DEVICE = -1,	/* whole device, incl. base stats of past queues */
	DL_QSTATS_RX = 0,	/* NETDEV_QUEUE_TYPE_RX */
	DL_QSTATS_TX = 1,	/* NETDEV_QUEUE_TYPE_TX */
};

struct dl_qstats_rec {
	int ifindex;
	int kind;		/* enum dl_qstats_kind */
	unsigned int queue;	/* queue id (RX/TX records) */
	uint32_t have;		/* bit (1u << enum dl_qstat) */
	uint64_t v[DL_QSTAT__NR];
};

struct dl_qstats {
	unsigned int nr;
	unsigned int cap;
	struct dl_qstats_rec *rec;
};

/* Name as in the netlink spec ("rx-hw-drop-overruns"); NULL out of range. */
const char *dl_qstat__name(enum dl_qstat s);

/*
 * Dump per-queue and per-device statistics of @ifindex (0: every device of
 * the namespace). Returns 0 with *out allocated (possibly with nr == 0: the
 * driver has no qstats), -EOPNOTSUPP if the kernel lacks the netdev family or
 * the qstats command (before 6.9), -ENODEV for an unknown ifindex, or -errno.
 */
int dl_qstats__read(int ifindex, struct dl_qstats **out);

/*
 * Add the records in a buffer of netlink messages (as received from a
 * qstats dump) to @qs. Exposed for tests. Returns 0 (also at NLMSG_DONE),
 * -EBADMSG for malformed messages or attributes, -errno from an NLMSG_ERROR.
 */
int dl_qstats__parse(struct dl_qstats *qs, const void *buf, size_t len);

struct dl_qstats *dl_qstats__new(void);
void dl_qstats__free(struct dl_qstats *qs);

/* The record for (kind, queue); NULL if absent. queue is ignored for DEVICE. */
const struct dl_qstats_rec *dl_qstats__find(const struct dl_qstats *qs, int ifindex,
					    int kind, unsigned int queue);

#endif
