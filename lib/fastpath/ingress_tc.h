/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dl_ingress_tc on a device's tc ingress: a TCX link where the kernel has
 * them (6.6+; the link dies with the process), else a classic clsact filter
 * at a fixed handle and priority, so a later run can find, prove ours and
 * remove one that a killed run left behind.
 */
#ifndef DL_INGRESS_TC_H
#define DL_INGRESS_TC_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

struct bpf_program;

#define DL_TC_HANDLE 0xd1edu	/* classic filter handle of dl_ingress_tc */
#define DL_TC_PRIO 1		/* first among classic filters */

/*
 * Owner of program @prog_id: 0 and *@pid, *@alive when it carries our
 * owner tag, -ENOENT when it is not ours, or another -errno.
 */
typedef int (*dl_tc_owner_fn)(__u32 prog_id, __u32 *pid, bool *alive);

struct dl_tc_attach {
	int link_fd;		/* TCX link (> 0); 0 for a classic filter */
	int ifindex;
	bool classic;		/* our filter is at DL_TC_HANDLE / DL_TC_PRIO */
};

/*
 * Attach @prog at tc ingress of @ifindex: TCX first in line unless
 * @force_classic, classic clsact otherwise (the qdisc is created when
 * missing and left in place after). -errno with a reason in @why.
 */
int dl_tc__attach(struct bpf_program *prog, int ifindex, const char *ifname,
		  bool force_classic, struct dl_tc_attach *out, char *why, size_t why_len);

/*
 * Is program @prog_id still where dl_tc__attach() put it? 1 yes, 0 no
 * (removed or replaced by someone else), -errno when it cannot be told.
 */
int dl_tc__attached(const struct dl_tc_attach *a, __u32 prog_id);

/* Remove what dl_tc__attach() attached (our filter only, by program id). */
void dl_tc__detach(struct dl_tc_attach *a, __u32 prog_id);

/*
 * -EBUSY with a reason when a live run of ours already counts at tc
 * ingress of @ifindex (TCX or classic); 0 when free.
 */
int dl_tc__check_free(int ifindex, const char *ifname, dl_tc_owner_fn owner,
		      char *why, size_t why_len);

/*
 * Remove our classic filter when its owner is dead (TCX links die with
 * their process). Returns 1 removed, 0 none, or -errno; @msg says which.
 */
int dl_tc__remove_stale(int ifindex, dl_tc_owner_fn owner, char *msg, size_t msg_len);

#endif
