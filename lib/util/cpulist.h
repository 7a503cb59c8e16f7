/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CPU lists as the kernel writes them ("0-3,8,10-11"): parsing, and
 * checking a list given on the command line (--cores) against the CPUs
 * that are online and allowed to this process.
 */
#ifndef DL_CPULIST_H
#define DL_CPULIST_H

#define DL_CPULIST_MAX 1024	/* CPU ids accepted: 0..DL_CPULIST_MAX-1 */

/*
 * Parse @s into *@cpus (malloc'd, ascending, no duplicates) and *@n.
 * Returns 0, -EINVAL on a malformed list (logged with the offending part)
 * or -ERANGE on an id >= DL_CPULIST_MAX.
 */
int dl_cpulist__parse(const char *s, int **cpus, int *n);
/*
 * Parse @s and check that every CPU is online and in this process's
 * affinity mask. -ENODEV names the absent CPUs in the log.
 */
int dl_cpulist__parse_usable(const char *s, int **cpus, int *n);
/*
 * Every CPU that is online and in this process's affinity mask, ascending
 * (malloc'ed). Returns 0, -ENODEV when there is none, or -errno.
 */
int dl_cpulist__usable(int **cpus, int *n);

#endif
