// SPDX-License-Identifier: GPL-2.0-only
/*
 * 10^6 random and mutated frames (truncated, bad lengths, deep VLAN stacks,
 * IPv6 extension chains, garbage) through BPF_PROG_TEST_RUN of every XDP
 * program we ship, on a 4-queue veth in a private namespace. dl_ingress:
 * frames = sent and parsed + malformed = sent exactly, every class count
 * equal to the userspace build of the same parser, sampled flow hashes in
 * the kernel's table. dl_capture and dl_dpdk_xdp (no socket bound, so
 * they only count): every 8th frame, each counted once and passed.
 * DL_FRAMES overrides the count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "../unit/frames.h"
#include "capture_xdp.skel.h"
#include "dpdk_xdp.skel.h"
#include "fastpath/flow.h"
#include "ingress.skel.h"
#include "util/proc_spawn.h"

#define MAXF 640

static int ifindex;
static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static struct test_frame base[16];
static size_t nbase;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)(rnd_state >> 11);
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static size_t eth(unsigned char *b, unsigned int type)
{
	memcpy(b, "\x02\xd1\0\0\0\x0b\x02\xd1\0\0\0\x0a", 12);
	put16(b + 12, type);
	return 14;
}

static size_t l4(unsigned char *b, size_t o, unsigned int proto)
{
	unsigned int n = proto == 6 ? 20 : 8, i;

	for (i = 0; i < n; i++)
		b[o + i] = rnd();
	return o + n;
}

static size_t ipv4(unsigned char *b, size_t o, bool sane)
{
	unsigned int proto = (unsigned int[]){ 17, 6, 1, 47, rnd() & 0xff }[rnd() % 5];
	size_t end;

	memset(b + o, 0, 20);
	b[o] = sane ? 0x45 : 0x40 | (rnd() & 0xf);
	b[o + 9] = proto;
	if (!sane && (rnd() & 1))
		put16(b + o + 6, rnd() & 0x3fff);	/* fragment offset, MF */
	memcpy(b + o + 12, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	end = l4(b, o + 20, proto);
	put16(b + o + 2, sane ? end - o : rnd() & 0xffff);
	return end;
}

/*
 * IPv6 with a chain of 0..12 extension headers of random kinds and sizes
 * (hop-by-hop, routing, destination, fragment with random offsets, AH,
 * no-next-header, mobility); each header's first byte names the next.
 */
static size_t ipv6_chain(unsigned char *b, size_t o)
{
	static const unsigned int ext[] = { 0, 43, 60, 44, 51, 59, 135 };
	static const unsigned int last[] = { 17, 6, 58 };
	unsigned int n = rnd() % 13, i;
	unsigned char *next = b + o + 6;
	size_t p = o + 40;

	memset(b + o, 0, 40);
	b[o] = 0x60;
	b[o + 7] = 64;
	b[o + 23] = 1;
	b[o + 39] = 2;
	for (i = 0; i < n && p + 40 + 48 < MAXF; i++) {
		unsigned int t = ext[rnd() % 7], hlen = t == 44 ? 0 : rnd() % 4;

		*next = t;
		memset(b + p, 0, 8 * (hlen + 1));
		b[p + 1] = hlen;
		if (t == 44 && (rnd() & 1))
			put16(b + p + 2, (rnd() & 0x1fff) << 3);	/* offset != 0 */
		next = b + p;
		p += 8 * (hlen + 1);
	}
	*next = last[rnd() % 3];
	p = l4(b, p, *next);
	put16(b + o + 4, (rnd() & 7) ? p - o - 40 : rnd() & 0xffff);
	return p;
}

