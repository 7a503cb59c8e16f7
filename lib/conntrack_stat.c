// SPDX-License-Identifier: GPL-2.0-only
/* Conntrack statistics on top of the generic stat table; see conntrack_stat.h. */
#include <errno.h>
#include <string.h>

#include "conntrack_stat.h"
#include "stat_table.h"

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

static void fill(const struct dl_stat_table *t, struct dl_ct_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->available = true;
	for (int i = 0; i < DL_CT__NR; i++)
		if (!dl_stat_table__sum(t, names[i], &out->v[i]))
			out->have |= 1u << i;
}

int dl_conntrack_stat__parse(const char *buf, size_t len, const char *origin,
			     struct dl_ct_stats *out)
{
	struct dl_stat_table *t;
	int err;

	if (!out)
		return -EINVAL;
	err = dl_stat_table__parse(buf, len, origin ? origin : "nf_conntrack", &t);
	if (err)
		return err;
	fill(t, out);
	dl_stat_table__free(t);
	return 0;
}

int dl_conntrack_stat__read(const char *path, struct dl_ct_stats *out)
{
	struct dl_stat_table *t;
	int err;

	if (!out)
		return -EINVAL;
	err = dl_stat_table__read(path ? path : DL_CONNTRACK_STAT_PATH, &t);
	if (err == -ENOENT) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if (err)
		return err;
	fill(t, out);
	dl_stat_table__free(t);
	return 0;
}
