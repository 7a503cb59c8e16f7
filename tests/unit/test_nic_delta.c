// SPDX-License-Identifier: GPL-2.0-only
/*
 * Intervals between two NIC snapshots built from real samples: clean deltas,
 * and the cases that must mark the interval reset instead of producing a
 * negative or huge number: a counter going backwards (driver reset), the
 * queue count changing, a source appearing or vanishing, a new interface.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "counters/nic_counters.h"
#include "counters/nic_delta.h"
#include "test_util.h"

#define B(c) (1u << (c))

static struct dl_nic_map *map;

static int setup(void **state)
{
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", test_dir("DL_CONFIGDIR"), DL_NIC_MAP_FILE);
	return dl_nic_map__load(path, &map);
}

static int teardown(void **state)
{
	(void)state;
	dl_nic_map__free(map);
	return 0;
}

/* @text with the first @from replaced by @to (a simulated later reading). */
static char *edit(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	assert_non_null(p);
	snprintf(out, n, "%.*s%s%s", (int)(p - text), text, to, p + strlen(from));
	return out;
}

static struct dl_nic_snapshot *snap(const char *driver, const char *text, int ifindex,
				    uint64_t t_ns, const struct dl_sysfs_stats *sys)
{
	struct dl_nic_inputs in = { .ifname = "t0", .ifindex = ifindex, .mono_ns = t_ns,
				    .sysfs = sys };
	struct dl_nic_snapshot *s = NULL;

	assert_int_equal(dl_ethtool_stats__parse_text(text, strlen(text), driver, "sample",
						      &in.ethtool), 0);
	assert_int_equal(dl_nic__snapshot_build(&in, map, &s), 0);
	return s;
}

static struct dl_nic_delta *delta(const struct dl_nic_snapshot *a, const struct dl_nic_snapshot *b)
{
	struct dl_nic_delta *d = NULL;

	assert_int_equal(dl_nic__delta(a, b, &d), 0);
	return d;
}

static void test_clean_interval(void **state)
{
	char *t0 = load_data("ethtool-S.bnxt_en.ethq.txt", NULL);
	char *t1a = edit(t0, "[0]: rx_ucast_packets: 10198513532",
			 "[0]: rx_ucast_packets: 10198513632");
	char *t1 = edit(t1a, "[0]: rx_discards: 11763190", "[0]: rx_discards: 11763290");
	struct dl_nic_snapshot *a = snap("bnxt_en", t0, 5, 1000000000, NULL);
	struct dl_nic_snapshot *b = snap("bnxt_en", t1, 5, 3000000000ULL, NULL);
	struct dl_nic_delta *d = delta(a, b);
	uint64_t v;

	(void)state;
	assert_int_equal(d->reset, 0);
	assert_int_equal(d->interval_ns, 2000000000ULL);
	assert_int_equal(d->nr_queues, 12);
	assert_int_equal(d->queue[0].v[DL_NIC_RX_PACKETS], 100);
	assert_int_equal(d->queue[0].v[DL_NIC_RING], 100);
	assert_int_equal(d->queue[1].v[DL_NIC_RING], 0);
	assert_true(d->queue[1].have & B(DL_NIC_RING));
	/* The ring total is the driver's own counter, not yet updated here. */
	assert_int_equal(d->global.v[DL_NIC_RING], 0);
	assert_int_equal(d->global.v[DL_NIC_RX_PACKETS], 100);
	assert_int_equal(dl_nic_vals__dropped(&d->queue[0], &v), 0);
	assert_int_equal(v, 100);
	/* Absent stays absent: bnxt has no XDP counters in this sample. */
	assert_int_equal(dl_nic_vals__get(&d->global, DL_NIC_XDP_DROPS, &v), -ENOENT);
	assert_int_equal(d->global.reset, 0);
	dl_nic__delta_free(d);
	dl_nic__snapshot_free(a);
	dl_nic__snapshot_free(b);
	free(t0);
	free(t1a);
	free(t1);
}

