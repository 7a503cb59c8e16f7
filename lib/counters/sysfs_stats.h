/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The standard interface counters in /sys/class/net/IF/statistics/ (struct
 * rtnl_link_stats64). Which driver event lands in rx_dropped, rx_missed_errors
 * or rx_fifo_errors differs by driver (Documentation/networking/statistics.rst);
 * we report the files as they are. A missing or unreadable file is absent.
 */
#ifndef DL_SYSFS_STATS_H
#define DL_SYSFS_STATS_H

#include <stddef.h>
#include <stdint.h>

enum dl_sysfs_stat {
	DL_SYSFS_RX_PACKETS,
	DL_SYSFS_RX_BYTES,
	DL_SYSFS_RX_ERRORS,
	DL_SYSFS_RX_DROPPED,		/* driver drops + core drops (no handler, ...) */
	DL_SYSFS_RX_MISSED_ERRORS,	/* device out of buffer space */
	DL_SYSFS_RX_FIFO_ERRORS,
	DL_SYSFS_RX_OVER_ERRORS,
	DL_SYSFS_RX_CRC_ERRORS,
	DL_SYSFS_RX_FRAME_ERRORS,
	DL_SYSFS_RX_LENGTH_ERRORS,
	DL_SYSFS_RX_NOHANDLER,		/* no protocol handler (LLDP on a bond, ...) */
	DL_SYSFS_RX_COMPRESSED,
	DL_SYSFS_MULTICAST,
	DL_SYSFS_TX_PACKETS,
	DL_SYSFS_TX_BYTES,
	DL_SYSFS_TX_ERRORS,
	DL_SYSFS_TX_DROPPED,
	DL_SYSFS_TX_ABORTED_ERRORS,
	DL_SYSFS_TX_CARRIER_ERRORS,
	DL_SYSFS_TX_FIFO_ERRORS,
	DL_SYSFS_TX_HEARTBEAT_ERRORS,
	DL_SYSFS_TX_WINDOW_ERRORS,
	DL_SYSFS_TX_COMPRESSED,
	DL_SYSFS_COLLISIONS,
	DL_SYSFS__NR,
};

struct dl_sysfs_stats {
	uint32_t have;			/* bit (1u << enum dl_sysfs_stat) */
	uint64_t v[DL_SYSFS__NR];
};

/* File name of a counter ("rx_missed_errors"); NULL out of range. */
const char *dl_sysfs_stat__name(enum dl_sysfs_stat s);

/* RX queues of @ifname in /sys/class/net/IF/queues (0 when unreadable). */
unsigned int dl_sysfs__rx_queues(const char *ifname);
/* The device flags (IFF_UP 0x1, IFF_PROMISC 0x100): 0, or -errno when unreadable. */
int dl_sysfs__if_flags(const char *ifname, unsigned long *flags);

/*
 * Read /sys/class/net/@ifname/statistics. Returns 0, -EINVAL for a name that
 * is not an interface name, -ENODEV if the interface does not exist,
 * -EBADMSG if a file holds something other than a decimal counter.
 */
int dl_sysfs_stats__read(const char *ifname, struct dl_sysfs_stats *out);
/* Same, from any directory laid out like statistics/ (tests, saved trees). */
int dl_sysfs_stats__read_dir(const char *dir, struct dl_sysfs_stats *out);
/* Value if present: 0 or -ENOENT. */
int dl_sysfs_stats__get(const struct dl_sysfs_stats *s, enum dl_sysfs_stat st,
			uint64_t *val);

#endif
