// SPDX-License-Identifier: GPL-2.0-only
/*
 * Loader, validator and matcher of config/nic_counters.tsv; see nic_map.h.
 * Patterns are literal text with at most one number: "%u" (the RX queue
 * number, one or more decimal digits) or "%*" (digits that are not a queue,
 * e.g. a priority or class of service), and "%%" for a literal '%'. Matching is exact over
 * the whole name: "rx_queue_%u_drops" does not match "rx_queue_0_xdp_drops".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dl_config.h"
#include "util/log.h"
#include "counters/nic_map.h"
#include "util/tsv.h"
#include "util/text_parse.h"

struct map_row {
	char *driver;		/* exact driver name, or "*" */
	char *pattern;		/* as written, for duplicate checks */
	char *prefix;		/* literal text before %u (or all of it) */
	char *suffix;		/* literal text after %u */
	size_t prefix_len, suffix_len;
	bool has_num;		/* the pattern has %u or %* */
	bool num_is_queue;	/* ... and it is %u */
	bool nosum;
	int minus;		/* column this counter also includes, or -1 */
	int col;
	unsigned int line;
	char *source;
};

struct dl_nic_map {
	size_t n, cap;
	struct map_row *rows;
};

static const char *const col_names[DL_NIC__NR + 1] = {
	[DL_NIC_RX_PACKETS] = "rx_packets",
	[DL_NIC_RX_BYTES] = "rx_bytes",
	[DL_NIC_RING] = "ring",
	[DL_NIC_MISSED] = "missed",
	[DL_NIC_NO_BUFFER] = "no_buffer",
	[DL_NIC_FIFO] = "fifo",
	[DL_NIC_OTHER_DROP] = "other_drop",
	[DL_NIC_XDP_DROPS] = "xdp_drops",
	[DL_NIC_XDP_REDIRECT] = "xdp_redirect",
	[DL_NIC_XDP_TX] = "xdp_tx",
	[DL_NIC_ALLOC_FAIL] = "alloc_fail",
	[DL_NIC_INFO] = "info",
};

const char *dl_nic_col__name(int col)
{
	return col >= 0 && col <= DL_NIC_INFO ? col_names[col] : NULL;
}

int dl_nic_col__from_name(const char *name)
{
	for (int i = 0; name && i <= DL_NIC_INFO; i++)
		if (!strcmp(col_names[i], name))
			return i;
	return -ENOENT;
}

static void row_free(struct map_row *r)
{
	free(r->driver);
	free(r->pattern);
	free(r->prefix);
	free(r->suffix);
	free(r->source);
}

void dl_nic_map__free(struct dl_nic_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		row_free(&m->rows[i]);
	free(m->rows);
	free(m);
}

static bool driver_ok(const char *s, size_t len)
{
	if (len == 1 && s[0] == '*')
		return true;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return false;
	}
	return len > 0 && len < 32;
}

/* Compile @s into prefix/suffix; returns NULL on success or what is wrong. */
static const char *compile(struct map_row *r, const char *s, size_t len)
{
	char *lit = malloc(len + 1);
	size_t n = 0, split = 0;

	if (!lit)
		return "out of memory";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c > 0x7e) {
			free(lit);
			return "pattern has a control or non-ASCII character";
		}
		if (c != '%') {
			lit[n++] = c;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '%') {
			lit[n++] = '%';
			i++;
		} else if (i + 1 < len && (s[i + 1] == 'u' || s[i + 1] == '*')) {
			if (r->has_num) {
				free(lit);
				return "pattern has more than one %u or %*";
			}
			r->has_num = true;
			r->num_is_queue = s[i + 1] == 'u';
			split = n;
			i++;
		} else {
			free(lit);
			return "stray '%' in pattern (%u: the queue, %*: another number, %%: '%')";
		}
	}
	if (!n) {
		free(lit);
		return "pattern has no literal text";
	}
	if (!r->has_num)
		split = n;
	r->prefix = dl_text__strndup(lit, split);
	r->suffix = dl_text__strndup(lit + split, n - split);
	free(lit);
	if (!r->prefix || !r->suffix)
		return "out of memory";
	r->prefix_len = split;
	r->suffix_len = n - split;
	return NULL;
}

