/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who owns an attached dropledger XDP program. Every dl_ingress carries a
 * dl_owner map written by the process that loaded it; a later run or
 * `detach` reads it to tell a program left by a killed run from one a live
 * run is using, and never touches a program we did not load.
 */
#ifndef DL_OWNER_H
#define DL_OWNER_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>
#include <sys/types.h>

#include "dropledger_shared.h"

/* Fill @o for the calling process. */
int dl_owner__self(struct dl_owner *o);

/*
 * Read the dl_owner tag of program @prog_id into @o and its name into
 * @name; -ENOENT if it carries none (a foreign program, or a dispatcher).
 */
int dl_owner__of_prog(__u32 prog_id, struct dl_owner *o, char *name,
		      size_t name_len);

/* The initial PID namespace's inode (PROC_PID_INIT_INO): sees everyone. */
#define DL_PIDNS_INIT_INO 0xEFFFFFFCull

enum dl_owner_state {
	DL_OWNER_DEAD,		/* nobody holds the program: stale */
	DL_OWNER_ALIVE,		/* a process we can see holds it */
	DL_OWNER_UNKNOWN,	/* owner in a PID namespace we cannot see */
};

/*
 * Is the run that loaded program @prog_id (tagged @o) still alive? A run
 * in another PID namespace counts as alive while any process we can see
 * holds the program; when its namespace is not visible from ours we cannot
 * tell, and nothing may be removed without --force. *@holder: pid (in our
 * namespace) of a process holding it, or 0.
 */
enum dl_owner_state dl_owner__state(const struct dl_owner *o, __u32 prog_id,
				    pid_t *holder);

/*
 * "pid 812" in our PID namespace; "pid 4012, pid 1 in PID namespace
 * pid:[4026532601]" for a run in another (the first pid as we see it, when
 * @holder > 0). Returns snprintf's count.
 */
int dl_owner__describe(const struct dl_owner *o, pid_t holder, char *buf,
		       size_t len);

/*
 * Detach XDP program @prog_id from @ifindex in @mode_flags mode, only if it
 * is still that program (never races a foreign attach).
 */
int dl_owner__detach_prog(int ifindex, __u32 prog_id, __u32 mode_flags);

/*
 * Find XDP program @prog_id in the other network namespaces (an interface
 * moved away takes its program along) and, when @detach, detach it there
 * (only if still that program, @prog_fd). Returns 1 when found, with
 * "netns NAME, interface IF" in @where; 0 when not found; -errno.
 */
int dl_owner__find_elsewhere(__u32 prog_id, int prog_fd, bool detach,
			     char *where, size_t where_len);

/*
 * Remove dl_ingress programs on @ifindex left by runs that are gone (their
 * owner process is dead). @force: also those whose owner we cannot see
 * (never one a visible process holds). Returns how many were removed
 * (0..n) or -errno; @msg has one line per program removed or kept, and
 * *@kept (may be NULL) counts those left because their run may be alive.
 */
int dl_owner__remove_stale(int ifindex, bool force, char *msg, size_t msg_len,
			   unsigned int *kept);

/*
 * Refuse (-EBUSY, reason in @why) when a program we did not load, or a live
 * run of ours, holds @ifindex. *@has_dispatcher: a libxdp dispatcher we may
 * join is attached.
 */
int dl_owner__check_free(int ifindex, const char *ifname, char *why,
			 size_t why_len, bool *has_dispatcher);

#endif
