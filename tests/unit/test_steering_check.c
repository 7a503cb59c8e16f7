// SPDX-License-Identifier: GPL-2.0-only
/*
 * Steering check on synthetic observations: a pinned flow on the wrong
 * queue, partial misrouting, even and uneven spread, default and
 * unmatched flows, and the NIC prediction by RSS (Microsoft key) and by
 * ntuple rule, with the exact texts the CLI prints.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "rss/steering_check.h"

static const __u8 ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static char err[256];

static void flow4(struct dl_flow_obs *o, __u8 l4, const char *s, const char *d,
		  __u16 sp, __u16 dp)
{
	memset(o, 0, sizeof(*o));
	o->flow.l3proto = htons(0x0800);
	o->flow.l4proto = l4;
	inet_pton(AF_INET, s, &o->flow.saddr[0]);
	inet_pton(AF_INET, d, &o->flow.daddr[0]);
	o->flow.sport = htons(sp);
	o->flow.dport = htons(dp);
}

static struct dl_steer_rules *rules(const char *text)
{
	struct dl_steer_rules *rs;

	assert_int_equal(dl_steer_rules__parse_string("t", text, &rs, err, sizeof(err)), 0);
	return rs;
}

static void test_pinned_wrong_queue(void **state)
{
	struct dl_steer_rules *rs = rules("udp dport 5000 -> queue 3\n");
	struct dl_steer_report *rep;
	struct dl_flow_obs o[2];

	(void)state;
	flow4(&o[0], IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 1000, 5000);
	o[0].packets[0] = 6000;
	flow4(&o[1], IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 1001, 5000);
	o[1].packets[0] = 4000;
	assert_int_equal(dl_steer_check__run(rs, o, 2, NULL, NULL, &rep), 0);
	assert_int_equal(rep->nr_rules, 1);
	assert_int_equal(rep->rules[0].packets, 10000);
	assert_int_equal(rep->rules[0].on_allowed, 0);
	assert_int_equal(rep->rules[0].elsewhere, 10000);
	assert_int_equal(rep->rules[0].per_queue[0], 10000);
	assert_int_equal(rep->rules[0].flows, 2);
	assert_true(rep->rules[0].misrouted);
	assert_int_equal(rep->nr_violations, 1);
	assert_false(rep->predicted);
	assert_int_equal(rep->nr_mismatches, 0);
	assert_string_equal(rep->rules[0].text,
		"rule 1 (udp dport 5000 -> queue 3): 10000 packets matched, 0 arrived on queue 3, all on queue 0");
	dl_steer_report__free(rep);

	/* Correct delivery. */
	o[0].packets[0] = 0;
	o[0].packets[3] = 6000;
	o[1].packets[0] = 0;
	o[1].packets[3] = 4000;
	assert_int_equal(dl_steer_check__run(rs, o, 2, NULL, NULL, &rep), 0);
	assert_false(rep->rules[0].misrouted);
	assert_int_equal(rep->nr_violations, 0);
	assert_string_equal(rep->rules[0].text,
		"rule 1 (udp dport 5000 -> queue 3): 10000 packets matched, all on queue 3");
	dl_steer_report__free(rep);

	/* Partly elsewhere, on two queues. */
	o[0].packets[0] = 3000;
	o[0].packets[3] = 3000;
	o[1].packets[1] = 1000;
	o[1].packets[3] = 3000;
	assert_int_equal(dl_steer_check__run(rs, o, 2, NULL, NULL, &rep), 0);
	assert_string_equal(rep->rules[0].text,
		"rule 1 (udp dport 5000 -> queue 3): 10000 packets matched, 6000 arrived on queue 3, "
		"4000 on queue 0: 3000, queue 1: 1000");
	dl_steer_report__free(rep);

	/* All elsewhere, on two queues. */
	o[0].packets[3] = 0;
	o[1].packets[3] = 0;
	assert_int_equal(dl_steer_check__run(rs, o, 2, NULL, NULL, &rep), 0);
	assert_string_equal(rep->rules[0].text,
		"rule 1 (udp dport 5000 -> queue 3): 4000 packets matched, 0 arrived on queue 3, "
		"all on queue 0: 3000, queue 1: 1000");
	dl_steer_report__free(rep);
	dl_steer_rules__free(rs);
}

