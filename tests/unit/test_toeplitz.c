// SPDX-License-Identifier: GPL-2.0-only
/*
 * Toeplitz hash against the Microsoft RSS verification suite, read from
 * tests/data/rss-toeplitz-vectors.txt (all 16 hashes), plus the flow helper
 * and the indirection-table lookup.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "rss/toeplitz.h"

struct vec {
	int family;
	union { struct in_addr v4; struct in6_addr v6; } src, dst;
	__u16 sport, dport;
	__u32 hash_ip, hash_ports;
};

static __u8 key[64];
static size_t key_len;
static struct vec vecs[16];
static int nvec;

static int parse_key(const char *hex)
{
	size_t i, n = strlen(hex);

	if (n % 2 || n / 2 > sizeof(key))
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		key[i] = b;
	}
	key_len = n / 2;
	return 0;
}

static int load_vectors(void **state)
{
	const char *dir = getenv("DL_TESTDATA");
	char path[512], line[512];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/rss-toeplitz-vectors.txt", dir ? dir : "tests/data");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char fam[8], s[64], d[64];
		unsigned int sp, dp, h1, h2;
		struct vec *v;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!strncmp(line, "key ", 4)) {
			line[strcspn(line, "\n")] = 0;
			if (parse_key(line + 4))
				goto bad;
			continue;
		}
		if (nvec >= 16 ||
		    sscanf(line, "%7s %63s %63s %u %u %x %x", fam, s, d, &sp, &dp, &h1, &h2) != 7)
			goto bad;
		v = &vecs[nvec++];
		v->family = strcmp(fam, "ipv6") ? AF_INET : AF_INET6;
		if (inet_pton(v->family, s, &v->src) != 1 || inet_pton(v->family, d, &v->dst) != 1)
			goto bad;
		v->sport = sp;
		v->dport = dp;
		v->hash_ip = h1;
		v->hash_ports = h2;
	}
	fclose(f);
	return 0;
bad:
	fprintf(stderr, "malformed line in %s: %s", path, line);
	fclose(f);
	return -1;
}

static void test_vectors(void **state)
{
	int i, checked = 0;

	(void)state;
	assert_int_equal(key_len, 40);
	assert_int_equal(nvec, 8);
	for (i = 0; i < nvec; i++) {
		struct vec *v = &vecs[i];
		__u32 h1, h2;

		if (v->family == AF_INET) {
			h1 = dl_toeplitz__hash_ipv4(key, key_len, v->src.v4, v->dst.v4);
			h2 = dl_toeplitz__hash_ipv4_ports(key, key_len, v->src.v4, v->dst.v4,
							  htons(v->sport), htons(v->dport));
		} else {
			h1 = dl_toeplitz__hash_ipv6(key, key_len, &v->src.v6, &v->dst.v6);
			h2 = dl_toeplitz__hash_ipv6_ports(key, key_len, &v->src.v6, &v->dst.v6,
							  htons(v->sport), htons(v->dport));
		}
		assert_int_equal(h1, v->hash_ip);
		assert_int_equal(h2, v->hash_ports);
		checked += 2;
	}
	assert_int_equal(checked, 16);
}

static void flow_from_vec(const struct vec *v, struct dl_flow *f, __u8 l4)
{
	memset(f, 0, sizeof(*f));
	if (v->family == AF_INET) {
		f->l3proto = htons(0x0800);
		f->saddr[0] = v->src.v4.s_addr;
		f->daddr[0] = v->dst.v4.s_addr;
	} else {
		f->l3proto = htons(0x86DD);
		memcpy(f->saddr, &v->src.v6, 16);
		memcpy(f->daddr, &v->dst.v6, 16);
	}
	f->l4proto = l4;
	f->sport = htons(v->sport);
	f->dport = htons(v->dport);
}

static void test_flow_helper(void **state)
{
	struct dl_rss_table tbl = { .key = key, .key_len = key_len,
				    .ports_tcp = true, .ports_udp = false };
	struct dl_flow f;
	__u32 h;
	int i;

	(void)state;
	for (i = 0; i < nvec; i++) {
		flow_from_vec(&vecs[i], &f, IPPROTO_TCP);
		assert_int_equal(dl_toeplitz__hash_flow(&tbl, &f, &h), 0);
		assert_int_equal(h, vecs[i].hash_ports);
		/* UDP hashed on addresses only under this table. */
		flow_from_vec(&vecs[i], &f, IPPROTO_UDP);
		assert_int_equal(dl_toeplitz__hash_flow(&tbl, &f, &h), 0);
		assert_int_equal(h, vecs[i].hash_ip);
		/* A later fragment never hashes ports. */
		flow_from_vec(&vecs[i], &f, IPPROTO_TCP);
		f.frag = 1;
		assert_int_equal(dl_toeplitz__hash_flow(&tbl, &f, &h), 0);
		assert_int_equal(h, vecs[i].hash_ip);
	}
	memset(&f, 0, sizeof(f));
	f.l3proto = htons(0x88CC);	/* LLDP */
	assert_int_equal(dl_toeplitz__hash_flow(&tbl, &f, &h), -EAFNOSUPPORT);
}

static void test_queue(void **state)
{
	__u32 indir[128];
	int i;

	(void)state;
	for (i = 0; i < 128; i++)
		indir[i] = i % 4;
	/* 0x51ccc178 % 128 = 120 -> queue 0; 0xc626b0ea % 128 = 106 -> queue 2 */
	assert_int_equal(dl_toeplitz__queue(0x51ccc178, indir, 128), 0);
	assert_int_equal(dl_toeplitz__queue(0xc626b0ea, indir, 128), 2);
	indir[106] = 7;
	assert_int_equal(dl_toeplitz__queue(0xc626b0ea, indir, 128), 7);
	assert_int_equal(dl_toeplitz__queue(1, indir, 0), -EINVAL);
	assert_int_equal(dl_toeplitz__queue(1, NULL, 4), -EINVAL);
}

static void test_short_key(void **state)
{
	__u8 in[12] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4 };
	__u8 longkey[40] = { 0 };

	(void)state;
	/* Missing key bytes act as zeros: a short key equals its zero-padded form. */
	memcpy(longkey, key, 8);
	assert_int_equal(dl_toeplitz__hash(key, 8, in, sizeof(in)),
			 dl_toeplitz__hash(longkey, sizeof(longkey), in, sizeof(in)));
	/* One input bit set: the hash is the key window at that bit. */
	memset(in, 0, sizeof(in));
	in[0] = 0x80;
	assert_int_equal(dl_toeplitz__hash(key, key_len, in, sizeof(in)), 0x6d5a56da);
	in[0] = 0x01;
	/* Window starting at bit 7: 0x6d5a56da255b... shifted left by 7. */
	assert_int_equal(dl_toeplitz__hash(key, key_len, in, sizeof(in)),
			 (0x6d5a56dau << 7) | (0x25 >> 1));
	assert_int_equal(dl_toeplitz__hash(key, key_len, in, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_flow_helper),
		cmocka_unit_test(test_queue),
		cmocka_unit_test(test_short_key),
	};

	return cmocka_run_group_tests(tests, load_vectors, NULL);
}
