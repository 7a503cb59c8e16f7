// SPDX-License-Identifier: GPL-2.0-only
/*
 * NUMA-local blocks: fresh ones read as zero, dl_localmem__zero() clears
 * exactly the range asked for (partial pages written, whole pages given
 * back to the kernel), small heap blocks included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/localmem.h"

#define BIG (16u << 20)

/* RssAnon of this process in KiB. */
static long rss_anon_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "RssAnon:", 8))
			v = strtol(line + 8, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void test_big_block(void **state)
{
	unsigned char *p = dl_localmem__alloc(BIG + 100);
	long before, touched, after;

	(void)state;
	assert_non_null(p);
	before = rss_anon_kib();
	assert_true(all_zero(p, BIG + 100));
	memset(p, 0xab, BIG + 100);
	touched = rss_anon_kib();
	/* An odd range: partial pages at both ends, whole pages between. */
	dl_localmem__zero(p, BIG - 77);
	after = rss_anon_kib();
	assert_true(all_zero(p, BIG - 77));
	assert_true(p[BIG - 77] == 0xab && p[BIG + 99] == 0xab);
	/* Most of it went back: memory follows use, not the block's size. */
	assert_true(touched - before >= (long)(BIG / 1024) * 3 / 4);
	assert_true(touched - after >= (long)(BIG / 1024) * 3 / 4);
	dl_localmem__free(p);
}

static void test_small_block(void **state)
{
	unsigned char *p = dl_localmem__alloc(100);

	(void)state;
	assert_non_null(p);
	assert_true(all_zero(p, 100));
	memset(p, 1, 100);
	dl_localmem__zero(p, 60);
	assert_true(all_zero(p, 60));
	assert_true(p[60] == 1 && p[99] == 1);
	dl_localmem__zero(NULL, 10);
	dl_localmem__free(p);
	dl_localmem__free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_block),
		cmocka_unit_test(test_small_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
