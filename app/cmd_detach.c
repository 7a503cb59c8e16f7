// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger detach -i IFACE: remove dropledger programs that a killed run
 * left attached. Only programs whose owner tag names a dead dropledger
 * process are touched; live runs and foreign programs are left alone.
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fastpath/ingress.h"

int do_detach(int argc, char **argv)
{
	char msg[1024];
	int ifindex, n;

	if (argc != 3 || (strcmp(argv[1], "-i") && strcmp(argv[1], "--interface"))) {
		fprintf(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
			"Usage: dropledger detach -i IFACE\n"
			"Remove dropledger XDP programs and tc filters left on IFACE by runs that were killed.\n"
			"Programs of running dropledger processes and programs dropledger did\n"
			"not load are never touched.\n");
		return argc == 2 && !strcmp(argv[1], "--help") ? DL_EXIT_OK : DL_EXIT_USAGE;
	}
	if (cli_check_caps("detach"))
		return DL_EXIT_FAIL;
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n", argv[2]);
		return DL_EXIT_FAIL;
	}
	n = dl_ingress__remove_stale(ifindex, msg, sizeof(msg));
	if (n >= 0) {
		size_t used = strlen(msg);
		int t = dl_ingress__remove_stale_tc(ifindex, msg + used, sizeof(msg) - used);

		n = t < 0 ? t : n + t;
	}
	if (n < 0) {
		fprintf(stderr, "dropledger detach: %s: %s\n", argv[2], strerror(-n));
		return DL_EXIT_FAIL;
	}
	if (n)
		fputs(msg, stdout);
	else
		printf("%s: no stale dropledger program\n", argv[2]);
	return DL_EXIT_OK;
}
