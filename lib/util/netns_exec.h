/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run a function inside a named network namespace (/run/netns/NAME, as
 * `ip netns add` creates them) without touching the caller: the work
 * happens on a short-lived thread that setns()es, since a network
 * namespace switch applies to the calling thread only.
 */
#ifndef DL_NETNS_EXEC_H
#define DL_NETNS_EXEC_H

/*
 * Call @fn(@arg) in namespace @name and return its result (0 or -errno).
 * NULL @name calls @fn on the current thread. Sockets and netlink handles
 * opened by @fn belong to that namespace. -ENOENT: no such namespace.
 */
int dl_netns__run(const char *name, int (*fn)(void *arg), void *arg);

#endif
