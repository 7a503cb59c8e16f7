// SPDX-License-Identifier: GPL-2.0-only
/* Conntrack statistics on top of the generic stat table; see conntrack_stat.h. */
#include <errno.h>
#include <string.h>

#include "counters/conntrack_stat.h"
#include "counters/stat_table.h"

static const char *const names[DL_CT__NR] = {
	[DL_CT_ENTRIES] = "entries",
	[DL_CT_SEARCHED] = "searched",
	[DL_CT_FOUND] = "found",
	[DL_CT_NEW] = "new",
	[DL_CT_INVALID] = "invalid",
	[DL_CT_IGNORE] = "ignore",
	[DL_CT_DELETE] = "delete",
	[DL_CT_DELETE_LIST] = "delete_list",
	[DL_CT_INSERT] = "insert",
	[DL_CT_INSERT_FAILED] = "insert_failed",
	[DL_CT_DROP] = "drop",
	[DL_CT_EARLY_DROP] = "early_drop",
	[DL_CT_ICMP_ERROR] = "icmp_error",
	[DL_CT_EXPECT_NEW] = "expect_new",
	[DL_CT_EXPECT_CREATE] = "expect_create",
	[DL_CT_EXPECT_DELETE] = "expect_delete",
	[DL_CT_SEARCH_RESTART] = "search_restart",
	[DL_CT_CLASHRES] = "clashres",
	[DL_CT_CHAINLENGTH] = "chainlength",
};

const char *dl_ct_stat__name(enum dl_ct_stat s)
{
	return (unsigned int)s < DL_CT__NR ? names[s] : NULL;
}

int dl_conntrack_stat__parse(const char *buf, size_t len, const char *origin,
			struct dl_ct_stats *out)
{
	if (!out || !buf)
		return -EINVAL;
	return dl_stat_table__sum_named(NULL, buf, len, origin ? origin : "nf_conntrack", names,
					DL_CT__NR, out->v, &out->have, &out->available);
}

int dl_conntrack_stat__read(const char *path, struct dl_ct_stats *out)
{
	if (!out)
		return -EINVAL;
	return dl_stat_table__sum_named(path ? path : DL_CONNTRACK_STAT_PATH, NULL, 0, NULL, names,
					DL_CT__NR, out->v, &out->have, &out->available);
}