static size_t gen(unsigned char *b)
{
	const struct test_frame *f = &base[rnd() % nbase];
	size_t len = 0, o, i, k;

	switch (rnd() % 8) {
	case 0:		/* a known frame */
		memcpy(b, f->buf, f->len);
		return f->len;
	case 1:		/* truncated */
		memcpy(b, f->buf, f->len);
		return f->len <= 14 ? f->len : 14 + rnd() % (f->len - 14 + 1);
	case 2:		/* bytes flipped */
		memcpy(b, f->buf, f->len);
		for (k = 1 + rnd() % 4; k; k--)
			b[rnd() % f->len] ^= 1u << (rnd() % 8);
		return f->len;
	case 3:		/* a deep VLAN stack */
		o = 12;
		memcpy(b, f->buf, 12);
		for (k = 1 + rnd() % 10; k; k--) {
			put16(b + o, (unsigned int[]){ 0x8100, 0x88a8, 0x9100 }[rnd() % 3]);
			put16(b + o + 2, rnd() & 0xfff);
			o += 4;
		}
		put16(b + o, rnd() & 1 ? 0x0800 : 0x86dd);
		o += 2;
		return b[o - 1] == 0x00 ? ipv4(b, o, rnd() & 1) : ipv6_chain(b, o);
	case 4:		/* IPv6 extension chains */
		return ipv6_chain(b, eth(b, 0x86dd));
	case 5:		/* IPv4 with bad lengths, fragments */
		return ipv4(b, eth(b, 0x0800), false);
	case 6:		/* garbage behind a plausible type */
		len = 14 + rnd() % 200;
		for (i = 0; i < len; i++)
			b[i] = rnd();
		if (rnd() & 1)
			put16(b + 12, (unsigned int[]){ 0x0800, 0x86dd, 0x8100, 0x88a8 }[rnd() % 4]);
		return len;
	default:	/* a known frame with a random tail */
		memcpy(b, f->buf, f->len);
		len = f->len + rnd() % 64;
		for (i = f->len; i < len; i++)
			b[i] = rnd();
		return len;
	}
}

struct classes {
	uint64_t frames, malformed, ipv4, ipv6, other_l3, vlan, tcp, udp, icmp;
};

static int run(int prog, const unsigned char *b, size_t len, uint32_t rxq)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex,
			      .rx_queue_index = rxq };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = b, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(prog, &opts))
		return -errno;
	return opts.retval == XDP_PASS ? 0 : -EPROTO;
}

static void sum_rxq(int fd, struct classes *got)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct dl_rxq_stats v[ncpu];
	__u32 q;

	memset(got, 0, sizeof(*got));
	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		if (bpf_map_lookup_elem(fd, &q, v))
			continue;
		for (c = 0; c < ncpu; c++) {
			got->frames += v[c].frames;
			got->malformed += v[c].malformed;
			got->ipv4 += v[c].ipv4;
			got->ipv6 += v[c].ipv6;
			got->other_l3 += v[c].other_l3;
			got->vlan += v[c].vlan;
			got->tcp += v[c].tcp;
			got->udp += v[c].udp;
			got->icmp += v[c].icmp;
		}
	}
}

static uint64_t sum_capture(int fd, uint64_t *no_socket)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct dl_capture_cnt v[ncpu];
	uint64_t frames = 0;
	__u32 q;

	*no_socket = 0;
	for (q = 0; q <= DL_MAX_QUEUES; q++) {
		if (bpf_map_lookup_elem(fd, &q, v))
			continue;
		for (c = 0; c < ncpu; c++) {
			frames += v[c].frames;
			*no_socket += v[c].no_socket;
		}
	}
	return frames;
}

#define CHECK(name, got, want) do { \
	if ((got) != (want)) { \
		fprintf(stderr, "FAIL: %s: kernel %" PRIu64 ", expected %" PRIu64 "\n", \
			name, (uint64_t)(got), (uint64_t)(want)); \
		bad++; \
	} else { \
		printf("ok: %s = %" PRIu64 "\n", name, (uint64_t)(got)); \
	} } while (0)

