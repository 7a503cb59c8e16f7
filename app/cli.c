// SPDX-License-Identifier: GPL-2.0-only
/* Shared bits of the dropledger commands; see cli.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "util/log.h"
#include "util/output.h"
#include "util/params.h"
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

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dropledger %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see 'dropledger %s --help'\n", cmd);
	return -EINVAL;
}

int cli_params(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
	       int argc, char **argv)
{
	int err = dl_params__parse(ps, cmd, opts, argc, argv);

	if (err == DL_PARAMS_HELP)
		dl_params__usage(cmd, stdout);
	else if (err)
		fprintf(stderr, "%s\n", ps->err);
	return err;
}

int cli_params_or_help(struct dl_params *ps, const struct dl_cmd *cmd, void *opts,
		       int argc, char **argv)
{
	int err = cli_params(ps, cmd, opts, argc, argv);

	if (err == DL_PARAMS_HELP)
		exit(DL_EXIT_OK);
	return err;
}

int cli_parse_exit(int err)
{
	if (err == DL_PARAMS_HELP || !err)
		return DL_EXIT_OK;
	return err == DL_PARAMS_NO_IFACE ? DL_EXIT_FAIL : DL_EXIT_USAGE;
}

/* Words of the rules grammar that a message may quote. */
static bool grammar_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"src", "dst", "sport", "dport", "->", "queue N", "queues LIST", "even",
		"queue", "queues", "default",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && !strncmp(words[i], s, n))
			return true;
	return false;
}

void cli_file_error(const char *cmd, const char *msg)
{
	char out[512], esc[1024];
	const char *p = msg, *q, *hint;
	size_t o = 0;

	/* "(did you mean 10.0.0.0/8?)" repeats the file's address */
	hint = strstr(msg, " (did you mean");
	while (*p && (!hint || p < hint) && o < sizeof(out) - 8) {
		if (*p == '\'' && (q = strchr(p + 1, '\'')) && (!hint || q < hint)) {
			size_t n = (size_t)(q - p - 1);

			if (grammar_word(p + 1, n) && o + n + 2 < sizeof(out) - 8) {
				memcpy(out + o, p, n + 2);
				o += n + 2;
			} else {
				memcpy(out + o, "'...'", 5);
				o += 5;
			}
			p = q + 1;
			continue;
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
	fprintf(stderr, "dropledger %s: %s\n", cmd, dl_params__escape(out, esc, sizeof(esc)));
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

const char *cli_ifname(const char *ifname)
{
	static char buf[IF_NAMESIZE * 4 + 1];

	return dl_params__escape(ifname, buf, sizeof(buf));
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
