// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rss section on synthetic inputs: even spread, one elephant, skew of
 * many mice, two hot queues, softnet deltas (wrap, squeeze, backlog drops,
 * a CPU that came online), absent inputs, the JSON shape and the exact
 * verdict texts. Also folding per-(flow, queue) entries into observations.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fastpath/flow.h"
#include "fastpath/flow_queues.h"
#include "rss/rss_report.h"

#define assert_close(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-3)

static struct dl_flow_q_entry ents[1024];
static size_t nents;

static void udp4(struct dl_flow *f, const char *s, __u16 sp, const char *d, __u16 dp)
{
	memset(f, 0, sizeof(*f));
	f->l3proto = htons(0x0800);
	f->l4proto = 17;
	inet_pton(AF_INET, s, &f->saddr[0]);
	inet_pton(AF_INET, d, &f->daddr[0]);
	f->sport = htons(sp);
	f->dport = htons(dp);
}

/* One (flow, queue) entry as the XDP program would have counted it. */
static void add(__u16 sport, __u16 dport, __u32 q, __u64 pkts, __u64 cpus)
{
	struct dl_flow_q_entry *e = &ents[nents++];

	memset(e, 0, sizeof(*e));
	udp4(&e->v.flow, "198.18.0.1", sport, "198.18.0.2", dport);
	e->hash = dl_flow__hash(&e->v.flow);
	e->rxq = q;
	e->v.packets = pkts;
	e->v.bytes = pkts * 64;
	e->v.cpus = cpus;
}

static struct dl_rss_report *build(__u32 nq, const __u64 *arr, bool flows,
				   const struct dl_softnet *a, const struct dl_softnet *b)
{
	struct dl_rss_input in = {
		.ifname = "v0b", .nr_queues = nq, .arrived = arr, .nr_arrived = nq,
		.has_flows = flows, .flows = flows && nents ? ents : NULL,
		.nr_flows = flows ? nents : 0,
		.softnet_before = a, .softnet_after = b,
	};
	struct dl_rss_report *r = NULL;

	assert_int_equal(dl_rss_report__build(&in, NULL, &r), 0);
	assert_non_null(r);
	return r;
}

static int setup(void **state)
{
	(void)state;
	nents = 0;
	return 0;
}

static void test_even(void **state)
{
	__u64 arr[4] = { 400, 400, 400, 400 };
	struct dl_rss_report *r;
	json_t *j;
	int i;

	(void)state;
	/* 16 flows, round-robin over queues 0-3, 100 packets each. */
	for (i = 0; i < 16; i++)
		add(40000 + i, 6000 + i % 4, i % 4, 100, 1ull << (i / 4 % 2));
	r = build(4, arr, true, NULL, NULL);
	assert_false(r->skew.skewed);
	assert_close(r->skew.jain, 1.0);
	assert_int_equal(r->verdict.kind, DL_RSS_EVEN);
	assert_false(r->verdict.problem);
	assert_string_equal(r->verdict.summary,
			    "traffic spread over 4 queues (Jain 1.00, max/mean 1.00)");
	assert_string_equal(r->verdict.advice, "");
	assert_int_equal(r->nr_elephants, 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(r->queues[i].nr_flows, 4);
		assert_int_equal(r->queues[i].cpus, 3);
		assert_false(r->queues[i].hot);
		assert_close(r->queues[i].share, 0.25);
	}
	assert_int_equal(r->flow_packets, 1600);

	j = dl_rss_report__json(r);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "queues_total")), 4);
	assert_int_equal(json_integer_value(json_object_get(j, "packets")), 1600);
	assert_close(json_real_value(json_object_get(j, "jain_index")), 1.0);
	assert_true(json_is_false(json_object_get(j, "skewed")));
	assert_int_equal(json_array_size(json_object_get(j, "hot_queues")), 0);
	assert_int_equal(json_array_size(json_object_get(j, "elephants")), 0);
	assert_true(json_is_null(json_object_get(j, "cpus")));
	assert_true(json_is_null(json_object_get(j, "cpu_skew")));
	{
		json_t *q1 = json_array_get(json_object_get(j, "queues"), 1);
		json_t *cpus = json_object_get(q1, "cpus");

		assert_int_equal(json_array_size(cpus), 2);
		assert_int_equal(json_integer_value(json_object_get(q1, "flows")), 4);
		assert_int_equal(json_array_size(json_object_get(q1, "top_flows")), 3);
		assert_true(json_is_null(json_object_get(q1, "elephant")));
		assert_true(json_is_null(json_object_get(q1, "bytes")));
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "verdict"),
							      "kind")), "even");
	json_decref(j);
	dl_rss_report__free(r);
}

