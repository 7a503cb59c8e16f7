/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Conntrack statistics, /proc/net/stat/nf_conntrack, summed over CPUs by
 * column name. The file exists only while nf_conntrack is loaded in the
 * namespace; then "not available" is a normal answer, not an error.
 * insert_failed, drop and early_drop count packets lost to a full table.
 */
#ifndef DL_CONNTRACK_STAT_H
#define DL_CONNTRACK_STAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DL_CONNTRACK_STAT_PATH "/proc/net/stat/nf_conntrack"

enum dl_ct_stat {
	DL_CT_ENTRIES,		/* gauge, not summed */
	DL_CT_SEARCHED,		/* old kernels */
	DL_CT_FOUND,
	DL_CT_NEW,
	DL_CT_INVALID,
	DL_CT_IGNORE,
	DL_CT_DELETE,
	DL_CT_DELETE_LIST,
	DL_CT_INSERT,
	DL_CT_INSERT_FAILED,
	DL_CT_DROP,
	DL_CT_EARLY_DROP,
	DL_CT_ICMP_ERROR,
	DL_CT_EXPECT_NEW,
	DL_CT_EXPECT_CREATE,
	DL_CT_EXPECT_DELETE,
	DL_CT_SEARCH_RESTART,
	DL_CT_CLASHRES,		/* 5.x+, replaced "searched" */
	DL_CT_CHAINLENGTH,	/* 5.15+, replaced "delete_list" */
	DL_CT__NR,
};

struct dl_ct_stats {
	bool available;			/* false: nf_conntrack not loaded */
	uint32_t have;			/* bit (1u << enum dl_ct_stat) */
	uint64_t v[DL_CT__NR];		/* summed over CPUs */
};

const char *dl_ct_stat__name(enum dl_ct_stat s);

/* Parse a table (see stat_table.h for errors); sets available = true. */
int dl_conntrack_stat__parse(const char *buf, size_t len, const char *origin,
			     struct dl_ct_stats *out);
/* Read @path (NULL: DL_CONNTRACK_STAT_PATH); missing: 0, available = false. */
int dl_conntrack_stat__read(const char *path, struct dl_ct_stats *out);

#endif
