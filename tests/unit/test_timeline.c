// SPDX-License-Identifier: GPL-2.0-only
/*
 * The drops-by-cause timeline from recorded interval records (tests/data):
 * entries sum each record's causes by reason, "t" runs from the start, the
 * window keeps the newest and counts what fell out, and the HTML page
 * carries every (interval, cause) count as a bar and a table cell with its
 * JSON path.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evidence/html.h"
#include "evidence/timeline.h"
#include "test_util.h"

/* The recorded records, one JSON per line. */
static json_t *records(void)
{
	json_t *a = json_array(), *r;
	json_error_t je;
	char line[65536];
	FILE *f = fopen(data_path("report-intervals.lab-a.jsonl"), "re");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		r = json_loads(line, 0, &je);
		if (!r)
			fail_msg("line %d: %s", je.line, je.text);
		json_array_append_new(a, r);
	}
	fclose(f);
	assert_int_equal(json_array_size(a), 3);
	return a;
}

static json_int_t at(const json_t *tl, size_t i, const char *reason)
{
	return json_integer_value(json_object_get(
		json_object_get(json_array_get(tl, i), "causes"), reason));
}

static void sums_by_reason(void **state)
{
	json_t *recs = records(), *tl, *r;
	struct dl_timeline *t = dl_timeline__new(10);
	size_t i;

	(void)state;
	json_array_foreach(recs, i, r)
		assert_int_equal(dl_timeline__add(t, r), 0);
	tl = dl_timeline__json(t);
	assert_int_equal(json_array_size(tl), 3);
	assert_int_equal(at(tl, 0, "NO_SOCKET"), 17);
	assert_int_equal(at(tl, 0, "UNHANDLED_PROTO"), 4);
	assert_int_equal(at(tl, 1, "NO_SOCKET"), 6);
	assert_int_equal(json_object_size(json_object_get(json_array_get(tl, 2), "causes")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(tl, 0), "dropped")), 21);
	/* t: the durations so far */
	assert_true(json_real_value(json_object_get(json_array_get(tl, 2), "t")) >
		    json_real_value(json_object_get(json_array_get(tl, 1), "t")));
	assert_int_equal(dl_timeline__omitted(t), 0);
	json_decref(tl);
	/* a record without causes is refused, not guessed */
	r = json_object();
	assert_int_equal(dl_timeline__add(t, r), -EINVAL);
	json_decref(r);
	dl_timeline__free(t);
	json_decref(recs);
}

static void window_keeps_newest(void **state)
{
	json_t *recs = records(), *tl, *root = json_object(), *r;
	struct dl_timeline *t = dl_timeline__new(2);
	size_t i;

	(void)state;
	json_array_foreach(recs, i, r)
		assert_int_equal(dl_timeline__add(t, r), 0);
	tl = dl_timeline__json(t);
	assert_int_equal(json_array_size(tl), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(tl, 0), "interval")), 2);
	assert_int_equal(dl_timeline__omitted(t), 1);
	assert_int_equal(dl_timeline__annotate(t, root), 0);
	assert_int_equal(json_integer_value(json_object_get(root, "timeline_omitted")), 1);
	json_decref(tl);
	json_decref(root);
	dl_timeline__free(t);
	json_decref(recs);
}

static void page_has_every_count(void **state)
{
	json_t *recs = records(), *root, *r;
	struct dl_timeline *t = dl_timeline__new(10);
	char *page = NULL;
	size_t len = 0, i;
	FILE *f;

	(void)state;
	json_array_foreach(recs, i, r)
		dl_timeline__add(t, r);
	/* The page of the last record with the run's timeline added. */
	root = json_deep_copy(json_array_get(recs, 2));
	assert_int_equal(dl_timeline__annotate(t, root), 0);
	f = open_memstream(&page, &len);
	assert_non_null(f);
	assert_int_equal(dl_html__write(root, f), 0);
	fclose(f);
	assert_non_null(strstr(page, "id=\"timeline-bars\""));
	/* stacked: the biggest cause at the bottom, the biggest interval full height */
	assert_non_null(strstr(page, "<rect x=\"57.0\" y=\"44.3\" width=\"198.0\" height=\"145.7\""));
	assert_non_null(strstr(page, "<rect x=\"57.0\" y=\"10.0\" width=\"198.0\" height=\"34.3\""));
	assert_non_null(strstr(page, "data-k=\".timeline[0].causes[&quot;NO_SOCKET&quot;]\" data-v=\"17\""));
	assert_non_null(strstr(page, "data-k=\".timeline[0].causes[&quot;UNHANDLED_PROTO&quot;]\" data-v=\"4\""));
	assert_non_null(strstr(page, "data-k=\".timeline[1].causes[&quot;NO_SOCKET&quot;]\" data-v=\"6\""));
	/* absent in an interval: 0 in the table, no bar */
	assert_non_null(strstr(page, "data-k=\".timeline[2].causes[&quot;NO_SOCKET&quot;]\" data-v=\"0\""));
	assert_null(strstr(page, "<rect x=\"457.0\""));
	assert_null(strstr(page, "http"));
	free(page);
	json_decref(root);
	dl_timeline__free(t);
	json_decref(recs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sums_by_reason),
		cmocka_unit_test(window_keeps_newest),
		cmocka_unit_test(page_has_every_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
