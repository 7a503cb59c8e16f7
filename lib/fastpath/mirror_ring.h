/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One mirror ring as mapped by dl_mirror (mirror.h), and the inline reader
 * the workers and dl_mirror__drain() share, for both kinds:
 * - per-CPU slot ring: records are read in place; the head is read once
 *   per batch (acquire: the producer's stores to the slots are visible)
 *   and the tail published once per batch (release: the slots are read
 *   before the producer may reuse them).
 * - BPF ring buffer: the data area is mapped once, not twice in a row as
 *   libbpf does: every page of a ring mapping counts in the process's
 *   RSS, so a record that wraps is copied out instead. The consumer
 *   position is published once per batch, not once per record.
 */
#ifndef DL_MIRROR_RING_H
#define DL_MIRROR_RING_H

#include <stdatomic.h>
#include <string.h>
#include <linux/bpf.h>

#include "dropledger_shared.h"

struct dl_mirror_ring {
	/* Per-CPU slot ring (slots != NULL). */
	struct dl_mirror_pos *pos;		/* this CPU's head and tail */
	const struct dl_pkt_rec *slots;		/* this CPU's slots */
	__u64 slot_mask;			/* slots - 1 */
	/* BPF ring buffer. */
	_Atomic unsigned long *cons_pos;	/* writable consumer page */
	const _Atomic unsigned long *prod_pos;	/* producer page */
	const __u8 *data;			/* ring_bytes, once */
	unsigned long mask;			/* ring_bytes - 1 */
};

/* Records @r holds when full (a ring buffer: records without padding). */
static inline unsigned long dl_mirror_ring__capacity(const struct dl_mirror_ring *r)
{
	if (r->slots)
		return r->slot_mask + 1;
	return (r->mask + 1) / (BPF_RINGBUF_HDR_SZ + sizeof(struct dl_pkt_rec));
}

/* The slot ring of @r: up to @max records from the tail, in place. */
static inline unsigned int
dl_mirror_ring__consume_slots(const struct dl_mirror_ring *r, unsigned int max,
			      void (*fn)(void *ctx, const struct dl_pkt_rec *rec),
			      void *ctx)
{
	/* Only this reader writes the tail: a relaxed load is enough. */
	__u64 tail = __atomic_load_n(&r->pos->tail, __ATOMIC_RELAXED);
	__u64 head = __atomic_load_n(&r->pos->head, __ATOMIC_ACQUIRE);
	__u64 n = head - tail, i;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		fn(ctx, &r->slots[(tail + i) & r->slot_mask]);
	if (n)
		__atomic_store_n(&r->pos->tail, tail + n, __ATOMIC_RELEASE);
	return (unsigned int)n;
}

/*
 * Read up to @max committed records of @r: @fn(@ctx, rec) for each struct
 * dl_pkt_rec, *@bad += 1 for records of another size (ring buffers only:
 * a slot has one size). Returns the records read (bad ones included). One
 * reader per ring at a time.
 */
static inline unsigned int
dl_mirror_ring__consume(const struct dl_mirror_ring *r, unsigned int max,
			void (*fn)(void *ctx, const struct dl_pkt_rec *rec),
			void *ctx, __u64 *bad)
{
	unsigned long cons, start, prod;
	unsigned int n = 0;

	if (r->slots)
		return dl_mirror_ring__consume_slots(r, max, fn, ctx);
	cons = atomic_load_explicit(r->cons_pos, memory_order_acquire);
	prod = atomic_load_explicit(r->prod_pos, memory_order_acquire);
	start = cons;
	while (cons < prod && n < max) {
		unsigned long off = cons & r->mask;
		const _Atomic __u32 *hdr = (const _Atomic __u32 *)(r->data + off);
		__u32 len = atomic_load_explicit(hdr, memory_order_acquire);
		__u32 sz;

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;	/* producer has not committed it yet */
		sz = len & ~(__u32)BPF_RINGBUF_DISCARD_BIT;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			if (sz == sizeof(struct dl_pkt_rec)) {
				/* Headers are 8-aligned: only the body can wrap. */
				unsigned long body = (off + BPF_RINGBUF_HDR_SZ) & r->mask;
				unsigned long room = r->mask + 1 - body;

				if (room >= sz) {
					fn(ctx, (const struct dl_pkt_rec *)(r->data + body));
				} else {
					struct dl_pkt_rec rec;

					memcpy(&rec, r->data + body, room);
					memcpy((__u8 *)&rec + room, r->data, sz - room);
					fn(ctx, &rec);
				}
			} else {
				(*bad)++;
			}
			n++;
		}
		cons += (sz + BPF_RINGBUF_HDR_SZ + 7) & ~7ul;
	}
	if (cons != start)
		atomic_store_explicit(r->cons_pos, cons, memory_order_release);
	return n;
}

#endif
