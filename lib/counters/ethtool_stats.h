/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Driver statistics as `ethtool -S` shows them: an ordered list of (name,
 * value) pairs plus the driver name, read live with the SIOCETHTOOL ioctls
 * (ETHTOOL_GDRVINFO, ETHTOOL_GSSET_INFO, ETHTOOL_GSTRINGS, ETHTOOL_GSTATS) or
 * parsed from saved `ethtool -S` text. What a name MEANS is not decided here
 * but by the driver counter map (nic_map.h).
 */
#ifndef DL_ETHTOOL_STATS_H
#define DL_ETHTOOL_STATS_H

#include <stddef.h>
#include <stdint.h>

struct dl_ethtool_stats;

/*
 * Read the statistics of @ifname in the caller's network namespace.
 * Returns 0, -ENODEV (no such interface), -EOPNOTSUPP (the driver has no
 * ethtool statistics, e.g. lo), -EAGAIN (the counter set kept changing under
 * us, e.g. during a channel reconfiguration), or another -errno.
 */
int dl_ethtool_stats__read(const char *ifname, struct dl_ethtool_stats **out);

/* Driver name of @ifname (ETHTOOL_GDRVINFO) into @buf; -EOPNOTSUPP if none. */
int dl_ethtool__driver(const char *ifname, char *buf, size_t size);

/*
 * Parse `ethtool -S` output. Accepted: with or without the "NIC statistics:"
 * header and its 5-space indent (any indent), a leading echoed command line,
 * "[N]: name", "rxqN: name", "rx-N.name", "[hw] rx frames" (names with
 * spaces), and nested blocks (vmxnet3 "Rx Queue#: 1" with deeper-indented
 * counters), whose names are joined with '.': "Rx Queue#1.ucast pkts rx",
 * "Tx Queue#0.drv dropped tx total.hdr err". @driver is recorded as given
 * (may be NULL). Returns 0, or -EBADMSG (line that is not "name: number",
 * or no counters at all), -EINVAL, -ENOMEM.
 */
int dl_ethtool_stats__parse_text(const char *buf, size_t len, const char *driver,
				 const char *origin, struct dl_ethtool_stats **out);

void dl_ethtool_stats__free(struct dl_ethtool_stats *s);

/* Driver name ("" if unknown). */
const char *dl_ethtool_stats__driver(const struct dl_ethtool_stats *s);
size_t dl_ethtool_stats__count(const struct dl_ethtool_stats *s);
/* Name and value of counter @i, in driver order; NULL / 0 out of range. */
const char *dl_ethtool_stats__name(const struct dl_ethtool_stats *s, size_t i);
uint64_t dl_ethtool_stats__value(const struct dl_ethtool_stats *s, size_t i);
/* First counter called @name: 0, or -ENOENT. */
int dl_ethtool_stats__get(const struct dl_ethtool_stats *s, const char *name,
			  uint64_t *val);

#endif
