// SPDX-License-Identifier: GPL-2.0-only
/* The built-in lab; see lab.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lab/lab.h"
#include "util/log.h"
#include "util/proc_spawn.h"

int dl_lab__init(struct dl_lab *lab, const char *prefix, unsigned int queues)
{
	const char *p;

	if (!prefix)
		prefix = DL_LAB_PREFIX;
	if (!*prefix || strlen(prefix) >= sizeof(lab->prefix))
		return -EINVAL;
	for (p = prefix; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return -EINVAL;
	if (queues < 1 || queues > 64)
		return -EINVAL;
	memset(lab, 0, sizeof(*lab));
	snprintf(lab->prefix, sizeof(lab->prefix), "%s", prefix);
	snprintf(lab->ns_a, sizeof(lab->ns_a), "%s-a", prefix);
	snprintf(lab->ns_b, sizeof(lab->ns_b), "%s-b", prefix);
	lab->queues = queues;
	return 0;
}

static bool ns_exists(const char *ns)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	return !stat(path, &st);
}

bool dl_lab__exists(const struct dl_lab *lab)
{
	return ns_exists(lab->ns_a) && ns_exists(lab->ns_b);
}

int dl_lab__exec(const char *ns, char *const argv[], int quiet)
{
	char *full[32] = { "ip", "netns", "exec", (char *)ns };
	int i;

	for (i = 0; argv[i] && i < 27; i++)
		full[4 + i] = argv[i];
	full[4 + i] = NULL;
	return dl_spawn__run(full, quiet);
}

#define RUN(...) do {							\
	char *const _argv[] = { __VA_ARGS__, NULL };			\
	int _rc = dl_spawn__run(_argv, 1);				\
	if (_rc) {							\
		snprintf(why, why_len, "'%s' failed (exit %d)",		\
			 #__VA_ARGS__, _rc);				\
		goto fail;						\
	}								\
} while (0)

int dl_lab__up(const struct dl_lab *lab, char *why, size_t why_len)
{
	const char *a = lab->ns_a, *b = lab->ns_b;
	char q[8];
	int i;

	if (ns_exists(a) || ns_exists(b)) {
		snprintf(why, why_len, "lab '%s' already exists (dropledger lab down --prefix %s)",
			 lab->prefix, lab->prefix);
		return -EEXIST;
	}
	snprintf(q, sizeof(q), "%u", lab->queues);
	RUN("ip", "netns", "add", (char *)a);
	RUN("ip", "netns", "add", (char *)b);
	/* Created inside the namespaces: the root namespace never sees them. */
	RUN("ip", "-n", (char *)a, "link", "add", "v0a", "address", "02:d1:00:00:00:0a",
	    "numtxqueues", q, "numrxqueues", q, "type", "veth", "peer", "name", "v0b",
	    "address", "02:d1:00:00:00:0b", "netns", (char *)b, "numtxqueues", q,
	    "numrxqueues", q);
	RUN("ip", "-n", (char *)a, "link", "add", "v1a", "address", "02:d1:00:00:01:0a",
	    "type", "veth", "peer", "name", "v1b", "address", "02:d1:00:00:01:0b",
	    "netns", (char *)b);
	for (i = 0; i < 2; i++) {
		char *ns = (char *)(i ? b : a);
		char *self = i ? "b" : "a", *peer = i ? "a" : "b";
		char v0[8], v1[8], a0[24], a1[24], p0[24], p1[24];

		snprintf(v0, sizeof(v0), "v0%s", self);
		snprintf(v1, sizeof(v1), "v1%s", self);
		snprintf(a0, sizeof(a0), "198.18.0.%d/24", i + 1);
		snprintf(a1, sizeof(a1), "198.18.1.%d/24", i + 1);
		snprintf(p0, sizeof(p0), "198.18.0.%d", 2 - i);
		snprintf(p1, sizeof(p1), "198.18.1.%d", 2 - i);
		/* IPv6 autoconf and DAD would add frames nobody sent. */
		RUN("ip", "netns", "exec", ns, "sysctl", "-qw",
		    "net.ipv6.conf.all.disable_ipv6=1",
		    "net.ipv6.conf.default.disable_ipv6=1");
		RUN("ip", "-n", ns, "link", "set", "lo", "up");
		RUN("ip", "-n", ns, "addr", "add", a0, "dev", v0);
		RUN("ip", "-n", ns, "addr", "add", a1, "dev", v1);
		RUN("ip", "-n", ns, "link", "set", v0, "up");
		RUN("ip", "-n", ns, "link", "set", v1, "up");
		{
			char m0[24], m1[24];

			snprintf(m0, sizeof(m0), "02:d1:00:00:00:0%s", peer);
			snprintf(m1, sizeof(m1), "02:d1:00:00:01:0%s", peer);
			RUN("ip", "-n", ns, "neigh", "replace", p0, "lladdr", m0,
			    "dev", v0, "nud", "permanent");
			RUN("ip", "-n", ns, "neigh", "replace", p1, "lladdr", m1,
			    "dev", v1, "nud", "permanent");
		}
	}
	return 0;
fail:
	dl_lab__down(lab);
	return -EIO;
}

int dl_lab__down(const struct dl_lab *lab)
{
	int err = 0;
	const char *ns[2] = { lab->ns_a, lab->ns_b };
	int i;

	for (i = 0; i < 2; i++) {
		char *argv[] = { "ip", "netns", "del", (char *)ns[i], NULL };

		if (ns_exists(ns[i]) && dl_spawn__run(argv, 1))
			err = -EIO;
	}
	return err;
}
