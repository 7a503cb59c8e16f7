// SPDX-License-Identifier: GPL-2.0-only
/*
 * Combine qstats, ethtool -S (through the driver map) and sysfs into one
 * snapshot; see nic_counters.h. Each source is first turned into a "layer"
 * of ledger columns; then, per scope and per group of columns, the first
 * layer that has any column of the group supplies the whole group. Taking a
 * group from one source keeps e.g. qstats' rx-hw-drops and the driver's
 * rx_out_of_buffer, which may count the same frames, from being added up.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "counters/nic_counters.h"
#include "util/text_parse.h"

#define BIT(c) (1u << (c))
#define GRP_PKTS (BIT(DL_NIC_RX_PACKETS) | BIT(DL_NIC_RX_BYTES))
#define GRP_XDP (BIT(DL_NIC_XDP_DROPS) | BIT(DL_NIC_XDP_REDIRECT) | BIT(DL_NIC_XDP_TX))
#define GRP_ALLOC BIT(DL_NIC_ALLOC_FAIL)

static const uint32_t groups[] = { GRP_PKTS, DL_NIC_DROP_MASK, GRP_XDP, GRP_ALLOC };

/* One scope of one source while it is being filled. */
struct acc {
	struct dl_nic_vals v;
	int8_t minus[DL_NIC__NR];	/* column to subtract (map flag minus=), or -1 */
};

struct layer {
	enum dl_nic_src src;
	struct acc global;
	unsigned int nq;
	struct acc *q;
};

static const char *const src_names[DL_NIC_SRC__NR] = {
	[DL_NIC_SRC_NONE] = "none",
	[DL_NIC_SRC_QSTATS] = "qstats",
	[DL_NIC_SRC_ETHTOOL] = "ethtool",
	[DL_NIC_SRC_SYSFS] = "sysfs",
};

const char *dl_nic_src__name(enum dl_nic_src src)
{
	return (unsigned int)src < DL_NIC_SRC__NR ? src_names[src] : NULL;
}

int dl_nic_vals__get(const struct dl_nic_vals *v, enum dl_nic_col col, uint64_t *val)
{
	if (!v || !val || (unsigned int)col >= DL_NIC__NR)
		return -EINVAL;
	if (!(v->have & BIT(col)))
		return -ENOENT;
	*val = v->v[col];
	return 0;
}

int dl_nic_vals__dropped(const struct dl_nic_vals *v, uint64_t *total)
{
	uint64_t sum = 0;

	if (!v || !total)
		return -EINVAL;
	if (!(v->have & DL_NIC_DROP_MASK))
		return -ENOENT;
	for (int c = 0; c < DL_NIC__NR; c++)
		if (v->have & DL_NIC_DROP_MASK & BIT(c))
			sum += v->v[c] - v->nosum[c];
	*total = sum;
	return 0;
}

static void acc_init(struct acc *a)
{
	memset(a, 0, sizeof(*a));
	memset(a->minus, -1, sizeof(a->minus));
}

static void acc_add(struct acc *a, enum dl_nic_src src, int col, uint64_t v, bool nosum)
{
	a->v.v[col] += v;
	if (nosum)
		a->v.nosum[col] += v;
	a->v.have |= BIT(col);
	a->v.src[col] = src;
}

/* The queue row @q of a layer, growing the array; NULL on ENOMEM. */
static struct acc *layer_queue(struct layer *l, unsigned int q)
{
	if (q >= l->nq) {
		struct acc *nq = realloc(l->q, (q + 1) * sizeof(*nq));

		if (!nq)
			return NULL;
		for (unsigned int i = l->nq; i <= q; i++)
			acc_init(&nq[i]);
		l->q = nq;
		l->nq = q + 1;
	}
	return &l->q[q];
}

