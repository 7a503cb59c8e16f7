/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared bits of the dropledger commands. */
#ifndef DL_CLI_H
#define DL_CLI_H

#include <signal.h>
#include <stdbool.h>

/*
 * Every exit code of every command, documented in --help and README
 * ("Exit codes").
 */
enum {
	DL_EXIT_OK = 0,
	DL_EXIT_FAIL = 1,	/* runtime: privileges, attach, kernel, output */
	DL_EXIT_USAGE = 2,	/* bad command line, config or input file */
	DL_EXIT_VIOLATION = 3,	/* steering rules violated; diff: worse */
	DL_EXIT_THRESHOLD = 4,	/* a --fail-on rule fired */
	/*
	 * The run was cut short: the interface was deleted, renamed, moved or
	 * re-queued, or our program removed. What was counted is still printed
	 * ("truncated": true in JSON).
	 */
	DL_EXIT_CUT = 5,
};

/* The exit codes line of every command's help (EXIT CODES). */
#define DL_EXIT_CODES_TEXT "0 ok, 1 runtime failure, 2 usage or a bad input file"
struct dl_params;
struct dl_cmd;
/*
 * dl_params__parse() that prints: --help to stdout, an error's one line to
 * stderr. Returns what dl_params__parse() returned.
 */
int cli_params(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
	       int argc, char **argv);
/* cli_params() that exits DL_EXIT_OK once --help is printed. */
int cli_params_or_help(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
		       int argc, char **argv);
/*
 * Exit code for a dl_params__parse() result: 0 (go on) stays 0, --help
 * printed is DL_EXIT_OK too (callers test DL_PARAMS_HELP first), no such
 * interface DL_EXIT_FAIL, the rest DL_EXIT_USAGE.
 */
int cli_parse_exit(int err);

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
int do_diff(int argc, char **argv);

/* "needs root" check naming the missing capabilities; 0 when all present. */
int cli_check_caps(const char *what);
/*
 * Print "dropledger CMD: FILE:LINE: why" for an input file that may be
 * secret (--rules through sudo): what the file says is never echoed, only
 * the grammar's own words; quoted text from the file becomes '...'.
 */
void cli_file_error(const char *cmd, const char *msg);
/*
 * A usage error found after parsing (options that need each other): one
 * line "dropledger CMD: ...; see 'dropledger CMD --help'". Returns -EINVAL.
 */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Write "ready\n" to @path (hidden --ready-file, so tests never sleep). */
void cli_ready(const char *path);
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

/*
 * @ifname safe to print (escape sequences and invalid UTF-8 as \xNN), in a
 * static buffer: for one message at a time.
 */
const char *cli_ifname(const char *ifname);

/* Path of this executable, for re-running ourselves in a namespace. */
const char *cli_self(void);

#endif
