// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pcapng writer and the filter: a file written here reads back through
 * libpcap (its own pcapng reader) frame for frame; a file cut mid-block
 * still yields every whole block before the cut; the filter compiles with
 * libpcap and decides on crafted frames; a bad one carries libpcap's words.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <pcap/pcap.h>

#include "evidence/filter.h"
#include "evidence/pcapng.h"

#define NPKT 5

static char path[64];

/* A UDP frame to @dport of @len bytes (at most 160). */
static void udp_frame(unsigned char *f, unsigned int len, unsigned int dport)
{
	memset(f, 0, len);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (unsigned char)((len - 14) >> 8);
	f[17] = (unsigned char)(len - 14);
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	f[34] = 0x9c;
	f[35] = 0x40;
	f[36] = (unsigned char)(dport >> 8);
	f[37] = (unsigned char)dport;
	f[39] = (unsigned char)(len - 34);
}

/* NPKT frames on two interfaces; returns the file's size. */
static off_t write_file(void)
{
	unsigned char f[160];
	struct dl_pcapng *w;
	int fd, i, a, b;
	off_t size;

	snprintf(path, sizeof(path), "/tmp/dl-test-pcapng.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	w = dl_pcapng__new(fd, "dropledger test");
	assert_non_null(w);
	a = dl_pcapng__add_if(w, "v0b", "dropped frames", DL_LINKTYPE_ETHERNET, 64);
	b = dl_pcapng__add_if(w, "eth1", NULL, DL_LINKTYPE_ETHERNET, 64);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	for (i = 0; i < NPKT; i++) {
		udp_frame(f, 100 + i, 9000 + i);
		/* snaplen 64: 64 of 100+i bytes, as the BPF side hands them over. */
		assert_int_equal(dl_pcapng__packet(w, i & 1, 1000000000ull * (i + 1) + 7, f,
						   64, 100 + i, "reason=NO_SOCKET queue=3"), 0);
	}
	assert_int_equal(dl_pcapng__packet(w, 2, 0, f, 10, 10, NULL), -EINVAL);
	assert_int_equal(dl_pcapng__close(w), 0);
	size = lseek(fd, 0, SEEK_END);
	close(fd);
	return size;
}

/* Frames libpcap reads from @path before the end or an error. */
static int read_back(int check)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const unsigned char *d;
	pcap_t *p;
	int n = 0;

	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, err);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	while (pcap_next_ex(p, &h, &d) == 1) {
		if (check) {
			assert_int_equal(h->caplen, 64);
			assert_int_equal(h->len, 100 + n);
			assert_int_equal(h->ts.tv_sec, n + 1);
			assert_int_equal(h->ts.tv_usec, 7);	/* ns precision kept */
			assert_int_equal((d[36] << 8) | d[37], 9000 + n);
		}
		n++;
	}
	pcap_close(p);
	return n;
}

static void test_roundtrip(void **state)
{
	(void)state;
	write_file();
	assert_int_equal(read_back(1), NPKT);
	unlink(path);
}

static void test_cut_file(void **state)
{
	off_t size;

	(void)state;
	size = write_file();
	/* Cut in the middle of the last packet's block. */
	assert_int_equal(truncate(path, size - 30), 0);
	assert_int_equal(read_back(0), NPKT - 1);
	unlink(path);
}

static void test_write_error(void **state)
{
	struct dl_pcapng *w;
	unsigned char f[60] = { 0 };
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0)
		skip();
	w = dl_pcapng__new(fd, NULL);
	assert_non_null(w);
	assert_int_equal(dl_pcapng__add_if(w, "x", NULL, DL_LINKTYPE_ETHERNET, 60), 0);
	assert_int_equal(dl_pcapng__flush(w), -ENOSPC);
	/* Sticky: every later call says the same. */
	assert_int_equal(dl_pcapng__packet(w, 0, 0, f, 60, 60, "c"), -ENOSPC);
	assert_int_equal(dl_pcapng__close(w), -ENOSPC);
	close(fd);
}

static void test_filter(void **state)
{
	struct dl_pkt_filter *flt;
	unsigned char f[160];
	char err[256] = "";

	(void)state;
	flt = dl_pkt_filter__compile("udp and dst port 53", err, sizeof(err));
	assert_non_null(flt);
	assert_string_equal(dl_pkt_filter__expr(flt), "udp and dst port 53");
	udp_frame(f, 100, 53);
	assert_true(dl_pkt_filter__match(flt, f, 100, 100));
	udp_frame(f, 100, 9000);
	assert_false(dl_pkt_filter__match(flt, f, 100, 100));
	/* Headers cut before the ports: the filter cannot match. */
	udp_frame(f, 100, 53);
	assert_false(dl_pkt_filter__match(flt, f, 30, 100));
	dl_pkt_filter__free(flt);

	flt = dl_pkt_filter__compile("udp and prot 53", err, sizeof(err));
	assert_null(flt);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "syntax error"));
	assert_non_null(strstr(err, "'udp and prot 53'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_cut_file),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
