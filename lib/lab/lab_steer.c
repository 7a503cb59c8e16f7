// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lab steering emulation; see lab_steer.h. The tc path spawns tc; the BPF
 * path loads one program per rule with its match in rodata and attaches
 * it with libbpf from a thread inside the namespace, because `tc -n`
 * remounts /sys and cannot see a program pinned in our bpffs.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "lab/lab_steer.h"
#include "lab_steer.skel.h"
#include "util/log.h"
#include "util/netns_exec.h"

extern char **environ;

#define MAX_ARGS 32

/*
 * Run argv[0] from PATH, stdout discarded, stderr captured into @why.
 * Returns the exit status (0..255) or -errno when it could not run.
 */
static int run(char *const argv[], char *why, size_t why_len)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, ret;
	ssize_t n, off = 0;
	pid_t pid;

	if (why_len)
		why[0] = 0;
	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	if (ret == ENOENT && !strchr(argv[0], '/')) {
		/* A PATH without the sbin directories (cron, CI): try them. */
		static const char *const dirs[] = { "/usr/sbin/", "/sbin/" };
		char path[64];
		size_t i;

		for (i = 0; i < 2 && ret == ENOENT; i++) {
			snprintf(path, sizeof(path), "%s%s", dirs[i], argv[0]);
			ret = posix_spawn(&pid, path, &fa, NULL, argv, environ);
		}
	}
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (ret) {
		close(pipefd[0]);
		return -ret;
	}
	/* Drain all of stderr so the child never blocks; keep the start. */
	for (;;) {
		char sink[256];

		if (off + 1 < (ssize_t)why_len)
			n = read(pipefd[0], why + off, why_len - 1 - off);
		else
			n = read(pipefd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (off + 1 < (ssize_t)why_len)
			off += n;
	}
	if (why_len)
		why[off] = 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (why_len && off && why[off - 1] == '\n')
		why[off - 1] = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

/* "tc [-n NS] <args...>" into argv; returns argc or -E2BIG. */
static int tc_argv(char **argv, const char *netns, char *const *args)
{
	int n = 0;

	argv[n++] = "tc";
	if (netns) {
		argv[n++] = "-n";
		argv[n++] = (char *)netns;
	}
	while (*args) {
		if (n == MAX_ARGS - 1)
			return -E2BIG;
		argv[n++] = *args++;
	}
	argv[n] = NULL;
	return n;
}

static int tc(const char *netns, char *const *args, bool quiet)
{
	char *argv[MAX_ARGS], msg[512], line[512];
	size_t off = 0;
	int i, ret;

	ret = tc_argv(argv, netns, args);
	if (ret < 0)
		return ret;
	ret = run(argv, msg, sizeof(msg));
	if (!ret)
		return 0;
	for (i = 0; argv[i] && off < sizeof(line); i++)
		off += snprintf(line + off, sizeof(line) - off, "%s%s", i ? " " : "", argv[i]);
	if (ret < 0) {
		pr_warn("cannot run %s: %s\n", line, strerror(-ret));
		return ret;
	}
	if (quiet)
		pr_debug("%s: %s\n", line, msg);
	else
		pr_warn("%s: %s\n", line, msg);
	return -EIO;
}

static int add_skbedit(const char *netns, const char *ifname,
		       const struct dl_lab_steer_rule *r)
{
	char prio[8], port[8], q[8], *args[24];
	int n = 0;

	if (r->sport)
		return -EOPNOTSUPP;	/* keep the two paths' match identical */
	snprintf(prio, sizeof(prio), "%u", r->prio ? r->prio : 1);
	snprintf(port, sizeof(port), "%u", r->dport);
	snprintf(q, sizeof(q), "%u", r->queue);
	args[n++] = "filter";
	args[n++] = "add";
	args[n++] = "dev";
	args[n++] = (char *)ifname;
	args[n++] = "egress";
	args[n++] = "prio";
	args[n++] = prio;
	args[n++] = "protocol";
	args[n++] = "ip";
	args[n++] = "flower";
	args[n++] = "ip_proto";
	args[n++] = r->l4proto == IPPROTO_UDP ? "udp" : "tcp";
	if (r->dport) {
		args[n++] = "dst_port";
		args[n++] = port;
	}
	args[n++] = "action";
	args[n++] = "skbedit";
	args[n++] = "queue_mapping";
	args[n++] = q;
	args[n] = NULL;
	/* Failure here usually means no cls_flower/act_skbedit: quiet. */
	return tc(netns, args, true) ? -EOPNOTSUPP : 0;
}

struct bpf_job {
	const char *ifname;
	const struct dl_lab_steer_rule *r;
};

static int attach_bpf(void *arg)
{
	struct bpf_job *j = arg;
	const struct dl_lab_steer_rule *r = j->r;
	struct dl_lab_steer_bpf *skel;
	int ifindex, err;

	ifindex = if_nametoindex(j->ifname);
	if (!ifindex)
		return -ENODEV;
	skel = dl_lab_steer_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->match_l4proto = r->l4proto;
	skel->rodata->match_dport = htons(r->dport);
	skel->rodata->match_sport = htons(r->sport);
	skel->rodata->txq = r->queue;
	err = dl_lab_steer_bpf__load(skel);
	if (!err) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = r->prio ? r->prio : 1,
			    .prog_fd = bpf_program__fd(skel->progs.dl_lab_steer));

		/* tc made the clsact qdisc already: attach only. */
		err = bpf_tc_attach(&hook, &opts);
	}
	/* The filter holds its own reference to the program. */
	dl_lab_steer_bpf__destroy(skel);
	return err;
}

int dl_lab_steer__add(const char *netns, const char *ifname,
		      const struct dl_lab_steer_rule *r, enum dl_lab_steer_how *how)
{
	char *clsact[] = { "qdisc", "replace", "dev", (char *)ifname, "clsact", NULL };
	enum dl_lab_steer_how want = how ? *how : DL_LAB_STEER_AUTO;
	struct bpf_job job = { ifname, r };
	int err;

	if (!ifname || !r || (r->l4proto != IPPROTO_UDP && r->l4proto != IPPROTO_TCP) ||
	    r->queue == 0xffff)
		return -EINVAL;
	err = tc(netns, clsact, false);
	if (err)
		return err;
	if (want != DL_LAB_STEER_BPF) {
		err = add_skbedit(netns, ifname, r);
		if (!err) {
			if (how)
				*how = DL_LAB_STEER_SKBEDIT;
			return 0;
		}
		if (want == DL_LAB_STEER_SKBEDIT)
			return err;
		pr_debug("%s: tc flower/skbedit unavailable, using the BPF classifier\n", ifname);
	}
	err = dl_netns__run(netns, attach_bpf, &job);
	if (err == -EEXIST) {
		pr_warn("%s: tc egress priority %u is taken\n", ifname, r->prio ? r->prio : 1);
	} else if (err) {
		pr_warn("%s%s%s: cannot attach the lab steering classifier: %s\n",
			netns ? netns : "", netns ? "/" : "", ifname, strerror(-err));
		return err;
	}
	if (how)
		*how = DL_LAB_STEER_BPF;
	return 0;
}

int dl_lab_steer__clear(const char *netns, const char *ifname)
{
	char *del[] = { "qdisc", "del", "dev", (char *)ifname, "clsact", NULL };

	if (!ifname)
		return -EINVAL;
	return tc(netns, del, false);
}