static void test_elephant(void **state)
{
	__u64 arr[4] = { 150, 150, 1950, 150 };
	struct dl_rss_report *r;
	char want[512];
	json_t *j, *el;
	int i;

	(void)state;
	for (i = 0; i < 12; i++)
		add(40000 + i, 6000, i % 4, 50, 1);
	add(41000, 7000, 2, 1800, 2);
	r = build(4, arr, true, NULL, NULL);
	assert_true(r->skew.skewed);
	assert_int_equal(r->verdict.kind, DL_RSS_ELEPHANT);
	assert_true(r->verdict.problem);
	assert_string_equal(r->verdict.category, "rss");
	assert_int_equal(r->verdict.nr_queues, 1);
	assert_int_equal(r->verdict.queues[0], 2);
	assert_int_equal(r->verdict.count, 1950);
	assert_true(r->queues[2].elephant);
	assert_int_equal(r->queues[2].top[0].packets, 1800);
	assert_int_equal(r->queues[2].top[0].packets_error, 0);
	assert_int_equal(r->queues[2].cpus, 3);
	/* 2400^2 / (4 * (3 * 150^2 + 1950^2)) */
	snprintf(want, sizeof(want),
		 "queue 2 holds 81%% of traffic, 92%% of it is one flow "
		 "198.18.0.1:41000 -> 198.18.0.2:7000 udp (4 queues, fair share 25%%, Jain %.2f)",
		 2400.0 * 2400 / (4.0 * 3870000));
	assert_string_equal(r->verdict.summary, want);
	assert_non_null(strstr(r->verdict.advice, "An elephant flow cannot be spread by RSS"));
	assert_non_null(strstr(r->verdict.advice, "queue 2"));
	/* Only mice elsewhere: no hash advice for them. */
	assert_null(strstr(r->verdict.advice, "ethtool -X"));

	j = dl_rss_report__json(r);
	el = json_array_get(json_object_get(j, "elephants"), 0);
	assert_non_null(el);
	assert_int_equal(json_integer_value(json_object_get(el, "queue")), 2);
	assert_int_equal(json_integer_value(json_object_get(el, "packets")), 1800);
	assert_int_equal(json_integer_value(json_object_get(el, "sport")), 41000);
	assert_int_equal(json_integer_value(json_object_get(el, "dport")), 7000);
	assert_string_equal(json_string_value(json_object_get(el, "src")), "198.18.0.1");
	assert_string_equal(json_string_value(json_object_get(el, "proto")), "udp");
	assert_close(json_real_value(json_object_get(el, "share_of_queue")), 1800.0 / 1950);
	assert_close(json_real_value(json_object_get(el, "share_of_total")), 0.75);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "hot_queues"), 0)),
			 2);
	json_decref(j);
	dl_rss_report__free(r);
}

static void test_skew_of_mice(void **state)
{
	__u64 arr[4] = { 100, 100, 1000, 100 };
	struct dl_rss_report *r;
	int i;

	(void)state;
	/* Queue 2: 10 flows of 100, none above half the queue. */
	for (i = 0; i < 10; i++)
		add(40000 + i, 6000, 2, 100, 1);
	add(45000, 6000, 0, 100, 1);
	add(45001, 6000, 1, 100, 1);
	add(45002, 6000, 3, 100, 1);
	r = build(4, arr, true, NULL, NULL);
	assert_int_equal(r->verdict.kind, DL_RSS_SKEW);
	assert_false(r->queues[2].elephant);
	assert_string_equal(r->verdict.summary,
			    "queue 2 holds 77% of traffic, spread over 10 flows (biggest 10%) "
			    "(4 queues, fair share 25%, Jain 0.41)");
	assert_non_null(strstr(r->verdict.advice, "ethtool -X v0b equal 4"));
	assert_non_null(strstr(r->verdict.advice, "rx-flow-hash udp4 sdfn"));
	assert_null(strstr(r->verdict.advice, "elephant"));
	dl_rss_report__free(r);
}

