/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Files that readers poll (node_exporter's textfile collector, a browser
 * reloading a page) must never be seen half-written: write a temporary in
 * the same directory, then rename it over the old one.
 */
#ifndef DL_UTIL_ATOMIC_FILE_H
#define DL_UTIL_ATOMIC_FILE_H

#include <stdio.h>

/*
 * @body writes the content to @out (0 or -errno). The file gets mode 0644
 * whatever the umask. 0, or -errno with nothing left behind but the old
 * file (-ENAMETOOLONG for a path too long).
 */
int dl_atomic_file__write(const char *path, int (*body)(FILE *out, const void *ctx),
			  const void *ctx);

#endif
