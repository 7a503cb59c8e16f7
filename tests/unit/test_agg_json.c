// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared JSON/text views of an aggregator: per-queue rows with shares,
 * per-stamped-flow sequence results (absent, not 0, under sampling), and
 * the top flows picked without sorting the whole table.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "linerate/agg.h"
#include "linerate/agg_json.h"
#include "dropledger_shared.h"

static struct dl_pkt_rec rec(__u32 sport, __u16 rxq, __u32 fid, __u64 seq)
{
	struct dl_pkt_rec r;

	memset(&r, 0, sizeof(r));
	r.flow.l3proto = 0x0008;
	r.flow.l4proto = 17;
	r.flow.saddr[0] = 0x010012c6;	/* 198.18.0.1 */
	r.flow.daddr[0] = 0x020012c6;
	r.flow.sport = (__u16)((sport >> 8) | (sport << 8));
	r.flow.dport = 0x0900;
	r.hash = dl_flow_hash(&r.flow);
	r.len = 100;
	r.rxq = rxq;
	r.flags = DL_REC_STAMPED;
	r.stamp_flow = fid;
	r.seq = seq;
	return r;
}

/* Flow f (sport 40000+f) on queue f % 2 gets 10*(f+1) records, 0..n-1 in order. */
static struct dl_agg *fill(int gap_flow, __u64 gap_seq)
{
	struct dl_agg *a = dl_agg__new(NULL);
	int f;

	assert_non_null(a);
	for (f = 0; f < 4; f++) {
		__u64 s;

		for (s = 0; s < (__u64)(10 * (f + 1)); s++) {
			struct dl_pkt_rec r = rec(40000 + f, (__u16)(f % 2), (__u32)f, s);

			if (f == gap_flow && s == gap_seq)
				continue;
			dl_agg__add(a, &r, 1);
		}
	}
	return a;
}

static void test_queues(void **state)
{
	struct dl_agg *a = fill(-1, 0);
	json_t *q = dl_agg_json__queues(a), *r0, *r1;

	(void)state;
	assert_non_null(q);
	assert_int_equal(json_array_size(q), 2);
	r0 = json_array_get(q, 0);
	r1 = json_array_get(q, 1);
	/* flows 0, 2: 10 + 30 records; flows 1, 3: 20 + 40 of 100. */
	assert_int_equal(json_integer_value(json_object_get(r0, "queue")), 0);
	assert_int_equal(json_integer_value(json_object_get(r0, "records")), 40);
	assert_int_equal(json_integer_value(json_object_get(r0, "bytes")), 4000);
	assert_int_equal(json_integer_value(json_object_get(r1, "stamped")), 60);
	assert_true(json_real_value(json_object_get(r1, "share")) > 0.599 &&
		    json_real_value(json_object_get(r1, "share")) < 0.601);
	json_decref(q);
	dl_agg__free(a);
}

static void test_seq(void **state)
{
	struct dl_agg *a = fill(2, 5);
	json_t *fl, *sum, *f2;

	(void)state;
	assert_int_equal(dl_agg__seq_finish(a, 3, 45), 0);	/* 5 sent after the last */
	fl = dl_agg_json__seq_flows(a, false);
	assert_int_equal(json_array_size(fl), 4);
	f2 = json_array_get(fl, 2);
	assert_int_equal(json_integer_value(json_object_get(f2, "flow")), 2);
	assert_int_equal(json_integer_value(json_object_get(f2, "received")), 29);
	assert_int_equal(json_integer_value(json_object_get(f2, "lost")), 1);
	assert_int_equal(json_integer_value(json_object_get(f2, "reordered")), 0);
	sum = dl_agg_json__seq_summary(a, false);
	assert_int_equal(json_integer_value(json_object_get(sum, "flows")), 4);
	assert_int_equal(json_integer_value(json_object_get(sum, "received")), 99);
	assert_int_equal(json_integer_value(json_object_get(sum, "lost")), 6);
	json_decref(fl);
	json_decref(sum);

	/* Sampling: gaps are by design, the counters do not exist. */
	fl = dl_agg_json__seq_flows(a, true);
	f2 = json_array_get(fl, 2);
	assert_int_equal(json_integer_value(json_object_get(f2, "received")), 29);
	assert_true(json_is_null(json_object_get(f2, "lost")));
	assert_true(json_is_null(json_object_get(f2, "duplicated")));
	sum = dl_agg_json__seq_summary(a, true);
	assert_true(json_is_null(json_object_get(sum, "lost")));
	json_decref(fl);
	json_decref(sum);
	dl_agg__free(a);
}

static void test_top(void **state)
{
	struct dl_agg *a = fill(-1, 0);
	json_t *t;
	char *txt = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	t = dl_agg_json__top_flows(a, 3);
	assert_int_equal(json_array_size(t), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 0), "records")), 40);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 0), "sport")), 40003);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 1), "records")), 30);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 2), "records")), 20);
	assert_string_equal(json_string_value(json_object_get(json_array_get(t, 2), "src")),
			    "198.18.0.1");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 2), "dport")), 9);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(t, 2), "queue")), 1);
	json_decref(t);
	t = dl_agg_json__top_flows(a, 100);
	assert_int_equal(json_array_size(t), 4);
	json_decref(t);

	f = open_memstream(&txt, &len);
	assert_non_null(f);
	dl_agg_json__print_text(a, false, 2, f);
	fclose(f);
	assert_non_null(strstr(txt, "stamped flows 4: received 100, lost 0"));
	assert_non_null(strstr(txt, "udp 198.18.0.1:40003 -> 198.18.0.2:9"));
	assert_null(strstr(txt, ":40001 "));	/* only the top 2 */
	free(txt);
	dl_agg__free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queues),
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