static void test_even(void **state)
{
	struct dl_steer_rules *rs = rules("tcp dst 10.0.0.0/8 -> queues 0-3 even\n"
					  "udp dport 53 -> queues 1,2\n");
	struct dl_steer_report *rep;
	struct dl_flow_obs o[16];
	int i;

	(void)state;
	for (i = 0; i < 16; i++) {
		flow4(&o[i], IPPROTO_TCP, "198.18.0.1", "10.0.0.1", 2000 + i, 80);
		o[i].packets[i % 4] = 500;
	}
	assert_int_equal(dl_steer_check__run(rs, o, 16, NULL, NULL, &rep), 0);
	assert_true(rep->rules[0].judged);
	assert_false(rep->rules[0].uneven);
	assert_true(fabs(rep->rules[0].jain - 1.0) < 1e-9);
	assert_true(isnan(rep->rules[1].jain));
	assert_int_equal(rep->nr_violations, 0);
	assert_string_equal(rep->rules[0].text,
		"rule 1 (tcp dst 10.0.0.0/8 -> queues 0-3 even): 8000 packets matched, all on queues 0-3, "
		"spread evenly (Jain 1.00 over 4 queues, 16 flows)");
	assert_string_equal(rep->rules[1].text,
		"rule 2 (udp dport 53 -> queues 1,2): no packets matched");
	dl_steer_report__free(rep);

	/* Twelve flows pile onto queue 1. */
	for (i = 0; i < 16; i++) {
		memset(o[i].packets, 0, sizeof(o[i].packets));
		o[i].packets[i < 12 ? 1 : i % 4] = 500;
	}
	assert_int_equal(dl_steer_check__run(rs, o, 16, NULL, NULL, &rep), 0);
	assert_true(rep->rules[0].uneven);
	assert_false(rep->rules[0].misrouted);
	assert_int_equal(rep->nr_violations, 1);
	/* (8000)^2 / (4 * (6500^2 + 3 * 500^2)) = 0.3720930 */
	assert_true(fabs(rep->rules[0].jain - 0.372093) < 1e-5);
	assert_string_equal(rep->rules[0].text,
		"rule 1 (tcp dst 10.0.0.0/8 -> queues 0-3 even): 8000 packets matched, all on queues 0-3, "
		"spread unevenly (Jain 0.37 < 0.80 over 4 queues, 16 flows: queue 1 holds 81%)");
	dl_steer_report__free(rep);

	/* Three flows for four queues: unevenness is expected, not judged. */
	assert_int_equal(dl_steer_check__run(rs, o, 3, NULL, NULL, &rep), 0);
	assert_false(rep->rules[0].judged);
	assert_false(rep->rules[0].uneven);
	assert_string_equal(rep->rules[0].text,
		"rule 1 (tcp dst 10.0.0.0/8 -> queues 0-3 even): 1500 packets matched, all on queues 0-3, "
		"spread not judged (3 flows, 1500 packets for 4 queues)");
	dl_steer_report__free(rep);
	dl_steer_rules__free(rs);
}

