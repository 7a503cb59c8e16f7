// SPDX-License-Identifier: GPL-2.0-only
/*
 * Space-Saving top-k; see topk.h. Entries live in a fixed array, found by
 * an open-addressing table on the flow hash and ordered by a min-heap on
 * packets, so add is O(log k) and memory is fixed at creation.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rss/topk.h"

#define TOPK_MAX (1u << 20)
#define EMPTY 0xffffffffu

struct dl_topk {
	__u32 k;
	__u32 n;		/* entries in use */
	__u32 mask;		/* slots - 1, slots a power of two >= 2k */
	__u32 *slot;		/* hash table: entry index or EMPTY */
	__u32 *heap;		/* entry indexes, min-heap on packets */
	__u32 *pos;		/* entry index -> heap position */
	struct dl_topk_entry *e;
	__u64 total_packets;
	__u64 total_bytes;
	__u64 floor;		/* bound for unlisted flows carried by merges */
};

static __u32 slot_of(const struct dl_topk *t, __u32 hash)
{
	/* Flow hashes are already mixed; a multiply spreads weak ones. */
	return (hash * 0x9e3779b1u) & t->mask;
}

static __u32 find(const struct dl_topk *t, __u32 hash)
{
	__u32 s = slot_of(t, hash);

	while (t->slot[s] != EMPTY) {
		if (t->e[t->slot[s]].hash == hash)
			return t->slot[s];
		s = (s + 1) & t->mask;
	}
	return EMPTY;
}

static void table_insert(struct dl_topk *t, __u32 idx)
{
	__u32 s = slot_of(t, t->e[idx].hash);

	while (t->slot[s] != EMPTY)
		s = (s + 1) & t->mask;
	t->slot[s] = idx;
}

/* Linear-probing delete with backward shift: no tombstones to age. */
static void table_remove(struct dl_topk *t, __u32 hash)
{
	__u32 s = slot_of(t, hash), j, home;

	while (t->e[t->slot[s]].hash != hash)
		s = (s + 1) & t->mask;
	j = s;
	for (;;) {
		j = (j + 1) & t->mask;
		if (t->slot[j] == EMPTY)
			break;
		home = slot_of(t, t->e[t->slot[j]].hash);
		/* Move j back to s unless its home lies cyclically in (s, j]. */
		if ((s < j) ? (home <= s || home > j) : (home <= s && home > j)) {
			t->slot[s] = t->slot[j];
			s = j;
		}
	}
	t->slot[s] = EMPTY;
}

static __u64 cnt(const struct dl_topk *t, __u32 hpos)
{
	return t->e[t->heap[hpos]].packets;
}

static void heap_swap(struct dl_topk *t, __u32 a, __u32 b)
{
	__u32 x = t->heap[a];

	t->heap[a] = t->heap[b];
	t->heap[b] = x;
	t->pos[t->heap[a]] = a;
	t->pos[t->heap[b]] = b;
}

static void sift_down(struct dl_topk *t, __u32 i)
{
	for (;;) {
		__u32 l = 2 * i + 1, r = l + 1, m = i;

		if (l < t->n && cnt(t, l) < cnt(t, m))
			m = l;
		if (r < t->n && cnt(t, r) < cnt(t, m))
			m = r;
		if (m == i)
			return;
		heap_swap(t, i, m);
		i = m;
	}
}

