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
#include "fastpath/ingress.h"
#include "fastpath/owner.h"

static int usage(bool help)
{
	fprintf(help ? stdout : stderr,
		"Usage: dropledger detach -i IFACE|all [--force]\n"
		"Remove dropledger XDP programs and tc filters left on IFACE (all: every\n"
		"interface but lo, as the watch service's ExecStopPost) by runs that were\n"
		"killed.\n"
		"Programs of running dropledger processes and programs dropledger did\n"
		"not load are never touched. A program whose run is in a PID namespace\n"
		"not visible from here (a container) is kept unless --force is given.\n"
		"Exit: 0 nothing stale left, 1 a program was kept or an error, 2 usage.\n");
	return help ? DL_EXIT_OK : DL_EXIT_USAGE;
}

/* -i all: every interface but lo; one interface's error does not stop the rest. */
static int detach_all(bool force)
{
	struct if_nameindex *ni = if_nameindex(), *p;
	unsigned int kept = 0, k;
	char msg[2048];
	int n, rc = DL_EXIT_OK;

	if (!ni) {
		perror("dropledger detach: listing interfaces");
		return DL_EXIT_FAIL;
	}
	for (p = ni; p->if_index; p++) {
		if (!strcmp(p->if_name, "lo"))
			continue;
		k = 0;
		n = dl_owner__remove_stale((int)p->if_index, force, msg, sizeof(msg), &k);
		if (n < 0) {
			fprintf(stderr, "dropledger detach: %s: %s\n", p->if_name, strerror(-n));
			rc = DL_EXIT_FAIL;
			continue;
		}
		fputs(msg, stdout);
		kept += k;
	}
	if_freenameindex(ni);
	return kept ? DL_EXIT_FAIL : rc;
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
	if (!strcmp(ifname, "all"))
		return detach_all(force);
	ifindex = if_nametoindex(ifname);
	if (!ifindex) {
		fprintf(stderr, "dropledger: no interface '%s' in this network namespace\n", ifname);
		return DL_EXIT_FAIL;
	}
	n = dl_owner__remove_stale(ifindex, force, msg, sizeof(msg), &kept);
	if (n >= 0) {
		size_t used = strlen(msg);
		int t = dl_ingress__remove_stale_tc(ifindex, msg + used, sizeof(msg) - used);

		n = t < 0 ? t : n + t;
	}
	if (n < 0) {
		fprintf(stderr, "dropledger detach: %s: %s\n", ifname, strerror(-n));
		return DL_EXIT_FAIL;
	}
	fputs(msg, stdout);
	if (!n && !kept)
		printf("%s: no stale dropledger program\n", ifname);
	return kept ? DL_EXIT_FAIL : DL_EXIT_OK;
}