static void test_two_hot(void **state)
{
	__u64 arr[8] = { 3000, 2000, 100, 100, 100, 100, 100, 100 };
	struct dl_rss_report *r;
	int i;

	(void)state;
	add(41000, 7000, 0, 2900, 1);		/* elephant on queue 0 */
	add(40000, 6000, 0, 100, 1);
	for (i = 0; i < 20; i++)
		add(42000 + i, 6000, 1, 100, 2);	/* mice on queue 1 */
	r = build(8, arr, true, NULL, NULL);
	assert_int_equal(r->verdict.kind, DL_RSS_ELEPHANT);
	assert_int_equal(r->verdict.nr_queues, 2);
	assert_int_equal(r->verdict.queues[0], 0);
	assert_int_equal(r->verdict.queues[1], 1);
	assert_int_equal(r->verdict.count, 5000);
	assert_int_equal(r->nr_elephants, 1);
	assert_string_equal(r->verdict.summary,
			    "queues 0, 1 hold 89% of traffic; queue 0: 97% of it is one flow "
			    "198.18.0.1:41000 -> 198.18.0.2:7000 udp (8 queues, fair share 12%, "
			    "Jain 0.30)");
	/* Both remedies: split the elephant, spread the hash for queue 1. */
	assert_non_null(strstr(r->verdict.advice, "An elephant flow"));
	assert_non_null(strstr(r->verdict.advice, "ethtool -X v0b equal 8"));
	dl_rss_report__free(r);
}

/* Many flows on one queue: Space-Saving keeps the biggest, with its bound. */
static void test_many_flows(void **state)
{
	__u64 arr[2] = { 0, 0 };
	struct dl_rss_report *r;
	int i;

	(void)state;
	for (i = 0; i < 200; i++) {
		add(30000 + i, 6000, 1, i == 77 ? 5000 : 10, 1);
		arr[1] += ents[nents - 1].v.packets;
	}
	arr[0] = 100;
	r = build(2, arr, true, NULL, NULL);
	assert_int_equal(r->queues[1].nr_flows, 200);
	assert_int_equal(dl_flow__sport(&r->queues[1].top[0].flow), 30077);
	assert_true(r->queues[1].top[0].packets >= 5000);
	assert_true(r->queues[1].top[0].packets - r->queues[1].top[0].packets_error <= 5000);
	assert_true(r->queues[1].elephant);
	dl_rss_report__free(r);
}

static struct dl_softnet *softnet(const char *text)
{
	struct dl_softnet *s = NULL;

	assert_int_equal(dl_softnet__parse(text, strlen(text), "test", &s), 0);
	return s;
}

#define ROW13(p, d, sq, cpu) p " " d " " sq " 0 0 0 0 0 0 0 0 0 " cpu "\n"

static void test_softnet(void **state)
{
	__u64 arr[2] = { 600, 600 };
	struct dl_softnet *a, *b;
	struct dl_rss_report *r;
	json_t *j, *c1;

	(void)state;
	/* cpu 0 wraps its processed counter; cpu 1 squeezes and drops. */
	a = softnet(ROW13("fffffff0", "00000000", "00000000", "00000000")
		    ROW13("00000100", "00000002", "00000010", "00000001"));
	b = softnet(ROW13("00000010", "00000000", "00000000", "00000000")
		    ROW13("00000600", "00000007", "00000035", "00000001")
		    ROW13("00000005", "00000000", "00000000", "00000002"));
	r = build(2, arr, false, a, b);
	assert_true(r->has_softnet);
	assert_int_equal(r->nr_cpus, 2);
	assert_true(r->softnet_reset);	/* cpu 2 has no start */
	assert_int_equal(r->cpus[0].processed, 0x20);
	assert_int_equal(r->cpus[1].processed, 0x500);
	assert_int_equal(r->cpus[1].time_squeeze, 0x25);
	assert_int_equal(r->cpus[1].dropped, 5);
	assert_int_equal(r->verdict.kind, DL_RSS_EVEN);
	assert_string_equal(r->verdict.summary,
			    "traffic spread over 2 queues (Jain 1.00, max/mean 1.00); "
			    "time_squeeze on 1 cpu (most on cpu 1: 37); "
			    "5 packets dropped at a full CPU backlog");
	assert_non_null(strstr(r->verdict.advice, "netdev_budget"));
	assert_non_null(strstr(r->verdict.advice, "netdev_max_backlog"));

	j = dl_rss_report__json(r);
	c1 = json_array_get(json_object_get(j, "cpus"), 1);
	assert_int_equal(json_integer_value(json_object_get(c1, "cpu")), 1);
	assert_int_equal(json_integer_value(json_object_get(c1, "time_squeeze")), 37);
	assert_int_equal(json_integer_value(json_object_get(c1, "backlog_dropped")), 5);
	assert_true(json_is_true(json_object_get(json_object_get(j, "cpu_skew"), "reset")));
	/* Without flow data the per-queue flow columns are absent, not 0. */
	assert_true(json_is_null(json_object_get(j, "elephants")));
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "queues"), 0),
						 "flows")));
	json_decref(j);
	dl_rss_report__free(r);
	dl_softnet__free(a);
	dl_softnet__free(b);
}

