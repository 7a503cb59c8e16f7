// SPDX-License-Identifier: GPL-2.0-only
/* The discard-counter audit table; see mib_discards.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters/mib_discards.h"
#include "util/config_path.h"
#include "util/log.h"
#include "util/tsv.h"

#define NFIELDS 15

static const char *const sources[] = { "snmp", "netstat", "snmp6", "softnet", "sysfs", NULL };
static const char *const kinds[] = { "traced", "untraced", "nic", "not-a-packet-discard", NULL };
static const char *const dirs[] = { "rx", "tx", "-", NULL };
static const char *const scopes[] = { "netns", "device", "host", NULL };

static int index_of(const char *const *set, const char *s)
{
	for (int i = 0; set[i]; i++)
		if (!strcmp(set[i], s))
			return i;
	return -1;
}

static const char *opt(const char *s)
{
	return strcmp(s, "-") ? s : NULL;
}

void dl_mib_discards__free(struct dl_mib_discards *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free((char *)t->rows[i].label);
	free(t->rows);
	free(t->text);
	free(t->origin);
	free(t);
}

const struct dl_mib_row *dl_mib_discards__find(const struct dl_mib_discards *t,
					       const char *group, const char *name)
{
	for (size_t i = 0; t && i < t->n; i++)
		if (!strcmp(t->rows[i].group, group) && !strcmp(t->rows[i].name, name))
			return &t->rows[i];
	return NULL;
}

static int row_from(struct dl_tsv *ts, char *text, struct dl_mib_row *r,
		    char *why, size_t why_len)
{
	char *f[NFIELDS];
	int k, ncause = 0;

	if (ts->nf != NFIELDS || ts->too_many)
		return dl_tsv__fail(ts, why, why_len, "expected %d tab-separated fields, found %s%u",
				    NFIELDS, ts->too_many ? "more than " : "", ts->nf);
	for (int i = 0; i < NFIELDS; i++) {
		if (!ts->len[i])
			return dl_tsv__fail(ts, why, why_len, "field %d is empty ('-' for none)", i + 1);
		f[i] = text + (ts->f[i] - text);
		f[i][ts->len[i]] = '\0';	/* the tab or line end after it */
	}
	memset(r, 0, sizeof(*r));
	r->lineno = ts->lineno;
	r->source = f[0];
	r->group = f[1];
	r->name = f[2];
	r->dir = f[4];
	r->within = opt(f[5]);
	r->traced_as = opt(f[6]);
	r->scope = f[7];
	r->counts = f[8];
	r->site = f[9];
	r->reason = opt(f[10]);
	r->cause_group = opt(f[11]);
	r->function = opt(f[12]);
	r->summary = opt(f[13]);
	r->advice = opt(f[14]);
	r->parent = -1;
	if (index_of(sources, r->source) < 0)
		return dl_tsv__fail(ts, why, why_len, "unknown source '%s' (snmp, netstat, snmp6, softnet, sysfs)", r->source);
	k = index_of(kinds, f[3]);
	if (k < 0)
		return dl_tsv__fail(ts, why, why_len, "unknown kind '%s' (traced, untraced, nic, not-a-packet-discard)", f[3]);
	r->kind = (enum dl_mib_kind)k;
	if (index_of(dirs, r->dir) < 0)
		return dl_tsv__fail(ts, why, why_len, "unknown dir '%s' (rx, tx, -)", r->dir);
	if (index_of(scopes, r->scope) < 0)
		return dl_tsv__fail(ts, why, why_len, "unknown scope '%s' (netns, device, host)", r->scope);
	ncause = !!r->reason + !!r->cause_group + !!r->function + !!r->summary + !!r->advice;
	if (ncause && (r->kind != DL_MIB_UNTRACED || strcmp(r->dir, "rx")))
		return dl_tsv__fail(ts, why, why_len, "%s %s: only untraced rx rows have a cause", r->group, r->name);
	if (ncause && ncause != 5)
		return dl_tsv__fail(ts, why, why_len, "%s %s: a cause needs reason, group, function, summary and advice", r->group, r->name);
	if (r->kind == DL_MIB_UNTRACED && !strcmp(r->dir, "rx")) {
		/* The ledger reads these from the MIB files only. */
		if (index_of(sources, r->source) > 2)
			return dl_tsv__fail(ts, why, why_len, "%s %s: untraced rows must be snmp, netstat or snmp6 counters", r->group, r->name);
		if (!ncause && !r->within)
			return dl_tsv__fail(ts, why, why_len, "%s %s: an untraced row needs a cause or a `within` whose cause covers it", r->group, r->name);
		if (ncause && !strstr(r->summary, "{count}"))
			return dl_tsv__fail(ts, why, why_len, "%s %s: the summary must say {count}", r->group, r->name);
	} else if (r->traced_as) {
		return dl_tsv__fail(ts, why, why_len, "%s %s: traced_as is for untraced rows", r->group, r->name);
	}
	return 0;
}

