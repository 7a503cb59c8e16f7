// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger demo: the quick start. Builds the lab, runs `report` on the
 * receiving veth, injects known faults from the other namespace, prints
 * the ledger and removes the lab, also on Ctrl-C or failure.
 *
 * Faults, each a real incident class: UDP to a closed port (NO_SOCKET), a
 * slow reader with a tiny receive buffer (SOCKET_RCVBUFF), LLDP frames
 * nobody handles (UNHANDLED_PROTO, seed 003), a multicast group joined with
 * INADDR_ANY on the wrong interface (seed 000), and a source that strict
 * reverse-path filtering rejects (IP_RPFILTER, seed 002).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lab/lab.h"
#include "util/params.h"
#include "util/proc_spawn.h"

#define NS_ARGV(ns, ...) { "ip", "netns", "exec", (char *)(ns), __VA_ARGS__, NULL }
#define DL_ARGV(ns, ...) NS_ARGV(ns, (char *)self, __VA_ARGS__)

static volatile sig_atomic_t interrupted;

static void on_sig(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int wait_file(const char *path, pid_t pid, double timeout)
{
	struct stat st;
	double waited = 0;

	while (stat(path, &st)) {
		if (interrupted || waited > timeout)
			return -ETIMEDOUT;
		if (pid > 0 && kill(pid, 0))
			return -ECHILD;
		usleep(20000);
		waited += 0.02;
	}
	return 0;
}

/* Run each argv in turn; the first failure is named. */
static int run_all(char **const *cmds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (dl_spawn__run(cmds[i], 1)) {
			fprintf(stderr, "dropledger demo: '%s %s %s %s %s ...' failed\n",
				cmds[i][0], cmds[i][1], cmds[i][2], cmds[i][3], cmds[i][4]);
			return -EIO;
		}
	}
	return 0;
}

static void stop(pid_t *pid, int sig)
{
	if (*pid <= 0)
		return;
	kill(*pid, sig);
	dl_spawn__wait(*pid);
	*pid = -1;
}

struct demo_opts {
	const char *prefix;
	const char *html;
	struct dl_common_opts c;
};

static const struct dl_param demo_table[] = {
	DL_OPT_STRING("prefix", 0, struct demo_opts, prefix, "NAME",
		      "lab namespaces NAME-a and NAME-b (default " DL_LAB_PREFIX ")"),
	DL_OPT_STRING("html", 0, struct demo_opts, html, "FILE",
		      "also write the report as an HTML page (report --html)"),
	{}
};

static const struct dl_cmd demo_cmd = {
	.name = "demo",
	.args = "[--json] [--html FILE] [--prefix NAME]",
	.doc = "Creates the lab (dropledger lab up), watches v0b with 'report' and "
		"injects five faults from the other namespace:\n"
	       "  200 UDP datagrams to a closed port            -> NO_SOCKET\n"
	       "  300 to a slow reader with a tiny buffer       -> SOCKET_RCVBUFF\n"
	       "  20 LLDP frames                                -> UNHANDLED_PROTO (harmless)\n"
	       "  50 multicast datagrams, group joined on v1b   -> dropped in the route lookup\n"
	       "  40 datagrams whose source routes back via v1b -> IP_RPFILTER\n"
	       "then prints the ledger and removes the lab (also on Ctrl-C).",
	.opts = demo_table,
	.common = DL_COMMON_JSON,
	.common_off = offsetof(struct demo_opts, c),
	.examples = "dropledger demo\ndropledger demo --json | jq .causes\n",
	.notes = "Needs root.",
};

