// SPDX-License-Identifier: GPL-2.0-only
/*
 * Record aggregator, see agg.h. The hot path is dl_agg__add(): a queue row
 * update, an open-addressing flow table probe and, for stamped records, a
 * sequence window update; all in one NUMA-local block per worker.
 */
#include <errno.h>
#include <string.h>

#include "agg.h"
#include "localmem.h"
#include "shared_user.h"

#define DEFAULT_FLOW_SLOTS 4096
#define DEFAULT_STAMP_FLOWS 1024
#define MAX_PROBE 16		/* linear probes before a flow counts as overflow */

struct flow_slot {
	__u32 hash;
	__u32 used;
	__u32 rxq;
	__u32 pad;
	__u64 records;
	__u64 bytes;
	struct dl_flow flow;
};

struct dl_agg {
	struct dl_agg_totals t;
	struct dl_agg_queue q[DL_MAX_QUEUES + 1];
	unsigned int flow_mask;
	unsigned int stamp_flows;
	struct flow_slot *flows;
	struct dl_seqcheck *seq;
	__u8 *seq_seen;		/* 1: flow id had a record */
};

struct dl_agg *dl_agg__new(const struct dl_agg_opts *opts)
{
	unsigned int slots = opts && opts->flow_slots ? opts->flow_slots :
			     DEFAULT_FLOW_SLOTS;
	unsigned int sf = opts && opts->stamp_flows ? opts->stamp_flows :
			  DEFAULT_STAMP_FLOWS;
	struct dl_agg *a;

	if ((slots & (slots - 1)) || slots > (1u << 24) || sf > (1u << 20)) {
		errno = EINVAL;
		return NULL;
	}
	a = dl_localmem__alloc(sizeof(*a));
	if (!a)
		return NULL;
	a->flow_mask = slots - 1;
	a->stamp_flows = sf;
	a->flows = dl_localmem__alloc(sizeof(*a->flows) * slots);
	a->seq = dl_localmem__alloc(sizeof(*a->seq) * sf);
	a->seq_seen = dl_localmem__alloc(sf);
	if (!a->flows || !a->seq || !a->seq_seen) {
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
	dl_localmem__free(a->flows);
	dl_localmem__free(a);
}

static struct flow_slot *flow_slot(struct dl_agg *a, __u32 hash)
{
	unsigned int i, idx;

	for (i = 0; i < MAX_PROBE; i++) {
		struct flow_slot *s;

		idx = (hash + i) & a->flow_mask;
		s = &a->flows[idx];
		if (s->used && s->hash == hash)
			return s;
		if (!s->used) {
			s->used = 1;
			s->hash = hash;
			return s;
		}
	}
	return NULL;
}

static inline void add_one(struct dl_agg *a, const struct dl_pkt_rec *r)
{
	unsigned int q = r->rxq < DL_MAX_QUEUES ? r->rxq : DL_MAX_QUEUES;
	struct flow_slot *fs;

	a->t.records++;
	a->t.bytes += r->len;
	a->q[q].records++;
	a->q[q].bytes += r->len;
	if (q == DL_MAX_QUEUES)
		a->t.bad_queue++;
	if (r->flags & DL_REC_MALFORMED)
		a->t.malformed++;

	fs = flow_slot(a, r->hash);
	if (fs) {
		if (!fs->records)
			fs->flow = r->flow;
		fs->records++;
		fs->bytes += r->len;
		fs->rxq = r->rxq;
	} else {
		a->t.flow_overflow++;
	}

	if (!(r->flags & DL_REC_STAMPED))
		return;
	a->t.stamped++;
	a->q[q].stamped++;
	if (r->stamp_flow >= a->stamp_flows) {
		a->t.stamp_overflow++;
		return;
	}
	a->seq_seen[r->stamp_flow] = 1;
	dl_seqcheck__add(&a->seq[r->stamp_flow], r->seq);
}

int dl_agg__add(struct dl_agg *a, const struct dl_pkt_rec *recs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		add_one(a, &recs[i]);
	return 0;
}

int dl_agg__merge(struct dl_agg *dst, const struct dl_agg *src)
{
	unsigned int i;

	if (!dst || !src || dst->stamp_flows != src->stamp_flows)
		return -EINVAL;
	dst->t.records += src->t.records;
	dst->t.bytes += src->t.bytes;
	dst->t.stamped += src->t.stamped;
	dst->t.malformed += src->t.malformed;
	dst->t.flow_overflow += src->t.flow_overflow;
	dst->t.stamp_overflow += src->t.stamp_overflow;
	dst->t.bad_queue += src->t.bad_queue;
	for (i = 0; i <= DL_MAX_QUEUES; i++) {
		dst->q[i].records += src->q[i].records;
		dst->q[i].bytes += src->q[i].bytes;
		dst->q[i].stamped += src->q[i].stamped;
	}
	for (i = 0; i <= src->flow_mask; i++) {
		const struct flow_slot *s = &src->flows[i];
		struct flow_slot *d;

		if (!s->used || !s->records)
			continue;
		d = flow_slot(dst, s->hash);
		if (!d) {
			dst->t.flow_overflow += s->records;
			continue;
		}
		if (!d->records)
			d->flow = s->flow;
		d->records += s->records;
		d->bytes += s->bytes;
		d->rxq = s->rxq;
	}
	for (i = 0; i < src->stamp_flows; i++) {
		if (!src->seq_seen[i])
			continue;
		dst->seq_seen[i] = 1;
		dl_seqcheck__sum(&dst->seq[i], &src->seq[i]);
	}
	return 0;
}

void dl_agg__clear_counts(struct dl_agg *a)
{
	memset(&a->t, 0, sizeof(a->t));
	memset(a->q, 0, sizeof(a->q));
	memset(a->flows, 0, sizeof(*a->flows) * (a->flow_mask + 1));
}

void dl_agg__clear(struct dl_agg *a)
{
	dl_agg__clear_counts(a);
	memset(a->seq, 0, sizeof(*a->seq) * a->stamp_flows);
	memset(a->seq_seen, 0, a->stamp_flows);
}

void dl_agg__totals(const struct dl_agg *a, struct dl_agg_totals *t)
{
	*t = a->t;
}

int dl_agg__queue(const struct dl_agg *a, unsigned int q, struct dl_agg_queue *out)
{
	if (q > DL_MAX_QUEUES)
		return -ERANGE;
	*out = a->q[q];
	return 0;
}

unsigned int dl_agg__stamp_flows(const struct dl_agg *a)
{
	return a->stamp_flows;
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
	a->seq_seen[id] = 1;
	return dl_seqcheck__finish(&a->seq[id], sent);
}

int dl_agg__foreach_flow(const struct dl_agg *a,
			 int (*fn)(const struct dl_agg_flow *f, void *ctx),
			 void *ctx)
{
	unsigned int i;
	int ret;

	for (i = 0; i <= a->flow_mask; i++) {
		const struct flow_slot *s = &a->flows[i];
		struct dl_agg_flow f;

		if (!s->used || !s->records)
			continue;
		f.hash = s->hash;
		f.rxq = s->rxq;
		f.records = s->records;
		f.bytes = s->bytes;
		f.flow = &s->flow;
		ret = fn(&f, ctx);
		if (ret)
			return ret;
	}
	return 0;
}
