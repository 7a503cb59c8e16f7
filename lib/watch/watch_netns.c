// SPDX-License-Identifier: GPL-2.0-only
/*
 * Entering the watched namespace (see watch_netns.h). Sockets opened
 * before (the metrics listener) stay where they were made.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "watch/watch_netns.h"

int dl_watch__private_mounts(char *why, size_t why_len)
{
	if (unshare(CLONE_NEWNS) || mount("", "/", NULL, MS_SLAVE | MS_REC, NULL)) {
		int err = -errno;

		snprintf(why, why_len, "cannot make a private mount namespace for --netns: %s",
			 strerror(-err));
		return err;
	}
	return 0;
}

int dl_watch__enter_netns(const char *spec, char *why, size_t why_len)
{
	char path[PATH_MAX];
	const char *p;
	int fd, err = 0;

	for (p = spec; *p >= '0' && *p <= '9'; p++)
		;
	if (!*p)
		snprintf(path, sizeof(path), "/proc/%s/ns/net", spec);
	else if (strchr(spec, '/'))
		snprintf(path, sizeof(path), "%s", spec);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", spec);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "no network namespace %s (%s): %s", spec, path,
			 strerror(-err));
		return err;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		snprintf(why, why_len, "cannot enter network namespace %s: %s", spec,
			 strerror(-err));
	}
	close(fd);
	if (err)
		return err;
	/* sysfs shows the namespace of whoever mounted it: mount a fresh one. */
	if (umount2("/sys", MNT_DETACH) || mount("sysfs", "/sys", "sysfs", 0, NULL)) {
		err = -errno;
		snprintf(why, why_len, "cannot mount /sys for namespace %s: %s", spec,
			 strerror(-err));
	}
	return err;
}
