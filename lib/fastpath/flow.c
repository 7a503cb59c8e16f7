// SPDX-License-Identifier: GPL-2.0-only
/* Userspace side of the shared flow parser and hash; see flow.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf_endian.h>

#include "fastpath/flow.h"
#include "parse.bpf.h"

int dl_flow__parse_frame(const void *frame, size_t len, struct dl_flow *f,
			 int *vlans)
{
	struct dl_pkt pkt = {
		.data = (void *)frame,
		.end = (char *)frame + len,
	};
	int v = 0;

	memset(f, 0, sizeof(*f));
	if (dl_parse_eth(&pkt, f, &v) != DL_PARSE_OK)
		return -EBADMSG;
	if (vlans)
		*vlans = v;
	return 0;
}

unsigned int dl_flow__hash(const struct dl_flow *f)
{
	return dl_flow_hash(f);
}

const char *dl_flow__proto_name(const struct dl_flow *f, char *buf, size_t len)
{
	unsigned int et = ntohs(f->l3proto);

	if (et == 0x0800 || et == 0x86dd) {
		switch (f->l4proto) {
		case 6: return "tcp";
		case 17: return "udp";
		case 1: return "icmp";
		case 58: return "icmp6";
		case 132: return "sctp";
		/* Tunnels and routing protocols: what a host without their module drops. */
		case 2: return "igmp";
		case 4: return "ipip";
		case 41: return "ipv6-in-ipv4";
		case 47: return "gre";
		case 50: return "esp";
		case 51: return "ah";
		case 89: return "ospf";
		case 103: return "pim";
		case 112: return "vrrp";
		case 115: return "l2tp";
		case 136: return "udplite";
		case 0xff: return "unparsed";
		}
		snprintf(buf, len, "ipproto-%u", f->l4proto);
		return buf;
	}
	switch (et) {
	case 0x0806: return "arp";
	case 0x88cc: return "lldp";
	case 0x8809: return "slow";	/* LACP, marker */
	case 0x8035: return "rarp";
	case 0: return "none";
	}
	/* 802.3 frames (STP BPDUs) carry a length, not an EtherType. */
	if (et < 0x0600)
		return "802.3";
	snprintf(buf, len, "0x%04x", et);
	return buf;
}

void dl_flow__addr_str(const struct dl_flow *f, bool src, char *buf, size_t len)
{
	const __u32 *a = src ? f->saddr : f->daddr;
	unsigned int et = ntohs(f->l3proto);

	if (!len)
		return;
	buf[0] = '\0';
	if (et == 0x0800)
		inet_ntop(AF_INET, a, buf, len);
	else if (et == 0x86dd)
		inet_ntop(AF_INET6, a, buf, len);
}

unsigned int dl_flow__sport(const struct dl_flow *f)
{
	return f->l4proto == 1 || f->l4proto == 58 ? f->sport : ntohs(f->sport);
}

unsigned int dl_flow__dport(const struct dl_flow *f)
{
	return f->l4proto == 1 || f->l4proto == 58 ? f->dport : ntohs(f->dport);
}

void dl_flow__str(const struct dl_flow *f, char *buf, size_t len)
{
	char p[16], s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *proto = dl_flow__proto_name(f, p, sizeof(p));

	dl_flow__addr_str(f, true, s, sizeof(s));
	dl_flow__addr_str(f, false, d, sizeof(d));
	if (!s[0])
		snprintf(buf, len, "%s", proto);
	else if (f->l4proto == 6 || f->l4proto == 17 || f->l4proto == 132)
		snprintf(buf, len, "%s %s:%u -> %s:%u", proto, s,
			 dl_flow__sport(f), d, dl_flow__dport(f));
	else
		snprintf(buf, len, "%s %s -> %s", proto, s, d);
}

void dl_flow__text(const struct dl_flow *f, struct dl_flow_text *t)
{
	char scratch[32];

	*t = (struct dl_flow_text){ .flow = "?", .proto = "?", .dport = "?" };
	if (!f)
		return;
	dl_flow__str(f, t->flow, sizeof(t->flow));
	snprintf(t->proto, sizeof(t->proto), "%s",
		 dl_flow__proto_name(f, scratch, sizeof(scratch)));
	snprintf(t->dport, sizeof(t->dport), "%u", dl_flow__dport(f));
	dl_flow__addr_str(f, true, t->src, sizeof(t->src));
	dl_flow__addr_str(f, false, t->dst, sizeof(t->dst));
}
