// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic_file.h"

int dl_atomic_file__write(const char *path, int (*body)(FILE *out, const void *ctx),
			  const void *ctx)
{
	const char *base = strrchr(path, '/');
	char tmp[PATH_MAX];
	int dirlen, err;
	FILE *f;

	base = base ? base + 1 : path;
	dirlen = (int)(base - path);
	/* A dot name: collectors (*.prom) and directory listings skip it. */
	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.%d.tmp", dirlen, path, base, (int)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	err = body(f, ctx);
	if (!err && fchmod(fileno(f), 0644))
		err = -errno;
	if (fflush(f) && !err)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
