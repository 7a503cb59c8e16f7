// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stamped frames: build, sequence rewrite, stamp read-back, and the
 * userspace record parser (DPDK mode) agreeing with dl_flow_hash of the
 * tuple the XDP program would parse; malformed input never crashes.
 */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "linerate/frame.h"
#include "dropledger_shared.h"

static const struct dl_frame_spec spec = {
	.src_mac = { 0x02, 0, 0, 0, 0, 1 },
	.dst_mac = { 0x02, 0, 0, 0, 0, 2 },
	.sport = 40001,
	.dport = 9,
	.flow_id = 5,
	.seq = 77,
	.len = 64,
};

static void test_build_and_read(void **state)
{
	struct dl_frame_spec s = spec;
	__u8 f[1514];
	__u32 fid = 0;
	__u64 seq = 0;
	size_t len;

	(void)state;
	s.saddr = htobe32(0xc6120001);
	s.daddr = htobe32(0xc6120002);
	assert_int_equal(dl_frame__build_udp4(f, sizeof(f), &s, &len), 0);
	assert_int_equal(len, 64);
	assert_int_equal(f[23], 17);
	/* IPv4 header checksum: the one's complement sum over it is 0xffff. */
	{
		__u32 sum = 0;
		int i;

		for (i = 14; i < 34; i += 2)
			sum += (__u32)f[i] << 8 | f[i + 1];
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		assert_int_equal(sum, 0xffff);
	}
	assert_int_equal(dl_frame__read_stamp(f, len, &fid, &seq), 0);
	assert_int_equal(fid, 5);
	assert_int_equal(seq, 77);
	dl_frame__set_seq(f, 1ull << 40);
	assert_int_equal(dl_frame__read_stamp(f, len, &fid, &seq), 0);
	assert_int_equal(seq, 1ull << 40);
	f[DL_FRAME_STAMP_OFF] ^= 1;	/* magic broken: not ours */
	assert_int_equal(dl_frame__read_stamp(f, len, NULL, NULL), -ENOMSG);
	assert_int_equal(dl_frame__read_stamp(f, 20, NULL, NULL), -ENOMSG);

	s.len = 63;
	assert_int_equal(dl_frame__build_udp4(f, sizeof(f), &s, &len), -ERANGE);
	s.len = 1514;
	assert_int_equal(dl_frame__build_udp4(f, 100, &s, &len), -ENOSPC);
}

static void test_to_rec(void **state)
{
	struct dl_frame_spec s = spec;
	struct dl_pkt_rec r;
	struct dl_flow fl;
	__u8 f[256], v[256];
	size_t len;

	(void)state;
	s.saddr = htobe32(0xc6120001);
	s.daddr = htobe32(0xc6120002);
	assert_int_equal(dl_frame__build_udp4(f, sizeof(f), &s, &len), 0);
	assert_int_equal(dl_frame__to_rec(f, len, 123, 2, 1, &r), 0);
	memset(&fl, 0, sizeof(fl));
	fl.saddr[0] = s.saddr;
	fl.daddr[0] = s.daddr;
	fl.sport = htobe16(40001);
	fl.dport = htobe16(9);
	fl.l3proto = htobe16(0x0800);
	fl.l4proto = 17;
	assert_memory_equal(&r.flow, &fl, sizeof(fl));
	assert_int_equal(r.hash, dl_flow_hash(&fl));
	assert_int_equal(r.flags, DL_REC_STAMPED);
	assert_int_equal(r.stamp_flow, 5);
	assert_int_equal(r.seq, 77);
	assert_int_equal(r.rxq, 2);
	assert_int_equal(r.len, 64);

	/* The same frame with an 802.1Q tag: same flow, VLAN flag. */
	memcpy(v, f, 12);
	v[12] = 0x81;
	v[13] = 0x00;
	v[14] = 0;
	v[15] = 10;
	memcpy(v + 16, f + 12, len - 12);
	assert_int_equal(dl_frame__to_rec(v, len + 4, 0, 0, 0, &r), 0);
	assert_int_equal(r.flags, DL_REC_STAMPED | DL_REC_VLAN);
	assert_int_equal(r.hash, dl_flow_hash(&fl));

	/* Cut short anywhere in the headers: malformed, no stamp, no crash. */
	for (len = 0; len < 42; len++) {
		assert_int_equal(dl_frame__to_rec(f, len, 0, 0, 0, &r), 0);
		assert_true(r.flags & DL_REC_MALFORMED);
		assert_false(r.flags & DL_REC_STAMPED);
	}
	assert_int_equal(dl_frame__to_rec(NULL, 10, 0, 0, 0, &r), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_read),
		cmocka_unit_test(test_to_rec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
