// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sequence accounting, see seqcheck.h. A gap is counted lost the moment it
 * opens and taken back when a late frame fills it, so the counters are
 * exact at any instant for what has arrived so far.
 */
#include <errno.h>
#include <string.h>

#include "linerate/seqcheck.h"

#define WBITS DL_SEQ_WINDOW

static inline int win_test(const struct dl_seqcheck *s, __u64 seq)
{
	return (s->win[(seq % WBITS) / 64] >> (seq % 64)) & 1;
}

static inline void win_set(struct dl_seqcheck *s, __u64 seq)
{
	s->win[(seq % WBITS) / 64] |= 1ull << (seq % 64);
}

static void win_clear_range(struct dl_seqcheck *s, __u64 from, __u64 to)
{
	__u64 q;

	if (to - from >= WBITS) {
		memset(s->win, 0, sizeof(s->win));
		return;
	}
	for (q = from; q < to; q++)
		s->win[(q % WBITS) / 64] &= ~(1ull << (q % 64));
}

void dl_seqcheck__init(struct dl_seqcheck *s)
{
	memset(s, 0, sizeof(*s));
}

void dl_seqcheck__add(struct dl_seqcheck *s, __u64 seq)
{
	if (seq >= s->next) {
		/* In order or ahead: everything skipped is lost for now. */
		win_clear_range(s, s->next, seq + 1);
		s->lost += seq - s->next;
		s->next = seq + 1;
		win_set(s, seq);
		s->received++;
		return;
	}
	if (s->next - seq > WBITS) {
		/* Too old to tell late from copy: take it as late. */
		s->stale++;
		s->reordered++;
		s->received++;
		if (s->lost)
			s->lost--;
		return;
	}
	if (win_test(s, seq)) {
		s->duplicated++;
		return;
	}
	win_set(s, seq);
	s->reordered++;
	s->received++;
	s->lost--;	/* the gap it fills was counted when it opened */
}

int dl_seqcheck__finish(struct dl_seqcheck *s, __u64 sent)
{
	if (s->next > sent)
		return -ERANGE;
	s->lost += sent - s->next;
	win_clear_range(s, s->next, sent);
	s->next = sent;
	return 0;
}

void dl_seqcheck__sum(struct dl_seqcheck *dst, const struct dl_seqcheck *src)
{
	__u64 next = src->next > dst->next ? src->next : dst->next;
	__u64 received = dst->received + src->received;

	/*
	 * A flow whose frames reach two workers (queue moved to another CPU,
	 * unpinned sender) leaves each with gaps the other filled: summing
	 * their lost would count those twice. Below the highest number seen,
	 * what is not received is lost; more received than that proves copies.
	 */
	dst->reordered += src->reordered;
	dst->duplicated += src->duplicated;
	dst->stale += src->stale;
	if (received > next) {
		dst->duplicated += received - next;
		received = next;
	}
	dst->received = received;
	dst->lost = next - received;
	dst->next = next;
}