static void test_nothing_to_judge(void **state)
{
	__u64 zero[4] = { 0 }, few[4] = { 10, 0, 0, 300 }, one[1] = { 5000 };
	struct dl_rss_report *r;
	FILE *mem;
	char *buf = NULL;
	size_t len = 0;
	json_t *j;

	(void)state;
	r = build(4, zero, true, NULL, NULL);
	assert_int_equal(r->verdict.kind, DL_RSS_NO_TRAFFIC);
	assert_false(r->verdict.problem);
	assert_true(isnan(r->queues[0].share));
	j = dl_rss_report__json(r);
	assert_true(json_is_null(json_object_get(j, "jain_index")));
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "queues"), 0),
						 "share")));
	assert_true(json_is_null(json_object_get(j, "hot_share")));
	json_decref(j);
	mem = open_memstream(&buf, &len);
	dl_rss_report__print_text(r, mem);
	fclose(mem);
	assert_non_null(strstr(buf, "n/a"));
	assert_non_null(strstr(buf, "verdict [rss, ok]: no packets on 4 queues"));
	free(buf);
	dl_rss_report__free(r);

	r = build(4, few, false, NULL, NULL);
	assert_int_equal(r->verdict.kind, DL_RSS_TOO_FEW);
	assert_false(r->queues[3].hot);
	dl_rss_report__free(r);

	r = build(1, one, false, NULL, NULL);
	assert_int_equal(r->verdict.kind, DL_RSS_SINGLE_QUEUE);
	assert_false(r->verdict.problem);
	assert_non_null(strstr(r->verdict.advice, "ethtool -L v0b combined N"));
	dl_rss_report__free(r);
}

static void test_bad_input(void **state)
{
	__u64 arr[2] = { 1, 2 };
	struct dl_softnet *a = softnet(ROW13("1", "0", "0", "0"));
	struct dl_rss_input in = { .arrived = arr, .nr_arrived = 2, .softnet_before = a };
	struct dl_rss_report *r = (void *)1;

	(void)state;
	assert_int_equal(dl_rss_report__build(&in, NULL, &r), -EINVAL);
	assert_null(r);
	in.softnet_before = NULL;
	in.arrived = NULL;
	assert_int_equal(dl_rss_report__build(&in, NULL, &r), -EINVAL);
	/* Queue count unknown: the highest queue with traffic decides. */
	in.arrived = arr;
	assert_int_equal(dl_rss_report__build(&in, NULL, &r), 0);
	assert_int_equal(r->nr_queues, 2);
	dl_rss_report__free(r);
	dl_softnet__free(a);
}

