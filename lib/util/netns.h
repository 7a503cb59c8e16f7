/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Identity of the network namespace we run in: the inode of
 * /proc/self/ns/net, which the report records so two ledgers taken in
 * different namespaces are never compared as one.
 */
#ifndef DL_NETNS_H
#define DL_NETNS_H

/* Inode number of the calling thread's network namespace. */
int dl_netns__self_inum(unsigned int *inum);

#endif
