/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpffs at /sys/fs/bpf: libxdp pins its dispatcher state there, and
 * `ip netns exec` remounts /sys without it, so mount it when absent.
 */
#ifndef DL_BPFFS_H
#define DL_BPFFS_H

#define DL_BPFFS "/sys/fs/bpf"

/* Mount bpffs at DL_BPFFS when absent (ip netns exec hides it). */
int dl_bpffs__ensure(void);

#endif
