// SPDX-License-Identifier: GPL-2.0-only
/*
 * Space-Saving top-k against exact counts: one elephant among many mice is
 * counted exactly, every listed estimate brackets the truth, nothing
 * unlisted exceeds the error bound, and merging keeps those guarantees.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "rss/topk.h"

#define NFLOWS 20000

static __u64 truth_pk[NFLOWS];
static __u32 flow_hash[NFLOWS];
static struct dl_flow flows[NFLOWS];

static void make_flows(void)
{
	int i;

	for (i = 0; i < NFLOWS; i++) {
		memset(&flows[i], 0, sizeof(flows[i]));
		flows[i].l3proto = htons(0x0800);
		flows[i].l4proto = 17;
		flows[i].saddr[0] = htonl(0xc6120001 + i);	/* 198.18.0.1 + i */
		flows[i].daddr[0] = htonl(0xc6120101);
		flows[i].sport = htons(1000 + i % 50000);
		flows[i].dport = htons(5000);
		flow_hash[i] = dl_flow_hash(&flows[i]);
	}
}

static int id_of(__u32 hash)
{
	int i;

	for (i = 0; i < NFLOWS; i++)
		if (flow_hash[i] == hash)
			return i;
	return -1;
}

/* The Space-Saving guarantees, checked against the exact counts. */
static void check_guarantees(const struct dl_topk *t)
{
	static struct dl_topk_entry out[1024];
	static char listed[NFLOWS];
	__u64 bound = dl_topk__error_bound(t);
	__u64 total = dl_topk__total_packets(t);
	int n, i;

	n = dl_topk__list(t, out, 1024);
	assert_int_equal(n, dl_topk__size(t));
	memset(listed, 0, sizeof(listed));
	for (i = 0; i < n; i++) {
		int id = id_of(out[i].hash);

		assert_true(id >= 0);
		assert_memory_equal(&out[i].flow, &flows[id], sizeof(struct dl_flow));
		listed[id] = 1;
		assert_true(out[i].packets >= truth_pk[id]);
		assert_true(out[i].packets - out[i].packets_error <= truth_pk[id]);
		if (i)
			assert_true(out[i - 1].packets >= out[i].packets);
	}
	assert_true(bound <= total / dl_topk__capacity(t));
	for (i = 0; i < NFLOWS; i++) {
		if (!listed[i])
			assert_true(truth_pk[i] <= bound);
		/* A flow above total/k is always listed. */
		if (truth_pk[i] > total / dl_topk__capacity(t))
			assert_true(listed[i]);
	}
}

static __u32 rng_state = 12345;

static __u32 rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static void test_elephant(void **state)
{
	struct dl_topk *t = dl_topk__new(16);
	struct dl_topk_entry top[3];
	int i, mouse = 1;

	(void)state;
	memset(truth_pk, 0, sizeof(truth_pk));
	assert_non_null(t);
	/* Elephant (flow 0) on every other packet, mice never repeat. */
	for (i = 0; i < 39000; i++) {
		int id = i % 2 ? mouse++ : 0;

		truth_pk[id]++;
		assert_int_equal(dl_topk__add(t, flow_hash[id], &flows[id], 1,
					      id ? 64 : 1500), 0);
	}
	assert_int_equal(dl_topk__list(t, top, 3), 3);
	assert_int_equal(top[0].hash, flow_hash[0]);
	assert_int_equal(top[0].packets, 19500);
	assert_int_equal(top[0].packets_error, 0);
	assert_int_equal(top[0].bytes, 19500ull * 1500);
	assert_int_equal(dl_topk__total_packets(t), 39000);
	assert_int_equal(dl_topk__total_bytes(t), 19500ull * 1500 + 19500ull * 64);
	assert_int_equal(dl_topk__size(t), 16);
	assert_true(dl_topk__error_bound(t) > 0);
	check_guarantees(t);
	dl_topk__free(t);
}

static void test_skewed_stream(void **state)
{
	struct dl_topk *t = dl_topk__new(64);
	int i;

	(void)state;
	memset(truth_pk, 0, sizeof(truth_pk));
	/* Roughly Zipf: flow i drawn with weight ~ 1/(i+1) by rejection. */
	for (i = 0; i < 200000; i++) {
		__u32 id;
		__u64 pk = 1 + rng() % 3;

		do {
			id = rng() % NFLOWS;
		} while (rng() % (id + 1) != 0);
		truth_pk[id] += pk;
		assert_int_equal(dl_topk__add(t, flow_hash[id], &flows[id], pk, pk * 100), 0);
	}
	check_guarantees(t);
	dl_topk__free(t);
}

