// SPDX-License-Identifier: GPL-2.0-only
/* Shared bits of the dropledger commands; see cli.h. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util/log.h"
#include "util/output.h"
#include "util/wait.h"

volatile sig_atomic_t cli_stop;

static void on_stop(int sig)
{
	cli_stop = sig;
}

void cli_stop_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

double cli_now(void)
{
	return dl_wait__now();
}

bool cli_wait_until(const char *ifname, int ifindex, double until)
{
	struct dl_wait_if w = { ifname, ifindex };

	return dl_wait__until(until, &cli_stop, &w, 1, &dl_stdout);
}

int cli_check_caps(const char *what)
{
	static const struct { int bit; const char *name; } need[] = {
		{ 39, "CAP_BPF" }, { 12, "CAP_NET_ADMIN" }, { 38, "CAP_PERFMON" },
	};
	unsigned long long eff = 0;
	char line[256], missing[128] = "";
	size_t i;
	FILE *f;

	f = fopen("/proc/self/status", "re");
	if (!f)
		return 0;	/* cannot tell: let the kernel decide */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	/* CAP_SYS_ADMIN implies the BPF ones on every kernel. */
	if (eff & (1ULL << 21))
		return 0;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!(eff & (1ULL << need[i].bit))) {
			strcat(missing, missing[0] ? ", " : "");
			strcat(missing, need[i].name);
		}
	}
	if (!missing[0])
		return 0;
	fprintf(stderr, "dropledger: %s needs root (missing %s)\n", what, missing);
	return -EPERM;
}

int cli_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v <= 0 || v > 86400 * 365)
		return -EINVAL;
	*out = v;
	return 0;
}

void cli_ready(const char *path)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "we");
	if (!f) {
		pr_warn("cannot write ready file %s: %s\n", path, strerror(errno));
		return;
	}
	fputs("ready\n", f);
	fclose(f);
}

int cli_args_done(const char *cmd, int argc, char **argv, const char *ifname)
{
	if (optind < argc) {
		fprintf(stderr, "dropledger %s: unexpected argument '%s'\n", cmd, argv[optind]);
		return -EINVAL;
	}
	if (!ifname) {
		fprintf(stderr, "dropledger %s: which interface? (-i IFACE)\n", cmd);
		return -EINVAL;
	}
	return 0;
}

void cli_verbosity(int v)
{
	dl_log__set_level(v >= 2 ? DL_LOG_LIBBPF : v == 1 ? DL_LOG_DEBUG : DL_LOG_INFO);
}

const char *cli_self(void)
{
	static char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n <= 0)
		return "dropledger";
	path[n] = '\0';
	return path;
}