int main(void)
{
	char *argv[] = { "ip", "link", "add", "t0", "numrxqueues", "4", "numtxqueues", "4",
			 "type", "veth", "peer", "name", "t1", NULL };
	const char *env = getenv("DL_FRAMES");
	unsigned long n = env ? strtoul(env, NULL, 0) : 1000000, i, hashes = 0, nxsk = 0;
	struct classes want = {}, got;
	struct dl_ingress_bpf *ing;
	struct dl_capture_xdp_bpf *cap;
	struct dl_dpdk_xdp_bpf *dpdk;
	int pi, pc, pd, flow_fd, bad = 0, err;
	uint64_t ns_cap, ns_dpdk;
	unsigned char b[MAXF];

	if (geteuid() || unshare(CLONE_NEWNET) || dl_spawn__run(argv, 1) ||
	    !(ifindex = if_nametoindex("t0"))) {
		printf("SKIP: needs root and a private network namespace with veth\n");
		return 77;
	}
	nbase = test_frames_build(base, 16);
	ing = dl_ingress_bpf__open_and_load();
	cap = dl_capture_xdp_bpf__open_and_load();
	dpdk = dl_dpdk_xdp_bpf__open_and_load();
	if (!ing || !cap || !dpdk) {
		printf("SKIP: cannot load the XDP programs: %s\n", strerror(errno));
		return 77;
	}
	pi = bpf_program__fd(ing->progs.dl_ingress);
	pc = bpf_program__fd(cap->progs.dl_capture);
	pd = bpf_program__fd(dpdk->progs.dl_dpdk_xdp);
	flow_fd = bpf_map__fd(ing->maps.flow_tbl);

	for (i = 0; i < n; i++) {
		size_t len = gen(b);
		uint32_t rxq = rnd() % 4;
		struct dl_flow f;
		int vlans = 0;

		if (len < 14)
			len = 14;	/* test_run needs an Ethernet header */
		err = run(pi, b, len, rxq);
		/* Without a socket the XSK programs only count: every 8th will do. */
		if (!err && !(i % 8)) {
			err = run(pc, b, len, rxq);
			if (!err)
				err = run(pd, b, len, rxq);
			nxsk++;
		}
		if (err) {
			fprintf(stderr, "FAIL: frame %lu (%zu bytes): test_run: %s\n", i,
				len, strerror(-err));
			return 1;
		}
		want.frames++;
		if (dl_flow__parse_frame(b, len, &f, &vlans)) {
			want.malformed++;
			continue;
		}
		want.vlan += vlans > 0;
		want.ipv4 += f.l3proto == htons(0x0800);
		want.ipv6 += f.l3proto == htons(0x86dd);
		want.other_l3 += f.l3proto != htons(0x0800) && f.l3proto != htons(0x86dd);
		want.tcp += f.l4proto == 6;
		want.udp += f.l4proto == 17;
		want.icmp += f.l4proto == 1 || f.l4proto == 58;
		if (i % 997 == 0) {
			struct dl_flow_info fi;
			unsigned int h = dl_flow__hash(&f);

			if (bpf_map_lookup_elem(flow_fd, &h, &fi) ||
			    memcmp(&fi.flow, &f, sizeof(f))) {
				fprintf(stderr, "FAIL: frame %lu: hash %u not in the kernel's flow table\n",
					i, h);
				bad++;
			}
			hashes++;
		}
	}
	sum_rxq(bpf_map__fd(ing->maps.rxq_cnt), &got);
	printf("%lu frames sent to dl_ingress, %lu of them to dl_capture and dl_dpdk_xdp\n",
	       n, nxsk);
	CHECK("dl_ingress frames = sent", got.frames, (uint64_t)n);
	CHECK("dl_ingress parsed + malformed = sent",
	      got.ipv4 + got.ipv6 + got.other_l3 + got.malformed, (uint64_t)n);
	CHECK("malformed", got.malformed, want.malformed);
	CHECK("ipv4", got.ipv4, want.ipv4);
	CHECK("ipv6", got.ipv6, want.ipv6);
	CHECK("other_l3", got.other_l3, want.other_l3);
	CHECK("vlan", got.vlan, want.vlan);
	CHECK("tcp", got.tcp, want.tcp);
	CHECK("udp", got.udp, want.udp);
	CHECK("icmp", got.icmp, want.icmp);
	printf("ok: %lu sampled flow hashes checked\n", hashes);
	CHECK("dl_capture frames = sent", sum_capture(bpf_map__fd(cap->maps.capture_cnt), &ns_cap), (uint64_t)nxsk);
	CHECK("dl_capture passed without a socket", ns_cap, (uint64_t)nxsk);
	CHECK("dl_dpdk_xdp frames = sent", sum_capture(bpf_map__fd(dpdk->maps.dl_dpdk_cnt), &ns_dpdk), (uint64_t)nxsk);
	CHECK("dl_dpdk_xdp passed without a socket", ns_dpdk, (uint64_t)nxsk);
	dl_ingress_bpf__destroy(ing);
	dl_capture_xdp_bpf__destroy(cap);
	dl_dpdk_xdp_bpf__destroy(dpdk);
	return bad ? 1 : 0;
}
