// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ledger's JSON: one object with the documented fields, null for
 * counters that do not exist (never a fake 0), and the text form showing
 * the same numbers with "n/a".
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "ledger/ledger.h"

static void fill(struct dl_ledger *l, struct dl_ledger_cause *c)
{
	memset(l, 0, sizeof(*l));
	memset(c, 0, sizeof(*c));
	snprintf(l->ifname, sizeof(l->ifname), "v0b");
	l->ifindex = 3;
	l->mode = "tap";
	l->attach = "native";
	l->duration_s = 5.0;
	l->nqueues = 2;
	l->q[0].arrived = 30;
	l->q[1].arrived = 10;
	l->q[1].nic_dropped = (struct dl_opt){ .v = 4, .have = true };
	l->xdp_seen = 40;
	l->stack_dropped = 25;
	l->delivered = 15;
	c->reason = 6;
	snprintf(c->reason_name, sizeof(c->reason_name), "SOCKET_RCVBUFF");
	snprintf(c->location_str, sizeof(c->location_str), "udp_queue_rcv_one_skb+0x1a4");
	snprintf(c->function, sizeof(c->function), "udp_queue_rcv_one_skb");
	c->count = 25;
	c->queues[0] = 20;
	c->queues[DL_Q_UNKNOWN] = 5;
	c->category = "stack";
	c->group = "socket";
	c->nflows = 1;
	c->flows[0].flow.l3proto = htons(0x0800);
	c->flows[0].flow.l4proto = 17;
	c->flows[0].flow.saddr[0] = htonl(0xc6120001);
	c->flows[0].flow.daddr[0] = htonl(0xc6120002);
	c->flows[0].flow.sport = htons(4444);
	c->flows[0].flow.dport = htons(9001);
	c->flows[0].count = 25;
	c->flows[0].arrived = (struct dl_opt){ .v = 50, .have = true };
	l->causes = c;
	l->ncauses = 1;
}

static void test_json_shape(void **state)
{
	struct dl_ledger_cause c;
	struct dl_ledger l;
	json_t *root, *tot, *q, *cause, *flow;
	json_error_t jerr;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	fill(&l, &c);
	assert_int_equal(dl_ledger__print_json(&l, out), 0);
	fclose(out);
	/* Exactly one object and a newline. */
	assert_int_equal(buf[len - 1], '\n');
	root = json_loads(buf, 0, &jerr);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "tool")), "dropledger");
	assert_string_equal(json_string_value(json_object_get(root, "interface")), "v0b");
	assert_int_equal(json_integer_value(json_object_get(root, "ifindex")), 3);
	tot = json_object_get(root, "totals");
	assert_true(json_is_null(json_object_get(tot, "nic_dropped")));
	assert_int_equal(json_integer_value(json_object_get(tot, "arrived")), 40);
	assert_int_equal(json_integer_value(json_object_get(tot, "residual")), 0);
	assert_int_equal(json_integer_value(json_object_get(tot, "records_lost")), 0);
	q = json_object_get(root, "queues");
	assert_int_equal(json_array_size(q), 2);
	assert_true(json_is_null(json_object_get(json_array_get(q, 0), "nic_dropped")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(q, 1), "nic_dropped")), 4);
	assert_true(json_real_value(json_object_get(json_array_get(q, 0), "share")) == 0.75);
	cause = json_array_get(json_object_get(root, "causes"), 0);
	assert_string_equal(json_string_value(json_object_get(cause, "reason")), "SOCKET_RCVBUFF");
	assert_string_equal(json_string_value(json_object_get(cause, "function")),
			    "udp_queue_rcv_one_skb");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(cause, "queues"), "0")), 20);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(cause, "queues"), "unknown")), 5);
	flow = json_array_get(json_object_get(cause, "flows"), 0);
	assert_string_equal(json_string_value(json_object_get(flow, "proto")), "udp");
	assert_string_equal(json_string_value(json_object_get(flow, "src")), "198.18.0.1");
	assert_int_equal(json_integer_value(json_object_get(flow, "dport")), 9001);
	assert_true(json_real_value(json_object_get(flow, "loss_rate")) == 0.5);
	json_decref(root);
	free(buf);
}

/*
 * An interface name that is not UTF-8 (the kernel takes any bytes) is an
 * escaped string, never null; a cut-short run says so and why.
 */
static void test_json_name_and_truncated(void **state)
{
	struct dl_ledger_cause c;
	struct dl_ledger l;
	json_t *root;

	(void)state;
	fill(&l, &c);
	root = dl_ledger__to_json(&l);
	assert_true(json_is_false(json_object_get(root, "truncated")));
	assert_true(json_is_null(json_object_get(root, "truncated_reason")));
	json_decref(root);
	snprintf(l.ifname, sizeof(l.ifname), "v\xff\xfe\x1b[31m");
	l.truncated_reason = "v0b was deleted";
	root = dl_ledger__to_json(&l);
	assert_string_equal(json_string_value(json_object_get(root, "interface")),
			    "v\\xff\\xfe\x1b[31m");
	assert_true(json_is_true(json_object_get(root, "truncated")));
	assert_string_equal(json_string_value(json_object_get(root, "truncated_reason")),
			    "v0b was deleted");
	json_decref(root);
}

static void test_text_na(void **state)
{
	struct dl_ledger_cause c;
	struct dl_ledger l;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	(void)state;
	fill(&l, &c);
	assert_int_equal(dl_ledger__print_text(&l, out), 0);
	fclose(out);
	assert_non_null(strstr(buf, "nic_dropped             n/a"));
	assert_non_null(strstr(buf, "udp 198.18.0.1:4444 -> 198.18.0.2:9001"));
	assert_non_null(strstr(buf, "SOCKET_RCVBUFF"));
	assert_null(strstr(buf, "not explained"));
	free(buf);
}

/*
 * A cause over several ports names the top flow's port in its summary; the
 * other ports follow with their counts. Flows to the same port from other
 * sources add nothing (same object).
 */
static void test_note_flows(void **state)
{
	struct dl_ledger_cause c;
	struct dl_ledger l;
	char s[640];

	(void)state;
	fill(&l, &c);
	c.count = 46;
	c.flows[0].count = 17;
	c.flows[1] = c.flows[0];
	c.flows[1].flow.sport = htons(5555);
	c.flows[1].count = 16;
	c.flows[2] = c.flows[0];
	c.flows[2].flow.dport = htons(4789);
	c.flows[2].count = 13;
	c.nflows = 2;
	snprintf(s, sizeof(s), "no socket on 9001");
	dl_ledger__note_flows(&c, s, sizeof(s));
	assert_string_equal(s, "no socket on 9001");
	c.nflows = 3;
	c.flows_other = (struct dl_opt){ .v = 0, .have = true };
	dl_ledger__note_flows(&c, s, sizeof(s));
	assert_string_equal(s, "no socket on 9001; that names the top flow; the cause also has "
			       "udp 198.18.0.1:4444 -> 198.18.0.2:4789");
	/* Never past the buffer. */
	snprintf(s, 24, "no socket on 9001");
	dl_ledger__note_flows(&c, s, 24);
	assert_int_equal(strlen(s), 23);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_json_name_and_truncated),
		cmocka_unit_test(test_text_na),
		cmocka_unit_test(test_note_flows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
