// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's counters in the ledger, from recorded snapshots: NIC drops
 * per interval, a counter that goes backwards (driver reset) marks the
 * interval and yields no negative or huge number, and SNMP cross-checks
 * match or explain the mismatch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "counters/kstate.h"
#include "ledger/ledger.h"
#include "counters/nic_counters.h"
#include "counters/nic_delta.h"
#include "counters/snmp.h"

static struct dl_nic_snapshot *nic_snap(uint64_t rx_packets, uint64_t rx_dropped,
					uint64_t missed)
{
	struct dl_sysfs_stats s = {};
	struct dl_nic_inputs in = {
		.ifname = "eth9", .ifindex = 9, .driver = "e1000e", .sysfs = &s,
	};
	struct dl_nic_snapshot *snap = NULL;

	s.v[DL_SYSFS_RX_PACKETS] = rx_packets;
	s.v[DL_SYSFS_RX_DROPPED] = rx_dropped;
	s.v[DL_SYSFS_RX_MISSED_ERRORS] = missed;
	s.have = 1u << DL_SYSFS_RX_PACKETS | 1u << DL_SYSFS_RX_DROPPED |
		 1u << DL_SYSFS_RX_MISSED_ERRORS;
	assert_int_equal(dl_nic__snapshot_build(&in, NULL, &snap), 0);
	return snap;
}

static struct dl_snmp *snmp(unsigned int rcvbuf, unsigned int noports)
{
	char text[512];
	struct dl_snmp *t;

	snprintf(text, sizeof(text),
		 "Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n"
		 "Udp: 100 %u %u 5 %u 0 0 0 0\n", noports, rcvbuf, rcvbuf);
	assert_int_equal(dl_snmp__new(&t), 0);
	assert_int_equal(dl_snmp__parse(t, text, strlen(text), "test"), 0);
	return t;
}

static void ledger_with_cause(struct dl_ledger *l, struct dl_ledger_cause *c,
			      const char *reason, const char *fn, uint64_t n)
{
	memset(l, 0, sizeof(*l));
	memset(c, 0, sizeof(*c));
	snprintf(l->ifname, sizeof(l->ifname), "eth9");
	l->mode = "tap";
	l->nqueues = 1;
	snprintf(c->reason_name, sizeof(c->reason_name), "%s", reason);
	snprintf(c->function, sizeof(c->function), "%s", fn);
	c->count = n;
	c->category = "stack";
	c->group = "socket";
	l->causes = c;
	l->ncauses = 1;
}

static void test_clean_interval(void **state)
{
	struct dl_kstate a = { .nic = nic_snap(1000, 10, 3), .snmp = snmp(10, 0) };
	struct dl_kstate b = { .nic = nic_snap(1600, 14, 8), .snmp = snmp(15, 0) };
	struct dl_ledger_cause c;
	struct dl_ledger l;
	unsigned int i, seen = 0;

	(void)state;
	ledger_with_cause(&l, &c, "SOCKET_RCVBUFF", "udp_queue_rcv_one_skb", 5);
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	assert_non_null(l.nic);
	assert_int_equal(l.nic->reset, 0);
	/* e1000e maps sysfs rx_missed_errors to a drop column: 8 - 3. */
	assert_true(l.nic_dropped.have);
	assert_int_equal(l.nic_dropped.v, 5);
	for (i = 0; i < l.nxchecks; i++) {
		if (strcmp(l.xchecks[i].counter, "Udp RcvbufErrors"))
			continue;
		assert_true(l.xchecks[i].kernel.have);
		assert_int_equal(l.xchecks[i].kernel.v, 5);
		assert_int_equal(l.xchecks[i].traced, 5);
		assert_true(l.xchecks[i].match);
		seen++;
	}
	assert_int_equal(seen, 1);
	l.causes = NULL;
	l.ncauses = 0;
	dl_ledger__free(&l);
	dl_kstate__release(&a);
	dl_kstate__release(&b);
}

