// SPDX-License-Identifier: GPL-2.0-only
/* Parser for /proc/net/stat/<table> files; see stat_table.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "counters/stat_table.h"
#include "util/text_parse.h"

#define MAX_COLS 64

struct dl_stat_table {
	unsigned int nr_cols;
	unsigned int nr_rows;
	char *names[MAX_COLS];
	uint64_t *v;		/* nr_rows * nr_cols */
};

void dl_stat_table__free(struct dl_stat_table *t)
{
	if (!t)
		return;
	for (unsigned int i = 0; i < t->nr_cols; i++)
		free(t->names[i]);
	free(t->v);
	free(t);
}

static int parse_header(struct dl_stat_table *t, const char *line, size_t len,
			const char *origin, unsigned int lineno)
{
	const char *p = line, *tok;
	size_t tlen;
	uint64_t v;

	while (dl_text__token(&p, line + len, &tok, &tlen)) {
		if (t->nr_cols == MAX_COLS) {
			pr_warn("%s:%u: more than %d columns\n", origin, lineno, MAX_COLS);
			return -EBADMSG;
		}
		/* A hex "name" means the header line is missing (file cut at the top). */
		if (!dl_text__u64(tok, tlen, 16, &v)) {
			pr_warn("%s:%u: header expected, found value '%.*s'\n", origin,
				lineno, (int)tlen, tok);
			return -EBADMSG;
		}
		t->names[t->nr_cols] = dl_text__strndup(tok, tlen);
		if (!t->names[t->nr_cols])
			return -ENOMEM;
		t->nr_cols++;
	}
	return 0;
}

static int parse_row(struct dl_stat_table *t, uint64_t *row, const char *line,
		     size_t len, const char *origin, unsigned int lineno)
{
	const char *p = line, *tok;
	unsigned int n = 0;
	size_t tlen;

	while (dl_text__token(&p, line + len, &tok, &tlen)) {
		if (n == t->nr_cols) {
			pr_warn("%s:%u: more values than the %u columns of the header\n",
				origin, lineno, t->nr_cols);
			return -EBADMSG;
		}
		if (tlen > 16 || dl_text__u64(tok, tlen, 16, &row[n])) {
			pr_warn("%s:%u: %s is not a hex value\n", origin, lineno, t->names[n]);
			return -EBADMSG;
		}
		n++;
	}
	if (n != t->nr_cols) {
		pr_warn("%s:%u: %u values for %u columns\n", origin, lineno, n, t->nr_cols);
		return -EBADMSG;
	}
	return 0;
}

int dl_stat_table__parse(const char *buf, size_t len, const char *origin,
			 struct dl_stat_table **out)
{
	struct dl_stat_table *t;
	unsigned int cap = 0;
	struct dl_lines it;
	const char *line;
	size_t llen;
	uint64_t *nv;
	int err;

	if (!buf || !out)
		return -EINVAL;
	if (!origin)
		origin = "stat table";
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	dl_lines__init(&it, buf, len);
	while (dl_lines__next(&it, &line, &llen)) {
		if (dl_text__blank(line, llen))
			continue;
		if (!t->nr_cols) {
			err = parse_header(t, line, llen, origin, it.lineno);
			if (err)
				goto err;
			continue;
		}
		if (t->nr_rows == cap) {
			cap = cap ? cap * 2 : 8;
			nv = realloc(t->v, (size_t)cap * t->nr_cols * sizeof(*nv));
			if (!nv) {
				err = -ENOMEM;
				goto err;
			}
			t->v = nv;
		}
		err = parse_row(t, t->v + (size_t)t->nr_rows * t->nr_cols, line, llen,
				origin, it.lineno);
		if (err)
			goto err;
		t->nr_rows++;
	}
	if (!t->nr_cols || !t->nr_rows) {
		pr_warn("%s: %s\n", origin, t->nr_cols ? "no CPU rows" : "empty");
		err = -EBADMSG;
		goto err;
	}
	*out = t;
	return 0;
err:
	dl_stat_table__free(t);
	return err;
}

static int parse_cb(const char *buf, size_t len, const char *origin, void *out)
{
	return dl_stat_table__parse(buf, len, origin, out);
}

int dl_stat_table__read(const char *path, struct dl_stat_table **out)
{
	if (!path)
		return -EINVAL;
	return dl_text__parse_file(path, parse_cb, out);
}

unsigned int dl_stat_table__nr_cols(const struct dl_stat_table *t)
{
	return t ? t->nr_cols : 0;
}

unsigned int dl_stat_table__nr_rows(const struct dl_stat_table *t)
{
	return t ? t->nr_rows : 0;
}

const char *dl_stat_table__col_name(const struct dl_stat_table *t, unsigned int col)
{
	return t && col < t->nr_cols ? t->names[col] : NULL;
}

int dl_stat_table__col(const struct dl_stat_table *t, const char *name)
{
	if (!t || !name)
		return -EINVAL;
	for (unsigned int i = 0; i < t->nr_cols; i++)
		if (!strcmp(t->names[i], name))
			return i;
	return -ENOENT;
}

int dl_stat_table__cell(const struct dl_stat_table *t, unsigned int row,
			const char *name, uint64_t *val)
{
	int c = dl_stat_table__col(t, name);

	if (c < 0)
		return c;
	if (!val)
		return -EINVAL;
	if (row >= t->nr_rows)
		return -ENOENT;
	*val = t->v[(size_t)row * t->nr_cols + c];
	return 0;
}

int dl_stat_table__sum(const struct dl_stat_table *t, const char *name, uint64_t *val)
{
	uint64_t sum = 0;
	int c = dl_stat_table__col(t, name);

	if (c < 0)
		return c;
	if (!val)
		return -EINVAL;
	if (!strcmp(name, "entries"))
		return dl_stat_table__cell(t, 0, name, val);
	for (unsigned int r = 0; r < t->nr_rows; r++)
		sum += t->v[(size_t)r * t->nr_cols + c];
	*val = sum;
	return 0;
}

int dl_stat_table__sum_named(const char *path, const char *buf, size_t len,
			     const char *origin, const char *const *names,
			     unsigned int n, uint64_t *v, uint32_t *have,
			     bool *available)
{
	struct dl_stat_table *t;
	unsigned int i;
	int err;

	*have = 0;
	*available = false;
	memset(v, 0, n * sizeof(*v));
	err = buf ? dl_stat_table__parse(buf, len, origin, &t) :
		    dl_stat_table__read(path, &t);
	if (err == -ENOENT && !buf)
		return 0;
	if (err)
		return err;
	*available = true;
	for (i = 0; i < n; i++)
		if (!dl_stat_table__sum(t, names[i], &v[i]))
			*have |= 1u << i;
	dl_stat_table__free(t);
	return 0;
}
