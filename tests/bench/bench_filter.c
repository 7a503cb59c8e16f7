// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a pcap-filter expression costs per dropped frame in userspace: ns
 * per dl_pkt_filter__match (libpcap's classic BPF interpreter) on 128-byte
 * captured headers, against dl_flow__parse_frame on the same bytes (the
 * per-frame parse the capture thread does anyway) in the same run. The
 * median of 9 rounds is printed; nothing is asserted on time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evidence/filter.h"
#include "fastpath/flow.h"

#define FRAMES 256
#define ROUNDS 9
#define PASSES 4000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* UDP/IPv4 frames, destination ports 50..305 (port 53 is one of them). */
static void fill(unsigned char f[FRAMES][128])
{
	int i;

	memset(f, 0, FRAMES * 128);
	for (i = 0; i < FRAMES; i++) {
		unsigned int dport = 50 + i;

		f[i][12] = 0x08;
		f[i][14] = 0x45;
		f[i][17] = 114;
		f[i][22] = 64;
		f[i][23] = 17;
		memcpy(f[i] + 26, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
		f[i][35] = 0x40;
		f[i][36] = (unsigned char)(dport >> 8);
		f[i][37] = (unsigned char)dport;
		f[i][39] = 94;
	}
}

static double median_ns(double (*fn)(unsigned char (*)[128], void *), unsigned char f[FRAMES][128],
			void *arg)
{
	double r[ROUNDS];
	int k;

	for (k = 0; k < ROUNDS; k++)
		r[k] = fn(f, arg);
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
}

static volatile unsigned long sink;

static double run_filter(unsigned char (*f)[128], void *arg)
{
	const struct dl_pkt_filter *flt = arg;
	double t0 = now_ns();
	unsigned long hits = 0;
	int p, i;

	for (p = 0; p < PASSES; p++)
		for (i = 0; i < FRAMES; i++)
			hits += dl_pkt_filter__match(flt, f[i], 128, 128);
	sink = hits;
	return (now_ns() - t0) / ((double)PASSES * FRAMES);
}

static double run_parse(unsigned char (*f)[128], void *arg)
{
	double t0 = now_ns();
	struct dl_flow fl;
	unsigned long n = 0;
	int p, i;

	(void)arg;
	for (p = 0; p < PASSES; p++)
		for (i = 0; i < FRAMES; i++)
			n += !dl_flow__parse_frame(f[i], 128, &fl, NULL) + fl.dport;
	sink = n;
	return (now_ns() - t0) / ((double)PASSES * FRAMES);
}

int main(void)
{
	static const char *const exprs[] = {
		"udp and port 53",
		"host 198.18.0.2 and (udp dst portrange 100-200 or tcp[tcpflags] & tcp-syn != 0)",
	};
	static unsigned char f[FRAMES][128];
	double base;
	size_t e;

	fill(f);
	base = median_ns(run_parse, f, NULL);
	printf("baseline  dl_flow__parse_frame   %6.1f ns/frame\n", base);
	for (e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
		char err[256];
		struct dl_pkt_filter *flt = dl_pkt_filter__compile(exprs[e], err, sizeof(err));
		double ns;

		if (!flt) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		ns = median_ns(run_filter, f, flt);
		printf("filter    %-60s %6.1f ns/frame (%.2f x baseline)\n", exprs[e], ns, ns / base);
		dl_pkt_filter__free(flt);
	}
	return 0;
}