static void test_default_and_unmatched(void **state)
{
	struct dl_steer_rules *rs = rules("udp dport 5000 -> queue 3\ndefault -> queues 0-1\n");
	struct dl_steer_report *rep;
	struct dl_flow_obs o[3];

	(void)state;
	flow4(&o[0], IPPROTO_TCP, "198.18.0.1", "198.18.0.2", 1, 2);
	o[0].packets[0] = 10;
	o[0].packets[5] = 5;
	flow4(&o[1], IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 1, 5000);
	o[1].packets[3] = 7;
	flow4(&o[2], IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 1, 5001);	/* no packets */
	assert_int_equal(dl_steer_check__run(rs, o, 3, NULL, NULL, &rep), 0);
	assert_int_equal(rep->flows, 2);
	assert_int_equal(rep->packets, 22);
	assert_int_equal(rep->unmatched_flows, 0);
	assert_int_equal(rep->rules[1].flows, 1);
	assert_string_equal(rep->rules[1].text,
		"rule 2 (default -> queues 0,1): 15 packets matched, 10 arrived on queues 0,1, 5 on queue 5");
	dl_steer_report__free(rep);
	dl_steer_rules__free(rs);

	rs = rules("udp dport 5000 -> queue 3\n");
	assert_int_equal(dl_steer_check__run(rs, o, 3, NULL, NULL, &rep), 0);
	assert_int_equal(rep->unmatched_flows, 1);
	assert_int_equal(rep->unmatched_packets, 15);
	dl_steer_report__free(rep);
	assert_int_equal(dl_steer_check__run(rs, NULL, 0, NULL, NULL, &rep), 0);
	assert_string_equal(rep->rules[0].text, "rule 1 (udp dport 5000 -> queue 3): no packets matched");
	dl_steer_report__free(rep);
	assert_int_equal(dl_steer_check__run(NULL, o, 3, NULL, NULL, &rep), -EINVAL);
	assert_null(rep);
	dl_steer_rules__free(rs);
}

static void test_rss_prediction(void **state)
{
	struct dl_rss_table tbl = { .key = ms_key, .key_len = 40, .ports_tcp = true };
	struct dl_steer_nic nic = { .rss = &tbl };
	struct dl_steer_report *rep;
	struct dl_flow_obs o[3];
	__u32 indir[128];
	int i;

	(void)state;
	for (i = 0; i < 128; i++)
		indir[i] = i % 4;
	tbl.indir = indir;
	tbl.indir_size = 128;
	/* Microsoft vector 1: hash 0x51ccc178, indir[120] = 0. */
	flow4(&o[0], IPPROTO_TCP, "66.9.149.187", "161.142.100.80", 2794, 1766);
	o[0].packets[2] = 500;
	/* Vector 2: hash 0xc626b0ea, indir[106] = 2; seen where predicted. */
	flow4(&o[1], IPPROTO_TCP, "199.92.111.2", "65.69.140.83", 14230, 4739);
	o[1].packets[2] = 300;
	/* Non-IP: cannot be predicted. */
	memset(&o[2], 0, sizeof(o[2]));
	o[2].flow.l3proto = htons(0x88CC);
	o[2].packets[0] = 1;
	assert_int_equal(dl_steer_check__run(NULL, o, 3, &nic, NULL, &rep), 0);
	assert_true(rep->predicted);
	assert_int_equal(rep->nr_rules, 0);
	assert_int_equal(rep->unpredicted_flows, 1);
	assert_int_equal(rep->nr_mismatches, 1);
	assert_int_equal(rep->mismatches[0].hash, 0x51ccc178);
	assert_int_equal(rep->mismatches[0].predicted, 0);
	assert_int_equal(rep->mismatches[0].observed, 2);
	assert_int_equal(rep->mismatches[0].elsewhere, 500);
	assert_string_equal(rep->mismatches[0].text,
		"flow tcp 66.9.149.187:2794 -> 161.142.100.80:1766: RSS predicts queue 0 "
		"(hash 0x51ccc178, indir[120]), 500 packets arrived on queue 2");
	dl_steer_report__free(rep);

	/* Part of it where predicted. */
	o[0].packets[0] = 100;
	o[0].packets[1] = 50;
	assert_int_equal(dl_steer_check__run(NULL, o, 2, &nic, NULL, &rep), 0);
	assert_string_equal(rep->mismatches[0].text,
		"flow tcp 66.9.149.187:2794 -> 161.142.100.80:1766: RSS predicts queue 0 "
		"(hash 0x51ccc178, indir[120]), 550 of 650 packets arrived elsewhere "
		"(queue 1: 50, queue 2: 500)");
	dl_steer_report__free(rep);

	/* A table pointing past the tracked queues: all counted packets are elsewhere. */
	indir[120] = 100;
	assert_int_equal(dl_steer_check__run(NULL, o, 1, &nic, NULL, &rep), 0);
	assert_int_equal(rep->mismatches[0].elsewhere, 650);
	dl_steer_report__free(rep);
}

