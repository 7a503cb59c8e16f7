// SPDX-License-Identifier: GPL-2.0-only
/*
 * Toeplitz hash: for every set bit of the input, XOR in the 32-bit window
 * of the key that starts at that bit. See toeplitz.h.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "rss/toeplitz.h"

#define DL_ETH_P_IP 0x0800
#define DL_ETH_P_IPV6 0x86DD

static __u8 key_byte(const __u8 *key, size_t key_len, size_t i)
{
	return i < key_len ? key[i] : 0;
}

__u32 dl_toeplitz__hash(const __u8 *key, size_t key_len, const void *data,
			size_t len)
{
	const __u8 *in = data;
	__u32 window, hash = 0;
	size_t i;
	int bit;

	window = (__u32)key_byte(key, key_len, 0) << 24 |
		 (__u32)key_byte(key, key_len, 1) << 16 |
		 (__u32)key_byte(key, key_len, 2) << 8 |
		 key_byte(key, key_len, 3);
	for (i = 0; i < len; i++) {
		__u8 next = key_byte(key, key_len, i + 4);

		for (bit = 7; bit >= 0; bit--) {
			if (in[i] & (1u << bit))
				hash ^= window;
			/* Slide the window one key bit to the left. */
			window = window << 1 | ((next >> bit) & 1);
		}
	}
	return hash;
}

__u32 dl_toeplitz__hash_ipv4(const __u8 *key, size_t key_len,
			     struct in_addr src, struct in_addr dst)
{
	__u8 in[8];

	memcpy(in, &src.s_addr, 4);
	memcpy(in + 4, &dst.s_addr, 4);
	return dl_toeplitz__hash(key, key_len, in, sizeof(in));
}

__u32 dl_toeplitz__hash_ipv4_ports(const __u8 *key, size_t key_len,
				   struct in_addr src, struct in_addr dst,
				   __be16 sport, __be16 dport)
{
	__u8 in[12];

	memcpy(in, &src.s_addr, 4);
	memcpy(in + 4, &dst.s_addr, 4);
	memcpy(in + 8, &sport, 2);
	memcpy(in + 10, &dport, 2);
	return dl_toeplitz__hash(key, key_len, in, sizeof(in));
}

__u32 dl_toeplitz__hash_ipv6(const __u8 *key, size_t key_len,
			     const struct in6_addr *src,
			     const struct in6_addr *dst)
{
	__u8 in[32];

	memcpy(in, src, 16);
	memcpy(in + 16, dst, 16);
	return dl_toeplitz__hash(key, key_len, in, sizeof(in));
}

__u32 dl_toeplitz__hash_ipv6_ports(const __u8 *key, size_t key_len,
				   const struct in6_addr *src,
				   const struct in6_addr *dst,
				   __be16 sport, __be16 dport)
{
	__u8 in[36];

	memcpy(in, src, 16);
	memcpy(in + 16, dst, 16);
	memcpy(in + 32, &sport, 2);
	memcpy(in + 34, &dport, 2);
	return dl_toeplitz__hash(key, key_len, in, sizeof(in));
}

int dl_toeplitz__hash_flow(const struct dl_rss_table *tbl,
			   const struct dl_flow *flow, __u32 *hash)
{
	bool ports = false;

	if (flow->l4proto == IPPROTO_TCP)
		ports = tbl->ports_tcp;
	else if (flow->l4proto == IPPROTO_UDP)
		ports = tbl->ports_udp;
	/* A later fragment has no ports: NICs fall back to the 2-tuple. */
	if (flow->frag)
		ports = false;

	if (flow->l3proto == htons(DL_ETH_P_IP)) {
		struct in_addr s = { flow->saddr[0] }, d = { flow->daddr[0] };

		*hash = ports ? dl_toeplitz__hash_ipv4_ports(tbl->key, tbl->key_len, s, d,
							     flow->sport, flow->dport) :
				dl_toeplitz__hash_ipv4(tbl->key, tbl->key_len, s, d);
		return 0;
	}
	if (flow->l3proto == htons(DL_ETH_P_IPV6)) {
		struct in6_addr s, d;

		memcpy(&s, flow->saddr, 16);
		memcpy(&d, flow->daddr, 16);
		*hash = ports ? dl_toeplitz__hash_ipv6_ports(tbl->key, tbl->key_len, &s, &d,
							     flow->sport, flow->dport) :
				dl_toeplitz__hash_ipv6(tbl->key, tbl->key_len, &s, &d);
		return 0;
	}
	return -EAFNOSUPPORT;
}

int dl_toeplitz__queue(__u32 hash, const __u32 *indir, __u32 indir_size)
{
	if (!indir || !indir_size)
		return -EINVAL;
	return (int)indir[hash % indir_size];
}
