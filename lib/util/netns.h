/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network namespaces: the inode of the one we run in (recorded by the
 * report so ledgers of different namespaces are never compared as one),
 * and a walk over every other one we can reach, to find what an interface
 * took with it when it was moved away.
 */
#ifndef DL_NETNS_H
#define DL_NETNS_H

#include <stddef.h>

/* Inode number of the calling thread's network namespace. */
int dl_netns__self_inum(unsigned int *inum);

/*
 * Call @fn(@arg, @where) once inside each network namespace other than
 * ours that is named in /run/netns or held by a process we can see; @where
 * names it ("netns NAME" or "netns of pid N"). Stops at the first @fn
 * returning non-zero and returns that; 0 when none did.
 */
int dl_netns__each(int (*fn)(void *arg, const char *where), void *arg);

#endif
