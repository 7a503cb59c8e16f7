/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-flow sequence accounting of stamped traffic: received, lost (gaps),
 * reordered (late arrivals that fill a gap) and duplicated. A sliding
 * window of DL_SEQ_WINDOW sequence numbers tells a late frame from a copy;
 * older ones are counted as stale (treated as late, since copies are rare).
 * Once the sender's count is known, dl_seqcheck__finish() adds tail loss and
 * sent = received + lost holds exactly.
 */
#ifndef DL_SEQCHECK_H
#define DL_SEQCHECK_H

#include <linux/types.h>

#define DL_SEQ_WINDOW 1024	/* sequence numbers remembered per flow */

/* Embeddable (aggregator arrays); all fields read-only to callers. */
struct dl_seqcheck {
	__u64 next;		/* highest sequence seen + 1 (0: none yet) */
	__u64 received;		/* distinct sequence numbers received */
	__u64 lost;		/* sequence numbers not (yet) received */
	__u64 reordered;	/* arrived after a higher sequence number */
	__u64 duplicated;	/* same sequence number again (in window) */
	__u64 stale;		/* older than the window: counted as late */
	__u64 win[DL_SEQ_WINDOW / 64];	/* bit s % WINDOW: s received */
};

/* Forget everything. */
void dl_seqcheck__init(struct dl_seqcheck *s);
/* Account one arrival of sequence number @seq. */
void dl_seqcheck__add(struct dl_seqcheck *s, __u64 seq);
/*
 * The sender sent @sent frames (sequence 0..@sent-1): count the tail it
 * sent after the last arrival as lost. Returns 0, or -ERANGE when a
 * sequence number >= @sent was seen (then nothing changes).
 */
int dl_seqcheck__finish(struct dl_seqcheck *s, __u64 sent);
/*
 * Merge @src (another worker's view of the same flow) into @dst: received
 * adds up, lost becomes what is missing below the highest number either
 * saw, and received beyond that counts as duplicated. Reordering and
 * copies that straddle the two views are not visible (the windows are not
 * merged); a flow read by one worker is exact.
 */
void dl_seqcheck__sum(struct dl_seqcheck *dst, const struct dl_seqcheck *src);

#endif