static void sift_up(struct dl_topk *t, __u32 i)
{
	while (i && cnt(t, (i - 1) / 2) > cnt(t, i)) {
		heap_swap(t, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

struct dl_topk *dl_topk__new(__u32 k)
{
	struct dl_topk *t;
	__u32 slots = 2;

	if (!k || k > TOPK_MAX) {
		errno = EINVAL;
		return NULL;
	}
	while (slots < 2 * k)
		slots <<= 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->k = k;
	t->mask = slots - 1;
	t->slot = malloc(slots * sizeof(*t->slot));
	t->heap = calloc(k, sizeof(*t->heap));
	t->pos = calloc(k, sizeof(*t->pos));
	t->e = calloc(k, sizeof(*t->e));
	if (!t->slot || !t->heap || !t->pos || !t->e) {
		dl_topk__free(t);
		errno = ENOMEM;
		return NULL;
	}
	memset(t->slot, 0xff, slots * sizeof(*t->slot));
	return t;
}

void dl_topk__free(struct dl_topk *t)
{
	if (!t)
		return;
	free(t->slot);
	free(t->heap);
	free(t->pos);
	free(t->e);
	free(t);
}

/* Put a flow in: a free entry, or the smallest one, whose count it inherits. */
static void enter(struct dl_topk *t, __u32 hash, const struct dl_flow *flow,
		  __u64 packets, __u64 error, __u64 bytes)
{
	struct dl_topk_entry *e;
	__u32 idx;

	if (t->n < t->k) {
		idx = t->n;
		t->heap[t->n] = idx;
		t->pos[idx] = t->n;
		t->n++;
	} else {
		idx = t->heap[0];
		table_remove(t, t->e[idx].hash);
		/* The evicted count bounds what the newcomer may have had. */
		error += t->e[idx].packets;
		packets += t->e[idx].packets;
	}
	e = &t->e[idx];
	memset(e, 0, sizeof(*e));
	e->hash = hash;
	if (flow)
		e->flow = *flow;
	e->packets = packets;
	e->packets_error = error;
	e->bytes = bytes;
	table_insert(t, idx);
	sift_down(t, t->pos[idx]);
	sift_up(t, t->pos[idx]);
}

int dl_topk__add(struct dl_topk *t, __u32 hash, const struct dl_flow *flow,
		 __u64 packets, __u64 bytes)
{
	__u32 idx;

	if (!packets)
		return -EINVAL;
	t->total_packets += packets;
	t->total_bytes += bytes;
	idx = find(t, hash);
	if (idx == EMPTY) {
		enter(t, hash, flow, packets, 0, bytes);
		return 0;
	}
	t->e[idx].packets += packets;
	t->e[idx].bytes += bytes;
	sift_down(t, t->pos[idx]);
	return 0;
}

__u64 dl_topk__error_bound(const struct dl_topk *t)
{
	__u64 min = t->n == t->k ? cnt(t, 0) : 0;

	return min > t->floor ? min : t->floor;
}

static int by_packets_desc(const void *a, const void *b)
{
	const struct dl_topk_entry *x = a, *y = b;

	if (x->packets != y->packets)
		return x->packets < y->packets ? 1 : -1;
	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

int dl_topk__merge(struct dl_topk *dst, const struct dl_topk *src)
{
	__u64 m1 = dl_topk__error_bound(dst), m2 = dl_topk__error_bound(src);
	struct dl_topk_entry *u;
	__u32 i, n = 0, keep;
	__u64 dropped = 0;

	if (dst == src)
		return -EINVAL;
	u = calloc((size_t)dst->n + src->n, sizeof(*u));
	if (!u && dst->n + src->n)
		return -ENOMEM;
	for (i = 0; i < dst->n; i++) {
		__u32 j = find(src, dst->e[i].hash);

		u[n] = dst->e[i];
		if (j != EMPTY) {
			u[n].packets += src->e[j].packets;
			u[n].packets_error += src->e[j].packets_error;
			u[n].bytes += src->e[j].bytes;
		} else {
			u[n].packets += m2;
			u[n].packets_error += m2;
		}
		n++;
	}
	for (i = 0; i < src->n; i++) {
		if (find(dst, src->e[i].hash) != EMPTY)
			continue;
		u[n] = src->e[i];
		u[n].packets += m1;
		u[n].packets_error += m1;
		n++;
	}
	qsort(u, n, sizeof(*u), by_packets_desc);
	keep = n < dst->k ? n : dst->k;
	if (keep < n)
		dropped = u[keep].packets;

	memset(dst->slot, 0xff, ((size_t)dst->mask + 1) * sizeof(*dst->slot));
	dst->n = 0;
	for (i = 0; i < keep; i++)
		enter(dst, u[i].hash, &u[i].flow, u[i].packets, u[i].packets_error, u[i].bytes);
	free(u);
	dst->total_packets += src->total_packets;
	dst->total_bytes += src->total_bytes;
	/* A flow in neither summary had at most m1 + m2; a cut one its count. */
	dst->floor = m1 + m2 > dropped ? m1 + m2 : dropped;
	return 0;
}

int dl_topk__list(const struct dl_topk *t, struct dl_topk_entry *out,
		  size_t max)
{
	size_t n = t->n < max ? t->n : max;
	struct dl_topk_entry *all;

	if (!n)
		return 0;
	if (n == t->n) {
		memcpy(out, t->e, n * sizeof(*out));
		qsort(out, n, sizeof(*out), by_packets_desc);
		return n;
	}
	/* Fewer than all wanted: sort a copy, hand out the head. */
	all = malloc((size_t)t->n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	memcpy(all, t->e, (size_t)t->n * sizeof(*all));
	qsort(all, t->n, sizeof(*all), by_packets_desc);
	memcpy(out, all, n * sizeof(*out));
	free(all);
	return n;
}

__u32 dl_topk__size(const struct dl_topk *t)
{
	return t->n;
}

__u32 dl_topk__capacity(const struct dl_topk *t)
{
	return t->k;
}

__u64 dl_topk__total_packets(const struct dl_topk *t)
{
	return t->total_packets;
}

__u64 dl_topk__total_bytes(const struct dl_topk *t)
{
	return t->total_bytes;
}