/* Apply minus= flags, then fill interface columns only the queues have. */
static void layer_finish(struct layer *l)
{
	for (unsigned int i = 0; i <= l->nq; i++) {
		struct acc *a = i < l->nq ? &l->q[i] : &l->global;

		if (i == l->nq) {
			/* Interface-wide rows win; the queue sum stands in for missing ones. */
			for (unsigned int q = 0; q < l->nq; q++)
				for (int c = 0; c < DL_NIC__NR; c++) {
					if ((a->v.have & BIT(c)) && !(a->v.derived & BIT(c)))
						continue;
					if (!(l->q[q].v.have & BIT(c)))
						continue;
					a->v.v[c] += l->q[q].v.v[c];
					a->v.nosum[c] += l->q[q].v.nosum[c];
					a->v.have |= BIT(c);
					a->v.derived |= BIT(c);
					a->v.src[c] = l->src;
				}
		}
		for (int c = 0; c < DL_NIC__NR; c++) {
			int m = a->minus[c];
			uint64_t sub;

			if (m < 0 || !(a->v.have & BIT(c)) || !(a->v.have & BIT(m)))
				continue;
			sub = a->v.v[m] < a->v.v[c] ? a->v.v[m] : a->v.v[c];
			a->v.v[c] -= sub;
			if (a->v.nosum[c] > a->v.v[c])
				a->v.nosum[c] = a->v.v[c];
		}
	}
}

static void qstats_to_acc(const struct dl_qstats_rec *r, struct acc *a)
{
	const enum dl_nic_src s = DL_NIC_SRC_QSTATS;
	uint64_t over = 0;

	if (r->have & BIT(DL_QSTAT_RX_PACKETS))
		acc_add(a, s, DL_NIC_RX_PACKETS, r->v[DL_QSTAT_RX_PACKETS], false);
	if (r->have & BIT(DL_QSTAT_RX_BYTES))
		acc_add(a, s, DL_NIC_RX_BYTES, r->v[DL_QSTAT_RX_BYTES], false);
	if (r->have & BIT(DL_QSTAT_RX_ALLOC_FAIL))
		acc_add(a, s, DL_NIC_ALLOC_FAIL, r->v[DL_QSTAT_RX_ALLOC_FAIL], false);
	/* rx-hw-drops includes overruns and rate limits: split, never add. */
	if (r->have & BIT(DL_QSTAT_RX_HW_DROP_OVERRUNS)) {
		over = r->v[DL_QSTAT_RX_HW_DROP_OVERRUNS];
		acc_add(a, s, DL_NIC_RING, over, false);
	}
	if (r->have & BIT(DL_QSTAT_RX_HW_DROPS)) {
		uint64_t all = r->v[DL_QSTAT_RX_HW_DROPS];

		acc_add(a, s, DL_NIC_OTHER_DROP, all > over ? all - over : 0, false);
	} else if (r->have & BIT(DL_QSTAT_RX_HW_DROP_RATELIMITS)) {
		acc_add(a, s, DL_NIC_OTHER_DROP, r->v[DL_QSTAT_RX_HW_DROP_RATELIMITS], false);
	}
}

static int layer_qstats(struct layer *l, const struct dl_qstats *qs, int ifindex)
{
	for (unsigned int i = 0; qs && i < qs->nr; i++) {
		const struct dl_qstats_rec *r = &qs->rec[i];
		struct acc *a;

		if (r->ifindex != ifindex || r->kind == DL_QSTATS_TX)
			continue;
		if (r->kind == DL_QSTATS_DEVICE) {
			a = &l->global;
		} else {
			if (r->queue >= DL_NIC_MAX_QUEUES)
				continue;
			a = layer_queue(l, r->queue);
			if (!a)
				return -ENOMEM;
		}
		qstats_to_acc(r, a);
	}
	return 0;
}

static int add_unmapped(struct dl_nic_snapshot *s, const char *name)
{
	char **nu = realloc(s->unmapped, (s->nr_unmapped + 1) * sizeof(*nu));

	if (!nu)
		return -ENOMEM;
	s->unmapped = nu;
	nu[s->nr_unmapped] = strdup(name);
	if (!nu[s->nr_unmapped])
		return -ENOMEM;
	s->nr_unmapped++;
	return 0;
}

