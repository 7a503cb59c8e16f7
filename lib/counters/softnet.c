// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parser for /proc/net/softnet_stat; see softnet.h. The kernel prints each
 * value with %08x from 32-bit fields, so values wrap at 2^32: consumers take
 * deltas with dl_counter__delta(..., 32, ...).
 */
#include <errno.h>
#include <stdlib.h>

#include "util/log.h"
#include "counters/softnet.h"
#include "util/text_parse.h"

/* Columns beyond this are unknown future additions and are ignored. */
#define MAX_COLS 32
#define MIN_COLS 9

static const char *const col_names[DL_SOFTNET__NR] = {
	[DL_SOFTNET_PROCESSED] = "processed",
	[DL_SOFTNET_DROPPED] = "dropped",
	[DL_SOFTNET_TIME_SQUEEZE] = "time_squeeze",
	[DL_SOFTNET_CPU_COLLISION] = "cpu_collision",
	[DL_SOFTNET_RECEIVED_RPS] = "received_rps",
	[DL_SOFTNET_FLOW_LIMIT] = "flow_limit_count",
	[DL_SOFTNET_BACKLOG_LEN] = "backlog_len",
	[DL_SOFTNET_CPU_INDEX] = "cpu_index",
	[DL_SOFTNET_INPUT_QLEN] = "input_qlen",
	[DL_SOFTNET_PROCESS_QLEN] = "process_qlen",
};

/* File column (0-based) -> our column; -1 for the always-zero "fastroute" ones. */
static const int file_col[] = {
	DL_SOFTNET_PROCESSED, DL_SOFTNET_DROPPED, DL_SOFTNET_TIME_SQUEEZE,
	-1, -1, -1, -1, -1,
	DL_SOFTNET_CPU_COLLISION, DL_SOFTNET_RECEIVED_RPS, DL_SOFTNET_FLOW_LIMIT,
	DL_SOFTNET_BACKLOG_LEN, DL_SOFTNET_CPU_INDEX, DL_SOFTNET_INPUT_QLEN,
	DL_SOFTNET_PROCESS_QLEN,
};

const char *dl_softnet__col_name(enum dl_softnet_col col)
{
	if ((unsigned int)col >= DL_SOFTNET__NR)
		return NULL;
	return col_names[col];
}

static int parse_row(const char *line, size_t len, struct dl_softnet_cpu *row,
		     unsigned int *ncols, const char *origin, unsigned int lineno)
{
	const char *p = line, *tok;
	unsigned int n = 0;
	size_t tlen;
	uint64_t v;

	while (dl_text__token(&p, line + len, &tok, &tlen)) {
		if (tlen > 16 || dl_text__u64(tok, tlen, 16, &v)) {
			pr_warn("%s:%u: column %u is not a hex counter\n", origin, lineno, n + 1);
			return -EBADMSG;
		}
		if (n < sizeof(file_col) / sizeof(file_col[0]) && file_col[n] >= 0) {
			row->v[file_col[n]] = v;
			row->have |= 1u << file_col[n];
		}
		if (++n > MAX_COLS) {
			pr_warn("%s:%u: more than %d columns\n", origin, lineno, MAX_COLS);
			return -EBADMSG;
		}
	}
	*ncols = n;
	return 0;
}

int dl_softnet__parse(const char *buf, size_t len, const char *origin,
		      struct dl_softnet **out)
{
	struct dl_softnet *s = NULL, *ns;
	unsigned int cap = 0, ncols;
	struct dl_lines it;
	const char *line;
	size_t llen;
	int err;

	if (!buf || !out)
		return -EINVAL;
	if (!origin)
		origin = "softnet_stat";
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	dl_lines__init(&it, buf, len);
	while (dl_lines__next(&it, &line, &llen)) {
		struct dl_softnet_cpu row = { 0 };

		if (dl_text__blank(line, llen))
			continue;
		err = parse_row(line, llen, &row, &ncols, origin, it.lineno);
		if (err)
			goto err;
		if (ncols < MIN_COLS) {
			pr_warn("%s:%u: %u columns, softnet_stat has at least %d\n",
				origin, it.lineno, ncols, MIN_COLS);
			err = -EBADMSG;
			goto err;
		}
		/* Every row comes from the same seq_printf: a ragged file is cut or corrupt. */
		if (s->nr_cpus && ncols != s->nr_cols) {
			pr_warn("%s:%u: %u columns, earlier rows have %u\n",
				origin, it.lineno, ncols, s->nr_cols);
			err = -EBADMSG;
			goto err;
		}
		s->nr_cols = ncols;
		row.cpu = (row.have & (1u << DL_SOFTNET_CPU_INDEX)) ?
			  (unsigned int)row.v[DL_SOFTNET_CPU_INDEX] : s->nr_cpus;
		if (s->nr_cpus == cap) {
			cap = cap ? cap * 2 : 8;
			ns = realloc(s, sizeof(*s) + cap * sizeof(s->cpu[0]));
			if (!ns) {
				err = -ENOMEM;
				goto err;
			}
			s = ns;
		}
		s->cpu[s->nr_cpus++] = row;
	}
	if (!s->nr_cpus) {
		pr_warn("%s: no CPU rows\n", origin);
		err = -EBADMSG;
		goto err;
	}
	*out = s;
	return 0;
err:
	free(s);
	return err;
}

static int parse_cb(const char *buf, size_t len, const char *origin, void *out)
{
	return dl_softnet__parse(buf, len, origin, out);
}

int dl_softnet__read(const char *path, struct dl_softnet **out)
{
	return dl_text__parse_file(path ? path : DL_SOFTNET_PATH, parse_cb, out);
}

void dl_softnet__free(struct dl_softnet *s)
{
	free(s);
}

int dl_softnet__get(const struct dl_softnet *s, unsigned int row,
		    enum dl_softnet_col col, uint64_t *val)
{
	if (!s || !val || (unsigned int)col >= DL_SOFTNET__NR)
		return -EINVAL;
	if (row >= s->nr_cpus || !(s->cpu[row].have & (1u << col)))
		return -ENOENT;
	*val = s->cpu[row].v[col];
	return 0;
}

int dl_softnet__sum(const struct dl_softnet *s, enum dl_softnet_col col, uint64_t *val)
{
	uint64_t sum = 0;

	if (!s || !val || (unsigned int)col >= DL_SOFTNET__NR)
		return -EINVAL;
	/* All rows share one format, so row 0 tells whether the column exists. */
	if (!s->nr_cpus || !(s->cpu[0].have & (1u << col)))
		return -ENOENT;
	for (unsigned int i = 0; i < s->nr_cpus; i++)
		sum += s->cpu[i].v[col];
	*val = sum;
	return 0;
}
