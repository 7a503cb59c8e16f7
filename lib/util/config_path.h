/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the data files of config/ are found: $DL_CONFIGDIR, then the
 * installed data directory, then the source tree this binary was built from.
 */
#ifndef DL_CONFIG_PATH_H
#define DL_CONFIG_PATH_H

#include <stddef.h>

/*
 * Path of the first existing @name in the search path, in @buf.
 * Returns 0, or -ENOENT with @buf holding the last candidate tried.
 */
int dl_config__path(const char *name, char *buf, size_t len);

#endif
