// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drop reason names from the running kernel's BTF, and the coverage of the
 * causes tables: every reason of this kernel and of the recorded lists of
 * 5.17..6.18 (tests/data/reasons) has a specific row, every reason of this
 * kernel and of 6.18 has at least one site row (reason_sites.tsv), and the
 * functions catalogue and the site rows name functions this kernel has.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trace/drop_reasons.h"
#include "verdict/causes.h"

static struct dl_causes *causes;
static int have_btf;

/* A row is specific when it comes from the table and names its object. */
static void check_row(const char *reason, const char *from)
{
	static const char *const objects[] = {
		"{iface}", "{dport}", "{dst}", "{src}", "{flow}", "{ethertype}",
		"{queue}", "{function}", NULL,
	};
	const char *const *o;
	struct dl_cause_rule r;

	dl_causes__lookup(causes, reason, &r);
	if (!r.from_table)
		fail_msg("%s (%s) has no row in causes.tsv", reason, from);
	if (!strncmp(reason, "UNIX_", 5))
		return;	/* unix sockets: no packet header names the socket */
	for (o = objects; *o; o++)
		if (strstr(r.summary, *o))
			return;
	fail_msg("%s (%s): summary names no object: %s", reason, from, r.summary);
}

static void test_btf_names(void **state)
{
	struct dl_reasons *r;
	uint32_t a, b;

	(void)state;
	if (!have_btf)
		skip();
	r = dl_reasons__load(NULL);
	assert_non_null(r);
	assert_true(dl_reasons__count(r) > 20);
	assert_int_equal(dl_reasons__value(r, "NO_SOCKET", &a), 0);
	assert_int_equal(dl_reasons__value(r, "SKB_DROP_REASON_NO_SOCKET", &b), 0);
	assert_int_equal(a, b);
	assert_string_equal(dl_reasons__name(r, a), "NO_SOCKET");
	assert_int_equal(dl_reasons__value(r, "UNHANDLED_PROTO", &a), 0);
	assert_string_equal(dl_reasons__name(r, a), "UNHANDLED_PROTO");
	assert_null(dl_reasons__name(r, 0xfffffff0u));
	assert_int_equal(dl_reasons__value(r, "NO_SUCH_REASON", &a), -ENOENT);
	dl_reasons__free(r);
}

