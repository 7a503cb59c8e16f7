// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mount bpffs where libxdp expects it; see bpffs.h.
 */
#include <errno.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include "util/bpffs.h"
#include "util/log.h"

int dl_bpffs__ensure(void)
{
	struct statfs st;

	if (!statfs(DL_BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mount("bpf", DL_BPFFS, "bpf", 0, NULL)) {
		int err = -errno;

		pr_warn("bpffs is not mounted at %s and mounting it failed: %s\n",
			DL_BPFFS, strerror(errno));
		return err;
	}
	pr_debug("mounted bpffs at %s\n", DL_BPFFS);
	return 0;
}
