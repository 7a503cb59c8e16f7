// SPDX-License-Identifier: GPL-2.0-only
/* Tab-separated data files, see tsv.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "util/tsv.h"

int dl_tsv__read_file(const char *path, char **buf, size_t *len, char *why,
		      size_t why_len)
{
	int err = dl_text__read_file(path, buf, len);

	if (err && why && why_len)
		snprintf(why, why_len, "%s: %s", path, strerror(-err));
	return err;
}

void dl_tsv__init(struct dl_tsv *t, const char *buf, size_t len, const char *origin)
{
	memset(t, 0, sizeof(*t));
	dl_lines__init(&t->lines, buf, len);
	t->origin = origin ? origin : "(input)";
}

bool dl_tsv__next(struct dl_tsv *t)
{
	const char *line, *p, *end, *tab;
	size_t len;

	while (dl_lines__next(&t->lines, &line, &len)) {
		if (dl_text__blank(line, len) || line[0] == '#')
			continue;
		t->lineno = t->lines.lineno;
		t->line = line;
		t->line_len = len;
		t->nf = 0;
		t->too_many = false;
		p = line;
		end = line + len;
		for (;;) {
			if (t->nf == DL_TSV_MAX_FIELDS) {
				t->too_many = true;
				break;
			}
			tab = memchr(p, '\t', end - p);
			t->f[t->nf] = p;
			t->len[t->nf] = (tab ? tab : end) - p;
			t->nf++;
			if (!tab)
				break;
			p = tab + 1;
		}
		return true;
	}
	return false;
}

char *dl_tsv__dup(const struct dl_tsv *t, unsigned int i)
{
	if (i >= t->nf)
		return strdup("");
	return dl_text__strndup(t->f[i], t->len[i]);
}

bool dl_tsv__is(const struct dl_tsv *t, unsigned int i, const char *s)
{
	return i < t->nf && strlen(s) == t->len[i] && !memcmp(t->f[i], s, t->len[i]);
}

int dl_tsv__error(const struct dl_tsv *t, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_warn("%s:%u: %s\n", t->origin, t->lineno, msg);
	return -EINVAL;
}

int dl_tsv__fail(const struct dl_tsv *t, char *why, size_t why_len, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!why || !why_len)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(why, why_len, "%s:%u: %s", t->origin, t->lineno, msg);
	return -EINVAL;
}
