// SPDX-License-Identifier: GPL-2.0-only
/* Search path of the config/ data files; see config_path.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/config_path.h"
#include "dl_config.h"

int dl_config__path(const char *name, char *buf, size_t len)
{
	const char *dirs[] = { getenv("DL_CONFIGDIR"), DL_DATADIR, DL_SRC_CONFIGDIR };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i])
			continue;
		snprintf(buf, len, "%s/%s", dirs[i], name);
		if (!access(buf, R_OK))
			return 0;
	}
	return -ENOENT;
}
