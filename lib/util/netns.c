// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network namespace identity; see netns.h.
 */
#include <errno.h>
#include <sys/stat.h>

#include "util/netns.h"

int dl_netns__self_inum(unsigned int *inum)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		return -errno;
	*inum = (unsigned int)st.st_ino;
	return 0;
}
