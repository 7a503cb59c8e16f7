// SPDX-License-Identifier: GPL-2.0-only
/*
 * config/advice.tsv and its evaluator (no root): the shipped rows parse,
 * every main row is chosen by a recorded context (tests/data/advice/
 * contexts.tsv) and renders the text recorded for it, the condition
 * grammar evaluates as documented, and malformed tables are rejected with
 * the file and line.
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

#include "util/tsv.h"
#include "verdict/advice_rules.h"
#include "test_util.h"

#define assert_has(hay, needle) do {					\
	if (!strstr((hay), (needle)))					\
		fail_msg("'%s' not in '%s'", (needle), (hay));		\
} while (0)

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = malloc(1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static const char *datadir(void)
{
	const char *d = getenv("DL_CONFIGDIR");

	if (!d)
		skip();
	return d;
}

static struct dl_advice *shipped(void)
{
	char path[512], err[512] = "";
	struct dl_advice *a = NULL;

	snprintf(path, sizeof(path), "%s/advice.tsv", datadir());
	if (dl_advice__load(path, &a, err, sizeof(err)))
		fail_msg("%s", err);
	return a;
}

/* "a=1;b=x y" into @c. */
static void fill(struct dl_advice_ctx *c, const char *vals)
{
	char *copy = strdup(vals), *save = NULL, *kv;

	for (kv = strtok_r(copy, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(kv, '=');

		assert_non_null(eq);
		*eq = '\0';
		dl_advice_ctx__set(c, kv, "%s", eq + 1);
	}
	free(copy);
}

static void test_shipped_conditions_parse(void **state)
{
	struct dl_advice *a = shipped();
	struct dl_advice_row r;
	char err[256];
	size_t i;

	(void)state;
	assert_true(dl_advice__count(a) > 20);
	for (i = 0; i < dl_advice__count(a); i++) {
		assert_int_equal(dl_advice__row(a, i, &r), 0);
		if (dl_advice__eval(r.when, NULL, err, sizeof(err)) < 0)
			fail_msg("advice.tsv:%u: %s", r.lineno, err);
	}
	dl_advice__free(a);
}

/* Each recorded context picks a row and renders the recorded text; every main row is used. */
static void test_recorded_contexts(void **state)
{
	struct dl_advice *a = shipped();
	char path[512], *buf, s[1024], v[1024];
	size_t len, i, n = dl_advice__count(a), cases = 0;
	bool *used = calloc(n, sizeof(bool));
	struct dl_advice_row r;
	struct dl_tsv t;

	(void)state;
	snprintf(path, sizeof(path), "%s/advice/contexts.tsv", getenv("DL_TESTDATA"));
	buf = slurp(path, &len);
	dl_tsv__init(&t, buf, len, path);
	while (dl_tsv__next(&t)) {
		char *key = dl_tsv__dup(&t, 0), *fn = dl_tsv__dup(&t, 1),
		     *vals = dl_tsv__dup(&t, 2), *want_s = dl_tsv__dup(&t, 3),
		     *want_a = dl_tsv__dup(&t, 4);
		const char *func = strcmp(fn, "-") ? fn : NULL;
		bool rss = !strcmp(key, "rss");
		struct dl_advice_ctx c = { 0 };
		int k = -1, nused;

		assert_int_equal(t.nf, 5);
		fill(&c, vals);
		while ((k = dl_advice__select(a, key, func, &c, k + 1)) >= 0) {
			used[k] = true;
			if (!rss)
				break;
		}
		memset(&c, 0, sizeof(c));
		fill(&c, vals);
		strcpy(s, "-");
		v[0] = '\0';
		nused = dl_advice__apply(a, key, func, &c, rss, s, sizeof(s), v, sizeof(v));
		if (nused < 1)
			fail_msg("%s:%u: no row matched", path, t.lineno);
		if (strcmp(want_s, "-"))
			assert_has(s, want_s);
		assert_has(v, want_a);
		/* No placeholder left unfilled. */
		if (strchr(s, '{') || strchr(v, '{'))
			fail_msg("%s:%u: unfilled placeholder in '%s' / '%s'", path, t.lineno, s, v);
		cases++;
		free(key);
		free(fn);
		free(vals);
		free(want_s);
		free(want_a);
	}
	assert_true(cases > 10);
	for (i = 0; i < n; i++) {
		assert_int_equal(dl_advice__row(a, i, &r), 0);
		if (strncmp(r.key, "let:", 4) && !used[i])
			fail_msg("advice.tsv:%u (%s %s %s) has no recorded context in %s",
				 r.lineno, r.key, r.function, r.when, path);
	}
	free(used);
	free(buf);
	dl_advice__free(a);
}

static void test_eval(void **state)
{
	struct dl_advice_ctx c = { 0 };
	char err[128];

	(void)state;
	fill(&c, "all=1;dev=0;iface=v0b;back=v1b;kind=skew;zero=0;empty=");
	assert_int_equal(dl_advice__eval("-", &c, err, sizeof(err)), 1);
	assert_int_equal(dl_advice__eval("all=1", &c, err, sizeof(err)), 1);
	assert_int_equal(dl_advice__eval("all=0,2", &c, err, sizeof(err)), 0);
	assert_int_equal(dl_advice__eval("all=0,1,2", &c, err, sizeof(err)), 1);
	assert_int_equal(dl_advice__eval("all!=1", &c, err, sizeof(err)), 0);
	assert_int_equal(dl_advice__eval("all>{dev}", &c, err, sizeof(err)), 1);
	assert_int_equal(dl_advice__eval("all<={dev}", &c, err, sizeof(err)), 0);
	assert_int_equal(dl_advice__eval("back!={iface}", &c, err, sizeof(err)), 1);
	assert_int_equal(dl_advice__eval("all=1 && dev=1", &c, err, sizeof(err)), 0);
	assert_int_equal(dl_advice__eval("all=1 && (dev=1 || kind=skew)", &c, err,
					 sizeof(err)), 1);
	assert_int_equal(dl_advice__eval("!zero && !empty && !unset && all", &c, err,
					 sizeof(err)), 1);
	assert_int_equal(dl_advice__eval("!(all=1)", &c, err, sizeof(err)), 0);
	/* Numbers only compare as numbers; an unset name is "". */
	assert_int_equal(dl_advice__eval("unset>=0", &c, err, sizeof(err)), 0);
	assert_int_equal(dl_advice__eval("iface>0", &c, err, sizeof(err)), 0);
	assert_int_equal(dl_advice__eval("unset=", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(dl_advice__eval("all=1 &&", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(dl_advice__eval("(all=1", &c, err, sizeof(err)), -EINVAL);
	assert_has(err, "missing ')'");
	assert_int_equal(dl_advice__eval("all=>1", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(dl_advice__eval("all=1 dev=0", &c, err, sizeof(err)), -EINVAL);
	assert_has(err, "unexpected 'dev=0'");
}

static void test_render(void **state)
{
	struct dl_advice_ctx c = { 0 };
	char buf[64];

	(void)state;
	fill(&c, "iface=v0b;empty=");
	dl_advice__render("on {iface}, {empty|none}, {unset|the interface}", &c, buf,
			  sizeof(buf));
	assert_string_equal(buf, "on v0b, none, the interface");
	dl_advice__render("{iface}{iface}{iface}", &c, buf, 7);
	assert_string_equal(buf, "v0bv0b");
}

/* A bad table names its file and line. */
static void expect_bad(const char *text, const char *line, const char *why)
{
	struct dl_advice *a = (void *)1;
	char err[512] = "";

	assert_int_equal(dl_advice__parse(text, strlen(text), "bad.tsv", &a, err,
					  sizeof(err)), -EINVAL);
	assert_null(a);
	assert_has(err, line);
	assert_has(err, why);
}

static void test_malformed(void **state)
{
	(void)state;
	expect_bad("# c\nX\t*\t-\ts\n", "bad.tsv:2:", "expected 5 tab-separated fields");
	expect_bad("X\t*\t-\ts\ta\nY\t*\tcarier=0\ts\ta\n", "bad.tsv:2:",
		   "unknown name 'carier'");
	expect_bad("\nX\t*\tall=>1\ts\ta\n", "bad.tsv:2:", "unknown operator '=>'");
	expect_bad("X\t*\tall<strict\ts\ta\n", "bad.tsv:1:", "compares numbers");
	expect_bad("X\t*\t(all=1\ts\ta\n", "bad.tsv:1:", "missing ')'");
	expect_bad("X\t*\t-\tdropped on {ifname}\ta\n", "bad.tsv:1:",
		   "unknown placeholder '{ifname}'");
	expect_bad("X\t*\t-\ts\tset {iface\n", "bad.tsv:1:", "'{' without '}'");
	expect_bad("let:Bad-Name\t*\t-\ts\t-\n", "bad.tsv:1:", "bad let name");
	expect_bad("X\t\t-\ts\ta\n", "bad.tsv:1:", "field 2 is empty");
	expect_bad("# only comments\n\n", "bad.tsv:", "no rules");
}

/* A let defined in the table is a name later rows may read. */
static void test_let(void **state)
{
	static const char text[] =
		"X\t*\tmode=strict\t{mode} via {iface}\t-\n"
		"let:mode\t*\tall=1\tstrict\t-\n"
		"let:mode\t*\t-\tother\t-\n";
	struct dl_advice_ctx c = { 0 };
	struct dl_advice *a;
	char err[256], s[64] = "", v[64] = "keep";

	(void)state;
	assert_int_equal(dl_advice__parse(text, sizeof(text) - 1, "t.tsv", &a, err,
					  sizeof(err)), 0);
	fill(&c, "all=1;iface=v0b");
	assert_int_equal(dl_advice__apply(a, "X", NULL, &c, false, s, sizeof(s), v,
					  sizeof(v)), 1);
	assert_string_equal(s, "strict via v0b");
	assert_string_equal(v, "keep");
	memset(&c, 0, sizeof(c));
	fill(&c, "all=2");
	assert_int_equal(dl_advice__apply(a, "X", NULL, &c, false, s, sizeof(s), v,
					  sizeof(v)), 0);
	assert_string_equal(dl_advice_ctx__get(&c, "mode"), "other");
	dl_advice__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_conditions_parse),
		cmocka_unit_test(test_recorded_contexts),
		cmocka_unit_test(test_eval),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_let),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