/* Map one counter into the layer; unknown names go to the unmapped list. */
static int map_one(struct layer *l, struct dl_nic_snapshot *s, const struct dl_nic_map *map,
		   const char *name, uint64_t v, bool from_sysfs)
{
	struct dl_nic_map_hit hit;
	struct acc *a;
	int err;

	err = map ? dl_nic_map__lookup(map, s->driver, name, &hit) : -ENOENT;
	if (err) {
		/* sysfs counters only count when a row asks for them. */
		if (from_sysfs)
			return 0;
		if (err == -ERANGE)
			pr_debug("%s: %s: queue number out of range\n", s->ifname, name);
		return add_unmapped(s, name);
	}
	if (hit.col == DL_NIC_INFO)
		return 0;
	if (hit.queue < 0) {
		a = &l->global;
	} else {
		a = layer_queue(l, hit.queue);
		if (!a)
			return -ENOMEM;
	}
	acc_add(a, DL_NIC_SRC_ETHTOOL, hit.col, v, hit.nosum);
	if (hit.minus >= 0)
		a->minus[hit.col] = hit.minus;
	return 0;
}

static int layer_ethtool(struct layer *l, struct dl_nic_snapshot *s,
			 const struct dl_nic_map *map)
{
	char name[64];
	int err;

	for (size_t i = 0; i < dl_ethtool_stats__count(s->ethtool); i++) {
		err = map_one(l, s, map, dl_ethtool_stats__name(s->ethtool, i),
			      dl_ethtool_stats__value(s->ethtool, i), false);
		if (err)
			return err;
	}
	/* Some drivers moved a counter from ethtool to sysfs (i40e): rows may name it. */
	for (int i = 0; map && s->ethtool && i < DL_SYSFS__NR; i++) {
		if (!(s->sysfs.have & BIT(i)))
			continue;
		snprintf(name, sizeof(name), "sysfs:%s", dl_sysfs_stat__name(i));
		err = map_one(l, s, map, name, s->sysfs.v[i], true);
		if (err)
			return err;
	}
	return 0;
}

