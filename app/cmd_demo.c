// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger demo: the quick start. Builds the lab, runs `report` on the
 * receiving veth, injects known faults from the other namespace, prints
 * the ledger and removes the lab, also on Ctrl-C or failure.
 *
 * Faults: UDP to a closed port (NO_SOCKET), a slow reader with a tiny
 * receive buffer (SOCKET_RCVBUFF), LLDP frames nobody handles
 * (UNHANDLED_PROTO).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lab.h"
#include "proc_spawn.h"

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

#define NS_ARGV(ns, ...) { "ip", "netns", "exec", (char *)(ns), (char *)self, __VA_ARGS__, NULL }

int do_demo(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prefix", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct sigaction sa = { .sa_handler = on_sig };
	const char *self = cli_self(), *prefix = NULL;
	char dir[] = "/tmp/dropledger-demo.XXXXXX", sink_ready[64], rep_ready[64];
	pid_t sink = -1, rep = -1;
	int c, rc = DL_EXIT_FAIL, json = 0;
	struct dl_lab lab;
	char why[256];

	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", lo, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else if (c == 'p') {
			prefix = optarg;
		} else {
			fprintf(c == 'h' ? stdout : stderr,
				"Usage: dropledger demo [--json] [--prefix NAME]\n"
				"Creates the lab (dropledger lab up), watches v0b with 'report', sends\n"
				"200 UDP datagrams to a closed port, 300 to a slow reader with a tiny\n"
				"receive buffer and 20 LLDP frames, prints the ledger, removes the lab.\n");
			return c == 'h' ? DL_EXIT_OK : DL_EXIT_USAGE;
		}
	}
	if (cli_check_caps("demo"))
		return DL_EXIT_FAIL;
	if (dl_lab__init(&lab, prefix, 4)) {
		fprintf(stderr, "dropledger demo: bad prefix\n");
		return DL_EXIT_USAGE;
	}
	if (!mkdtemp(dir)) {
		perror("dropledger demo: mkdtemp");
		return DL_EXIT_FAIL;
	}
	snprintf(sink_ready, sizeof(sink_ready), "%s/sink", dir);
	snprintf(rep_ready, sizeof(rep_ready), "%s/report", dir);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	fprintf(stderr, "== lab up (%s-a <-> %s-b, 4-queue veth)\n", lab.prefix, lab.prefix);
	if (dl_lab__up(&lab, why, sizeof(why))) {
		fprintf(stderr, "dropledger demo: %s\n", why);
		goto out_dir;
	}
	{
		char *argv_sink[] = NS_ARGV(lab.ns_b, "lab", "sink", "9001", "--rcvbuf", "1",
					    "--ready-file", sink_ready);
		char *argv_rep[] = NS_ARGV(lab.ns_b, "report", "-i", "v0b", "-d", "60",
					   "--ready-file", rep_ready, json ? "--json" : NULL);

		sink = dl_spawn__start(argv_sink, 0);
		rep = dl_spawn__start(argv_rep, 0);
	}
	if (sink < 0 || rep < 0 || wait_file(sink_ready, sink, 10) ||
	    wait_file(rep_ready, rep, 20)) {
		fprintf(stderr, "dropledger demo: sink or report did not start\n");
		goto out_lab;
	}
	fprintf(stderr, "== injecting faults from %s: 200 udp -> closed port 9000, 300 udp -> slow reader on 9001, 20 LLDP\n",
		lab.ns_a);
	{
		char *s1[] = NS_ARGV(lab.ns_a, "lab", "send", "udp", "198.18.0.2", "9000", "200",
				     "--sport", "40000");
		char *s2[] = NS_ARGV(lab.ns_a, "lab", "send", "udp", "198.18.0.2", "9001", "300",
				     "--sport", "40001", "--size", "1000");
		char *s3[] = NS_ARGV(lab.ns_a, "lab", "send", "lldp", "v0a", "20");

		if (dl_spawn__run(s1, 0) || dl_spawn__run(s2, 0) || dl_spawn__run(s3, 0)) {
			fprintf(stderr, "dropledger demo: sending traffic failed\n");
			goto out_lab;
		}
	}
	/*
	 * The slow reader quits: what it never read is freed when its socket
	 * is destroyed, an RCU grace period after close. Then end the report.
	 */
	kill(sink, SIGTERM);
	dl_spawn__wait(sink);
	sink = -1;
	usleep(500000);
	kill(rep, SIGINT);
	rc = dl_spawn__wait(rep) ? DL_EXIT_FAIL : DL_EXIT_OK;
	rep = -1;
out_lab:
	if (sink > 0) {
		kill(sink, SIGTERM);
		dl_spawn__wait(sink);
	}
	if (rep > 0) {
		kill(rep, SIGINT);
		dl_spawn__wait(rep);
	}
	dl_lab__down(&lab);
	fprintf(stderr, "== lab down\n");
out_dir:
	unlink(sink_ready);
	unlink(rep_ready);
	rmdir(dir);
	return interrupted ? DL_EXIT_FAIL : rc;
}
