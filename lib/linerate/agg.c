// SPDX-License-Identifier: GPL-2.0-only
/*
 * Record aggregator, see agg.h. The hot path is dl_agg__add(): a queue row
 * update, an open-addressing flow table probe and, for stamped records, a
 * sequence window update; all in one NUMA-local block per worker. A flow
 * row is 40 bytes: IPv4 tuples (and any whose addresses have only their
 * first word set) live in the row; other tuples (IPv6) go to a side array
 * the row points to.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "linerate/agg.h"
#include "util/localmem.h"

#define DEFAULT_MAX_FLOWS 4096
#define DEFAULT_STAMP_FLOWS 1024
#define MAX_FLOWS (1u << 24)
#define EXT_KEEP 4096		/* side-array rows kept over a clear */

enum slot_kind {
	SLOT_EMPTY,
	SLOT_INLINE,		/* tuple in the row */
	SLOT_EXT,		/* tuple in ext[k0] */
};

/*
 * A row's tuple is words 0 and 4 of struct dl_flow (the addresses' first
 * words) in k0 and its last 8 bytes (ports, protocols, fragment flag) in
 * k1: two compares per probe.
 */
struct flow_slot {
	__u32 hash;
	__u16 rxq;		/* queue of the last record */
	__u8 kind;		/* enum slot_kind */
	__u8 pad;
	__u64 records;
	__u64 bytes;
	__u64 k0;
	__u64 k1;
};

_Static_assert(sizeof(struct flow_slot) == 40, "flow_slot layout");
_Static_assert(offsetof(struct dl_flow, sport) == 32 && sizeof(struct dl_flow) == 40,
	       "dl_flow: 8 bytes of ports and protocols at its end");

/* What dl_agg__take_counts() trades: counts and the table holding them. */
struct counts {
	struct dl_agg_totals t;
	struct dl_agg_queue q[DL_MAX_QUEUES + 1];
	struct flow_slot *flows;
	unsigned int nflows;	/* rows in use */
	struct dl_flow *ext;	/* tuples that do not fit a row */
	unsigned int ext_n, ext_cap;
};

struct dl_agg {
	struct counts c;
	unsigned int max_flows;
	unsigned int nslots;	/* > max_flows: a probe always ends */
	unsigned int stamp_flows;
	unsigned int seq_used;	/* ids with seq_seen set */
	struct dl_seqcheck *seq;
	__u8 *seq_seen;		/* 1: flow id had a record */
};

struct dl_agg *dl_agg__new(const struct dl_agg_opts *opts)
{
	unsigned int mf = opts && opts->max_flows ? opts->max_flows :
			  DEFAULT_MAX_FLOWS;
	unsigned int sf = opts && opts->stamp_flows ? opts->stamp_flows :
			  DEFAULT_STAMP_FLOWS;
	struct dl_agg *a;

	if (mf > MAX_FLOWS || sf > (1u << 20)) {
		errno = EINVAL;
		return NULL;
	}
	a = dl_localmem__alloc(sizeof(*a));
	if (!a)
		return NULL;
	a->max_flows = mf;
	/* Linear probing at most 80 % full: ~3 rows read per known flow. */
	a->nslots = mf + mf / 4 + 1;
	a->stamp_flows = sf;
	a->c.flows = dl_localmem__alloc(sizeof(*a->c.flows) * a->nslots);
	a->seq = dl_localmem__alloc(sizeof(*a->seq) * sf);
	a->seq_seen = dl_localmem__alloc(sf);
	if (!a->c.flows || !a->seq || !a->seq_seen) {
		dl_agg__free(a);
		errno = ENOMEM;
		return NULL;
	}
	return a;
}

void dl_agg__free(struct dl_agg *a)
{
	if (!a)
		return;
	dl_localmem__free(a->seq_seen);
	dl_localmem__free(a->seq);
	dl_localmem__free(a->c.flows);
	free(a->c.ext);
	dl_localmem__free(a);
}

