// SPDX-License-Identifier: GPL-2.0-only
/* The drops-by-cause timeline (see timeline.h): a ring of JSON entries. */
#include <errno.h>
#include <stdlib.h>

#include "evidence/timeline.h"

struct dl_timeline {
	json_t **ring;
	unsigned int cap, head, n;	/* oldest at head */
	unsigned long long omitted;
	double t;			/* run time at the end of the last entry */
};

struct dl_timeline *dl_timeline__new(unsigned int cap)
{
	struct dl_timeline *tl = calloc(1, sizeof(*tl));

	if (!tl)
		return NULL;
	tl->cap = cap ? cap : 1;
	tl->ring = calloc(tl->cap, sizeof(*tl->ring));
	if (!tl->ring) {
		free(tl);
		errno = ENOMEM;
		return NULL;
	}
	return tl;
}

/* {REASON: count} summed over @causes, and their sum in *@total. */
static json_t *by_reason(const json_t *causes, json_int_t *total)
{
	json_t *m = json_object(), *c;
	size_t i;

	*total = 0;
	if (!m)
		return NULL;
	json_array_foreach(causes, i, c) {
		const char *r = json_string_value(json_object_get(c, "reason"));
		json_int_t n = json_integer_value(json_object_get(c, "count"));
		json_t *have;

		if (!r)
			r = "unknown";
		have = json_object_get(m, r);
		if (json_object_set_new(m, r, json_integer(json_integer_value(have) + n))) {
			json_decref(m);
			return NULL;
		}
		*total += n;
	}
	return m;
}

int dl_timeline__add(struct dl_timeline *tl, const json_t *rec)
{
	const json_t *k = json_object_get(rec, "interval");
	const json_t *dur = json_object_get(rec, "duration_s");
	json_t *e, *causes;
	json_int_t total;
	unsigned int slot;

	if (!json_is_integer(k) || !json_is_number(dur) ||
	    !json_is_array(json_object_get(rec, "causes")))
		return -EINVAL;
	causes = by_reason(json_object_get(rec, "causes"), &total);
	if (!causes)
		return -ENOMEM;
	tl->t += json_number_value(dur);
	e = json_pack("{s:O,s:f,s:O,s:I,s:o}", "interval", k, "t", tl->t, "duration_s", dur,
		      "dropped", total, "causes", causes);
	if (!e)
		return -ENOMEM;
	if (tl->n == tl->cap) {
		json_decref(tl->ring[tl->head]);
		tl->ring[tl->head] = e;
		tl->head = (tl->head + 1) % tl->cap;
		tl->omitted++;
		return 0;
	}
	slot = (tl->head + tl->n) % tl->cap;
	tl->ring[slot] = e;
	tl->n++;
	return 0;
}

json_t *dl_timeline__json(const struct dl_timeline *tl)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; a && tl && i < tl->n; i++)
		if (json_array_append(a, tl->ring[(tl->head + i) % tl->cap])) {
			json_decref(a);
			return NULL;
		}
	return a;
}

unsigned long long dl_timeline__omitted(const struct dl_timeline *tl)
{
	return tl ? tl->omitted : 0;
}

int dl_timeline__annotate(const struct dl_timeline *tl, json_t *root)
{
	json_t *a = dl_timeline__json(tl);

	if (!a || json_object_set_new(root, "timeline", a))
		return -ENOMEM;
	if (tl && tl->omitted &&
	    json_object_set_new(root, "timeline_omitted", json_integer((json_int_t)tl->omitted)))
		return -ENOMEM;
	return 0;
}

void dl_timeline__free(struct dl_timeline *tl)
{
	unsigned int i;

	if (!tl)
		return;
	for (i = 0; i < tl->n; i++)
		json_decref(tl->ring[(tl->head + i) % tl->cap]);
	free(tl->ring);
	free(tl);
}
