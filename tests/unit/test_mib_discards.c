// SPDX-License-Identifier: GPL-2.0-only
/*
 * The discard-counter audit (config/mib_discards.tsv) against the recorded
 * 6.18 counter files: every row names a counter the kernel prints, every
 * counter named like a discard is audited, malformed tables are refused
 * with file:line, and recorded snapshots around real incidents give
 * "counted, not traced" causes with the exact deltas, nested counters once,
 * and a balanced ledger.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "counters/kstate.h"
#include "counters/mib_discards.h"
#include "counters/snmp.h"
#include "ledger/ledger.h"
#include "ledger/ledger_untraced.h"

static const char *data_path(const char *name)
{
	static char buf[1024];
	const char *d = getenv("DL_TESTDATA");

	snprintf(buf, sizeof(buf), "%s/%s", d ? d : "tests/data", name);
	return buf;
}

static struct dl_snmp *load(const char *a, const char *b, const char *c)
{
	const char *files[] = { a, b, c };
	struct dl_snmp *t;

	assert_int_equal(dl_snmp__new(&t), 0);
	for (int i = 0; i < 3; i++)
		if (files[i])
			assert_int_equal(dl_snmp__load(t, data_path(files[i])), 0);
	return t;
}

static struct dl_mib_discards *table(void)
{
	struct dl_mib_discards *t = NULL;
	char why[512];
	int err = dl_mib_discards__load(NULL, &t, why, sizeof(why));

	if (err)
		fail_msg("mib_discards.tsv: %s", why);
	return t;
}

static struct dl_snmp *recorded_618(void)
{
	return load("proc-net-snmp.kernel-6.18.txt", "proc-net-netstat.kernel-6.18.txt",
		    "proc-net-snmp6.kernel-6.18.txt");
}

/* (a) Every MIB row names a counter 6.18 prints; sysfs rows a real file. */
static void test_rows_exist(void **state)
{
	struct dl_mib_discards *t = table();
	struct dl_snmp *k = recorded_618();
	unsigned int untraced = 0, causes = 0;
	uint64_t v;

	(void)state;
	for (size_t i = 0; i < t->n; i++) {
		const struct dl_mib_row *r = &t->rows[i];
		char path[1200];
		FILE *f;

		if (!strcmp(r->source, "sysfs")) {
			snprintf(path, sizeof(path), "%s/%s",
				 data_path("sysfs-statistics.veth.kernel-6.18"), r->name);
			f = fopen(path, "r");
			if (!f)
				fail_msg("line %u: %s is not a statistics file of 6.18", r->lineno, r->label);
			fclose(f);
			continue;
		}
		if (!strcmp(r->source, "softnet"))
			continue;
		if (dl_snmp__get(k, r->group, r->name, &v))
			fail_msg("line %u: %s is not printed by 6.18 (%s)", r->lineno, r->label, r->source);
		untraced += r->kind == DL_MIB_UNTRACED;
		causes += r->reason != NULL;
	}
	/* Today's audit: 9 untraced counters, 8 with a cause of their own. */
	assert_int_equal(untraced, 9);
	assert_int_equal(causes, 8);
	dl_snmp__free(k);
	dl_mib_discards__free(t);
}

/*
 * (b) Every counter whose name says it counts discards has a row. The
 * pattern is wide on purpose: what it catches that is no packet discard is
 * listed as not-a-packet-discard. MPTcpExt is out of scope (MPTCP option
 * handling, not packet discards).
 */
static void test_discard_names_audited(void **state)
{
	static const char *const words[] = {
		"Drop", "Discard", "Err", "Fail", "NoPorts", "NoRoutes", "Overflow",
		"Prune", "Reject", "Missed", "TooBig", "Unknown", "Trunc", "Filter",
		"RateLimit", "IgnoredMulti", "OutOfWindow", NULL,
	};
	static const char *const groups[] = {
		"Ip", "Icmp", "Tcp", "Udp", "UdpLite", "TcpExt", "IpExt", "Ip6", "Icmp6",
		"Udp6", "UdpLite6", NULL,
	};
	struct dl_mib_discards *t = table();
	struct dl_snmp *k = recorded_618();
	unsigned int checked = 0, missing = 0;

	(void)state;
	for (size_t i = 0; i < dl_snmp__count(k); i++) {
		const char *g, *n;
		bool in_scope = false, named = false;

		assert_int_equal(dl_snmp__entry(k, i, &g, &n, NULL), 0);
		for (int j = 0; groups[j]; j++)
			in_scope |= !strcmp(groups[j], g);
		for (int j = 0; words[j]; j++)
			named |= strstr(n, words[j]) != NULL;
		if (!in_scope || !named)
			continue;
		checked++;
		if (!dl_mib_discards__find(t, g, n)) {
			print_error("not audited: %s %s\n", g, n);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	assert_true(checked >= 90);
	dl_snmp__free(k);
	dl_mib_discards__free(t);
}

static void ledger_init(struct dl_ledger *l, uint64_t seen, uint64_t dropped)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "v0b");
	l->mode = "tap";
	l->nqueues = 1;
	l->xdp_seen = seen;
	l->stack_dropped = dropped;
	l->delivered = seen - dropped;
}