static void test_reset_marks_interval(void **state)
{
	/* The driver reset: every counter restarts from a small value. */
	struct dl_kstate a = { .nic = nic_snap(5000000, 400, 90), .snmp = snmp(20, 7) };
	struct dl_kstate b = { .nic = nic_snap(120, 1, 0), .snmp = snmp(2, 7) };
	struct dl_ledger_cause c;
	struct dl_ledger l;
	json_t *root, *nic, *ctr, *v;
	const char *key;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *out;

	(void)state;
	ledger_with_cause(&l, &c, "SOCKET_RCVBUFF", "udp_queue_rcv_one_skb", 3);
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	assert_non_null(l.nic);
	assert_true(l.nic->reset & DL_NIC_RESET_BACKWARDS);
	assert_false(l.nic_dropped.have);	/* unknown, not negative, not 0 */
	for (i = 0; i < l.nxchecks; i++) {
		if (!strcmp(l.xchecks[i].counter, "Udp RcvbufErrors")) {
			assert_false(l.xchecks[i].kernel.have);
			assert_false(l.xchecks[i].match);
			assert_non_null(strstr(l.xchecks[i].note, "backwards"));
		}
	}
	out = open_memstream(&buf, &len);
	assert_int_equal(dl_ledger__print_json(&l, out), 0);
	fclose(out);
	root = json_loads(buf, 0, NULL);
	assert_non_null(root);
	nic = json_object_get(root, "nic");
	assert_string_equal(json_string_value(json_array_get(json_object_get(nic, "interval_reset"), 0)),
			    "backwards");
	assert_true(json_is_null(json_object_get(json_object_get(root, "totals"), "nic_dropped")));
	ctr = json_object_get(nic, "counters");
	json_object_foreach(ctr, key, v) {
		/* Every column is either absent or a sane non-negative delta. */
		if (!json_is_null(v) && (json_integer_value(v) < 0 ||
					 json_integer_value(v) > 1000000))
			fail_msg("%s = %lld after a reset", key, (long long)json_integer_value(v));
	}
	json_decref(root);
	free(buf);
	l.causes = NULL;
	l.ncauses = 0;
	dl_ledger__free(&l);
	dl_kstate__release(&a);
	dl_kstate__release(&b);
}

static void test_nothing_readable(void **state)
{
	struct dl_kstate a = {}, b = {};
	struct dl_ledger_cause c;
	struct dl_ledger l;

	(void)state;
	ledger_with_cause(&l, &c, "NO_SOCKET", "__udp4_lib_rcv", 4);
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	assert_null(l.nic);
	assert_false(l.nic_dropped.have);
	/* The traced side is still shown; the kernel side is absent. */
	assert_int_equal(l.nxchecks, 1);
	assert_false(l.xchecks[0].kernel.have);
	assert_int_equal(l.xchecks[0].traced, 4);
	l.causes = NULL;
	l.ncauses = 0;
	dl_ledger__free(&l);
}

/* Neighbour and conntrack tables: deltas, absent when unreadable, checks. */
static void test_tables(void **state)
{
	struct dl_kstate a = {}, b = {};
	struct dl_ledger_cause c;
	struct dl_ledger l;
	unsigned int i, seen = 0;

	(void)state;
	ledger_with_cause(&l, &c, "NEIGH_QUEUEFULL", "__neigh_event_send", 6);
	c.tx = true;
	a.arp.available = b.arp.available = true;
	a.arp.have = b.arp.have = 1u << DL_NEIGH_UNRESOLVED_DISCARDS | 1u << DL_NEIGH_TABLE_FULLS;
	a.arp.v[DL_NEIGH_UNRESOLVED_DISCARDS] = 100;
	b.arp.v[DL_NEIGH_UNRESOLVED_DISCARDS] = 106;
	a.arp.v[DL_NEIGH_TABLE_FULLS] = b.arp.v[DL_NEIGH_TABLE_FULLS] = 9;
	a.ct.available = b.ct.available = true;
	a.ct.have = b.ct.have = 1u << DL_CT_DROP | 1u << DL_CT_ENTRIES;
	a.ct.v[DL_CT_DROP] = 5;
	b.ct.v[DL_CT_DROP] = 12;
	b.ct.v[DL_CT_ENTRIES] = 65536;
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	assert_true(l.arp_unresolved_discards.have);
	assert_int_equal(l.arp_unresolved_discards.v, 6);
	assert_true(l.arp_table_fulls.have);
	assert_int_equal(l.arp_table_fulls.v, 0);
	assert_int_equal(l.ct_drop.v, 7);
	assert_false(l.ct_early_drop.have);	/* column absent: n/a, not 0 */
	assert_int_equal(l.ct_entries.v, 65536);
	for (i = 0; i < l.nxchecks; i++) {
		if (strcmp(l.xchecks[i].counter, "arp_cache unresolved_discards"))
			continue;
		assert_int_equal(l.xchecks[i].traced, 6);
		assert_true(l.xchecks[i].match);
		seen++;
	}
	assert_int_equal(seen, 1);
	l.causes = NULL;
	l.ncauses = 0;
	dl_ledger__free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_interval),
		cmocka_unit_test(test_reset_marks_interval),
		cmocka_unit_test(test_nothing_readable),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