static void test_backwards(void **state)
{
	/* Driver reset: queue 0's drop counter restarts from a small value. */
	char *t0 = load_data("ethtool-S.bnxt_en.ethq.txt", NULL);
	char *t1a = edit(t0, "[0]: rx_discards: 11763190", "[0]: rx_discards: 12");
	char *t1 = edit(t1a, "[1]: rx_ucast_packets: ", "[1]: rx_ucast_packets: 7");
	struct dl_nic_snapshot *a = snap("bnxt_en", t0, 5, 1, NULL);
	struct dl_nic_snapshot *b = snap("bnxt_en", t1, 5, 2, NULL);
	struct dl_nic_delta *d = delta(a, b);
	uint64_t v;

	(void)state;
	assert_true(d->reset & DL_NIC_RESET_BACKWARDS);
	assert_false(d->reset & DL_NIC_RESET_QUEUES);
	assert_int_equal(d->queue[0].reset, B(DL_NIC_RING));
	/* Not a negative number, not 2^64 - 11763178: absent. */
	assert_int_equal(dl_nic_vals__get(&d->queue[0], DL_NIC_RING, &v), -ENOENT);
	assert_int_equal(d->queue[0].v[DL_NIC_RING], 0);
	assert_int_equal(d->queue[0].v[DL_NIC_RX_PACKETS], 0);
	assert_true(d->queue[0].have & B(DL_NIC_RX_PACKETS));
	/* A counter that jumped forward is a counter that grew: still a number. */
	assert_true(d->queue[1].have & B(DL_NIC_RX_PACKETS));
	assert_true(d->queue[1].v[DL_NIC_RX_PACKETS] > 0);
	dl_nic__delta_free(d);
	dl_nic__snapshot_free(a);
	dl_nic__snapshot_free(b);
	free(t0);
	free(t1a);
	free(t1);
}

/* The veth sample with only queues 0 and 1 (channels reduced to 2). */
static char *two_queues(const char *t)
{
	size_t n = strlen(t);
	char *out = malloc(n + 1), *o = out;
	const char *line = t, *nl;

	while (*line) {
		nl = strchr(line, '\n');
		nl = nl ? nl + 1 : line + strlen(line);
		if (!memmem(line, nl - line, "queue_2_", 8) &&
		    !memmem(line, nl - line, "queue_3_", 8)) {
			memcpy(o, line, nl - line);
			o += nl - line;
		}
		line = nl;
	}
	*o = '\0';
	return out;
}

static void test_queue_count_change(void **state)
{
	char *t4 = load_data("ethtool-S.veth.4queue.kernel-6.18.txt", NULL);
	char *t2 = two_queues(t4);
	struct dl_nic_snapshot *a = snap("veth", t4, 9, 1, NULL);
	struct dl_nic_snapshot *b = snap("veth", t2, 9, 2, NULL);
	struct dl_nic_delta *d = delta(a, b);
	uint64_t v;

	(void)state;
	assert_int_equal(a->nr_queues, 4);
	assert_int_equal(b->nr_queues, 2);
	assert_true(d->reset & DL_NIC_RESET_QUEUES);
	assert_int_equal(d->nr_queues, 2);
	/* Surviving queues still compare with themselves. */
	assert_int_equal(dl_nic_vals__get(&d->queue[1], DL_NIC_OTHER_DROP, &v), 0);
	assert_int_equal(v, 0);
	/* The interface sum now covers other queues: reset, not a drop of counts. */
	assert_true(d->global.reset & B(DL_NIC_OTHER_DROP));
	assert_int_equal(dl_nic_vals__get(&d->global, DL_NIC_OTHER_DROP, &v), -ENOENT);
	dl_nic__delta_free(d);

	/* Back to 4: queues 2 and 3 are new, so they have no interval yet. */
	d = delta(b, a);
	assert_true(d->reset & DL_NIC_RESET_QUEUES);
	assert_int_equal(d->nr_queues, 4);
	assert_int_equal(d->queue[3].have, 0);
	assert_int_equal(d->queue[3].reset, a->queue[3].have);
	assert_true(d->queue[0].have & B(DL_NIC_XDP_DROPS));
	dl_nic__delta_free(d);
	dl_nic__snapshot_free(a);
	dl_nic__snapshot_free(b);
	free(t4);
	free(t2);
}