static const struct dl_ledger_cause *cause_at(const struct dl_ledger *l, const char *location)
{
	const struct dl_ledger_cause *found = NULL;

	for (unsigned int i = 0; i < l->ncauses; i++) {
		if (strcmp(l->causes[i].location_str, location))
			continue;
		assert_null(found);	/* one cause per counter */
		found = &l->causes[i];
	}
	return found;
}

static void snapshots(struct dl_kstate *a, struct dl_kstate *b, const char *what)
{
	char s[128], n[128], s2[128], n2[128];

	snprintf(s, sizeof(s), "proc-net-snmp.%s-before.kernel-6.18.txt", what);
	snprintf(n, sizeof(n), "proc-net-netstat.%s-before.kernel-6.18.txt", what);
	snprintf(s2, sizeof(s2), "proc-net-snmp.%s-after.kernel-6.18.txt", what);
	snprintf(n2, sizeof(n2), "proc-net-netstat.%s-after.kernel-6.18.txt", what);
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	a->snmp = load(s, n, NULL);
	b->snmp = load(s2, n2, NULL);
}

/*
 * (c) incident_untraced.sh's interval: 16 frames, all consumed by the
 * stack. TCPReqQFullDrop +5 (inside ListenDrops +5) and Icmp InErrors +9.
 */
static void test_recorded_untraced(void **state)
{
	struct dl_kstate a, b;
	struct dl_ledger l;
	const struct dl_ledger_cause *q, *ic;

	(void)state;
	snapshots(&a, &b, "untraced");
	ledger_init(&l, 16, 0);
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	q = cause_at(&l, "counted, not traced (TcpExt TCPReqQFullDrop)");
	ic = cause_at(&l, "counted, not traced (Icmp InErrors)");
	assert_non_null(q);
	assert_non_null(ic);
	assert_int_equal(q->count, 5);
	assert_string_equal(q->reason_name, "TCP_SYN_QUEUE_FULL");
	assert_string_equal(q->function, "tcp_conn_request");
	assert_non_null(strstr(q->summary, "counted, not traced: 5 TCP SYNs"));
	assert_non_null(strstr(q->summary, "(TcpExt TCPReqQFullDrop, also in TcpExt ListenDrops;"));
	assert_int_equal(ic->count, 9);
	assert_string_equal(ic->reason_name, "ICMP_NO_SOCKET");
	assert_non_null(strstr(ic->summary, "counted, not traced: 9 ICMP errors"));
	assert_null(strchr(ic->advice, '{'));
	/* Nested: ListenDrops' +5 are the same SYNs, no second cause. */
	assert_null(cause_at(&l, "counted, not traced (TcpExt ListenDrops)"));
	assert_int_equal(l.ncauses, 2);
	assert_int_equal(l.stack_dropped, 14);
	assert_int_equal(l.delivered, 2);
	assert_int_equal(l.residual, 0);
	dl_ledger__free(&l);
	dl_kstate__release(&a);
	dl_kstate__release(&b);
}

/*
 * incident_backlog.sh's interval: ListenOverflows +4 and ListenDrops +4.
 * One cause under ListenDrops (the overflow row has none of its own); a
 * traced TCP_LISTEN_OVERFLOW (the final-ACK path) is part of both counters
 * and is not counted again.
 */
static void test_recorded_backlog(void **state)
{
	struct dl_ledger_cause traced = {
		.reason_name = "TCP_LISTEN_OVERFLOW", .function = "tcp_v4_rcv",
		.location_str = "tcp_v4_rcv+0x9a0", .count = 1,
		.category = "stack", .group = "tcp",
	};
	struct dl_kstate a, b;
	struct dl_ledger l;
	const struct dl_ledger_cause *c;

	(void)state;
	snapshots(&a, &b, "backlog");
	ledger_init(&l, 6, 0);
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	c = cause_at(&l, "counted, not traced (TcpExt ListenDrops)");
	assert_non_null(c);
	assert_int_equal(c->count, 4);
	assert_string_equal(c->reason_name, "TCP_LISTEN_OVERFLOW");
	assert_string_equal(c->group, "tcp");
	assert_string_equal(c->summary,
			    "counted, not traced: 4 TCP SYNs refused because a listener's accept queue was full (TcpExt ListenDrops; the kernel frees them as consumed, so no drop event exists; namespace-wide counter, the port is not known)");
	assert_null(cause_at(&l, "counted, not traced (TcpExt ListenOverflows)"));
	assert_int_equal(l.ncauses, 1);
	assert_int_equal(l.delivered, 2);
	assert_int_equal(l.residual, 0);
	dl_ledger__free(&l);

	/* One of the four was the final ACK, traced: three left untraced. */
	ledger_init(&l, 7, 1);
	assert_non_null(dl_ledger__add_cause(&l));
	l.causes[0] = traced;
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	c = cause_at(&l, "counted, not traced (TcpExt ListenDrops)");
	assert_non_null(c);
	assert_int_equal(c->count, 3);
	assert_int_equal(l.stack_dropped, 4);
	assert_int_equal(l.delivered, 3);
	assert_int_equal(l.residual, 0);
	dl_ledger__free(&l);
	dl_kstate__release(&a);
	dl_kstate__release(&b);
}