/* `within` names a row of the table, one level deep (a parent has none). */
static int link_parents(struct dl_mib_discards *t, char *why, size_t why_len)
{
	for (size_t i = 0; i < t->n; i++) {
		struct dl_mib_row *r = &t->rows[i];
		size_t j;

		if (!r->within)
			continue;
		for (j = 0; j < t->n && strcmp(t->rows[j].label, r->within); j++)
			;
		if (j == t->n || j == i) {
			snprintf(why, why_len, "%s:%u: %s: within '%s' is not a row of the table",
				 t->origin, r->lineno, r->label, r->within);
			return -EINVAL;
		}
		if (t->rows[j].within) {
			snprintf(why, why_len, "%s:%u: %s: within '%s', which is itself within '%s' (one level only)",
				 t->origin, r->lineno, r->label, r->within, t->rows[j].within);
			return -EINVAL;
		}
		r->parent = (int)j;
	}
	return 0;
}

int dl_mib_discards__parse(const char *buf, size_t len, const char *origin,
			   struct dl_mib_discards **out, char *why, size_t why_len)
{
	struct dl_mib_discards *t;
	struct dl_tsv ts;
	size_t cap = 0;
	int err = -ENOMEM;

	if (why_len)
		why[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->origin = strdup(origin ? origin : "(input)");
	t->text = malloc(len + 1);
	if (!t->origin || !t->text)
		goto fail;
	memcpy(t->text, buf, len);
	t->text[len] = '\0';
	dl_tsv__init(&ts, t->text, len, t->origin);
	while (dl_tsv__next(&ts)) {
		struct dl_mib_row *r;
		char label[160];

		if (t->n == cap) {
			size_t nc = cap ? cap * 2 : 128;
			void *p = realloc(t->rows, nc * sizeof(*t->rows));

			if (!p)
				goto fail;
			t->rows = p;
			cap = nc;
		}
		r = &t->rows[t->n];
		err = row_from(&ts, t->text, r, why, why_len);
		if (err)
			goto fail;
		if (dl_mib_discards__find(t, r->group, r->name)) {
			err = dl_tsv__fail(&ts, why, why_len, "%s %s is listed twice", r->group, r->name);
			goto fail;
		}
		snprintf(label, sizeof(label), "%s %s", r->group, r->name);
		r->label = strdup(label);
		if (!r->label) {
			err = -ENOMEM;
			goto fail;
		}
		t->n++;
	}
	if (!t->n) {
		snprintf(why, why_len, "%s: no rows", t->origin);
		err = -EINVAL;
		goto fail;
	}
	err = link_parents(t, why, why_len);
	if (err)
		goto fail;
	*out = t;
	return 0;
fail:
	dl_mib_discards__free(t);
	return err;
}

int dl_mib_discards__load(const char *path, struct dl_mib_discards **out,
			  char *why, size_t why_len)
{
	char cand[512], *buf = NULL;
	size_t len = 0;
	int err;

	if (path)
		snprintf(cand, sizeof(cand), "%s", path);
	else
		dl_config__path("mib_discards.tsv", cand, sizeof(cand));
	err = dl_tsv__read_file(cand, &buf, &len, why, why_len);
	if (err)
		return err;
	err = dl_mib_discards__parse(buf, len, cand, out, why, why_len);
	free(buf);
	return err;
}

static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static struct dl_mib_discards *default_table;

static void load_default(void)
{
	char why[512];
	int err = dl_mib_discards__load(NULL, &default_table, why, sizeof(why));

	if (err) {
		pr_warn("discard-counter audit not loaded (%s): counted-but-not-traced drops stay in delivered\n",
			err == -ENOMEM ? strerror(ENOMEM) : why);
		default_table = NULL;
	}
}

const struct dl_mib_discards *dl_mib_discards__default(void)
{
	pthread_once(&default_once, load_default);
	return default_table;
}
