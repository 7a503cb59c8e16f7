/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /proc/net/softnet_stat: one row of 32-bit hex counters per online CPU. The
 * kernel grew the row over time (9 columns in 2.6.32, 10 with RPS, 11 with
 * flow limits, 13 with backlog length and CPU index, 15 since 6.4), so a
 * column a kernel does not print is ABSENT here, never 0.
 */
#ifndef DL_SOFTNET_H
#define DL_SOFTNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DL_SOFTNET_PATH "/proc/net/softnet_stat"

enum dl_softnet_col {
	DL_SOFTNET_PROCESSED,		/* col 1: frames taken off the backlog */
	DL_SOFTNET_DROPPED,		/* col 2: backlog full (netdev_max_backlog) */
	DL_SOFTNET_TIME_SQUEEZE,	/* col 3: net_rx_action ran out of budget/time */
	DL_SOFTNET_CPU_COLLISION,	/* col 9: always 0 since 4.x, kept for old kernels */
	DL_SOFTNET_RECEIVED_RPS,	/* col 10: RPS IPIs received */
	DL_SOFTNET_FLOW_LIMIT,		/* col 11: flow_limit_count drops */
	DL_SOFTNET_BACKLOG_LEN,		/* col 12: input + process queue length now */
	DL_SOFTNET_CPU_INDEX,		/* col 13: CPU number (rows skip offline CPUs) */
	DL_SOFTNET_INPUT_QLEN,		/* col 14 (6.4+) */
	DL_SOFTNET_PROCESS_QLEN,	/* col 15 (6.4+) */
	DL_SOFTNET__NR,
};

/* One CPU row. */
struct dl_softnet_cpu {
	unsigned int cpu;	/* CPU_INDEX when present, else the row number */
	uint32_t have;		/* bit (1u << enum dl_softnet_col) if present */
	uint64_t v[DL_SOFTNET__NR];
};

struct dl_softnet {
	unsigned int nr_cols;	/* columns per row in the file (9, 10, ... 15+) */
	unsigned int nr_cpus;	/* rows */
	struct dl_softnet_cpu cpu[];
};

/*
 * Parse the text of a softnet_stat file. @origin names it in messages (NULL:
 * "softnet_stat"). Returns 0 and a malloc'ed table in *out (free with
 * dl_softnet__free), -EBADMSG for empty, short (< 9 columns), ragged or
 * non-hex input, -EINVAL for bad arguments, -ENOMEM.
 */
int dl_softnet__parse(const char *buf, size_t len, const char *origin,
		      struct dl_softnet **out);
/* Read and parse @path (NULL: DL_SOFTNET_PATH). */
int dl_softnet__read(const char *path, struct dl_softnet **out);
void dl_softnet__free(struct dl_softnet *s);

/* Column name ("dropped", "time_squeeze", ...); NULL if out of range. */
const char *dl_softnet__col_name(enum dl_softnet_col col);
/* Value of @col on row @row: 0, or -ENOENT if the column is absent / no row. */
int dl_softnet__get(const struct dl_softnet *s, unsigned int row,
		    enum dl_softnet_col col, uint64_t *val);
/* Sum of a counter column over all CPUs: 0, or -ENOENT if absent. */
int dl_softnet__sum(const struct dl_softnet *s, enum dl_softnet_col col, uint64_t *val);

#endif
