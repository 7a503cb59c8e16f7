// SPDX-License-Identifier: GPL-2.0-only
/* Crafted frames: IPv4/IPv6/VLAN/QinQ/truncated/garbage; see frames.h. */
#include <arpa/inet.h>

#include "frames.h"

static size_t put_eth(unsigned char *b, unsigned int ethertype)
{
	static const unsigned char macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	memcpy(b, macs, 12);
	b[12] = ethertype >> 8;
	b[13] = ethertype & 0xff;
	return 14;
}

static size_t put_vlan(unsigned char *b, unsigned int tci, unsigned int inner)
{
	b[0] = tci >> 8;
	b[1] = tci & 0xff;
	b[2] = inner >> 8;
	b[3] = inner & 0xff;
	return 4;
}

static size_t put_ip4(unsigned char *b, unsigned int proto, uint16_t frag_off)
{
	static const unsigned char src[4] = { 198, 18, 0, 1 }, dst[4] = { 198, 18, 0, 2 };

	memset(b, 0, 20);
	b[0] = 0x45;
	b[3] = 48;
	b[6] = frag_off >> 8;
	b[7] = frag_off & 0xff;
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, src, 4);
	memcpy(b + 16, dst, 4);
	return 20;
}

static size_t put_ip6(unsigned char *b, unsigned int nexthdr)
{
	memset(b, 0, 40);
	b[0] = 0x60;
	b[5] = 24;
	b[6] = nexthdr;
	b[7] = 64;
	inet_pton(AF_INET6, "2001:db8::1", b + 8);
	inet_pton(AF_INET6, "2001:db8::2", b + 24);
	return 40;
}

static size_t put_ports(unsigned char *b, unsigned int sport, unsigned int dport,
			size_t hdrlen)
{
	memset(b, 0, hdrlen);
	b[0] = sport >> 8;
	b[1] = sport & 0xff;
	b[2] = dport >> 8;
	b[3] = dport & 0xff;
	if (hdrlen == 20)
		b[12] = 0x50;	/* TCP data offset */
	return hdrlen;
}

size_t test_frames_build(struct test_frame *f, size_t max)
{
	size_t n = 0, o;

	if (max < 12)
		return 0;
	memset(f, 0, max * sizeof(*f));

	f[n] = (struct test_frame){ .name = "ipv4-udp", .l3 = 0x0800, .l4 = 17,
				    .sport = 40000, .dport = 9000 };
	o = put_eth(f[n].buf, 0x0800);
	o += put_ip4(f[n].buf + o, 17, 0);
	o += put_ports(f[n].buf + o, 40000, 9000, 8);
	f[n++].len = o + 22;	/* pad to a 64-byte frame */

	f[n] = (struct test_frame){ .name = "ipv4-tcp", .l3 = 0x0800, .l4 = 6,
				    .sport = 12345, .dport = 443 };
	o = put_eth(f[n].buf, 0x0800);
	o += put_ip4(f[n].buf + o, 6, 0);
	o += put_ports(f[n].buf + o, 12345, 443, 20);
	f[n++].len = o;

	f[n] = (struct test_frame){ .name = "vlan-ipv4-udp", .l3 = 0x0800, .l4 = 17,
				    .sport = 1000, .dport = 2000, .vlans = 1 };
	o = put_eth(f[n].buf, 0x8100);
	o += put_vlan(f[n].buf + o, 10, 0x0800);
	o += put_ip4(f[n].buf + o, 17, 0);
	o += put_ports(f[n].buf + o, 1000, 2000, 8);
	f[n++].len = o + 18;

	f[n] = (struct test_frame){ .name = "qinq-ipv4-udp", .l3 = 0x0800, .l4 = 17,
				    .sport = 1001, .dport = 2001, .vlans = 2 };
	o = put_eth(f[n].buf, 0x88a8);
	o += put_vlan(f[n].buf + o, 100, 0x8100);
	o += put_vlan(f[n].buf + o, 10, 0x0800);
	o += put_ip4(f[n].buf + o, 17, 0);
	o += put_ports(f[n].buf + o, 1001, 2001, 8);
	f[n++].len = o + 14;

	f[n] = (struct test_frame){ .name = "ipv6-udp", .l3 = 0x86dd, .l4 = 17,
				    .sport = 5353, .dport = 5353 };
	o = put_eth(f[n].buf, 0x86dd);
	o += put_ip6(f[n].buf + o, 17);
	o += put_ports(f[n].buf + o, 5353, 5353, 8);
	f[n++].len = o;

	/* IPv6 with a hop-by-hop and a destination-options header before TCP. */
	f[n] = (struct test_frame){ .name = "ipv6-ext-tcp", .l3 = 0x86dd, .l4 = 6,
				    .sport = 2222, .dport = 22 };
	o = put_eth(f[n].buf, 0x86dd);
	o += put_ip6(f[n].buf + o, 0);
	memset(f[n].buf + o, 0, 16);
	f[n].buf[o] = 60;	/* hop-by-hop -> dest opts, 8 bytes */
	f[n].buf[o + 8] = 6;	/* dest opts -> tcp, 8 bytes */
	o += 16;
	o += put_ports(f[n].buf + o, 2222, 22, 20);
	f[n++].len = o;

	f[n] = (struct test_frame){ .name = "ipv4-later-fragment", .l3 = 0x0800, .l4 = 17 };
	o = put_eth(f[n].buf, 0x0800);
	o += put_ip4(f[n].buf + o, 17, 0x00b9);	/* offset 185*8, no ports */
	f[n++].len = o + 30;

	f[n] = (struct test_frame){ .name = "lldp", .l3 = 0x88cc };
	o = put_eth(f[n].buf, 0x88cc);
	f[n++].len = o + 46;

	f[n] = (struct test_frame){ .name = "truncated-eth", .kind = FK_MALFORMED };
	put_eth(f[n].buf, 0x0800);
	f[n++].len = 10;

	f[n] = (struct test_frame){ .name = "truncated-ipv4", .kind = FK_MALFORMED };
	o = put_eth(f[n].buf, 0x0800);
	put_ip4(f[n].buf + o, 17, 0);
	f[n++].len = o + 12;

	f[n] = (struct test_frame){ .name = "truncated-udp", .kind = FK_MALFORMED };
	o = put_eth(f[n].buf, 0x0800);
	o += put_ip4(f[n].buf + o, 17, 0);
	put_ports(f[n].buf + o, 1, 2, 8);
	f[n++].len = o + 5;

	/* Garbage: claims IPv4 but version 7 and IHL 2. */
	f[n] = (struct test_frame){ .name = "garbage-ipv4", .kind = FK_MALFORMED };
	o = put_eth(f[n].buf, 0x0800);
	memset(f[n].buf + o, 0x72, 40);
	f[n++].len = o + 40;
	return n;
}
