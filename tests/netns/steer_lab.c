// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver for tests/netns/steering_lab.sh: exposes the lab steering, UDP
 * sender, RSS config reader and steering check APIs as small subcommands,
 * so the shell test exercises the library, not a reimplementation.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab_steer.h"
#include "util/netns_exec.h"
#include "rss/rss_config.h"
#include "rss/steering_check.h"
#include "lab/udp_send.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: steer-lab add NS IF udp|tcp DPORT QUEUE PRIO [auto|skbedit|bpf]\n"
		"       steer-lab clear NS IF\n"
		"       steer-lab send NS SRC SPORT DST DPORT COUNT\n"
		"       steer-lab rss NS|- IF\n"
		"       steer-lab check RULES SRC SPORT DST DPORT COUNT_Q0 [COUNT_Q1 ...]\n");
	return 2;
}

static int cmd_add(char **argv, int argc)
{
	struct dl_lab_steer_rule r = { 0 };
	enum dl_lab_steer_how how = DL_LAB_STEER_AUTO;
	int err;

	if (argc < 6)
		return usage();
	r.l4proto = !strcmp(argv[2], "tcp") ? IPPROTO_TCP : IPPROTO_UDP;
	r.dport = atoi(argv[3]);
	r.queue = atoi(argv[4]);
	r.prio = atoi(argv[5]);
	if (argc > 6)
		how = !strcmp(argv[6], "bpf") ? DL_LAB_STEER_BPF :
		      !strcmp(argv[6], "skbedit") ? DL_LAB_STEER_SKBEDIT : DL_LAB_STEER_AUTO;
	err = dl_lab_steer__add(argv[0], argv[1], &r, &how);
	if (err) {
		fprintf(stderr, "steer-lab add: %s\n", strerror(-err));
		return err == -EOPNOTSUPP ? 77 : 1;
	}
	printf("%s\n", how == DL_LAB_STEER_SKBEDIT ? "skbedit" : "bpf");
	return 0;
}

static int cmd_send(char **argv, int argc)
{
	struct dl_udp_send_opts o = { 0 };
	__u64 sent;
	int err;

	if (argc < 6)
		return usage();
	o.netns = argv[0];
	o.src = argv[1];
	o.sport = atoi(argv[2]);
	o.dst = argv[3];
	o.dport = atoi(argv[4]);
	o.count = strtoull(argv[5], NULL, 10);
	err = dl_udp_send__run(&o, &sent);
	printf("%llu\n", (unsigned long long)sent);
	if (err)
		fprintf(stderr, "steer-lab send: %s\n", strerror(-err));
	return err ? 1 : 0;
}

struct rss_job {
	const char *ifname;
	struct dl_rss_config *c;
};

static int read_rss(void *arg)
{
	struct rss_job *j = arg;

	return dl_rss_config__read(j->ifname, &j->c);
}

static int cmd_rss(char **argv, int argc)
{
	struct rss_job j = { 0 };
	char buf[1024];
	int err;

	if (argc < 2)
		return usage();
	j.ifname = argv[1];
	/* "-" reads in the current namespace (read-only ioctls). */
	err = dl_netns__run(strcmp(argv[0], "-") ? argv[0] : NULL, read_rss, &j);
	if (err) {
		fprintf(stderr, "steer-lab rss: %s\n", strerror(-err));
		return 1;
	}
	dl_rss_config__summary(j.c, buf, sizeof(buf));
	printf("%s\nexposed=%s\n", buf, dl_rss_config__exposed(j.c) ? "yes" : "no");
	dl_rss_config__free(j.c);
	return 0;
}

static int cmd_check(char **argv, int argc)
{
	struct dl_steer_report *rep;
	struct dl_steer_rules *rs;
	struct dl_flow_obs o;
	char err[512];
	size_t i;
	int q, ret;

	if (argc < 6 || argc - 5 > DL_STEER_QUEUES)
		return usage();
	ret = dl_steer_rules__parse_file(argv[0], &rs, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	memset(&o, 0, sizeof(o));
	o.flow.l3proto = htons(0x0800);
	o.flow.l4proto = IPPROTO_UDP;
	if (inet_pton(AF_INET, argv[1], &o.flow.saddr[0]) != 1 ||
	    inet_pton(AF_INET, argv[3], &o.flow.daddr[0]) != 1)
		return usage();
	o.flow.sport = htons(atoi(argv[2]));
	o.flow.dport = htons(atoi(argv[4]));
	for (q = 0; q < argc - 5; q++)
		o.packets[q] = strtoull(argv[5 + q], NULL, 10);
	ret = dl_steer_check__run(rs, &o, 1, NULL, NULL, &rep);
	if (ret) {
		fprintf(stderr, "steer-lab check: %s\n", strerror(-ret));
		dl_steer_rules__free(rs);
		return 1;
	}
	for (i = 0; i < rep->nr_rules; i++)
		printf("%s\n", rep->rules[i].text);
	ret = rep->nr_violations ? 3 : 0;
	dl_steer_report__free(rep);
	dl_steer_rules__free(rs);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "add"))
		return cmd_add(argv + 2, argc - 2);
	if (!strcmp(argv[1], "clear"))
		return argc < 4 ? usage() : (dl_lab_steer__clear(argv[2], argv[3]) ? 1 : 0);
	if (!strcmp(argv[1], "send"))
		return cmd_send(argv + 2, argc - 2);
	if (!strcmp(argv[1], "rss"))
		return cmd_rss(argv + 2, argc - 2);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argv + 2, argc - 2);
	return usage();
}