static void test_options_and_text(void **state)
{
	__u64 arr[4] = { 100, 100, 140, 100 };
	struct dl_rss_opts o = { .hot_factor = 1.2, .min_total = 100, .top_flows = 1 };
	struct dl_rss_input in = { .ifname = "eth1", .nr_queues = 4, .arrived = arr,
				   .nr_arrived = 4, .has_flows = true };
	struct dl_rss_report *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	(void)state;
	add(40000, 6000, 2, 80, 4);
	add(40001, 6000, 2, 60, 4);
	in.flows = ents;
	in.nr_flows = nents;
	/* 140 > 1.2 x 110: hot with the stricter threshold, not with 1.5. */
	assert_int_equal(dl_rss_report__build(&in, &o, &r), 0);
	assert_true(r->skew.skewed);
	assert_int_equal(r->queues[2].nr_top, 1);
	assert_true(r->queues[2].elephant);	/* 80 of 140 >= 0.5 */
	mem = open_memstream(&buf, &len);
	dl_rss_report__print_text(r, mem);
	fclose(mem);
	assert_non_null(strstr(buf, "RSS over 4 RX queues of eth1: 440 packets\n"));
	assert_non_null(strstr(buf, "198.18.0.1:40000 -> 198.18.0.2:6000 udp (80, 57.1%) ELEPHANT"));
	assert_non_null(strstr(buf, "verdict [rss]: queue 2 holds 32% of traffic, 57% of it is one flow"));
	assert_non_null(strstr(buf, "  advice: An elephant flow"));
	free(buf);
	dl_rss_report__free(r);

	o.hot_factor = 0;	/* default 1.5 */
	assert_int_equal(dl_rss_report__build(&in, &o, &r), 0);
	assert_false(r->skew.skewed);
	dl_rss_report__free(r);
}

static void test_format_flow(void **state)
{
	struct dl_flow f = {};
	char buf[160];

	(void)state;
	udp4(&f, "10.0.0.1", 5000, "10.0.0.2", 9000);
	dl_rss_report__format_flow(&f, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1:5000 -> 10.0.0.2:9000 udp");
	memset(&f, 0, sizeof(f));
	f.l3proto = htons(0x86dd);
	f.l4proto = 6;
	inet_pton(AF_INET6, "2001:db8::1", f.saddr);
	inet_pton(AF_INET6, "2001:db8::2", f.daddr);
	f.sport = htons(80);
	f.dport = htons(443);
	dl_rss_report__format_flow(&f, buf, sizeof(buf));
	assert_string_equal(buf, "[2001:db8::1]:80 -> [2001:db8::2]:443 tcp");
	f.l4proto = 58;
	dl_rss_report__format_flow(&f, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::1 -> 2001:db8::2 icmp6");
	memset(&f, 0, sizeof(f));
	f.l3proto = htons(0x88cc);
	dl_rss_report__format_flow(&f, buf, sizeof(buf));
	assert_string_equal(buf, "lldp");
}

static void test_fold(void **state)
{
	struct dl_flow_obs *o;
	size_t n;
	__u64 lost;

	(void)state;
	add(40000, 5000, 0, 7, 1);
	add(40000, 5000, 3, 5, 1);	/* the same flow moved to queue 3 */
	add(40001, 5000, 1, 11, 1);
	add(40001, 5000, 70, 4, 1);	/* a queue the observation cannot hold */
	/* A second flow under the first one's hash stays a flow of its own. */
	add(40002, 5000, 2, 9, 1);
	ents[nents - 1].hash = ents[0].hash;
	assert_int_equal(dl_flow_queues__fold(ents, nents, &o, &n, &lost), 0);
	assert_int_equal(n, 3);
	assert_int_equal(lost, 4);
	{
		size_t i, seen = 0;

		for (i = 0; i < n; i++) {
			unsigned int sp = dl_flow__sport(&o[i].flow);

			if (sp == 40000) {
				assert_int_equal(o[i].packets[0], 7);
				assert_int_equal(o[i].packets[3], 5);
				seen |= 1;
			} else if (sp == 40001) {
				assert_int_equal(o[i].packets[1], 11);
				seen |= 2;
			} else if (sp == 40002) {
				assert_int_equal(o[i].packets[2], 9);
				assert_int_equal(o[i].packets[0], 0);
				seen |= 4;
			}
		}
		assert_int_equal(seen, 7);
	}
	free(o);
	assert_int_equal(dl_flow_queues__fold(NULL, 0, &o, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_even, setup),
		cmocka_unit_test_setup(test_elephant, setup),
		cmocka_unit_test_setup(test_skew_of_mice, setup),
		cmocka_unit_test_setup(test_two_hot, setup),
		cmocka_unit_test_setup(test_many_flows, setup),
		cmocka_unit_test_setup(test_softnet, setup),
		cmocka_unit_test_setup(test_nothing_to_judge, setup),
		cmocka_unit_test_setup(test_bad_input, setup),
		cmocka_unit_test_setup(test_options_and_text, setup),
		cmocka_unit_test_setup(test_format_flow, setup),
		cmocka_unit_test_setup(test_fold, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
