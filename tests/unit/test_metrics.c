// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus renderer and accumulator: the exposition of a constructed
 * ledger has the documented names and labels, absent counters have no
 * series, counters stay monotonic across a device going away and coming
 * back, the series cap is counted, and promtool (when installed) accepts
 * the output. The textfile is replaced atomically.
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

#include "export/metrics.h"
#include "ledger/ledger.h"

static struct dl_ledger_cause causes[3];

static void fill(struct dl_ledger *l, const char *dev, uint64_t scale, bool nicq)
{
	memset(l, 0, sizeof(*l));
	memset(causes, 0, sizeof(causes));
	snprintf(l->ifname, sizeof(l->ifname), "%s", dev);
	l->duration_s = 1.0;
	l->nqueues = 2;
	l->q[0].arrived = 30 * scale;
	l->q[0].bytes = 3000 * scale;
	l->q[1].arrived = 10 * scale;
	l->q[1].bytes = 1000 * scale;
	if (nicq)
		l->q[1].nic_dropped = (struct dl_opt){ .v = 4 * scale, .have = true };
	l->xdp_seen = 40 * scale;
	l->stack_dropped = 25 * scale;
	l->q[0].stack_dropped = 25 * scale;
	l->delivered = 14 * scale;
	l->residual = 1 * scale;
	l->records_lost = 0;
	causes[0].count = 20 * scale;
	snprintf(causes[0].reason_name, sizeof(causes[0].reason_name), "SOCKET_RCVBUFF");
	snprintf(causes[0].location_str, sizeof(causes[0].location_str), "udp_queue_rcv_one_skb+0x1a4");
	causes[0].category = "socket";
	causes[0].group = "udp";
	/* Same reason, another location: one series, summed. */
	causes[1] = causes[0];
	causes[1].count = 5 * scale;
	snprintf(causes[1].location_str, sizeof(causes[1].location_str), "__udp_queue_rcv_skb+0x10");
	causes[2].count = 99;
	causes[2].category = "rss";
	snprintf(causes[2].reason_name, sizeof(causes[2].reason_name), "skew");
	l->causes = causes;
	l->ncauses = 3;
}

static char *render(struct dl_metrics *m)
{
	char *t = NULL;
	size_t len = 0;

	assert_int_equal(dl_metrics__render(m, &t, &len), 0);
	assert_int_equal(strlen(t), len);
	return t;
}

static void test_names_and_absent(void **state)
{
	struct dl_metrics *m = dl_metrics__new(0);
	struct dl_ledger l;
	char *t;

	(void)state;
	fill(&l, "v0b", 1, false);
	assert_int_equal(dl_metrics__add_interval(m, &l, 1700000000.5), 0);
	t = render(m);
	assert_non_null(strstr(t, "dropledger_xdp_seen_packets_total{device=\"v0b\",queue=\"0\"} 30\n"));
	assert_non_null(strstr(t, "dropledger_xdp_seen_packets_total{device=\"v0b\",queue=\"1\"} 10\n"));
	assert_non_null(strstr(t, "dropledger_stack_dropped_packets_total{device=\"v0b\",direction=\"rx\",category=\"socket\",group=\"udp\",reason=\"SOCKET_RCVBUFF\"} 25\n"));
	assert_non_null(strstr(t, "dropledger_delivered_packets_total{device=\"v0b\"} 14\n"));
	assert_non_null(strstr(t, "dropledger_residual_packets{device=\"v0b\"} 1\n"));
	assert_non_null(strstr(t, "dropledger_build_info{version=\""));
	assert_non_null(strstr(t, "dropledger_last_update_timestamp_seconds 1700000000.500\n"));
	assert_non_null(strstr(t, "dropledger_metrics_series_dropped_total 0\n"));
	/* No NIC counter here: no series, not a 0. No locations in labels. */
	assert_null(strstr(t, "dropledger_nic_dropped_packets_total{"));
	assert_null(strstr(t, "udp_queue_rcv"));
	/* rss verdicts are not drops. */
	assert_null(strstr(t, "reason=\"skew\""));
	free(t);
	dl_metrics__free(m);
}

static void test_monotonic_across_reset(void **state)
{
	struct dl_metrics *m = dl_metrics__new(0);
	struct dl_ledger l;
	uint64_t a, b, c;
	const char *lab = "{device=\"v0b\",queue=\"1\"}";
	char *t;

	(void)state;
	fill(&l, "v0b", 2, true);
	dl_metrics__add_interval(m, &l, 1);
	assert_int_equal(dl_metrics__counter(m, "dropledger_nic_dropped_packets_total", lab, &a), 0);
	assert_int_equal(a, 8);
	assert_int_equal(dl_metrics__counter(m, "dropledger_xdp_seen_packets_total", lab, &a), 0);
	/* The device goes away: gauges withdrawn, counters kept. */
	dl_metrics__device_down(m, "v0b");
	t = render(m);
	assert_null(strstr(t, "dropledger_residual_packets{device=\"v0b\"}"));
	assert_non_null(strstr(t, "dropledger_device_up{device=\"v0b\"} 0\n"));
	assert_non_null(strstr(t, "dropledger_xdp_seen_packets_total{device=\"v0b\",queue=\"1\"} 20\n"));
	free(t);
	/* Re-created: the new attachment's counts start from 0 and add on. */
	dl_metrics__device_restart(m, "v0b");
	fill(&l, "v0b", 1, true);
	dl_metrics__add_interval(m, &l, 2);
	assert_int_equal(dl_metrics__counter(m, "dropledger_xdp_seen_packets_total", lab, &b), 0);
	assert_true(b >= a);
	assert_int_equal(b, 30);
	/* An empty interval never lowers anything. */
	memset(&l, 0, sizeof(l));
	snprintf(l.ifname, sizeof(l.ifname), "v0b");
	l.nqueues = 2;
	dl_metrics__add_interval(m, &l, 3);
	assert_int_equal(dl_metrics__counter(m, "dropledger_xdp_seen_packets_total", lab, &c), 0);
	assert_int_equal(c, b);
	assert_int_equal(dl_metrics__counter(m, "dropledger_device_restarts_total",
					     "{device=\"v0b\"}", &c), 0);
	assert_int_equal(c, 1);
	t = render(m);
	assert_non_null(strstr(t, "dropledger_device_up{device=\"v0b\"} 1\n"));
	assert_non_null(strstr(t, "dropledger_residual_packets{device=\"v0b\"} 3\n"));
	free(t);
	dl_metrics__free(m);
}

