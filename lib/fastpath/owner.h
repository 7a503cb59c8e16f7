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

#include "dropledger_shared.h"

/* Fill @o for the calling process. */
int dl_owner__self(struct dl_owner *o);

/*
 * Read the dl_owner tag of program @prog_id into @o and its name into
 * @name; -ENOENT if it carries none (a foreign program, or a dispatcher).
 */
int dl_owner__of_prog(__u32 prog_id, struct dl_owner *o, char *name,
		      size_t name_len);

/* Is the process @o names still running? */
bool dl_owner__alive(const struct dl_owner *o);

/*
 * Detach XDP program @prog_id from @ifindex in @mode_flags mode, only if it
 * is still that program (never races a foreign attach).
 */
int dl_owner__detach_prog(int ifindex, __u32 prog_id, __u32 mode_flags);

/*
 * Remove dl_ingress programs on @ifindex left by runs that are gone (their
 * owner process is dead). Returns how many were removed (0..n) or -errno;
 * @msg describes each removal for the user.
 */
int dl_owner__remove_stale(int ifindex, char *msg, size_t msg_len);

/*
 * Refuse (-EBUSY, reason in @why) when a program we did not load, or a live
 * run of ours, holds @ifindex. *@has_dispatcher: a libxdp dispatcher we may
 * join is attached.
 */
int dl_owner__check_free(int ifindex, const char *ifname, char *why,
			 size_t why_len, bool *has_dispatcher);

#endif
