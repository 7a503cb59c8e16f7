/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Toeplitz RSS hash as NICs compute it (Microsoft RSS spec), and the queue
 * it selects through an indirection table. Used to predict where a flow
 * should land, so the steering check can tell "RSS sent it there" from
 * "something else moved it".
 */
#ifndef DL_TOEPLITZ_H
#define DL_TOEPLITZ_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <linux/types.h>

/* The shared header's #pragma unroll is for clang's BPF build only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#include "dropledger_shared.h"
#pragma GCC diagnostic pop

/*
 * The NIC's RSS setup as the predictor needs it. @indir maps hash % size to
 * a queue; @key is the Toeplitz key; @ports_tcp/@ports_udp say whether the
 * L4 ports are part of the hash input for that protocol (ethtool
 * rx-flow-hash "sdfn" vs "sd").
 */
struct dl_rss_table {
	const __u32 *indir;
	__u32 indir_size;
	const __u8 *key;
	__u32 key_len;
	bool ports_tcp;
	bool ports_udp;
};

/*
 * Toeplitz hash of @len input bytes under a key of @key_len bytes. The
 * input needs key_len >= len + 4 to be fully keyed; key bits past the end
 * are taken as zero (real NICs use 40- or 52-byte keys, enough for IPv6
 * with ports).
 */
__u32 dl_toeplitz__hash(const __u8 *key, size_t key_len, const void *data,
			size_t len);

/* IPv4 input: src, dst (network order); with ports: then sport, dport. */
__u32 dl_toeplitz__hash_ipv4(const __u8 *key, size_t key_len,
			     struct in_addr src, struct in_addr dst);
__u32 dl_toeplitz__hash_ipv4_ports(const __u8 *key, size_t key_len,
				   struct in_addr src, struct in_addr dst,
				   __be16 sport, __be16 dport);
__u32 dl_toeplitz__hash_ipv6(const __u8 *key, size_t key_len,
			     const struct in6_addr *src,
			     const struct in6_addr *dst);
__u32 dl_toeplitz__hash_ipv6_ports(const __u8 *key, size_t key_len,
				   const struct in6_addr *src,
				   const struct in6_addr *dst,
				   __be16 sport, __be16 dport);

/*
 * Hash of a flow as the NIC would compute it under @tbl: IPv4 or IPv6 by
 * l3proto, ports included for TCP/UDP when the table says so and the flow
 * is not a later fragment. Returns 0 and the hash in @hash, -EAFNOSUPPORT
 * for non-IP flows (the NIC does not hash them with Toeplitz either).
 */
int dl_toeplitz__hash_flow(const struct dl_rss_table *tbl,
			   const struct dl_flow *flow, __u32 *hash);

/*
 * Queue the indirection table selects: indir[hash % indir_size]. Returns
 * the queue (>= 0) or -EINVAL when the table is empty.
 */
int dl_toeplitz__queue(__u32 hash, const __u32 *indir, __u32 indir_size);

#endif
