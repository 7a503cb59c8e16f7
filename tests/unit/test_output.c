// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checked output path: a write failure is kept with its errno (the
 * first one wins, nothing more goes out), and a reader that went away is
 * seen before anything is written, on pipes only.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "util/output.h"

static void test_full(void **state)
{
	struct dl_output o = { .name = "/dev/full" };
	json_t *body = json_pack("{s:i}", "x", 1);

	(void)state;
	o.f = fopen("/dev/full", "we");
	if (!o.f)
		skip();
	assert_int_equal(dl_output__json(&o, "report", body), -ENOSPC);
	assert_true(dl_output__failed(&o));
	/* Nothing more goes out once it failed. */
	assert_int_equal(dl_output__write(&o, "y", 1), -ENOSPC);
	assert_int_equal(dl_output__check(&o), -ENOSPC);
	assert_int_equal(dl_output__close(&o), -ENOSPC);
	json_decref(body);
}

static void test_pipe_reader_gone(void **state)
{
	struct dl_output o = { .name = "stdout" };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	o.f = fdopen(p[1], "w");
	assert_non_null(o.f);
	/* A reader: nothing to say. */
	assert_false(dl_output__gone(&o));
	assert_int_equal(dl_output__write(&o, "a\n", 2), 0);
	assert_int_equal(dl_output__check(&o), 0);
	close(p[0]);
	/* No reader: seen without writing, and kept as EPIPE. */
	assert_true(dl_output__gone(&o));
	assert_int_equal(o.err, -EPIPE);
	assert_int_equal(dl_output__write(&o, "b\n", 2), -EPIPE);
	dl_output__close(&o);
}

static void test_write_epipe(void **state)
{
	struct dl_output o = { .name = "stdout" };
	json_t *body = json_pack("{s:i}", "x", 1);
	int p[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	o.f = fdopen(p[1], "w");
	assert_non_null(o.f);
	close(p[0]);
	assert_int_equal(dl_output__json(&o, "report", body), -EPIPE);
	dl_output__close(&o);
	json_decref(body);
}

static void test_file_never_gone(void **state)
{
	struct dl_output o = { .name = "file" };

	(void)state;
	o.f = tmpfile();
	assert_non_null(o.f);
	assert_false(dl_output__gone(&o));
	assert_int_equal(dl_output__write(&o, "ok\n", 3), 0);
	assert_int_equal(dl_output__close(&o), 0);
	assert_false(dl_output__failed(&o));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_pipe_reader_gone),
		cmocka_unit_test(test_write_epipe),
		cmocka_unit_test(test_file_never_gone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