static void test_series_cap(void **state)
{
	struct dl_metrics *m = dl_metrics__new(5);
	struct dl_ledger l;
	uint64_t n = 0;
	char *t, *p;
	unsigned int lines = 0;

	(void)state;
	fill(&l, "v0b", 1, true);
	dl_metrics__add_interval(m, &l, 1);
	t = render(m);
	for (p = t; (p = strstr(p, "\ndropledger_")); p++)
		lines++;
	/* 5 table series + build_info/last_update/series_dropped (the first has no \n before). */
	assert_int_equal(lines, 5 + 3 - 1 + 1);
	p = strstr(t, "\ndropledger_metrics_series_dropped_total ");
	assert_non_null(p);
	n = strtoull(p + strlen("\ndropledger_metrics_series_dropped_total "), NULL, 10);
	assert_true(n > 0);
	free(t);
	dl_metrics__free(m);
}

static void test_locations_capped(void **state)
{
	struct dl_metrics *m = dl_metrics__new(0);
	struct dl_ledger l;
	char *t;

	(void)state;
	fill(&l, "v0b", 1, false);
	snprintf(causes[0].function, sizeof(causes[0].function), "udp_queue_rcv_one_skb");
	snprintf(causes[1].function, sizeof(causes[1].function), "__udp_queue_rcv_skb");
	/* Off by default: no location series at all. */
	dl_metrics__add_interval(m, &l, 1);
	t = render(m);
	assert_null(strstr(t, "dropledger_stack_dropped_location_packets_total"));
	free(t);
	dl_metrics__set_locations(m, 1);
	dl_metrics__add_interval(m, &l, 2);
	t = render(m);
	/* The first function has its own series, the second goes to other; no offsets. */
	assert_non_null(strstr(t, "dropledger_stack_dropped_location_packets_total{device=\"v0b\",direction=\"rx\",reason=\"SOCKET_RCVBUFF\",function=\"udp_queue_rcv_one_skb\"} 20\n"));
	assert_non_null(strstr(t, "dropledger_stack_dropped_location_packets_total{device=\"v0b\",direction=\"rx\",reason=\"SOCKET_RCVBUFF\",function=\"other\"} 5\n"));
	assert_null(strstr(t, "+0x"));
	free(t);
	dl_metrics__free(m);
}

static void test_escape_and_textfile(void **state)
{
	struct dl_metrics *m = dl_metrics__new(0);
	char path[] = "/tmp/dl_metrics_XXXXXX", file[64], *t, buf[256];
	FILE *f;
	size_t len;

	(void)state;
	dl_metrics__set_rule(m, "reason=\"X\"\\>0", 1);
	t = render(m);
	assert_non_null(strstr(t, "dropledger_fail_on_fired{rule=\"reason=\\\"X\\\"\\\\>0\"} 1\n"));
	assert_non_null(mkdtemp(path));
	snprintf(file, sizeof(file), "%s/dl.prom", path);
	assert_int_equal(dl_metrics__write_textfile(file, t, strlen(t)), 0);
	f = fopen(file, "r");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	assert_int_equal(strncmp(buf, t, len), 0);
	unlink(file);
	rmdir(path);
	/* A directory that is not there: an error, not a crash. */
	assert_int_equal(dl_metrics__write_textfile("/nonexistent/dir/x.prom", t, strlen(t)), -ENOENT);
	free(t);
	dl_metrics__free(m);
}

/* promtool's linter on a full exposition (skipped when not installed). */
static void test_promtool(void **state)
{
	struct dl_metrics *m = dl_metrics__new(0);
	struct dl_ledger l;
	char *t, cmd[64];
	FILE *p;
	int rc;

	(void)state;
	if (access("/usr/bin/promtool", X_OK)) {
		dl_metrics__free(m);
		skip();
	}
	fill(&l, "v0b", 1, true);
	dl_metrics__add_interval(m, &l, 1700000000);
	fill(&l, "eth1", 3, false);
	l.nic_dropped = (struct dl_opt){ .v = 7, .have = true };
	dl_metrics__add_interval(m, &l, 1700000001);
	dl_metrics__device_restart(m, "eth1");
	dl_metrics__set_rule(m, "stack_dropped_rate>100/s", 0);
	t = render(m);
	snprintf(cmd, sizeof(cmd), "/usr/bin/promtool check metrics");
	p = popen(cmd, "w");
	assert_non_null(p);
	fputs(t, p);
	rc = pclose(p);
	if (rc)
		fprintf(stderr, "%s", t);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(t, "dropledger_nic_dropped_packets_total{device=\"eth1\"} 7\n"));
	free(t);
	dl_metrics__free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_absent),
		cmocka_unit_test(test_monotonic_across_reset),
		cmocka_unit_test(test_series_cap),
		cmocka_unit_test(test_locations_capped),
		cmocka_unit_test(test_escape_and_textfile),
		cmocka_unit_test(test_promtool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