static inline __u64 load64(const void *p)
{
	__u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Words 1-3 of both addresses are zero (IPv4, non-IP). */
static inline int fits_row(const struct dl_flow *f)
{
	return !((f->saddr[1] | f->daddr[1]) |
		 (load64(&f->saddr[2]) | load64(&f->daddr[2])));
}

static inline __u64 key0(const struct dl_flow *f)
{
	return (__u64)f->saddr[0] | (__u64)f->daddr[0] << 32;
}

static inline __u64 key1(const struct dl_flow *f)
{
	return load64(&f->sport);
}

static void slot_flow(const struct dl_agg *a, const struct flow_slot *s,
		      struct dl_flow *f)
{
	if (s->kind == SLOT_EXT) {
		*f = a->c.ext[s->k0];
		return;
	}
	memset(f, 0, sizeof(*f));
	f->saddr[0] = (__u32)s->k0;
	f->daddr[0] = (__u32)(s->k0 >> 32);
	memcpy(&f->sport, &s->k1, sizeof(s->k1));
}

static inline int slot_is(const struct dl_agg *a, const struct flow_slot *s,
			  const struct dl_flow *f, __u64 k0, __u64 k1)
{
	if (s->kind == SLOT_INLINE)
		return s->k0 == k0 && s->k1 == k1 && fits_row(f);
	return !memcmp(&a->c.ext[s->k0], f, sizeof(*f));
}

/* Side-array row for a tuple that does not fit a row: 0 or -ENOMEM. */
static int ext_add(struct counts *c, const struct dl_flow *f, __u32 *idx)
{
	if (c->ext_n == c->ext_cap) {
		unsigned int cap = c->ext_cap ? c->ext_cap * 2 : 64;
		struct dl_flow *n = realloc(c->ext, sizeof(*n) * cap);

		if (!n)
			return -ENOMEM;
		c->ext = n;
		c->ext_cap = cap;
	}
	c->ext[c->ext_n] = *f;
	*idx = c->ext_n++;
	return 0;
}

/* A new flow in empty row @s; NULL when the table is full. */
static struct flow_slot *flow_new(struct dl_agg *a, struct flow_slot *s,
				  __u32 hash, const struct dl_flow *f,
				  __u64 k0, __u64 k1)
{
	__u32 idx;

	if (a->c.nflows >= a->max_flows)
		return NULL;
	if (fits_row(f)) {
		s->kind = SLOT_INLINE;
	} else {
		if (ext_add(&a->c, f, &idx))
			return NULL;
		s->kind = SLOT_EXT;
		k0 = idx;
	}
	s->hash = hash;
	s->k0 = k0;
	s->k1 = k1;
	a->c.nflows++;
	return s;
}

/*
 * The row of flow (@hash, @f), made when new. NULL when max_flows rows are
 * in use (or a long tuple found no memory): the caller counts overflow.
 * Inlined: this is most of the per-record cost.
 */
static inline __attribute__((always_inline)) struct flow_slot *
flow_slot(struct dl_agg *a, __u32 hash, const struct dl_flow *f)
{
	__u64 k0 = key0(f), k1 = key1(f);
	struct flow_slot *s;
	unsigned int i;

	/* Spread even poorly mixed hashes before scaling to the table. */
	i = (unsigned int)(((__u64)(hash * 0x9e3779b1u) * a->nslots) >> 32);
	for (;;) {
		s = &a->c.flows[i];
		if (s->kind == SLOT_EMPTY)
			return flow_new(a, s, hash, f, k0, k1);
		if (s->hash == hash && slot_is(a, s, f, k0, k1))
			return s;
		if (++i == a->nslots)
			i = 0;
	}
}

static inline void add_one(struct dl_agg *a, const struct dl_pkt_rec *r)
{
	unsigned int q = r->rxq < DL_MAX_QUEUES ? r->rxq : DL_MAX_QUEUES;
	struct flow_slot *fs;

	a->c.t.records++;
	a->c.t.bytes += r->len;
	a->c.q[q].records++;
	a->c.q[q].bytes += r->len;
	if (q == DL_MAX_QUEUES)
		a->c.t.bad_queue++;
	if (r->flags & DL_REC_MALFORMED)
		a->c.t.malformed++;

	/* Tap records leave the hash to us when XDP had no use for it. */
	fs = flow_slot(a, r->hash ? r->hash : dl_flow_hash(&r->flow), &r->flow);
	if (fs) {
		fs->records++;
		fs->bytes += r->len;
		fs->rxq = r->rxq;
	} else {
		a->c.t.flow_overflow++;
	}

	if (!(r->flags & DL_REC_STAMPED))
		return;
	a->c.t.stamped++;
	a->c.q[q].stamped++;
	if (r->stamp_flow >= a->stamp_flows) {
		a->c.t.stamp_overflow++;
		return;
	}
	if (!a->seq_seen[r->stamp_flow]) {
		a->seq_seen[r->stamp_flow] = 1;
		a->seq_used++;
	}
	dl_seqcheck__add(&a->seq[r->stamp_flow], r->seq);
}

int dl_agg__add(struct dl_agg *a, const struct dl_pkt_rec *recs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		add_one(a, &recs[i]);
	return 0;
}

static void merge_seq(struct dl_agg *dst, const struct dl_agg *src)
{
	unsigned int i;

	for (i = 0; src->seq_used && i < src->stamp_flows; i++) {
		if (!src->seq_seen[i])
			continue;
		if (!dst->seq_seen[i]) {
			dst->seq_seen[i] = 1;
			dst->seq_used++;
		}
		dl_seqcheck__sum(&dst->seq[i], &src->seq[i]);
	}
}

int dl_agg__merge(struct dl_agg *dst, const struct dl_agg *src)
{
	struct counts *d;
	const struct counts *s;
	unsigned int i;

	if (!dst || !src || dst == src || dst->stamp_flows != src->stamp_flows)
		return -EINVAL;
	d = &dst->c;
	s = &src->c;
	d->t.records += s->t.records;
	d->t.bytes += s->t.bytes;
	d->t.stamped += s->t.stamped;
	d->t.malformed += s->t.malformed;
	d->t.flow_overflow += s->t.flow_overflow;
	d->t.stamp_overflow += s->t.stamp_overflow;
	d->t.bad_queue += s->t.bad_queue;
	for (i = 0; i <= DL_MAX_QUEUES; i++) {
		d->q[i].records += s->q[i].records;
		d->q[i].bytes += s->q[i].bytes;
		d->q[i].stamped += s->q[i].stamped;
	}
	for (i = 0; s->nflows && i < src->nslots; i++) {
		const struct flow_slot *sl = &s->flows[i];
		struct flow_slot *dl;
		struct dl_flow f;

		if (sl->kind == SLOT_EMPTY)
			continue;
		slot_flow(src, sl, &f);
		dl = flow_slot(dst, sl->hash, &f);
		if (!dl) {
			d->t.flow_overflow += sl->records;
			continue;
		}
		dl->records += sl->records;
		dl->bytes += sl->bytes;
		dl->rxq = sl->rxq;
	}
	merge_seq(dst, src);
	return 0;
}

int dl_agg__take_counts(struct dl_agg *dst, struct dl_agg *src)
{
	struct counts tmp;
	int err;

	if (!dst || !src || dst == src || dst->stamp_flows != src->stamp_flows)
		return -EINVAL;
	if (dst->c.t.records || dst->c.nflows || dst->nslots != src->nslots ||
	    dst->max_flows != src->max_flows) {
		err = dl_agg__merge(dst, src);
		if (!err)
			dl_agg__clear_counts(src);
		return err;
	}
	/* @dst's table is empty: it becomes @src's next one. */
	tmp = dst->c;
	dst->c = src->c;
	src->c = tmp;
	memset(&src->c.t, 0, sizeof(src->c.t));
	memset(src->c.q, 0, sizeof(src->c.q));
	merge_seq(dst, src);
	return 0;
}

void dl_agg__clear_counts(struct dl_agg *a)
{
	memset(&a->c.t, 0, sizeof(a->c.t));
	memset(a->c.q, 0, sizeof(a->c.q));
	if (a->c.nflows)
		dl_localmem__zero(a->c.flows, sizeof(*a->c.flows) * a->nslots);
	a->c.nflows = 0;
	a->c.ext_n = 0;
	if (a->c.ext_cap > EXT_KEEP) {
		free(a->c.ext);
		a->c.ext = NULL;
		a->c.ext_cap = 0;
	}
}

void dl_agg__clear(struct dl_agg *a)
{
	dl_agg__clear_counts(a);
	if (!a->seq_used)
		return;
	dl_localmem__zero(a->seq, sizeof(*a->seq) * a->stamp_flows);
	dl_localmem__zero(a->seq_seen, a->stamp_flows);
	a->seq_used = 0;
}

void dl_agg__totals(const struct dl_agg *a, struct dl_agg_totals *t)
{
	*t = a->c.t;
}

int dl_agg__queue(const struct dl_agg *a, unsigned int q, struct dl_agg_queue *out)
{
	if (q > DL_MAX_QUEUES)
		return -ERANGE;
	*out = a->c.q[q];
	return 0;
}

unsigned int dl_agg__stamp_flows(const struct dl_agg *a)
{
	return a->stamp_flows;
}

unsigned int dl_agg__nr_flows(const struct dl_agg *a)
{
	return a->c.nflows;
}

const struct dl_seqcheck *dl_agg__seq(const struct dl_agg *a, unsigned int id)
{
	if (id >= a->stamp_flows || !a->seq_seen[id])
		return NULL;
	return &a->seq[id];
}

int dl_agg__seq_finish(struct dl_agg *a, unsigned int id, __u64 sent)
{
	if (id >= a->stamp_flows)
		return -ENOENT;
	/* A flow whose every frame was lost still owes its count. */
	if (!a->seq_seen[id]) {
		a->seq_seen[id] = 1;
		a->seq_used++;
	}
	return dl_seqcheck__finish(&a->seq[id], sent);
}

int dl_agg__foreach_flow(const struct dl_agg *a,
			 int (*fn)(const struct dl_agg_flow *f, void *ctx),
			 void *ctx)
{
	unsigned int i, seen = 0;
	int ret;

	for (i = 0; seen < a->c.nflows && i < a->nslots; i++) {
		const struct flow_slot *s = &a->c.flows[i];
		struct dl_agg_flow f;

		if (s->kind == SLOT_EMPTY)
			continue;
		seen++;
		f.hash = s->hash;
		f.rxq = s->rxq;
		f.records = s->records;
		f.bytes = s->bytes;
		slot_flow(a, s, &f.flow);
		ret = fn(&f, ctx);
		if (ret)
			return ret;
	}
	return 0;
}
