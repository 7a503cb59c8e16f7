/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /proc/net/stat/<table> format shared by arp_cache, ndisc_cache and
 * nf_conntrack: one header line of column names, then one row of hex values
 * per CPU. Columns differ between kernels, so callers look them up by NAME.
 * The first column, "entries", is a table-wide gauge the kernel repeats on
 * every row; dl_stat_table__sum() returns it once instead of adding it up.
 */
#ifndef DL_STAT_TABLE_H
#define DL_STAT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dl_stat_table;

/*
 * Parse header + rows. @origin names the input in messages. Returns 0,
 * -EBADMSG (no header, no rows, a row with another column count, a value
 * that is not hex, a numeric "name"), -EINVAL, -ENOMEM.
 */
int dl_stat_table__parse(const char *buf, size_t len, const char *origin,
			 struct dl_stat_table **out);
/* Read and parse @path; -ENOENT when the file does not exist. */
int dl_stat_table__read(const char *path, struct dl_stat_table **out);
void dl_stat_table__free(struct dl_stat_table *t);

unsigned int dl_stat_table__nr_cols(const struct dl_stat_table *t);
unsigned int dl_stat_table__nr_rows(const struct dl_stat_table *t);
/* Name of column @col, NULL out of range. */
const char *dl_stat_table__col_name(const struct dl_stat_table *t, unsigned int col);
/* Column index of @name, or -ENOENT. */
int dl_stat_table__col(const struct dl_stat_table *t, const char *name);
/* One cell: 0, -ENOENT (no such column or row). */
int dl_stat_table__cell(const struct dl_stat_table *t, unsigned int row,
			const char *name, uint64_t *val);
/* Column summed over the CPU rows ("entries": row 0 only): 0 or -ENOENT. */
int dl_stat_table__sum(const struct dl_stat_table *t, const char *name, uint64_t *val);

/*
 * Named columns of a stat file, summed over CPUs, into @v and the @have
 * bitmap (bit i: column @names[i] exists). For arp_cache, nf_conntrack and
 * their like, whose columns vary by kernel. @available is false, and 0
 * returned, when @path does not exist (the feature is not loaded here).
 * @buf/@len: parse text instead of reading @path (tests).
 */
int dl_stat_table__sum_named(const char *path, const char *buf, size_t len,
			     const char *origin, const char *const *names,
			     unsigned int n, uint64_t *v, uint32_t *have,
			     bool *available);

#endif
