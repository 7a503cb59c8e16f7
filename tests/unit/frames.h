/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Crafted frames shared by the flow unit test and the XDP BPF test: the
 * same bytes go through the userspace parser and through the kernel.
 */
#ifndef DL_TEST_FRAMES_H
#define DL_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum frame_kind {
	FK_OK,		/* parses, flow fields as given */
	FK_MALFORMED,	/* XDP counts it malformed */
};

struct test_frame {
	const char *name;
	unsigned char buf[160];
	size_t len;
	enum frame_kind kind;
	unsigned int l3;	/* EtherType, host order */
	unsigned int l4;	/* IPPROTO or 0 */
	unsigned int sport, dport;	/* host order */
	int vlans;
};

/* Build the frame table; returns the number of frames. */
size_t test_frames_build(struct test_frame *out, size_t max);

#endif