/* Namespace-wide counters never take more than this interface delivered. */
static void test_capped_by_delivered(void **state)
{
	struct dl_kstate a, b;
	struct dl_ledger l;
	uint64_t total = 0;

	(void)state;
	snapshots(&a, &b, "untraced");
	ledger_init(&l, 6, 0);
	assert_int_equal(dl_ledger__add_kstate(&l, &a, &b), 0);
	for (unsigned int i = 0; i < l.ncauses; i++)
		total += l.causes[i].count;
	assert_int_equal(total, 6);
	assert_int_equal(l.delivered, 0);
	assert_int_equal(l.residual, 0);
	dl_ledger__free(&l);
	dl_kstate__release(&a);
	dl_kstate__release(&b);
}

#define HDR "# comment\n"
#define OK_ROW "netstat\tTcpExt\tListenDrops\tuntraced\trx\t-\t-\tnetns\tc\ts\tR\ttcp\tf\t{count} x\tfix\n"

static void refused(const char *text, const char *want)
{
	struct dl_mib_discards *t = NULL;
	char why[512];

	assert_int_equal(dl_mib_discards__parse(text, strlen(text), "bad.tsv", &t, why, sizeof(why)),
			 -EINVAL);
	assert_null(t);
	if (strncmp(why, want, strlen(want)))
		fail_msg("'%s' does not start with '%s'", why, want);
}

static void test_malformed_refused(void **state)
{
	struct dl_mib_discards *t = NULL;
	char why[512];

	(void)state;
	assert_int_equal(dl_mib_discards__parse(HDR OK_ROW, strlen(HDR OK_ROW), "ok.tsv", &t,
						why, sizeof(why)), 0);
	assert_int_equal(t->n, 1);
	assert_string_equal(t->rows[0].label, "TcpExt ListenDrops");
	dl_mib_discards__free(t);
	refused(HDR OK_ROW "snmp\tUdp\tNoPorts\ttraced\trx\n", "bad.tsv:3: expected 15 tab-separated fields");
	refused(HDR "snmp\tUdp\tNoPorts\tdropped\trx\t-\t-\tnetns\tc\ts\t-\t-\t-\t-\t-\n",
		"bad.tsv:2: unknown kind 'dropped'");
	refused(HDR "proc\tUdp\tNoPorts\ttraced\trx\t-\t-\tnetns\tc\ts\t-\t-\t-\t-\t-\n",
		"bad.tsv:2: unknown source 'proc'");
	refused(HDR "snmp\tUdp\tNoPorts\ttraced\trx\t-\t-\tnetns\tc\t\t-\t-\t-\t-\t-\n",
		"bad.tsv:2: field 10 is empty");
	refused(HDR OK_ROW OK_ROW, "bad.tsv:3: TcpExt ListenDrops is listed twice");
	refused(HDR "snmp\tUdp\tNoPorts\ttraced\trx\t-\t-\tnetns\tc\ts\tR\tudp\tf\t{count}\tfix\n",
		"bad.tsv:2: Udp NoPorts: only untraced rx rows have a cause");
	refused(HDR "netstat\tTcpExt\tX\tuntraced\trx\t-\t-\tnetns\tc\ts\tR\ttcp\tf\tno count\tfix\n",
		"bad.tsv:2: TcpExt X: the summary must say {count}");
	refused(HDR "netstat\tTcpExt\tX\tuntraced\trx\t-\t-\tnetns\tc\ts\t-\t-\t-\t-\t-\n",
		"bad.tsv:2: TcpExt X: an untraced row needs a cause or a `within`");
	refused(HDR OK_ROW "netstat\tTcpExt\tX\tuntraced\trx\tTcpExt Nope\t-\tnetns\tc\ts\t-\t-\t-\t-\t-\n",
		"bad.tsv:3: TcpExt X: within 'TcpExt Nope' is not a row");
	refused(HDR "snmp\tUdp\tNoPorts\ttraced\trx\t-\tNO_SOCKET\tnetns\tc\ts\t-\t-\t-\t-\t-\n",
		"bad.tsv:2: Udp NoPorts: traced_as is for untraced rows");
	refused(HDR, "bad.tsv: no rows");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_exist),
		cmocka_unit_test(test_discard_names_audited),
		cmocka_unit_test(test_recorded_untraced),
		cmocka_unit_test(test_recorded_backlog),
		cmocka_unit_test(test_capped_by_delivered),
		cmocka_unit_test(test_malformed_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