static void test_source_change(void **state)
{
	char *t = load_data("ethtool-S.veth.4queue.kernel-6.18.txt", NULL);
	struct dl_sysfs_stats sys;
	struct dl_nic_snapshot *a, *b;
	struct dl_nic_delta *d;

	(void)state;
	/* The real veth statistics directory: rx_packets comes from sysfs. */
	assert_int_equal(dl_sysfs_stats__read_dir(data_path("sysfs-statistics.veth.kernel-6.18"),
						  &sys), 0);
	a = snap("veth", t, 9, 1, &sys);
	b = snap("veth", t, 9, 2, NULL);
	assert_int_equal(a->global.v[DL_NIC_RX_PACKETS], 27);
	assert_int_equal(a->global.src[DL_NIC_RX_PACKETS], DL_NIC_SRC_SYSFS);
	d = delta(a, b);
	assert_true(d->reset & DL_NIC_RESET_SOURCE);
	assert_true(d->global.reset & B(DL_NIC_RX_PACKETS));
	assert_false(d->global.have & B(DL_NIC_RX_PACKETS));
	/* The ethtool columns are unaffected. */
	assert_true(d->global.have & B(DL_NIC_XDP_DROPS));
	dl_nic__delta_free(d);
	dl_nic__snapshot_free(a);
	dl_nic__snapshot_free(b);
	free(t);
}

static void test_new_device(void **state)
{
	char *t = load_data("ethtool-S.veth.4queue.kernel-6.18.txt", NULL);
	struct dl_nic_snapshot *a = snap("veth", t, 9, 1, NULL);
	struct dl_nic_snapshot *b = snap("veth", t, 10, 2, NULL);
	struct dl_nic_delta *d = delta(a, b);

	(void)state;
	/* Same name, other ifindex: the interface was re-created. */
	assert_int_equal(d->reset, DL_NIC_RESET_DEVICE);
	assert_int_equal(d->global.have, 0);
	assert_int_equal(d->queue[0].have, 0);
	assert_int_equal(d->queue[0].reset, b->queue[0].have);
	dl_nic__delta_free(d);
	dl_nic__snapshot_free(a);
	dl_nic__snapshot_free(b);
	free(t);
	assert_int_equal(dl_nic__delta(NULL, NULL, &d), -EINVAL);
}

static void test_nosum(void **state)
{
	/* ixgbe: 5 more no-buffer events and 3 more missed frames. */
	char *t0 = load_data("ethtool-S.ixgbe.usrp-users-list.txt", NULL);
	char *t1a = edit(t0, "rx_no_buffer_count: 0", "rx_no_buffer_count: 5");
	char *t1 = edit(t1a, "rx_missed_errors: 0", "rx_missed_errors: 3");
	struct dl_nic_snapshot *a = snap("ixgbe", t0, 2, 1, NULL);
	struct dl_nic_snapshot *b = snap("ixgbe", t1, 2, 2, NULL);
	struct dl_nic_delta *d = delta(a, b);
	uint64_t v;

	(void)state;
	assert_int_equal(d->reset, 0);
	assert_int_equal(d->global.v[DL_NIC_NO_BUFFER], 5);
	assert_int_equal(d->global.nosum[DL_NIC_NO_BUFFER], 5);
	/* The frames are dropped once: in missed, not again in no_buffer. */
	assert_int_equal(dl_nic_vals__dropped(&d->global, &v), 0);
	assert_int_equal(v, 3);
	dl_nic__delta_free(d);
	dl_nic__snapshot_free(a);
	dl_nic__snapshot_free(b);
	free(t0);
	free(t1a);
	free(t1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_interval),
		cmocka_unit_test(test_backwards),
		cmocka_unit_test(test_queue_count_change),
		cmocka_unit_test(test_source_change),
		cmocka_unit_test(test_new_device),
		cmocka_unit_test(test_nosum),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
