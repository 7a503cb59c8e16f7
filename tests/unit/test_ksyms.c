// SPDX-License-Identifier: GPL-2.0-only
/* Kernel symbol lookup on a captured kallsyms sample. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trace/ksyms.h"

static char path[512];

static void test_resolve(void **state)
{
	struct dl_ksyms *ks = dl_ksyms__load(path);
	char buf[128];
	const char *name;
	uint64_t off;

	(void)state;
	assert_non_null(ks);
	assert_int_equal(dl_ksyms__count(ks), 29);
	/* A dropwatch-style location, as in seed 001. */
	dl_ksyms__format(ks, 0xffffffff820a64d0ULL + 0x1a4, buf, sizeof(buf));
	assert_string_equal(buf, "udp_queue_rcv_one_skb+0x1a4");
	dl_ksyms__format(ks, 0xffffffff82055b40ULL, buf, sizeof(buf));
	assert_string_equal(buf, "ip_rcv_finish+0x0");
	/* Symbols arrive unsorted (modules last): still found. */
	assert_int_equal(dl_ksyms__resolve(ks, 0xffffffffc0025ec8ULL, &name, &off), 0);
	assert_string_equal(name, "bpf_dispatcher_xdp");
	assert_int_equal(off, 8);
	/* Below every symbol: no name, the address is printed. */
	assert_int_equal(dl_ksyms__resolve(ks, 0x1000, &name, &off), -ENOENT);
	dl_ksyms__format(ks, 0x1000, buf, sizeof(buf));
	assert_string_equal(buf, "0x1000");
	dl_ksyms__free(ks);
}

static struct dl_ksyms *load_text(const char *text)
{
	char tmp[] = "/tmp/dl-ksyms-XXXXXX";
	int fd = mkstemp(tmp);
	struct dl_ksyms *ks;
	int saved;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ks = dl_ksyms__load(tmp);
	saved = errno;
	unlink(tmp);
	errno = saved;
	return ks;
}

static void test_errors(void **state)
{
	(void)state;
	/* kptr_restrict: addresses read as zero for unprivileged readers. */
	assert_null(load_text("0000000000000000 T _stext\n0000000000000000 t ip_rcv_finish\n"));
	assert_int_equal(errno, EPERM);
	assert_null(load_text("garbage\n\x01\x02 not a symbol table\n"));
	assert_int_equal(errno, EBADMSG);
	assert_null(load_text(""));
	assert_int_equal(errno, EBADMSG);
	assert_null(dl_ksyms__load("/nonexistent/kallsyms"));
	assert_int_equal(errno, ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_errors),
	};
	const char *dir = getenv("DL_TESTDATA");

	snprintf(path, sizeof(path), "%s/kallsyms.sample", dir ? dir : "tests/data");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
