// SPDX-License-Identifier: GPL-2.0-only
/*
 * Write a pcap file of stamped UDP frames for the DPDK net_pcap test:
 * `mkpcap OUT FIRST_FLOW FLOWS PER_FLOW [GAP_FLOW GAP_SEQ]` writes flows
 * FIRST_FLOW.. interleaved, sequence 0..PER_FLOW-1, leaving out GAP_SEQ of
 * GAP_FLOW (a known loss the sequence check must find).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "linerate/frame.h"

struct pcap_hdr {
	uint32_t magic, ver, zone, sigfigs, snaplen, linktype;
};

struct rec_hdr {
	uint32_t sec, usec, incl, orig;
};

int main(int argc, char **argv)
{
	struct pcap_hdr gh = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	struct dl_frame_spec s = {
		.src_mac = { 2, 0, 0, 0, 0, 1 }, .dst_mac = { 2, 0, 0, 0, 0, 2 },
		.saddr = htonl(0xc6120001), .daddr = htonl(0xc6120002),
		.dport = 9, .len = 64,
	};
	unsigned long first, flows, per, gf = ~0ul, gs = ~0ul, f, q;
	unsigned char buf[256];
	size_t len;
	FILE *out;

	if (argc != 5 && argc != 7) {
		fprintf(stderr, "usage: mkpcap OUT FIRST_FLOW FLOWS PER_FLOW [GAP_FLOW GAP_SEQ]\n");
		return 2;
	}
	first = strtoul(argv[2], NULL, 10);
	flows = strtoul(argv[3], NULL, 10);
	per = strtoul(argv[4], NULL, 10);
	if (argc == 7) {
		gf = strtoul(argv[5], NULL, 10);
		gs = strtoul(argv[6], NULL, 10);
	}
	out = fopen(argv[1], "wb");
	if (!out || fwrite(&gh, sizeof(gh), 1, out) != 1)
		return 1;
	for (q = 0; q < per; q++) {
		for (f = first; f < first + flows; f++) {
			struct rec_hdr rh = { 1, (uint32_t)q, 0, 0 };

			if (f == gf && q == gs)
				continue;
			s.flow_id = (uint32_t)f;
			s.sport = (uint16_t)(40000 + f);
			s.seq = q;
			if (dl_frame__build_udp4(buf, sizeof(buf), &s, &len))
				return 1;
			rh.incl = rh.orig = (uint32_t)len;
			if (fwrite(&rh, sizeof(rh), 1, out) != 1 ||
			    fwrite(buf, len, 1, out) != 1)
				return 1;
		}
	}
	return fclose(out) ? 1 : 0;
}
