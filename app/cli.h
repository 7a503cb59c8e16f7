/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared bits of the dropledger commands. */
#ifndef DL_CLI_H
#define DL_CLI_H

#include <signal.h>
#include <stdbool.h>

/* Exit codes, documented in --help and README. */
enum {
	DL_EXIT_OK = 0,
	DL_EXIT_FAIL = 1,	/* runtime: privileges, attach, kernel */
	DL_EXIT_USAGE = 2,	/* bad command line or input file */
	DL_EXIT_THRESHOLD = 4,	/* a --fail-on rule fired */
	/*
	 * The run was cut short: the interface was deleted, renamed, moved or
	 * re-queued, or our program removed. What was counted is still printed
	 * ("truncated": true in JSON).
	 */
	DL_EXIT_CUT = 5,
};

int do_report(int argc, char **argv);
int do_detach(int argc, char **argv);
int do_explain(int argc, char **argv);
int do_lab(int argc, char **argv);
int do_demo(int argc, char **argv);
int do_steering(int argc, char **argv);
int do_gen(int argc, char **argv);
int do_capture(int argc, char **argv);
int do_dpdk(int argc, char **argv);
int do_watch(int argc, char **argv);
int do_top(int argc, char **argv);
int do_schema(int argc, char **argv);

/* "needs root" check naming the missing capabilities; 0 when all present. */
int cli_check_caps(const char *what);
/* Parse a positive number of seconds ("5", "0.5"); -EINVAL otherwise. */
int cli_parse_seconds(const char *s, double *out);
/* Write "ready\n" to @path (hidden --ready-file, so tests never sleep). */
void cli_ready(const char *path);
/*
 * After getopt: no stray argument left and an interface named, else one
 * line "dropledger CMD: ..." and -EINVAL.
 */
int cli_args_done(const char *cmd, int argc, char **argv, const char *ifname);
/* -v / -vv */
void cli_verbosity(int v);
/* Signal that asked the run to stop (SIGINT, SIGTERM, SIGHUP), or SIGPIPE. */
extern volatile sig_atomic_t cli_stop;
/*
 * Stop on SIGINT/SIGTERM/SIGHUP by setting cli_stop, and never die of
 * SIGPIPE: a run must always get to detach what it attached.
 */
void cli_stop_signals(void);
/* CLOCK_MONOTONIC in seconds. */
double cli_now(void);
/*
 * Sleep until @until (cli_now() seconds), a stop signal, or @ifname no
 * longer being @ifindex. Returns false when the run must end early.
 */
bool cli_wait_until(const char *ifname, int ifindex, double until);

/* Path of this executable, for re-running ourselves in a namespace. */
const char *cli_self(void);

#endif
