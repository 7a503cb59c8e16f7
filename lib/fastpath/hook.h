/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which hook counts arrivals on a device (report --hook auto|xdp|tc): the
 * driver (ETHTOOL_GDRVINFO, else /sys/class/net/IF/device/driver) looked up
 * in config/hooks.tsv. Data, not code: a new virtual driver is a new line.
 */
#ifndef DL_HOOK_H
#define DL_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "fastpath/ingress.h"

struct dl_hook_choice {
	enum dl_hook hook;
	bool tc_qm_raw;		/* rxq column "txq" */
	bool from_table;	/* false: the table was unreadable, defaults used */
	char driver[32];	/* "" when unknown */
	char why[160];		/* the table's reason for this driver */
};

/*
 * Parse one hooks.tsv line into @c (driver in @driver). Returns 1 for a
 * row, 0 for a comment or blank line, -EINVAL for a malformed one.
 */
int dl_hook__parse_line(const char *line, char *driver, size_t dlen,
			struct dl_hook_choice *c);

/*
 * The row of @driver in the table at @path ("*" row when not listed; xdp
 * when neither is there). Returns 0, or -errno when @path is unreadable or
 * malformed ("path:line: ..." in @why).
 */
int dl_hook__lookup(const char *path, const char *driver,
		    struct dl_hook_choice *c, char *why, size_t why_len);

/*
 * What auto picks for @ifname: its driver, then its row in hooks.tsv
 * (found by dl_config__path). An unreadable table falls back to xdp and
 * says so in @c->why. Returns 0 or -errno.
 */
int dl_hook__auto(const char *ifname, struct dl_hook_choice *c);

/* "xdp" / "tc". */
const char *dl_hook__name(enum dl_hook h);

#endif