static const struct map_row *find_dup(const struct dl_nic_map *m, const struct map_row *r)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->rows[i].driver, r->driver) &&
		    !strcmp(m->rows[i].pattern, r->pattern))
			return &m->rows[i];
	return NULL;
}

/* "-" or a comma-separated list of nosum, minus=<column>. */
static const char *parse_flags(struct map_row *r, char *flags)
{
	char *save = NULL, *f;

	r->minus = -1;
	if (!strcmp(flags, "-"))
		return NULL;
	for (f = strtok_r(flags, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		if (!strcmp(f, "nosum")) {
			if (!((1u << r->col) & DL_NIC_DROP_MASK))
				return "nosum is only meaningful on a drop column";
			r->nosum = true;
		} else if (!strncmp(f, "minus=", 6)) {
			r->minus = dl_nic_col__from_name(f + 6);
			if (r->minus < 0 || r->minus == DL_NIC_INFO)
				return "minus= needs a ledger column";
			if (r->minus == r->col || r->col == DL_NIC_INFO)
				return "minus= must name another column of a ledger row";
		} else {
			return "unknown flag (expected '-', 'nosum' or 'minus=<column>')";
		}
	}
	return NULL;
}

/* Parse one row; 0, -EINVAL (reported) or -ENOMEM. */
static int parse_row(struct dl_nic_map *m, const struct dl_tsv *t)
{
	const char *const *f = t->f, *what;
	const size_t *fl = t->len;
	struct map_row r = { .line = t->lineno };
	const struct map_row *dup;
	char *col = NULL, *flags = NULL;
	int err = -EINVAL;

	if (t->nf != 5)
		return dl_tsv__error(t, "%s%u tab-separated fields, expected 5 "
				     "(driver, pattern, column, flags, source)",
				     t->too_many ? "more than " : "", t->too_many ? 5 : t->nf);
	if (!driver_ok(f[0], fl[0]))
		return dl_tsv__error(t, "driver '%.*s' is not a driver name or '*'",
				     (int)fl[0], f[0]);
	r.driver = dl_text__strndup(f[0], fl[0]);
	r.pattern = dl_text__strndup(f[1], fl[1]);
	col = dl_text__strndup(f[2], fl[2]);
	flags = dl_text__strndup(f[3], fl[3]);
	r.source = dl_text__strndup(f[4], fl[4]);
	if (!r.driver || !r.pattern || !col || !flags || !r.source) {
		err = -ENOMEM;
		goto out;
	}
	what = compile(&r, f[1], fl[1]);
	if (what) {
		dl_tsv__error(t, "%s", what);
		goto out;
	}
	r.col = dl_nic_col__from_name(col);
	if (r.col < 0) {
		dl_tsv__error(t, "unknown column '%s'", col);
		goto out;
	}
	what = parse_flags(&r, flags);
	if (what) {
		dl_tsv__error(t, "%s", what);
		goto out;
	}
	if (dl_text__blank(r.source, fl[4])) {
		dl_tsv__error(t, "empty source: say where the counter name comes from");
		goto out;
	}
	dup = find_dup(m, &r);
	if (dup) {
		dl_tsv__error(t, "duplicate of line %u (%s %s)", dup->line, r.driver,
			      r.pattern);
		goto out;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 128;
		struct map_row *nr = realloc(m->rows, cap * sizeof(*nr));

		if (!nr) {
			err = -ENOMEM;
			goto out;
		}
		m->rows = nr;
		m->cap = cap;
	}
	m->rows[m->n++] = r;
	free(col);
	free(flags);
	return 0;
out:
	row_free(&r);
	free(col);
	free(flags);
	return err;
}

int dl_nic_map__parse(const char *buf, size_t len, const char *origin,
		      struct dl_nic_map **out)
{
	struct dl_nic_map *m;
	struct dl_tsv t;
	int err = 0, r;

	if (!buf || !out)
		return -EINVAL;
	if (!origin)
		origin = DL_NIC_MAP_FILE;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	dl_tsv__init(&t, buf, len, origin);
	while (dl_tsv__next(&t)) {
		/* Keep going after a bad row: the operator gets every error at once. */
		r = parse_row(m, &t);
		if (r == -ENOMEM) {
			err = r;
			break;
		}
		if (r && !err)
			err = r;
	}
	if (!err && !m->n) {
		pr_warn("%s: no rows\n", origin);
		err = -EINVAL;
	}
	if (err) {
		dl_nic_map__free(m);
		return err;
	}
	*out = m;
	return 0;
}

int dl_nic_map__load(const char *path, struct dl_nic_map **out)
{
	const char *try[2] = { path, NULL };
	size_t len;
	char *buf;
	int err = -ENOENT;

	if (!out)
		return -EINVAL;
	if (!path) {
		try[0] = DL_DATADIR "/" DL_NIC_MAP_FILE;
		try[1] = DL_SRC_CONFIGDIR "/" DL_NIC_MAP_FILE;
	}
	for (int i = 0; i < 2 && try[i]; i++) {
		err = dl_text__read_file(try[i], &buf, &len);
		if (err == -ENOENT)
			continue;
		if (err) {
			pr_warn("%s: cannot read: %s\n", try[i], strerror(-err));
			return err;
		}
		err = dl_nic_map__parse(buf, len, try[i], out);
		free(buf);
		return err;
	}
	pr_warn("%s: not found\n", path ? path : DL_NIC_MAP_FILE);
	return err;
}

size_t dl_nic_map__nr_rows(const struct dl_nic_map *m)
{
	return m ? m->n : 0;
}

bool dl_nic_map__has_driver(const struct dl_nic_map *m, const char *driver)
{
	for (size_t i = 0; m && driver && i < m->n; i++)
		if (!strcmp(m->rows[i].driver, driver))
			return true;
	return false;
}

/* 1 on a match (queue in *q, -1 if none), 0 otherwise, -ERANGE for a huge queue. */
static int match(const struct map_row *r, const char *name, size_t len, int *q)
{
	size_t digits;
	unsigned long v = 0;

	if (len < r->prefix_len + r->suffix_len ||
	    memcmp(name, r->prefix, r->prefix_len) ||
	    memcmp(name + len - r->suffix_len, r->suffix, r->suffix_len))
		return 0;
	digits = len - r->prefix_len - r->suffix_len;
	*q = -1;
	if (!r->has_num)
		return digits == 0;
	if (!digits)
		return 0;
	for (size_t i = 0; i < digits; i++) {
		char c = name[r->prefix_len + i];

		if (c < '0' || c > '9')
			return 0;
		if (v < DL_NIC_MAX_QUEUES)
			v = v * 10 + (c - '0');
	}
	if (!r->num_is_queue)
		return 1;
	if (v >= DL_NIC_MAX_QUEUES)
		return -ERANGE;
	*q = (int)v;
	return 1;
}

int dl_nic_map__lookup(const struct dl_nic_map *m, const char *driver,
		       const char *name, struct dl_nic_map_hit *hit)
{
	size_t len;
	int q, r;

	if (!m || !name || !hit)
		return -EINVAL;
	if (!driver)
		driver = "";
	len = strlen(name);
	/* Pass 0: rows of this driver; pass 1: the generic "*" rows. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->n; i++) {
			const struct map_row *row = &m->rows[i];

			if (strcmp(row->driver, pass ? "*" : driver))
				continue;
			r = match(row, name, len, &q);
			if (r < 0)
				return r;
			if (!r)
				continue;
			hit->col = row->col;
			hit->queue = q;
			hit->nosum = row->nosum;
			hit->minus = row->minus;
			hit->line = row->line;
			hit->source = row->source;
			return 0;
		}
	}
	return -ENOENT;
}
