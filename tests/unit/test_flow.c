// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow parsing and hashing in userspace: the parser shared with the XDP
 * program on crafted frames, and properties of the shared hash.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fastpath/flow.h"
#include "frames.h"

static void test_frames_parse(void **state)
{
	struct test_frame fr[16];
	size_t n = test_frames_build(fr, 16), i;

	(void)state;
	assert_true(n >= 12);
	for (i = 0; i < n; i++) {
		struct dl_flow f;
		int vlans = -1, rc = dl_flow__parse_frame(fr[i].buf, fr[i].len, &f, &vlans);

		if (fr[i].kind == FK_MALFORMED) {
			assert_int_equal(rc, -EBADMSG);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(ntohs(f.l3proto), fr[i].l3);
		assert_int_equal(f.l4proto, fr[i].l4);
		assert_int_equal(dl_flow__sport(&f), fr[i].sport);
		assert_int_equal(dl_flow__dport(&f), fr[i].dport);
		assert_int_equal(vlans, fr[i].vlans);
	}
}

static void test_addresses_and_text(void **state)
{
	struct test_frame fr[16];
	char buf[128];
	struct dl_flow f;

	(void)state;
	test_frames_build(fr, 16);
	assert_int_equal(dl_flow__parse_frame(fr[0].buf, fr[0].len, &f, NULL), 0);
	dl_flow__str(&f, buf, sizeof(buf));
	assert_string_equal(buf, "udp 198.18.0.1:40000 -> 198.18.0.2:9000");
	assert_int_equal(dl_flow__parse_frame(fr[4].buf, fr[4].len, &f, NULL), 0);
	dl_flow__addr_str(&f, false, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::2");
	assert_int_equal(dl_flow__parse_frame(fr[7].buf, fr[7].len, &f, NULL), 0);
	dl_flow__str(&f, buf, sizeof(buf));
	assert_string_equal(buf, "lldp");
}

static void test_flow_text(void **state)
{
	struct test_frame fr[16];
	struct dl_flow_text t;
	struct dl_flow f;

	(void)state;
	dl_flow__text(NULL, &t);
	assert_string_equal(t.flow, "?");
	assert_string_equal(t.proto, "?");
	assert_string_equal(t.dport, "?");
	assert_string_equal(t.src, "");
	test_frames_build(fr, 16);
	assert_int_equal(dl_flow__parse_frame(fr[0].buf, fr[0].len, &f, NULL), 0);
	dl_flow__text(&f, &t);
	assert_string_equal(t.flow, "udp 198.18.0.1:40000 -> 198.18.0.2:9000");
	assert_string_equal(t.proto, "udp");
	assert_string_equal(t.dport, "9000");
	assert_string_equal(t.src, "198.18.0.1");
	assert_string_equal(t.dst, "198.18.0.2");
}

/* VLAN tags are not part of the flow: the stack sees the untagged skb. */
static void test_hash_ignores_vlan(void **state)
{
	struct test_frame fr[16];
	struct dl_flow a, b;

	(void)state;
	test_frames_build(fr, 16);
	assert_int_equal(dl_flow__parse_frame(fr[2].buf, fr[2].len, &a, NULL), 0);
	/* Same 5-tuple without the tag. */
	memmove(fr[2].buf + 12, fr[2].buf + 16, fr[2].len - 16);
	assert_int_equal(dl_flow__parse_frame(fr[2].buf, fr[2].len - 4, &b, NULL), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(dl_flow__hash(&a), dl_flow__hash(&b));
}

/* Every field takes part: changing one bit of any word changes the hash. */
static void test_hash_sensitivity(void **state)
{
	struct dl_flow f = {}, g;
	unsigned int w, h0;

	(void)state;
	f.saddr[0] = htonl(0xc6120001);
	f.daddr[0] = htonl(0xc6120002);
	f.sport = htons(1);
	f.dport = htons(2);
	f.l3proto = htons(0x0800);
	f.l4proto = 17;
	h0 = dl_flow__hash(&f);
	for (w = 0; w < DL_FLOW_WORDS; w++) {
		g = f;
		((uint32_t *)&g)[w] ^= 1u << (w % 32);
		assert_int_not_equal(dl_flow__hash(&g), h0);
	}
	assert_int_equal(dl_flow__hash(&f), h0);	/* deterministic */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_parse),
		cmocka_unit_test(test_addresses_and_text),
		cmocka_unit_test(test_flow_text),
		cmocka_unit_test(test_hash_ignores_vlan),
		cmocka_unit_test(test_hash_sensitivity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
