// SPDX-License-Identifier: GPL-2.0-only
/*
 * tc ingress attachment of dl_ingress_tc; see ingress_tc.h. Classic filters
 * outlive a killed process, so they sit at one known handle and priority
 * and are only ever removed after their owner tag proves them ours.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fastpath/ingress_tc.h"
#include "util/log.h"

/* Debian 12's libbpf and uapi headers predate TCX (kernel 6.6). */
#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE (1U << 3)
#endif
#define DL_BPF_TCX_INGRESS 46	/* enum bpf_attach_type, kernel ABI */

static int classic_prog_id(int ifindex, __u32 *id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, q, .handle = DL_TC_HANDLE,
			    .priority = DL_TC_PRIO);
	int err;

	*id = 0;
	err = bpf_tc_query(&hook, &q);
	if (err)
		return err;	/* -ENOENT: no filter (or no clsact) */
	*id = q.prog_id;
	return 0;
}

static int attach_classic(struct bpf_program *prog, int ifindex,
			  const char *ifname, struct dl_tc_attach *out,
			  char *why, size_t why_len)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DL_TC_HANDLE,
			    .priority = DL_TC_PRIO,
			    .prog_fd = bpf_program__fd(prog));
	int err;

	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		snprintf(why, why_len, "cannot add a clsact qdisc to %s: %s", ifname,
			 strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &o);
	if (err) {
		snprintf(why, why_len, "cannot attach tc ingress filter to %s: %s%s",
			 ifname, strerror(-err), err == -EEXIST ?
			 " (a filter holds handle 0xd1ed, priority 1)" : "");
		return err;
	}
	out->classic = true;
	return 0;
}

/* A TCX link by hand: the libbpf we build against has no attach_tcx(). */
static int attach_tcx(struct bpf_program *prog, int ifindex)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = BPF_F_BEFORE);
	int fd;

	/* BPF_F_BEFORE with no anchor: first of the TCX programs. */
	fd = bpf_link_create(bpf_program__fd(prog), ifindex,
			     (enum bpf_attach_type)DL_BPF_TCX_INGRESS, &lo);
	return fd < 0 ? -errno : fd;
}

int dl_tc__attach(struct bpf_program *prog, int ifindex, const char *ifname,
		  bool force_classic, struct dl_tc_attach *out, char *why, size_t why_len)
{
	int fd;

	memset(out, 0, sizeof(*out));
	out->ifindex = ifindex;
	if (!force_classic) {
		fd = attach_tcx(prog, ifindex);
		if (fd > 0) {
			out->link_fd = fd;
			return 0;
		}
		pr_debug("TCX link on %s unavailable (%s): classic clsact filter\n",
			 ifname, strerror(-fd));
	}
	return attach_classic(prog, ifindex, ifname, out, why, why_len);
}

void dl_tc__detach(struct dl_tc_attach *a, __u32 prog_id)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = a->ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DL_TC_HANDLE,
			    .priority = DL_TC_PRIO);
	__u32 id;
	int err;

	if (a->link_fd > 0) {
		close(a->link_fd);
		a->link_fd = 0;
		return;
	}
	if (!a->classic)
		return;
	a->classic = false;
	/* Only if the filter there is still ours: never a foreign one. */
	if (classic_prog_id(a->ifindex, &id) || id != prog_id)
		return;
	err = bpf_tc_detach(&hook, &o);
	if (err && err != -ENODEV && err != -ENOENT)
		pr_warn("removing tc filter from ifindex %d: %s\n", a->ifindex,
			strerror(-err));
	/* The clsact qdisc stays: other filters may hang off it by now. */
}

static int tcx_ids(int ifindex, __u32 *ids, __u32 *n)
{
	__u32 flags = 0, cnt = *n;

	if (bpf_prog_query(ifindex, (enum bpf_attach_type)DL_BPF_TCX_INGRESS, 0,
			   &flags, ids, &cnt)) {
		*n = 0;
		return -errno;
	}
	*n = cnt < *n ? cnt : *n;
	return 0;
}

int dl_tc__attached(const struct dl_tc_attach *a, __u32 prog_id)
{
	__u32 ids[64], n = 64, i, id;
	int err;

	if (a->link_fd > 0) {
		err = tcx_ids(a->ifindex, ids, &n);
		if (err)
			return err;
		for (i = 0; i < n; i++)
			if (ids[i] == prog_id)
				return 1;
		return 0;
	}
	err = classic_prog_id(a->ifindex, &id);
	if (err == -ENOENT)
		return 0;
	return err ? err : id == prog_id;
}

int dl_tc__check_free(int ifindex, const char *ifname, dl_tc_owner_fn owner,
		      char *why, size_t why_len)
{
	__u32 ids[17], n = 16, i, pid;
	bool alive;

	if (!classic_prog_id(ifindex, &ids[16]) &&
	    !owner(ids[16], &pid, &alive) && alive) {
		snprintf(why, why_len, "%s is already watched by dropledger at tc ingress (pid %u, program id %u); stop that run first",
			 ifname, pid, ids[16]);
		return -EBUSY;
	}
	tcx_ids(ifindex, ids, &n);
	for (i = 0; i < n; i++) {
		if (owner(ids[i], &pid, &alive) || !alive)
			continue;
		snprintf(why, why_len, "%s is already watched by dropledger at tc ingress (pid %u, program id %u); stop that run first",
			 ifname, pid, ids[i]);
		return -EBUSY;
	}
	return 0;
}

int dl_tc__remove_stale(int ifindex, dl_tc_owner_fn owner, char *msg, size_t msg_len)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, o, .handle = DL_TC_HANDLE,
			    .priority = DL_TC_PRIO);
	__u32 id, pid;
	bool alive;
	int err;

	if (msg_len)
		msg[0] = '\0';
	if (classic_prog_id(ifindex, &id) || owner(id, &pid, &alive) || alive)
		return 0;
	err = bpf_tc_detach(&hook, &o);
	if (err) {
		pr_warn("cannot remove stale dropledger tc filter (program id %u): %s\n",
			id, strerror(-err));
		return err;
	}
	snprintf(msg, msg_len, "removed stale dropledger tc ingress filter, program id %u (left by pid %u, no longer running)\n",
		 id, pid);
	return 1;
}
