/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * watch --netns: enter the namespace to watch with a private mount
 * namespace, so /sys shows that namespace's devices (as `ip netns exec`).
 */
#ifndef DL_WATCH_NETNS_H
#define DL_WATCH_NETNS_H

#include <stddef.h>

/* Private mounts, while still single-threaded; -errno with @why. */
int dl_watch__private_mounts(char *why, size_t why_len);
/* Enter NAME (/run/netns), PID or a path, and mount its sysfs. */
int dl_watch__enter_netns(const char *spec, char *why, size_t why_len);

#endif
