// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON line contract: config/report.schema.json parses as a draft
 * 2020-12 schema; a recorded report line and a line the code writes now
 * carry every field it requires; the envelope's time, seq and host are
 * well formed; an oversized line is cut to journald's limit with a count.
 * (The output path itself: test_output.c.)
 */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "ledger/ledger.h"
#include "test_util.h"
#include "util/json.h"

static json_t *load_schema(void)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *s;

	snprintf(path, sizeof(path), "%s/report.schema.json", test_dir("DL_CONFIGDIR"));
	s = json_load_file(path, 0, &jerr);
	if (!s)
		fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
	assert_non_null(s);
	return s;
}

/* Every name in @schema's "required" is a key of @obj, recursively for
 * the properties that are objects themselves (totals). */
static void check_required(json_t *schema, json_t *obj, const char *where)
{
	json_t *req = json_object_get(schema, "required");
	json_t *props = json_object_get(schema, "properties");
	const char *key;
	json_t *v;
	size_t i;

	assert_true(json_is_object(obj));
	json_array_foreach(req, i, v) {
		const char *name = json_string_value(v);
		json_t *sub = props ? json_object_get(props, name) : NULL;

		assert_non_null(name);
		if (!json_object_get(obj, name))
			fail_msg("%s: required field '%s' missing", where, name);
		/* Every required field is described where fields are. */
		if (props && !sub)
			fail_msg("%s: required field '%s' not described", where, name);
	}
	json_object_foreach(props, key, v) {
		json_t *val = json_object_get(obj, key);

		if (val && json_is_object(val) && json_object_get(v, "required"))
			check_required(v, val, key);
	}
}

static void check_envelope(json_t *line, const char *command)
{
	const char *t = json_string_value(json_object_get(line, "time"));
	const char *b = json_string_value(json_object_get(line, "boot_id"));
	regex_t re;

	assert_int_equal(json_integer_value(json_object_get(line, "schema")), DL_JSON_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(line, "tool")), "dropledger");
	assert_string_equal(json_string_value(json_object_get(line, "command")), command);
	assert_true(json_integer_value(json_object_get(line, "seq")) >= 1);
	assert_non_null(t);
	assert_int_equal(regcomp(&re, "^[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:"
				 "[0-6][0-9]\\.[0-9]{6}Z$", REG_EXTENDED | REG_NOSUB), 0);
	assert_int_equal(regexec(&re, t, 0, NULL, 0), 0);
	regfree(&re);
	/* The kernel's form: 36 characters with dashes. */
	assert_non_null(b);
	assert_int_equal(strlen(b), 36);
	assert_true(json_is_string(json_object_get(line, "host")));
}

/* Report roots built from parts: all or nothing, optional parts left out. */
static void test_fill(void **state)
{
	json_t *root;

	(void)state;
	{
		struct dl_json_field f[] = {
			{ "a", json_integer(1) },
			{ "b", NULL, true },
			{ "c", json_string("x"), true },
		};

		root = dl_json__fill(json_object(), f, 3);
	}
	assert_non_null(root);
	assert_int_equal(json_object_size(root), 2);
	assert_int_equal(json_integer_value(json_object_get(root, "a")), 1);
	assert_null(json_object_get(root, "b"));
	json_decref(root);
	{
		struct dl_json_field f[] = {
			{ "a", json_integer(1) },
			{ "b", NULL },
		};

		errno = 0;
		assert_null(dl_json__fill(json_object(), f, 2));
		assert_int_equal(errno, ENOMEM);
	}
}

static void test_schema_parses(void **state)
{
	json_t *s = load_schema(), *env;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(s, "$schema")),
			    "https://json-schema.org/draft/2020-12/schema");
	assert_string_equal(json_string_value(json_object_get(s, "type")), "object");
	assert_int_equal(json_integer_value(json_object_get(
		json_object_get(json_object_get(s, "properties"), "schema"), "const")),
		DL_JSON_SCHEMA);
	/* The envelope is required, in the order lines carry it. */
	env = json_object_get(s, "required");
	assert_string_equal(json_string_value(json_array_get(env, 0)), "schema");
	assert_string_equal(json_string_value(json_array_get(env, 7)), "seq");
	json_decref(s);
}