static void test_ntuple_prediction(void **state)
{
	struct dl_steer_rules *nt = dl_steer_rules__new("eth1 ntuple");
	struct dl_steer_rules *rs = rules("udp dport 5000 -> queue 3\n");
	struct dl_steer_nic nic = { .ntuple = nt };
	struct dl_steer_report *rep;
	struct dl_steer_rule r;
	struct dl_flow_obs o[1];

	(void)state;
	assert_int_equal(dl_steer_rule__parse("udp dport 5000 -> queue 3", &r, err, sizeof(err)), 0);
	r.line = 1023;
	assert_int_equal(dl_steer_rules__add(nt, &r), 0);
	flow4(&o[0], IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 1000, 5000);
	o[0].packets[0] = 10000;
	assert_int_equal(dl_steer_check__run(rs, o, 1, &nic, NULL, &rep), 0);
	assert_int_equal(rep->nr_violations, 1);
	assert_int_equal(rep->nr_mismatches, 1);
	assert_true(rep->mismatches[0].by_ntuple);
	assert_string_equal(rep->mismatches[0].text,
		"flow udp 198.18.0.1:1000 -> 198.18.0.2:5000: ntuple rule 1023 (udp dport 5000 -> queue 3) "
		"predicts queue 3, 10000 packets arrived on queue 0");
	dl_steer_report__free(rep);
	dl_steer_rules__free(rs);
	dl_steer_rules__free(nt);
}

static void test_format_flow(void **state)
{
	struct dl_flow_obs o;
	char buf[128];

	(void)state;
	flow4(&o, IPPROTO_ICMP, "198.18.0.1", "198.18.0.2", 8, 0);
	dl_steer_check__format_flow(&o.flow, buf, sizeof(buf));
	assert_string_equal(buf, "icmp 198.18.0.1 -> 198.18.0.2");
	flow4(&o, IPPROTO_UDP, "198.18.0.1", "198.18.0.2", 0, 0);
	o.flow.frag = 1;
	dl_steer_check__format_flow(&o.flow, buf, sizeof(buf));
	assert_string_equal(buf, "udp 198.18.0.1 -> 198.18.0.2 (fragment)");
	memset(&o, 0, sizeof(o));
	o.flow.l3proto = htons(0x86DD);
	o.flow.l4proto = IPPROTO_TCP;
	inet_pton(AF_INET6, "2001:db8::1", o.flow.saddr);
	inet_pton(AF_INET6, "2001:db8::2", o.flow.daddr);
	o.flow.sport = htons(443);
	o.flow.dport = htons(50000);
	dl_steer_check__format_flow(&o.flow, buf, sizeof(buf));
	assert_string_equal(buf, "tcp [2001:db8::1]:443 -> [2001:db8::2]:50000");
	o.flow.l4proto = 47;
	dl_steer_check__format_flow(&o.flow, buf, sizeof(buf));
	assert_string_equal(buf, "proto 47 2001:db8::1 -> 2001:db8::2");
	o.flow.l3proto = htons(0x88CC);
	dl_steer_check__format_flow(&o.flow, buf, sizeof(buf));
	assert_string_equal(buf, "ethertype 0x88cc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pinned_wrong_queue),
		cmocka_unit_test(test_even),
		cmocka_unit_test(test_default_and_unmatched),
		cmocka_unit_test(test_rss_prediction),
		cmocka_unit_test(test_ntuple_prediction),
		cmocka_unit_test(test_format_flow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