/* Cross-check against the tracepoint's own symbol table where tracefs is. */
static void test_matches_tracefs(void **state)
{
	FILE *f = fopen("/sys/kernel/tracing/events/skb/kfree_skb/format", "re");
	struct dl_reasons *r;
	char buf[16384], *p;
	size_t n;
	int checked = 0;

	(void)state;
	if (!f || !have_btf) {
		if (f)
			fclose(f);
		skip();
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	r = dl_reasons__load(NULL);
	assert_non_null(r);
	for (p = strstr(buf, "{ "); p; p = strstr(p + 1, "{ ")) {
		unsigned int v;
		char name[64];

		if (sscanf(p, "{ %u, \"%63[A-Z0-9_]\" }", &v, name) != 2)
			continue;
		if (dl_reasons__name(r, v) && strcmp(dl_reasons__name(r, v), name))
			fail_msg("value %u: BTF says %s, tracefs says %s", v,
				 dl_reasons__name(r, v), name);
		checked++;
	}
	assert_true(checked > 20);
	dl_reasons__free(r);
}

/* Every reason of the running kernel has a specific row. */
static void test_btf_coverage(void **state)
{
	struct dl_reasons *r;
	unsigned int v, seen = 0;

	(void)state;
	if (!have_btf)
		skip();
	r = dl_reasons__load(NULL);
	assert_non_null(r);
	/* Values are dense from 0; SKB_NOT_DROPPED_YET/CONSUMED/MAX are no drops. */
	for (v = 0; v < 4096; v++) {
		const char *n = dl_reasons__name(r, v);

		if (!n || !strcmp(n, "MAX") || !strcmp(n, "SUBSYS_MASK") ||
		    strstr(n, "NOT_DROPPED_YET") || strstr(n, "SKB_CONSUMED") ||
		    !strcmp(n, "CONSUMED") || !strcmp(n, "NOT_DROPPED_YET"))
			continue;
		check_row(n, "running kernel");
		seen++;
	}
	print_message("%u reasons of the running kernel have rows\n", seen);
	assert_true(seen > 20);
	dl_reasons__free(r);
}

/* Every reason of every recorded kernel list has a specific row. */
static void test_recorded_coverage(void **state)
{
	const char *data = getenv("DL_TESTDATA");
	char dir[512], path[1024], line[128];
	struct dirent *de;
	unsigned int files = 0, names = 0;
	DIR *d;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/reasons", data ? data : "tests/data");
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		FILE *f;

		if (!strstr(de->d_name, ".txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "re");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!line[0] || line[0] == '#')
				continue;
			check_row(line, de->d_name);
			names++;
		}
		fclose(f);
		files++;
	}
	closedir(d);
	print_message("%u recorded lists, %u names, all with rows\n", files, names);
	assert_true(files >= 4);
}

/* A reason_sites.tsv row (not expected.tsv) names @reason. */
static int has_site(const char *reason)
{
	size_t i, n = dl_causes__site_count(causes);

	for (i = 0; i < n; i++) {
		const struct dl_cause_site *s = dl_causes__site(causes, i);

		if (!s->expected && !strcmp(s->reason, reason))
			return 1;
	}
	return 0;
}

/* Append @name to the list of missing ones in @buf. */
static void add_missing(char *buf, size_t len, unsigned int *n, const char *name)
{
	size_t o = strlen(buf);

	if (o + strlen(name) + 2 < len)
		snprintf(buf + o, len - o, "%s%s", o ? " " : "", name);
	(*n)++;
}

static int is_drop_name(const char *n)
{
	return n && strcmp(n, "MAX") && strcmp(n, "SUBSYS_MASK") &&
	       !strstr(n, "NOT_DROPPED_YET") && !strstr(n, "SKB_CONSUMED") &&
	       strcmp(n, "CONSUMED");
}

/* Every reason of the running kernel has a site row. */
static void test_btf_sites(void **state)
{
	static char missing[8192];
	unsigned int v, seen = 0, absent = 0;
	struct dl_reasons *r;

	(void)state;
	if (!have_btf)
		skip();
	r = dl_reasons__load(NULL);
	assert_non_null(r);
	missing[0] = '\0';
	for (v = 0; v < 4096; v++) {
		const char *n = dl_reasons__name(r, v);

		if (!is_drop_name(n))
			continue;
		seen++;
		if (!has_site(n))
			add_missing(missing, sizeof(missing), &absent, n);
	}
	dl_reasons__free(r);
	print_message("%u reasons of the running kernel, %u without a site row\n", seen, absent);
	assert_true(seen > 20);
	if (absent)
		fail_msg("reasons of the running kernel without a row in reason_sites.tsv: %s",
			 missing);
}

/*
 * Every reason of the recorded 6.18 list (and of the openvswitch
 * subsystem) has a site row; older lists hold renamed reasons.
 */
static void test_recorded_sites(void **state)
{
	static const char *const lists[] = { "6.18.txt", "subsys-openvswitch.txt", NULL };
	const char *data = getenv("DL_TESTDATA");
	static char missing[8192];
	unsigned int names = 0, absent = 0;
	const char *const *l;
	char path[1024], line[128];

	(void)state;
	missing[0] = '\0';
	for (l = lists; *l; l++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/reasons/%s", data ? data : "tests/data", *l);
		f = fopen(path, "re");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			if (!line[0] || line[0] == '#')
				continue;
			names++;
			if (!has_site(line))
				add_missing(missing, sizeof(missing), &absent, line);
		}
		fclose(f);
	}
	print_message("%u recorded names, %u without a site row\n", names, absent);
	assert_true(names > 100);
	if (absent)
		fail_msg("recorded reasons without a row in reason_sites.tsv: %s", missing);
}

