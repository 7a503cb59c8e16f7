// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_af_xdp helpers of DPDK mode without root: --vdev parsing and the
 * xdp_prog= rewrite, and the built-in object handed over through a memfd
 * (opened back by path as the PMD does, with the map the PMD needs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <bpf/libbpf.h>

#include "dpdk/dpdk_afxdp.h"
#include "util/log.h"

static void quiet(enum dl_log_level l, const char *fmt, va_list ap)
{
	(void)l;
	(void)fmt;
	(void)ap;
}

static void test_parse(void **state)
{
	struct dl_afxdp_vdev v;

	(void)state;
	assert_int_equal(dl_afxdp_vdev__parse(
		"net_af_xdp0,iface=v0b,start_queue=2,queue_count=4", &v), 0);
	assert_string_equal(v.name, "net_af_xdp0");
	assert_string_equal(v.iface, "v0b");
	assert_int_equal(v.start_queue, 2);
	assert_int_equal(v.queue_count, 4);
	assert_false(v.has_prog);
	/* PMD defaults; the eth_ alias; keys we do not know are left alone */
	assert_int_equal(dl_afxdp_vdev__parse("eth_af_xdp1,busy_budget=0,iface=eth1,flag", &v), 0);
	assert_string_equal(v.name, "eth_af_xdp1");
	assert_string_equal(v.iface, "eth1");
	assert_int_equal(v.start_queue, 0);
	assert_int_equal(v.queue_count, 1);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,iface=v0b,xdp_prog=/x.o", &v), 0);
	assert_true(v.has_prog);
	/* a bare name parses; the PMD refuses it for want of iface */
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp", &v), 0);
	assert_string_equal(v.iface, "");
}

static void test_parse_other_and_bad(void **state)
{
	struct dl_afxdp_vdev v;

	(void)state;
	assert_int_equal(dl_afxdp_vdev__parse("net_ring0", &v), -ENOENT);
	assert_int_equal(dl_afxdp_vdev__parse("net_pcap0,iface=net_af_xdp", &v), -ENOENT);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,start_queue=-1", &v), -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,start_queue=2x", &v), -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,start_queue=", &v), -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,start_queue=64", &v), -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,queue_count=0", &v), -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,queue_count=99999999999", &v), -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,iface=", &v), -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse("net_af_xdp0,iface=a_name_longer_than_ifnamsiz", &v),
			 -EINVAL);
	assert_int_equal(dl_afxdp_vdev__parse(NULL, &v), -EINVAL);
}

static void test_with_prog(void **state)
{
	char *s;

	(void)state;
	s = dl_afxdp_vdev__with_prog("net_af_xdp0,iface=v0b", "/proc/self/fd/3");
	assert_non_null(s);
	assert_string_equal(s, "net_af_xdp0,iface=v0b,xdp_prog=/proc/self/fd/3");
	free(s);
	errno = 0;
	assert_null(dl_afxdp_vdev__with_prog("net_af_xdp0,iface=v0b", "/a,b.o"));
	assert_int_equal(errno, EINVAL);
	assert_null(dl_afxdp_vdev__with_prog("net_af_xdp0", ""));
}

/* What the PMD does with the path: open it, find xsks_map, one XDP program. */
static void test_memfd_object(void **state)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *m;
	char path[64];
	int fd;

	(void)state;
	fd = dl_afxdp_prog__memfd();
	assert_true(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	obj = bpf_object__open_file(path, NULL);
	assert_non_null(obj);
	assert_int_equal(libbpf_get_error(obj), 0);
	m = bpf_object__find_map_by_name(obj, "xsks_map");
	assert_non_null(m);
	assert_int_equal(bpf_map__type(m), BPF_MAP_TYPE_XSKMAP);
	assert_true(bpf_map__max_entries(m) >= DL_MAX_QUEUES);
	m = bpf_object__find_map_by_name(obj, DL_AFXDP_CNT_MAP);
	assert_non_null(m);
	assert_int_equal(bpf_map__type(m), BPF_MAP_TYPE_PERCPU_ARRAY);
	assert_int_equal(bpf_map__value_size(m), sizeof(struct dl_capture_cnt));
	prog = bpf_object__next_program(obj, NULL);
	assert_non_null(prog);
	assert_string_equal(bpf_program__name(prog), DL_AFXDP_PROG_NAME);
	assert_int_equal(bpf_program__type(prog), BPF_PROG_TYPE_XDP);
	assert_null(bpf_object__next_program(obj, prog));
	bpf_object__close(obj);
	close(fd);
}

static void test_read_bad(void **state)
{
	struct dl_afxdp_xdp x;

	(void)state;
	assert_int_equal(dl_afxdp_xdp__read(0, &x), -EINVAL);
	assert_int_equal(dl_afxdp_xdp__read(1, NULL), -EINVAL);
}

static void test_sub(void **state)
{
	struct dl_afxdp_xdp *now = calloc(1, sizeof(*now));
	struct dl_afxdp_xdp *base = calloc(1, sizeof(*base));

	(void)state;
	assert_non_null(now);
	assert_non_null(base);
	now->prog_id = base->prog_id = 7;
	now->ours = base->ours = true;
	now->q[3].frames = 10;
	now->q[3].redirected = 9;
	base->q[3].frames = 4;
	base->q[3].redirected = 4;
	dl_afxdp_xdp__sub(now, base);
	assert_int_equal(now->q[3].frames, 6);
	assert_int_equal(now->q[3].redirected, 5);
	/* another program (the PMD reloaded it): the counters started at 0 */
	base->prog_id = 8;
	dl_afxdp_xdp__sub(now, base);
	assert_int_equal(now->q[3].frames, 6);
	free(now);
	free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_other_and_bad),
		cmocka_unit_test(test_with_prog),
		cmocka_unit_test(test_memfd_object),
		cmocka_unit_test(test_read_bad),
		cmocka_unit_test(test_sub),
	};

	dl_log__set_sink(quiet);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
