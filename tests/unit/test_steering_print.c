// SPDX-License-Identifier: GPL-2.0-only
/*
 * A steering report as JSON and text: per-rule fields with the rule's line,
 * per-queue packets keyed by queue, absent values as null, the NIC
 * mismatch list and the violation count that decides the exit code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rss/steering_print.h"

static void flow4(struct dl_flow_obs *o, __u16 sp, __u16 dp)
{
	memset(o, 0, sizeof(*o));
	o->flow.l3proto = htons(0x0800);
	o->flow.l4proto = 17;
	inet_pton(AF_INET, "198.18.0.1", &o->flow.saddr[0]);
	inet_pton(AF_INET, "198.18.0.2", &o->flow.daddr[0]);
	o->flow.sport = htons(sp);
	o->flow.dport = htons(dp);
}

static char *text_of(const struct dl_steer_report *r, size_t max)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	dl_steer_report__print_text(r, max, f);
	fclose(f);
	return buf;
}

static void test_rules(void **state)
{
	const char *text = "# ops\nudp dport 5000 -> queue 3\n\nudp dport 5001 -> queue 2\n"
			   "tcp dport 80 -> queues 0-3 even\n";
	struct dl_steer_rules *rs;
	struct dl_steer_report *rep;
	struct dl_flow_obs o[3];
	char err[256], *t;
	json_t *j, *r1;

	(void)state;
	assert_int_equal(dl_steer_rules__parse_string("ops.rules", text, &rs, err, sizeof(err)), 0);
	flow4(&o[0], 41100, 5000);
	o[0].packets[3] = 160;
	flow4(&o[1], 41101, 5001);
	o[1].packets[1] = 150;
	o[1].packets[2] = 10;
	flow4(&o[2], 41102, 9999);
	o[2].packets[0] = 7;
	assert_int_equal(dl_steer_check__run(rs, o, 3, NULL, NULL, &rep), 0);
	assert_int_equal(dl_steer_report__violations(rep), 1);

	j = dl_steer_report__json(rep);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "violations")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "rule_violations")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "unmatched_flows")), 1);
	assert_int_equal(json_integer_value(json_object_get(j, "unmatched_packets")), 7);
	assert_true(json_is_false(json_object_get(j, "predicted")));
	assert_true(json_is_null(json_object_get(j, "unpredicted_flows")));
	assert_int_equal(json_array_size(json_object_get(j, "mismatches")), 0);
	r1 = json_array_get(json_object_get(j, "rules"), 1);
	assert_int_equal(json_integer_value(json_object_get(r1, "index")), 2);
	assert_int_equal(json_integer_value(json_object_get(r1, "line")), 4);
	assert_string_equal(json_string_value(json_object_get(r1, "rule")),
			    "udp dport 5001 -> queue 2");
	assert_int_equal(json_integer_value(json_object_get(r1, "on_allowed")), 10);
	assert_int_equal(json_integer_value(json_object_get(r1, "elsewhere")), 150);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r1, "per_queue"), "1")),
			 150);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r1, "per_queue"), "2")),
			 10);
	assert_int_equal(json_object_size(json_object_get(r1, "per_queue")), 2);
	assert_true(json_is_true(json_object_get(r1, "violation")));
	assert_true(json_is_null(json_object_get(r1, "jain")));
	/* The even rule saw nothing: Jain does not exist, it is not 0. */
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "rules"), 2),
						 "jain")));
	json_decref(j);

	t = text_of(rep, 0);
	assert_string_equal(t,
		"rule 1 (udp dport 5000 -> queue 3): 160 packets matched, all on queue 3\n"
		"rule 2 (udp dport 5001 -> queue 2): 160 packets matched, 10 arrived on queue 2, "
		"150 on queue 1  <- VIOLATION\n"
		"rule 3 (tcp dport 80 -> queues 0-3 even): no packets matched\n"
		"no rule matched 1 flow (7 packets)\n"
		"violations: 1 (1 rule, 0 flows against the NIC config)\n");
	free(t);
	dl_steer_report__free(rep);
	dl_steer_rules__free(rs);
}

/* NIC prediction by ntuple: mismatches count as violations, listed capped. */
static void test_mismatches(void **state)
{
	struct dl_steer_rules *nt;
	struct dl_steer_nic nic = {};
	struct dl_steer_report *rep;
	struct dl_flow_obs o[3];
	char err[256], *t;
	json_t *j, *m;
	int i;

	(void)state;
	assert_int_equal(dl_steer_rules__parse_string("ntuple", "udp dport 5000 -> queue 3\n",
						      &nt, err, sizeof(err)), 0);
	nic.ntuple = nt;
	for (i = 0; i < 3; i++) {
		flow4(&o[i], 42000 + i, 5000);
		o[i].packets[0] = 100 * (i + 1);
	}
	assert_int_equal(dl_steer_check__run(NULL, o, 3, &nic, NULL, &rep), 0);
	assert_int_equal(rep->nr_mismatches, 3);
	assert_int_equal(dl_steer_report__violations(rep), 3);
	j = dl_steer_report__json(rep);
	m = json_array_get(json_object_get(j, "mismatches"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "by")), "ntuple");
	assert_true(json_is_null(json_object_get(m, "hash")));
	assert_int_equal(json_integer_value(json_object_get(m, "predicted")), 3);
	assert_int_equal(json_integer_value(json_object_get(m, "observed")), 0);
	assert_int_equal(json_integer_value(json_object_get(m, "packets")), 300);
	assert_int_equal(json_integer_value(json_object_get(m, "sport")), 42002);
	assert_int_equal(json_integer_value(json_object_get(j, "unpredicted_flows")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "mismatched_flows")), 3);
	json_decref(j);
	t = text_of(rep, 2);
	assert_non_null(strstr(t, "... and 1 more flows not where the NIC config sends them\n"));
	assert_non_null(strstr(t, "violations: 3 (0 rules, 3 flows against the NIC config)\n"));
	free(t);
	dl_steer_report__free(rep);
	dl_steer_rules__free(nt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_mismatches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