/*
 * This kernel's symbols as "\nname\n" lines, suffixes (.constprop.0) cut;
 * NULL when /proc/kallsyms is unreadable or hides the names.
 */
static char *load_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], *syms = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char name[256];

		if (sscanf(line, "%*s %*s %255s", name) != 1)
			continue;
		name[strcspn(name, ".")] = '\0';
		if (len + strlen(name) + 3 > cap) {
			cap = cap ? cap * 2 : 1 << 22;
			syms = realloc(syms, cap);
			assert_non_null(syms);
			if (!len)
				syms[len++] = '\n';
		}
		len += sprintf(syms + len, "%s\n", name);
	}
	fclose(f);
	if (!len) {
		free(syms);
		return NULL;
	}
	return syms;
}

static int in_kallsyms(const char *syms, const char *fn)
{
	char key[300];

	snprintf(key, sizeof(key), "\n%s\n", fn);
	return strstr(syms, key) != NULL;
}

/*
 * The functions catalogue against this kernel's symbols: functions of
 * modules not loaded or inlined away may be absent, but most must be there
 * (a typo is absent everywhere).
 */
static void test_functions_in_kallsyms(void **state)
{
	char *syms = load_kallsyms();
	size_t i, present = 0, n = dl_causes__fn_count(causes);

	(void)state;
	if (!syms)
		skip();
	assert_true(n >= 100);
	for (i = 0; i < n; i++) {
		const char *fn = dl_causes__fn(causes, i)->function;

		if (in_kallsyms(syms, fn))
			present++;
		else
			print_message("functions.tsv: %s not in this kernel (module, inlined or renamed)\n", fn);
	}
	free(syms);
	print_message("functions.tsv: %zu of %zu present in /proc/kallsyms\n", present, n);
	assert_true(present * 100 >= n * 80);
}

/*
 * The functions of reason_sites.tsv against this kernel's symbols, with
 * the catalogue's tolerance: sites in modules not loaded here (can,
 * openvswitch, sch_*) or inlined may be absent; a typo is absent everywhere.
 */
static void test_sites_in_kallsyms(void **state)
{
	char *syms = load_kallsyms();
	size_t i, j, present = 0, fns = 0, n = dl_causes__site_count(causes);

	(void)state;
	if (!syms)
		skip();
	for (i = 0; i < n; i++) {
		const struct dl_cause_site *s = dl_causes__site(causes, i);
		int dup = 0;

		if (s->expected || !strcmp(s->function, "*"))
			continue;
		/* Count each function once. */
		for (j = 0; j < i && !dup; j++) {
			const struct dl_cause_site *t = dl_causes__site(causes, j);

			dup = !t->expected && !strcmp(t->function, s->function);
		}
		if (dup)
			continue;
		fns++;
		if (in_kallsyms(syms, s->function))
			present++;
		else
			print_message("reason_sites.tsv: %s (%s) not in this kernel (module, inlined or renamed)\n",
				      s->function, s->reason);
	}
	free(syms);
	print_message("reason_sites.tsv: %zu of %zu functions present in /proc/kallsyms\n",
		      present, fns);
	assert_true(fns >= 50);
	assert_true(present * 100 >= fns * 80);
}

static void test_missing_btf(void **state)
{
	(void)state;
	if (!have_btf)
		skip();
	assert_null(dl_reasons__load("/nonexistent/btf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btf_names),
		cmocka_unit_test(test_matches_tracefs),
		cmocka_unit_test(test_missing_btf),
		cmocka_unit_test(test_btf_coverage),
		cmocka_unit_test(test_recorded_coverage),
		cmocka_unit_test(test_functions_in_kallsyms),
		cmocka_unit_test(test_btf_sites),
		cmocka_unit_test(test_recorded_sites),
		cmocka_unit_test(test_sites_in_kallsyms),
	};
	char err[256];
	int rc;

	/* Without BTF only the recorded lists and the catalogue are checked. */
	have_btf = !access("/sys/kernel/btf/vmlinux", R_OK);
	causes = dl_causes__load(NULL, err, sizeof(err));
	if (!causes) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	dl_causes__free(causes);
	return rc;
}
