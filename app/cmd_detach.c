// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger detach -i IFACE|all [--force]: remove dropledger programs that
 * a killed run left attached. Only programs whose owner tag names a gone
 * dropledger run are touched; live runs and foreign programs are left
 * alone, and a run we cannot see (another PID namespace) needs --force.
 */
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "fastpath/ingress.h"
#include "fastpath/owner.h"
#include "util/params.h"

struct detach_opts {
	bool force;
	struct dl_common_opts c;
};

static const struct dl_param detach_table[] = {
	DL_OPT_IFNAME("interface", 'i', struct detach_opts, c.ifname,
		      "interface to clean; all: every interface but lo (the watch "
		      "service's ExecStopPost)", .flags = DL_OPTF_ALL),
	DL_OPT_FLAG("force", 0, struct detach_opts, force,
		    "also remove a program whose run is in a PID namespace not visible "
		    "from here (a container)"),
	{}
};

static const struct dl_cmd detach_cmd = {
	.name = "detach",
	.args = "-i IFACE|all [--force]",
	.doc = "Remove dropledger XDP programs and tc filters left on IFACE by runs that "
		"were killed. "
		"Programs of running dropledger processes and programs dropledger did "
		"not load are never touched. A program whose run is in a PID namespace "
		"not visible from here (a container) is kept unless --force is given.",
	.opts = detach_table,
	.common = DL_COMMON_IFACE | DL_COMMON_NEED_IFACE | DL_COMMON_VERBOSE,
	.common_off = offsetof(struct detach_opts, c),
	.examples = "dropledger detach -i eth1\n"
		"ip netns exec lab-b dropledger detach -i v0b --force\n"
		"dropledger detach -i all\n",
	.notes = "Needs root (CAP_BPF, CAP_NET_ADMIN).",
	.exit_codes = "0 nothing stale left, 1 a program was kept or an error, 2 usage",
};

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
		if (n >= 0) {
			size_t used = strlen(msg);
			int t = dl_ingress__remove_stale_tc((int)p->if_index, msg + used,
							    sizeof(msg) - used);

			n = t < 0 ? t : n + t;
		}
		if (n < 0) {
			fprintf(stderr, "dropledger detach: %s: %s\n", cli_ifname(p->if_name),
				strerror(-n));
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
	if (!o.c.ifindex)
		return detach_all(o.force);
	dl_params__escape(o.c.ifname, esc, sizeof(esc));
	n = dl_owner__remove_stale(o.c.ifindex, o.force, msg, sizeof(msg), &kept);
	if (n >= 0) {
		size_t used = strlen(msg);
		int t = dl_ingress__remove_stale_tc(o.c.ifindex, msg + used, sizeof(msg) - used);

		n = t < 0 ? t : n + t;
	}
	if (n < 0) {
		fprintf(stderr, "dropledger detach: %s: %s\n", esc, strerror(-n));
		return DL_EXIT_FAIL;
	}
	fputs(msg, stdout);
	if (!n && !kept)
		printf("%s: no stale dropledger program\n", esc);
	return kept ? DL_EXIT_FAIL : DL_EXIT_OK;
}
