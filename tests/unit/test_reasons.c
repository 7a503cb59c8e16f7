// SPDX-License-Identifier: GPL-2.0-only
/* Drop reason names from the running kernel's BTF. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trace/drop_reasons.h"

static void test_btf_names(void **state)
{
	struct dl_reasons *r = dl_reasons__load(NULL);
	uint32_t a, b;

	(void)state;
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
	if (!f)
		skip();
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

static void test_missing_btf(void **state)
{
	(void)state;
	assert_null(dl_reasons__load("/nonexistent/btf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_btf_names),
		cmocka_unit_test(test_matches_tracefs),
		cmocka_unit_test(test_missing_btf),
	};

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return 77;	/* kernel without BTF: nothing to read */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