static void test_recorded_line(void **state)
{
	json_t *s = load_schema(), *line;
	json_error_t jerr;

	(void)state;
	line = json_load_file(data_path("report_line.json"), 0, &jerr);
	assert_non_null(line);
	check_required(s, line, "recorded report line");
	check_envelope(line, "report");
	json_decref(line);
	json_decref(s);
}

/* What the code writes today, not only what was recorded once. */
static void test_written_line(void **state)
{
	json_t *s = load_schema(), *a, *b;
	struct dl_ledger l = {};
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	json_error_t jerr;
	char *nl;

	(void)state;
	snprintf(l.ifname, sizeof(l.ifname), "v0b");
	l.ifindex = 3;
	l.mode = "tap";
	l.attach = "native";
	l.drop_source = "tp_btf";
	l.duration_s = 1;
	assert_int_equal(dl_ledger__print_json(&l, out), 0);
	assert_int_equal(dl_ledger__print_json(&l, out), 0);
	fclose(out);
	nl = strchr(buf, '\n');
	assert_non_null(nl);
	*nl = '\0';
	a = json_loads(buf, 0, &jerr);
	b = json_loads(nl + 1, 0, &jerr);
	assert_non_null(a);
	assert_non_null(b);
	check_required(s, a, "written report line");
	check_envelope(a, "report");
	/* seq counts lines of this process. */
	assert_int_equal(json_integer_value(json_object_get(b, "seq")),
			 json_integer_value(json_object_get(a, "seq")) + 1);
	json_decref(a);
	json_decref(b);
	json_decref(s);
	free(buf);
}

/* A line above the limit loses flow entries, counted, never its totals. */
static void test_truncated(void **state)
{
	json_t *body = json_object(), *cause = json_object(), *flows = json_array();
	json_t *causes = json_array(), *back;
	json_error_t jerr;
	size_t i, n = 5000, left;
	char *s;

	(void)state;
	for (i = 0; i < n; i++)
		json_array_append_new(flows, json_pack("{s:s, s:s, s:I}", "src", "198.18.0.1",
						       "dst", "198.18.0.2", "count",
						       (json_int_t)(n - i)));
	json_object_set_new(cause, "reason", json_string("NO_SOCKET"));
	json_object_set_new(cause, "flows", flows);
	json_array_append_new(causes, cause);
	json_object_set_new(body, "totals", json_pack("{s:i}", "stack_dropped", 5000));
	json_object_set_new(body, "causes", causes);
	s = dl_json__line(body, 0, DL_JSON_LINE_MAX);
	assert_non_null(s);
	assert_true(strlen(s) + 1 <= DL_JSON_LINE_MAX);
	assert_null(strchr(s, '\n'));
	back = json_loads(s, 0, &jerr);
	assert_non_null(back);
	left = json_array_size(json_object_get(json_array_get(json_object_get(back, "causes"), 0),
					       "flows"));
	assert_true(left > 0);
	/* Every entry is either there or counted. */
	assert_int_equal(json_integer_value(json_object_get(back, "flows_truncated")), n - left);
	/* The biggest flows stay. */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
		json_object_get(json_array_get(json_object_get(back, "causes"), 0), "flows"), 0),
		"count")), n);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(back, "totals"),
							    "stack_dropped")), 5000);
	free(s);
	json_decref(back);
	/* A small line is left whole, with no flows_truncated field. */
	s = dl_json__line(json_object_get(body, "totals"), 0, DL_JSON_LINE_MAX);
	assert_string_equal(s, "{\"stack_dropped\":5000}");
	free(s);
	json_decref(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_schema_parses),
		cmocka_unit_test(test_recorded_line),
		cmocka_unit_test(test_written_line),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
