// SPDX-License-Identifier: GPL-2.0-only
/*
 * dropledger: where do my packets die? Table-driven subcommands; each lives
 * in its own cmd_<name>.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dl_config.h"
#include "util/log.h"
#include "util/output.h"
#include "util/params.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "report", do_report, "attach, count for a while, print the ledger and its causes" },
	{ "watch", do_watch, "always on: every interface, intervals into Prometheus metrics and JSON" },
	{ "top", do_top, "live view: rates, causes by rate, hot queues (q quits and detaches)" },
	{ "steering", do_steering, "check steering rules and RSS spread: queues, flows, CPUs" },
	{ "schema", do_schema, "the JSON Schema of report's JSON lines" },
	{ "diff", do_diff, "compare two saved report runs; exit 3 when the second is worse" },
	{ "explain", do_explain, "what a drop reason or kernel function means, and the fix" },
	{ "detach", do_detach, "remove dropledger programs a killed run left on an interface" },
	{ "capture", do_capture, "AF_XDP capture mode: per-queue arrivals, ring loss, sequence check" },
	{ "dpdk", do_dpdk, "DPDK mode: poll a DPDK port per queue, ledger vs rte_eth_stats" },
	{ "gen", do_gen, "send stamped UDP frames over AF_XDP TX (lab and benchmarks)" },
	{ "lab", do_lab, "built-in lab: two namespaces, a 4-queue veth, traffic" },
	{ "demo", do_demo, "lab up, inject faults, report, lab down" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: dropledger COMMAND [options]\n"
		"Tells where packets die on this host: arrivals per RX queue (XDP),\n"
		"kernel drops by reason and location (skb:kfree_skb), and what is left\n"
		"unexplained, reconciled in one ledger.\n\nCOMMANDS\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(out,
		"\nEXAMPLES\n"
		"  dropledger demo                       # the built-in lab with injected faults\n"
		"  dropledger report -i eth1 -d 10       # 10 s ledger of eth1\n"
		"  dropledger report -i eth1 -d 5 --json # the same as one JSON object\n"
		"  dropledger report -i eth1 -d 0 -I 60 --json  # a ledger a minute until stopped\n"
		"  dropledger steering -i eth1 --rules my.rules -d 30\n"
		"  dropledger explain SOCKET_RCVBUFF\n"
		"\n'dropledger COMMAND --help' for a command's options.\n"
		"\nEXIT CODES\n"
		"  0 ok, 1 runtime failure (privileges, attach, output), 2 usage or a bad input\n"
		"  file (file:line), 3 steering rules violated or diff's B worse,\n"
		"  4 a --fail-on rule fired, 5 the run was cut short (interface gone, moved,\n"
		"  re-queued, or our program removed).\n");
}

static const char *out_cmd = "";

/* Buffered text (help, explain, ...) is checked here, even after exit(). */
static void close_stdout(void)
{
	if (!dl_output__close(&dl_stdout))
		return;
	dl_output__complain(&dl_stdout, out_cmd);
	_exit(DL_EXIT_FAIL);
}

/*
 * One output policy for every command (util/output.h): SIGPIPE ignored,
 * EPIPE seen as an error like any other; a closed stdout is refused before
 * any work (nothing may be opened on fd 1 in its place, a BPF map would
 * get our text); stdout's close checked at exit.
 */
static int output_setup(const char *cmd)
{
	out_cmd = cmd;
	signal(SIGPIPE, SIG_IGN);
	dl_stdout.f = stdout;
	if (fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		dl_stdout.err = -EBADF;
		dl_output__complain(&dl_stdout, cmd);
		return -EBADF;
	}
	atexit(close_stdout);
	return 0;
}

int main(int argc, char **argv)
{
	char esc[128];
	size_t i;

	dl_log__route_libbpf();
	if (argc < 2) {
		usage(stderr);
		return DL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (output_setup(""))
			return DL_EXIT_FAIL;
		usage(stdout);
		return DL_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		if (output_setup(""))
			return DL_EXIT_FAIL;
		printf("dropledger %s\n", DL_VERSION);
		return DL_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (output_setup(commands[i].name))
			return DL_EXIT_FAIL;
		return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "dropledger: unknown command '%s'; see 'dropledger --help'\n",
		dl_params__escape(argv[1], esc, sizeof(esc)));
	return DL_EXIT_USAGE;
}
