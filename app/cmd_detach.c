// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger detach -i IFACE [--force]: remove dropledger programs that a
 * killed run left attached. Only programs whose owner tag names a gone
 * dropledger run are touched; live runs and foreign programs are left
 * alone, and a run we cannot see (another PID namespace) needs --force.
 */
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fastpath/owner.h"
#include "util/params.h"

struct detach_opts {
	bool force;
	struct dl_common_opts c;
};

static const struct dl_param detach_table[] = {
	DL_OPT_FLAG("force", 0, struct detach_opts, force,
		    "also remove a program whose run is in a PID namespace not visible "
		    "from here (a container)"),
	{}
};

static const struct dl_cmd detach_cmd = {
	.name = "detach",
	.args = "-i IFACE [--force]",
	.doc = "Remove dropledger XDP programs left on IFACE by runs that were killed. "
		"Programs of running dropledger processes and programs dropledger did "
		"not load are never touched. A program whose run is in a PID namespace "
		"not visible from here (a container) is kept unless --force is given.",
	.opts = detach_table,
	.common = DL_COMMON_IFACE | DL_COMMON_NEED_IFACE | DL_COMMON_VERBOSE,
	.common_off = offsetof(struct detach_opts, c),
	.examples = "dropledger detach -i eth1\nip netns exec lab-b dropledger detach -i v0b "
		"--force\n",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN).",
	.exit_codes = "0 nothing stale left, 1 a program was kept or an error, 2 usage",
};

int do_detach(int argc, char **argv)
{
	static struct dl_params ps;
	struct detach_opts o = {};
	char msg[2048], esc[IF_NAMESIZE * 4 + 1];
	unsigned int kept = 0;
	int n;

	n = cli_params(&ps, &detach_cmd, &o, argc, argv);
	if (n)
		return cli_parse_exit(n);
	if (cli_check_caps("detach"))
		return DL_EXIT_FAIL;
	dl_params__escape(o.c.ifname, esc, sizeof(esc));
	n = dl_owner__remove_stale(o.c.ifindex, o.force, msg, sizeof(msg), &kept);
	if (n < 0) {
		fprintf(stderr, "dropledger detach: %s: %s\n", esc, strerror(-n));
		return DL_EXIT_FAIL;
	}
	fputs(msg, stdout);
	if (!n && !kept)
		printf("%s: no stale dropledger program\n", esc);
	return kept ? DL_EXIT_FAIL : DL_EXIT_OK;
}