static void test_merge(void **state)
{
	struct dl_topk *a = dl_topk__new(32), *b = dl_topk__new(32);
	struct dl_topk_entry top[1];
	int i;

	(void)state;
	memset(truth_pk, 0, sizeof(truth_pk));
	for (i = 0; i < 60000; i++) {
		struct dl_topk *t = i % 3 ? a : b;
		int id = i % 4 == 0 ? 0 : 1 + (int)(rng() % (NFLOWS - 1));

		truth_pk[id]++;
		assert_int_equal(dl_topk__add(t, flow_hash[id], &flows[id], 1, 100), 0);
	}
	assert_int_equal(dl_topk__merge(a, b), 0);
	assert_int_equal(dl_topk__total_packets(a), 60000);
	assert_int_equal(dl_topk__list(a, top, 1), 1);
	assert_int_equal(top[0].hash, flow_hash[0]);
	assert_int_equal(top[0].packets, 15000);
	assert_int_equal(top[0].packets_error, 0);
	assert_int_equal(top[0].bytes, 1500000);
	check_guarantees(a);
	dl_topk__free(a);
	dl_topk__free(b);
}

static void test_small_and_exact(void **state)
{
	struct dl_topk *a = dl_topk__new(8), *b = dl_topk__new(8), *c;
	struct dl_topk_entry out[8];
	int i;

	(void)state;
	memset(truth_pk, 0, sizeof(truth_pk));
	/* Fewer flows than k: everything exact, nothing unlisted. */
	for (i = 0; i < 5; i++) {
		truth_pk[i] += 10 * (i + 1);
		assert_int_equal(dl_topk__add(a, flow_hash[i], &flows[i], 10 * (i + 1), 1), 0);
	}
	assert_int_equal(dl_topk__error_bound(a), 0);
	assert_int_equal(dl_topk__list(a, out, 8), 5);
	assert_int_equal(out[0].packets, 50);
	assert_int_equal(out[4].packets, 10);
	for (i = 0; i < 5; i++)
		assert_int_equal(out[i].packets_error, 0);
	/* Merging two unfull summaries stays exact. */
	truth_pk[2] += 7;
	assert_int_equal(dl_topk__add(b, flow_hash[2], &flows[2], 7, 1), 0);
	assert_int_equal(dl_topk__merge(a, b), 0);
	assert_int_equal(dl_topk__error_bound(a), 0);
	assert_int_equal(dl_topk__list(a, out, 8), 5);
	assert_int_equal(out[2].hash, flow_hash[2]);
	assert_int_equal(out[2].packets, 37);
	assert_int_equal(out[2].packets_error, 0);
	check_guarantees(a);
	/* Empty merges and bad input. */
	assert_int_equal(dl_topk__add(a, 1, NULL, 0, 0), -EINVAL);
	assert_int_equal(dl_topk__merge(a, a), -EINVAL);
	dl_topk__free(b);
	b = dl_topk__new(8);
	c = dl_topk__new(4);
	assert_int_equal(dl_topk__merge(b, c), 0);
	assert_int_equal(dl_topk__size(b), 0);
	assert_int_equal(dl_topk__list(b, out, 8), 0);
	dl_topk__free(c);
	assert_null(dl_topk__new(0));
	assert_int_equal(errno, EINVAL);
	dl_topk__free(a);
	dl_topk__free(b);
	dl_topk__free(NULL);
}

static void test_k1(void **state)
{
	struct dl_topk *t = dl_topk__new(1);
	struct dl_topk_entry out[1];

	(void)state;
	assert_int_equal(dl_topk__add(t, flow_hash[0], &flows[0], 5, 5), 0);
	assert_int_equal(dl_topk__add(t, flow_hash[1], &flows[1], 1, 1), 0);
	assert_int_equal(dl_topk__list(t, out, 1), 1);
	/* The newcomer took the slot and inherited 5 as error. */
	assert_int_equal(out[0].hash, flow_hash[1]);
	assert_int_equal(out[0].packets, 6);
	assert_int_equal(out[0].packets_error, 5);
	assert_int_equal(dl_topk__error_bound(t), 6);
	dl_topk__free(t);
}

static int setup(void **state)
{
	(void)state;
	make_flows();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elephant),
		cmocka_unit_test(test_skewed_stream),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_small_and_exact),
		cmocka_unit_test(test_k1),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
