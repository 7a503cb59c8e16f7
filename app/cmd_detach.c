// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger detach -i IFACE [--force]: remove dropledger programs that a
 * killed run left attached. Only programs whose owner tag names a gone
 * dropledger run are touched; live runs and foreign programs are left
 * alone, and a run we cannot see (another PID namespace) needs --force.
 */
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fastpath/owner.h"

static int usage(bool help)
{
	fprintf(help ? stdout : stderr,
		"Usage: dropledger detach -i IFACE [--force]\n"
		"Remove dropledger XDP programs left on IFACE by runs that were killed.\n"
		"Programs of running dropledger processes and programs dropledger did\n"
		"not load are never touched. A program whose run is in a PID namespace\n"
		"not visible from here (a container) is kept unless --force is given.\n"
		"Exit: 0 nothing stale left, 1 a program was kept or an error, 2 usage.\n");
	return help ? DL_EXIT_OK : DL_EXIT_USAGE;
}

int do_detach(int argc, char **argv)
{
	const char *ifname = NULL;
	unsigned int kept = 0;
	bool force = false;
	char msg[2048];
	int ifindex, n, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(true);
		if (!strcmp(argv[i], "--force"))
			force = true;
		else if ((!strcmp(argv[i], "-i") || !strcmp(argv[i], "--interface")) &&
			 i + 1 < argc)
			ifname = argv[++i];
		else
			return usage(false);
	}
	if (!ifname)
		return usage(false);
	if (cli_check_caps("detach"))
		return DL_EXIT_FAIL;
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n", ifname);
		return DL_EXIT_FAIL;
	}
	n = dl_owner__remove_stale(ifindex, force, msg, sizeof(msg), &kept);
	if (n < 0) {
		fprintf(stderr, "dropledger detach: %s: %s\n", ifname, strerror(-n));
		return DL_EXIT_FAIL;
	}
	fputs(msg, stdout);
	if (!n && !kept)
		printf("%s: no stale dropledger program\n", ifname);
	return kept ? DL_EXIT_FAIL : DL_EXIT_OK;
}
