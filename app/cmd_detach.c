// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger detach -i IFACE: remove dropledger programs that a killed run
 * left attached. Only programs whose owner tag names a dead dropledger
 * process are touched; live runs and foreign programs are left alone.
 */
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fastpath/ingress.h"
#include "util/params.h"

struct detach_opts {
	struct dl_common_opts c;
};

static const struct dl_cmd detach_cmd = {
	.name = "detach",
	.args = "-i IFACE",
	.doc = "Remove dropledger XDP programs left on IFACE by runs that were killed. Programs of running dropledger processes and programs dropledger did not load are never touched.",
	.common = DL_COMMON_IFACE | DL_COMMON_NEED_IFACE | DL_COMMON_VERBOSE,
	.common_off = offsetof(struct detach_opts, c),
	.examples = "dropledger detach -i eth1\nip netns exec lab-b dropledger detach -i v0b\n",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN).",
};

int do_detach(int argc, char **argv)
{
	static struct dl_params ps;
	struct detach_opts o = {};
	char msg[1024], esc[IF_NAMESIZE * 4 + 1];
	int n;

	n = dl_params__parse(&ps, &detach_cmd, &o, argc, argv);
	if (n)
		return cli_parse_exit(n);
	if (cli_check_caps("detach"))
		return DL_EXIT_FAIL;
	dl_params__escape(o.c.ifname, esc, sizeof(esc));
	n = dl_ingress__remove_stale(o.c.ifindex, msg, sizeof(msg));
	if (n < 0) {
		fprintf(stderr, "dropledger detach: %s: %s\n", esc, strerror(-n));
		return DL_EXIT_FAIL;
	}
	if (n)
		fputs(msg, stdout);
	else
		printf("%s: no stale dropledger program\n", esc);
	return DL_EXIT_OK;
}
