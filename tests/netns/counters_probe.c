// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tiny driver for tests/netns/counters_veth.sh: takes a NIC snapshot of an
 * interface (and the kernel's MIB counters) through libdropledger, runs a
 * command, takes a second one and prints both plus the interval, one fact
 * per line, for the shell test to grep.
 *   counters_probe --map FILE IFNAME [-- CMD ARGS...]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "counters/arp_cache.h"
#include "counters/conntrack_stat.h"
#include "counters/nic_counters.h"
#include "counters/nic_delta.h"
#include "counters/snmp.h"
#include "counters/softnet.h"

static void print_vals(const char *prefix, const struct dl_nic_vals *v)
{
	for (int c = 0; c < DL_NIC__NR; c++) {
		if (v->have & (1u << c))
			printf("%s %s %llu %s\n", prefix, dl_nic_col__name(c),
			       (unsigned long long)v->v[c], dl_nic_src__name(v->src[c]));
		else if (v->reset & (1u << c))
			printf("%s %s reset\n", prefix, dl_nic_col__name(c));
	}
}

static void print_snapshot(const struct dl_nic_snapshot *s, int qerr)
{
	const struct dl_qstats *qs = s->qstats;
	unsigned int nrec = 0;
	char prefix[32];

	printf("driver %s\nnr_queues %u\n", s->driver, s->nr_queues);
	for (unsigned int i = 0; qs && i < qs->nr; i++)
		nrec += qs->rec[i].ifindex == s->ifindex;
	printf("qstats_err %d\nqstats_records %u\n", qerr, nrec);
	printf("ethtool_counters %zu\n", dl_ethtool_stats__count(s->ethtool));
	for (size_t i = 0; i < dl_ethtool_stats__count(s->ethtool); i++)
		printf("ethtool %s %llu\n", dl_ethtool_stats__name(s->ethtool, i),
		       (unsigned long long)dl_ethtool_stats__value(s->ethtool, i));
	for (int i = 0; i < DL_SYSFS__NR; i++)
		if (s->sysfs.have & (1u << i))
			printf("sysfs %s %llu\n", dl_sysfs_stat__name(i),
			       (unsigned long long)s->sysfs.v[i]);
	print_vals("global", &s->global);
	for (unsigned int q = 0; q < s->nr_queues; q++) {
		snprintf(prefix, sizeof(prefix), "queue %u", q);
		print_vals(prefix, &s->queue[q]);
	}
	for (unsigned int i = 0; i < s->nr_unmapped; i++)
		printf("unmapped %s\n", s->unmapped[i]);
}

/* The kernel counters the test checks, besides the NIC. */
static int kernel_counters(uint64_t *noports)
{
	struct dl_neigh_stats arp;
	struct dl_ct_stats ct;
	struct dl_softnet *sn;
	struct dl_snmp *t;
	int err;

	err = dl_snmp__read_proc(&t);
	if (err)
		return err;
	err = dl_snmp__get(t, "Udp", "NoPorts", noports);
	dl_snmp__free(t);
	if (err)
		return err;
	err = dl_softnet__read(NULL, &sn);
	if (err)
		return err;
	printf("softnet_cols %u\n", sn->nr_cols);
	dl_softnet__free(sn);
	err = dl_arp_cache__read(NULL, &arp);
	if (err)
		return err;
	printf("arp_cache_available %d\n", arp.available);
	err = dl_conntrack_stat__read(NULL, &ct);
	if (err)
		return err;
	printf("conntrack_available %d\n", ct.available);
	return 0;
}

static int take(const char *ifname, const struct dl_nic_map *map,
		struct dl_nic_snapshot **s, uint64_t *noports)
{
	struct dl_qstats *qs = NULL;
	int err, qerr;

	/* The snapshot hides a qstats error as "absent": ask once directly. */
	qerr = dl_qstats__read(if_nametoindex(ifname), &qs);
	dl_qstats__free(qs);
	err = dl_nic__snapshot(ifname, map, s);
	if (err) {
		fprintf(stderr, "snapshot of %s: %s\n", ifname, strerror(-err));
		return err;
	}
	print_snapshot(*s, qerr);
	err = kernel_counters(noports);
	if (err)
		fprintf(stderr, "kernel counters: %s\n", strerror(-err));
	return err;
}

static int run(char **argv)
{
	int status, fd;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ECHILD;
}

int main(int argc, char **argv)
{
	struct dl_nic_snapshot *a = NULL, *b = NULL;
	struct dl_nic_delta *d = NULL;
	struct dl_nic_map *map = NULL;
	uint64_t np0, np1;
	char prefix[32];
	int err;

	if (argc < 4 || strcmp(argv[1], "--map")) {
		fprintf(stderr, "usage: %s --map FILE IFNAME [-- CMD ARGS...]\n", argv[0]);
		return 2;
	}
	err = dl_nic_map__load(argv[2], &map);
	if (!err)
		err = take(argv[3], map, &a, &np0);
	if (err || argc < 6 || strcmp(argv[4], "--"))
		goto out;
	err = run(argv + 5);
	if (err) {
		fprintf(stderr, "%s failed\n", argv[5]);
		goto out;
	}
	printf("after\n");
	err = take(argv[3], map, &b, &np1);
	if (!err)
		err = dl_nic__delta(a, b, &d);
	if (err)
		goto out;
	printf("delta reset %u\n", d->reset);
	print_vals("delta global", &d->global);
	for (unsigned int q = 0; q < d->nr_queues; q++) {
		snprintf(prefix, sizeof(prefix), "delta queue %u", q);
		print_vals(prefix, &d->queue[q]);
	}
	printf("delta snmp Udp NoPorts %llu\n", (unsigned long long)(np1 - np0));
out:
	dl_nic__delta_free(d);
	dl_nic__snapshot_free(a);
	dl_nic__snapshot_free(b);
	dl_nic_map__free(map);
	return err ? 1 : 0;
}
