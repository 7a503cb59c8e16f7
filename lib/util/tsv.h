/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one reader of dropledger's tab-separated data files (the config/ tables
 * and the like): blank lines and lines starting with '#' are skipped, each
 * other line is split at tabs, and errors are reported as "file:line: ..."
 * so an operator editing a table is pointed at the line.
 */
#ifndef DL_TSV_H
#define DL_TSV_H

#include <stdbool.h>
#include <stddef.h>

#include "util/text_parse.h"

#define DL_TSV_MAX_FIELDS 16

struct dl_tsv {
	struct dl_lines lines;
	const char *origin;		/* file name used in messages */
	unsigned int lineno;		/* line of the current row, from 1 */
	unsigned int nf;		/* fields of the current row */
	const char *line;		/* the whole row, not NUL-terminated */
	size_t line_len;
	bool too_many;			/* more than DL_TSV_MAX_FIELDS fields */
	const char *f[DL_TSV_MAX_FIELDS];	/* not NUL-terminated */
	size_t len[DL_TSV_MAX_FIELDS];
};

/*
 * Read the file at @path for dl_tsv__init() (@buf malloc'd, NUL-terminated).
 * Returns 0 or -errno with "path: strerror" in @why.
 */
int dl_tsv__read_file(const char *path, char **buf, size_t *len, char *why,
		      size_t why_len);

/* Iterate over @buf (@len bytes, from @origin); the buffer must outlive @t. */
void dl_tsv__init(struct dl_tsv *t, const char *buf, size_t len, const char *origin);

/* Next data row into t->f/t->len/t->nf; false at the end of the buffer. */
bool dl_tsv__next(struct dl_tsv *t);

/* Field @i as a new NUL-terminated string ("" past the last field). */
char *dl_tsv__dup(const struct dl_tsv *t, unsigned int i);

/* true when field @i equals @s exactly. */
bool dl_tsv__is(const struct dl_tsv *t, unsigned int i, const char *s);

/* Report "origin:line: message" through the log; returns -EINVAL. */
int dl_tsv__error(const struct dl_tsv *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Write "origin:line: message" to @why (may be NULL); returns -EINVAL. */
int dl_tsv__fail(const struct dl_tsv *t, char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
