// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stand-in for `dropledger gen` in tests, so the netns test does not depend
 * on how app/main.c dispatches: `gen_cli gen -i IFACE [options]`.
 */
#include <stdio.h>

#include "util/log.h"

int do_gen(int argc, char **argv);

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: gen_cli gen -i IFACE [options]\n");
		return 2;
	}
	dl_log__route_libbpf();
	return do_gen(argc - 1, argv + 1);
}