int do_demo(int argc, char **argv)
{
	static struct dl_params ps;
	struct demo_opts o = {};
	struct sigaction sa = { .sa_handler = on_sig };
	const char *self = cli_self(), *prefix, *html;
	char dir[] = "/tmp/dropledger-demo.XXXXXX", ready[3][64];
	pid_t sink = -1, mcast = -1, rep = -1;
	int i, rc = DL_EXIT_FAIL, json;
	struct dl_lab lab;
	char why[256];

	i = cli_params(&ps, &demo_cmd, &o, argc, argv);
	if (i)
		return cli_parse_exit(i);
	prefix = o.prefix;
	html = o.html;
	json = o.c.json;
	if (cli_check_caps("demo"))
		return DL_EXIT_FAIL;
	if (dl_lab__init(&lab, prefix, 4)) {
		return cli_parse_exit(cli_usage_error("demo",
			"--prefix: '%s' is not letters, digits and _, up to 15",
						      dl_params__escape(prefix, why, sizeof(why))));
	}
	if (!mkdtemp(dir)) {
		perror("dropledger demo: mkdtemp");
		return DL_EXIT_FAIL;
	}
	for (i = 0; i < 3; i++)
		snprintf(ready[i], sizeof(ready[i]), "%s/ready%d", dir, i);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fprintf(stderr, "== lab up (%s-a <-> %s-b, 4-queue veth)\n", lab.prefix, lab.prefix);
	if (dl_lab__up(&lab, why, sizeof(why))) {
		fprintf(stderr, "dropledger demo: %s\n", why);
		goto out_dir;
	}
	{
		/*
		 * B's default route leaves via v1b: an INADDR_ANY join lands
		 * there, and so does the route back to 198.19.5.0/24, which
		 * strict rp_filter then holds against frames arriving on v0b.
		 */
		char *b1[] = { "ip", "-n", lab.ns_b, "route", "add", "default", "via",
			       "198.18.1.1", "dev", "v1b", NULL };
		char *b2[] = { "ip", "-n", lab.ns_b, "route", "add", "198.19.5.0/24", "via",
			       "198.18.1.1", "dev", "v1b", NULL };
		char *b3[] = NS_ARGV(lab.ns_b, "sysctl", "-qw", "net.ipv4.conf.all.rp_filter=1",
				     "net.ipv4.conf.v0b.rp_filter=1");
		char *a1[] = { "ip", "-n", lab.ns_a, "addr", "add", "198.19.5.1/32", "dev",
			       "v0a", NULL };
		char *a2[] = { "ip", "-n", lab.ns_a, "route", "add", "239.0.0.0/8", "dev",
			       "v0a", NULL };
		char **const setup[] = { b1, b2, b3, a1, a2 };

		if (run_all(setup, 5))
			goto out_lab;
	}
	{
		char *argv_sink[] = DL_ARGV(lab.ns_b, "lab", "sink", "9001", "--rcvbuf", "1",
					    "--ready-file", ready[0]);
		char *argv_mcast[] = DL_ARGV(lab.ns_b, "lab", "sink", "7002", "--join",
					     "239.1.2.3", "--read", "--ready-file", ready[1]);
		/* Optional arguments packed in front of the terminating NULLs. */
		char *argv_rep[] = DL_ARGV(lab.ns_b, "report", "-i", "v0b", "-d", "60",
					   "--ready-file", ready[2],
					   html ? "--html" : json ? "--json" : NULL,
					   html ? (char *)html : NULL,
					   html && json ? "--json" : NULL);

		sink = dl_spawn__start(argv_sink, 0);
		mcast = dl_spawn__start(argv_mcast, 1);
		rep = dl_spawn__start(argv_rep, 0);
	}
	if (sink < 0 || mcast < 0 || rep < 0 || wait_file(ready[0], sink, 10) ||
	    wait_file(ready[1], mcast, 10) || wait_file(ready[2], rep, 20)) {
		fprintf(stderr, "dropledger demo: a sink or the report did not start\n");
		goto out_lab;
	}
	fprintf(stderr, "== injecting faults from %s: 200 udp -> closed port 9000, 300 -> slow reader on 9001, 20 LLDP,\n"
		"   50 -> multicast 239.1.2.3:7002 (joined on v1b), 40 from 198.19.5.1 (routed back via v1b)\n",
		lab.ns_a);
	{
		char *s1[] = DL_ARGV(lab.ns_a, "lab", "send", "udp", "198.18.0.2", "9000", "200",
				     "--sport", "40000");
		char *s2[] = DL_ARGV(lab.ns_a, "lab", "send", "udp", "198.18.0.2", "9001", "300",
				     "--sport", "40001", "--size", "1000");
		char *s3[] = DL_ARGV(lab.ns_a, "lab", "send", "lldp", "v0a", "20");
		char *s4[] = DL_ARGV(lab.ns_a, "lab", "send", "udp", "239.1.2.3", "7002", "50",
				     "--sport", "40002");
		char *s5[] = DL_ARGV(lab.ns_a, "lab", "send", "udp", "198.18.0.2", "9003", "40",
				     "--sport", "40003", "--src", "198.19.5.1");
		char **const traffic[] = { s1, s2, s3, s4, s5 };

		if (run_all(traffic, 5))
			goto out_lab;
	}
	/*
	 * The slow reader quits: what it never read is freed when its socket
	 * is destroyed, an RCU grace period after close. Then end the report.
	 */
	stop(&sink, SIGTERM);
	usleep(500000);
	/* The group member stays until the report has read the memberships. */
	kill(rep, SIGINT);
	rc = dl_spawn__wait(rep) ? DL_EXIT_FAIL : DL_EXIT_OK;
	rep = -1;
out_lab:
	stop(&sink, SIGTERM);
	stop(&mcast, SIGTERM);
	stop(&rep, SIGINT);
	dl_lab__down(&lab);
	fprintf(stderr, "== lab down\n");
out_dir:
	for (i = 0; i < 3; i++)
		unlink(ready[i]);
	rmdir(dir);
	return interrupted ? DL_EXIT_FAIL : rc;
}