static void layer_sysfs(struct layer *l, const struct dl_sysfs_stats *st)
{
	static const struct {
		enum dl_sysfs_stat from;
		enum dl_nic_col to;
	} m[] = {
		{ DL_SYSFS_RX_PACKETS, DL_NIC_RX_PACKETS },
		{ DL_SYSFS_RX_BYTES, DL_NIC_RX_BYTES },
		{ DL_SYSFS_RX_MISSED_ERRORS, DL_NIC_MISSED },
		{ DL_SYSFS_RX_FIFO_ERRORS, DL_NIC_FIFO },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (st->have & BIT(m[i].from))
			acc_add(&l->global, DL_NIC_SRC_SYSFS, m[i].to, st->v[m[i].from], false);
}

/* Copy the columns of @grp from @from into @to. */
static void take_group(struct dl_nic_vals *to, const struct dl_nic_vals *from, uint32_t grp)
{
	for (int c = 0; c < DL_NIC__NR; c++) {
		if (!(grp & BIT(c)) || !(from->have & BIT(c)))
			continue;
		to->v[c] = from->v[c];
		to->nosum[c] = from->nosum[c];
		to->have |= BIT(c);
		to->derived |= from->derived & BIT(c);
		to->src[c] = from->src[c];
	}
}

/* For each group, the first candidate scope that has any of its columns. */
static void merge(struct dl_nic_vals *out, const struct dl_nic_vals *const *cand, int n)
{
	memset(out, 0, sizeof(*out));
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		for (int i = 0; i < n; i++)
			if (cand[i] && (cand[i]->have & groups[g])) {
				take_group(out, cand[i], groups[g]);
				break;
			}
}

static void layer_free(struct layer *l)
{
	free(l->q);
}

int dl_nic__snapshot_build(const struct dl_nic_inputs *in, const struct dl_nic_map *map,
			   struct dl_nic_snapshot **out)
{
	struct layer lq = { .src = DL_NIC_SRC_QSTATS }, le = { .src = DL_NIC_SRC_ETHTOOL };
	struct layer ls = { .src = DL_NIC_SRC_SYSFS };
	struct dl_nic_snapshot *s;
	unsigned int nq;
	int err;

	if (!in || !in->ifname || !out)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	acc_init(&lq.global);
	acc_init(&le.global);
	acc_init(&ls.global);
	snprintf(s->ifname, sizeof(s->ifname), "%s", in->ifname);
	s->ifindex = in->ifindex;
	s->mono_ns = in->mono_ns;
	snprintf(s->driver, sizeof(s->driver), "%s",
		 in->driver ? in->driver : dl_ethtool_stats__driver(in->ethtool));
	if (in->sysfs)
		s->sysfs = *in->sysfs;
	s->ethtool = in->ethtool;
	s->qstats = in->qstats;

	err = layer_qstats(&lq, s->qstats, s->ifindex);
	if (!err)
		err = layer_ethtool(&le, s, map);
	if (err)
		goto err;
	layer_sysfs(&ls, &s->sysfs);
	layer_finish(&lq);
	layer_finish(&le);
	layer_finish(&ls);

	s->sources = (s->sysfs.have ? BIT(DL_NIC_SRC_SYSFS) : 0) |
		     (s->ethtool ? BIT(DL_NIC_SRC_ETHTOOL) : 0) |
		     (lq.global.v.have || lq.nq ? BIT(DL_NIC_SRC_QSTATS) : 0);
	merge(&s->global, (const struct dl_nic_vals *const[]){ &lq.global.v, &le.global.v,
							       &ls.global.v }, 3);
	nq = lq.nq > le.nq ? lq.nq : le.nq;
	if (nq) {
		s->queue = calloc(nq, sizeof(*s->queue));
		if (!s->queue) {
			err = -ENOMEM;
			goto err;
		}
		s->nr_queues = nq;
	}
	for (unsigned int q = 0; q < nq; q++)
		merge(&s->queue[q], (const struct dl_nic_vals *const[]){
			      q < lq.nq ? &lq.q[q].v : NULL, q < le.nq ? &le.q[q].v : NULL }, 2);
	layer_free(&lq);
	layer_free(&le);
	*out = s;
	return 0;
err:
	layer_free(&lq);
	layer_free(&le);
	/* The caller keeps its inputs on error. */
	s->ethtool = NULL;
	s->qstats = NULL;
	dl_nic__snapshot_free(s);
	return err;
}

void dl_nic__snapshot_free(struct dl_nic_snapshot *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < s->nr_unmapped; i++)
		free(s->unmapped[i]);
	free(s->unmapped);
	free(s->queue);
	dl_ethtool_stats__free(s->ethtool);
	dl_qstats__free(s->qstats);
	free(s);
}

int dl_nic__snapshot(const char *ifname, const struct dl_nic_map *map,
		     struct dl_nic_snapshot **out)
{
	struct dl_nic_inputs in = { .ifname = ifname };
	struct dl_ethtool_stats *es = NULL;
	struct dl_qstats *qs = NULL;
	struct dl_sysfs_stats sys;
	char driver[32] = "";
	struct timespec ts;
	int err;

	if (!ifname || !out || !*ifname || strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;
	in.ifindex = if_nametoindex(ifname);
	if (!in.ifindex)
		return -ENODEV;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	in.mono_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;

	err = dl_sysfs_stats__read(ifname, &sys);
	if (err == -ENODEV)
		return err;
	if (err)
		memset(&sys, 0, sizeof(sys));
	in.sysfs = &sys;

	err = dl_ethtool_stats__read(ifname, &es);
	if (err == -ENODEV)
		return err;
	if (err) {
		if (err != -EOPNOTSUPP)
			pr_debug("%s: ethtool statistics: %s\n", ifname, strerror(-err));
		es = NULL;
		if (!dl_ethtool__driver(ifname, driver, sizeof(driver)))
			in.driver = driver;
	}
	in.ethtool = es;

	err = dl_qstats__read(in.ifindex, &qs);
	if (err) {
		if (err != -EOPNOTSUPP)
			pr_debug("%s: qstats: %s\n", ifname, strerror(-err));
		qs = NULL;
	}
	in.qstats = qs;

	err = dl_nic__snapshot_build(&in, map, out);
	if (err) {
		dl_ethtool_stats__free(es);
		dl_qstats__free(qs);
	}
	return err;
}
