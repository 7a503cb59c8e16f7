// SPDX-License-Identifier: GPL-2.0-only
/*
 * UDP sender with a chosen source address, for the incident lab tests
 * (`dropledger lab send udp` binds no address): COUNT datagrams from
 * SRC:SPORT to DST:DPORT in the current namespace, via lib/udp_send.
 *
 *   udp_from SRC SPORT DST DPORT COUNT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/udp_send.h"

int main(int argc, char **argv)
{
	struct dl_udp_send_opts o = { 0 };
	__u64 sent = 0;
	int err;

	if (argc != 6) {
		fprintf(stderr, "usage: udp_from SRC SPORT DST DPORT COUNT\n");
		return 2;
	}
	o.src = argv[1];
	o.sport = (__u16)atoi(argv[2]);
	o.dst = argv[3];
	o.dport = (__u16)atoi(argv[4]);
	o.count = strtoull(argv[5], NULL, 10);
	err = dl_udp_send__run(&o, &sent);
	if (err) {
		fprintf(stderr, "udp_from: %s after %llu datagrams\n", strerror(-err),
			(unsigned long long)sent);
		return 1;
	}
	return 0;
}
