// SPDX-License-Identifier: GPL-2.0-only
/*
 * Taking a snapshot (see snapshot.h): the per-CPU moment that makes each
 * interval balance on its own, flow detail aggregated in linear time, and
 * the text form recorded runs are kept in.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters/sysfs_stats.h"
#include "fastpath/flow.h"
#include "fastpath/flow_cache.h"
#include "ledger/snapshot.h"
#include "trace/drop_trace.h"
#include "util/log.h"
#include "util/percpu.h"

#define READ_TRIES 32

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Causes of one read attempt, merged by key (few: tens). */
struct cause_set {
	struct dl_snap_cause *v;
	unsigned int n, cap;
};

static int on_cause(uint32_t reason, uint64_t location, uint32_t rxq, uint64_t count,
		    void *ctx)
{
	struct cause_set *cs = ctx;
	unsigned int i;

	for (i = 0; i < cs->n; i++) {
		struct dl_snap_cause *c = &cs->v[i];

		if (c->reason == reason && c->location == location && c->rxq == rxq) {
			c->count += count;
			return 0;
		}
	}
	if (cs->n == cs->cap) {
		unsigned int cap = cs->cap ? cs->cap * 2 : 16;
		struct dl_snap_cause *nv = realloc(cs->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		cs->v = nv;
		cs->cap = cap;
	}
	cs->v[cs->n++] = (struct dl_snap_cause){ .reason = reason, .rxq = rxq,
						 .location = location, .count = count };
	return 0;
}

/* Sum CPU @cpu's (every CPU's if < 0) per-queue XDP counts into @s. */
static void add_rxq(struct dl_snapshot *s, const void *buf, int cpu, int ncpu)
{
	int c, c0 = cpu < 0 ? 0 : cpu, c1 = cpu < 0 ? ncpu : cpu + 1;
	unsigned int q;

	for (c = c0; c < c1; c++) {
		for (q = 0; q <= DL_MAX_QUEUES; q++) {
			const struct dl_rxq_stats *r = dl_percpu__at(buf, q, c, sizeof(*r));

			s->frames[q] += r->frames;
			s->bytes[q] += r->bytes;
			s->malformed[q] += r->malformed;
		}
	}
}

static uint64_t cpu_frames(const void *buf, int cpu)
{
	uint64_t n = 0;
	unsigned int q;

	for (q = 0; q <= DL_MAX_QUEUES; q++)
		n += ((const struct dl_rxq_stats *)dl_percpu__at(buf, q, cpu,
					sizeof(struct dl_rxq_stats)))->frames;
	return n;
}

/*
 * One CPU's counts at one moment. A frame's XDP count and its fate (the
 * drop, or GRO/backlog hand-off to a socket) happen in one NAPI poll of one
 * CPU, in softirq context, which no task on that CPU can interleave with
 * (non-RT kernels): a thread pinned to CPU c never sees c between a frame's
 * XDP count and its drop. Its reads are syscalls, though, and a softirq may
 * run on their return; XDP's count of c read before and after the tracer's
 * tells whether one did (it would have counted frames): then read again.
 * Frames queued for another CPU (RPS, a socket) are really in flight and
 * stay in the residual until their fate comes.
 */
static int read_cpu(struct dl_snapshot *s, const struct dl_snapshot_src *src, int cpu,
		    int ncpu, void *x1, void *x2, struct cause_set *cs, bool *stable)
{
	uint64_t stats[DL_DS_MAX], consumed[DL_MAX_QUEUES + 2];
	unsigned int i, q, try;
	int err = 0;

	*stable = false;
	for (try = 0; try < READ_TRIES && !*stable; try++) {
		memset(stats, 0, sizeof(stats));
		memset(consumed, 0, sizeof(consumed));
		cs->n = 0;
		if (src->rxq_map_fd >= 0) {
			err = dl_percpu__read_array(src->rxq_map_fd, DL_MAX_QUEUES + 1,
						    sizeof(struct dl_rxq_stats), x1);
			if (err)
				return err;
		}
		if (src->dt) {
			err = dl_drop_trace__read(src->dt, cpu, stats, consumed, on_cause, cs);
			if (err)
				return err;
		}
		if (src->rxq_map_fd < 0) {
			*stable = true;
			break;
		}
		err = dl_percpu__read_array(src->rxq_map_fd, DL_MAX_QUEUES + 1,
					    sizeof(struct dl_rxq_stats), x2);
		if (err)
			return err;
		*stable = cpu_frames(x1, cpu) == cpu_frames(x2, cpu);
	}
	if (src->rxq_map_fd >= 0)
		add_rxq(s, x1, cpu, ncpu);
	for (i = 0; i < DL_DS_MAX; i++)
		s->stats[i] += stats[i];
	for (q = 0; q < DL_MAX_QUEUES + 2; q++)
		s->consumed[q] += consumed[q];
	return 0;
}

static int merge_causes(struct cause_set *all, const struct cause_set *one)
{
	unsigned int i;
	int err;

	for (i = 0; i < one->n; i++) {
		err = on_cause(one->v[i].reason, one->v[i].location, one->v[i].rxq,
			       one->v[i].count, all);
		if (err)
			return err;
	}
	return 0;
}

static int take_counts(struct dl_snapshot *s, const struct dl_snapshot_src *src)
{
	size_t bytes = dl_percpu__array_bytes(DL_MAX_QUEUES + 1, sizeof(struct dl_rxq_stats));
	struct cause_set all = {}, one = {};
	int ncpu = libbpf_num_possible_cpus(), c, err = 0;
	cpu_set_t old, pin;
	bool pinned, stable, have_old;
	void *x1 = NULL, *x2 = NULL;
	double t0;

	if (ncpu < 1)
		return -EINVAL;
	x1 = malloc(bytes);
	x2 = malloc(bytes);
	if (!x1 || !x2) {
		err = -ENOMEM;
		goto out;
	}
	t0 = now_s();
	if (src->rxq_map_fd < 0) {
		/* Summed XDP counts given: no per-CPU moment to keep. */
		err = read_cpu(s, src, -1, ncpu, x1, x2, &all, &stable);
		s->t = now_s();
		if (!err) {
			s->causes = all.v;
			s->ncauses = all.n;
			all.v = NULL;
		}
		goto out;
	}
	have_old = !sched_getaffinity(0, sizeof(old), &old);
	s->consistent = have_old;
	for (c = 0; c < ncpu; c++) {
		CPU_ZERO(&pin);
		CPU_SET(c, &pin);
		/* An offline CPU cannot be pinned to; nothing runs there either. */
		pinned = have_old && !sched_setaffinity(0, sizeof(pin), &pin) &&
			 sched_getcpu() == c;
		err = read_cpu(s, src, c, ncpu, x1, x2, &one, &stable);
		if (!err)
			err = merge_causes(&all, &one);
		if (err)
			break;
		if (pinned && !stable)
			s->consistent = false;
	}
	/* The moment the snapshot stands for: the middle of its reads. */
	s->t = (t0 + now_s()) / 2;
	if (have_old)
		sched_setaffinity(0, sizeof(old), &old);
	if (!err) {
		s->causes = all.v;
		s->ncauses = all.n;
		all.v = NULL;
	}
out:
	free(all.v);
	free(one.v);
	free(x1);
	free(x2);
	return err;
}

/* Flow detail: every CPU's flow slots, merged with a hash, top-k per cause. */
struct fent {
	uint32_t reason;
	uint32_t tx;
	uint64_t location;
	struct dl_flow flow;
	uint64_t count;
};

struct fagg {
	struct fent *v;		/* open addressing; count 0: empty */
	size_t mask, n;
};

static uint64_t fent_hash(uint32_t reason, uint64_t location, bool tx,
			  const struct dl_flow *f)
{
	return ((uint64_t)dl_flow_hash(f) << 32 ^ dl_cause_slot_of(reason, location, tx)) *
	       0x9e3779b97f4a7c15ull;
}

static int on_flow(uint32_t reason, uint64_t location, bool tx, const struct dl_flow *flow,
		   uint64_t count, void *ctx)
{
	struct fagg *a = ctx;
	size_t i = (size_t)(fent_hash(reason, location, tx, flow) >> 20) & a->mask;

	for (;; i = (i + 1) & a->mask) {
		struct fent *e = &a->v[i];

		if (!e->count) {
			*e = (struct fent){ .reason = reason, .tx = tx, .location = location,
					    .flow = *flow, .count = count };
			a->n++;
			return 0;
		}
		if (e->reason == reason && e->location == location && e->tx == (uint32_t)tx &&
		    !memcmp(&e->flow, flow, sizeof(*flow))) {
			e->count += count;
			return 0;
		}
	}
}

static int fent_cmp(const void *x, const void *y)
{
	const struct fent *a = x, *b = y;

	if (a->reason != b->reason)
		return a->reason < b->reason ? -1 : 1;
	if (a->location != b->location)
		return a->location < b->location ? -1 : 1;
	if (a->tx != b->tx)
		return a->tx < b->tx ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return memcmp(&a->flow, &b->flow, sizeof(a->flow));
}

static int take_flows(struct dl_snapshot *s, const struct dl_snapshot_src *src)
{
	int ncpu = libbpf_num_possible_cpus();
	size_t cap = 1, i, k, n;
	struct fagg a = {};
	int err;

	/* Table at most half full: every slot of every CPU fits. */
	while (cap < (size_t)DL_FLOW_SLOTS * (size_t)(ncpu > 0 ? ncpu : 1) * 2)
		cap <<= 1;
	a.v = calloc(cap, sizeof(*a.v));
	if (!a.v)
		return -ENOMEM;
	a.mask = cap - 1;
	err = dl_drop_trace__for_each_flow(src->dt, on_flow, &a);
	if (err)
		goto out;
	/* Compact, then one sort groups each cause, largest flows first. */
	for (i = 0, n = 0; i < cap; i++)
		if (a.v[i].count)
			a.v[n++] = a.v[i];
	qsort(a.v, n, sizeof(*a.v), fent_cmp);
	s->flows = calloc(n ? n : 1, sizeof(*s->flows));
	s->flowsums = calloc(n ? n : 1, sizeof(*s->flowsums));
	if (!s->flows || !s->flowsums) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i = k) {
		struct dl_snap_flowsum *fs = &s->flowsums[s->nflowsums++];

		*fs = (struct dl_snap_flowsum){ .reason = a.v[i].reason, .tx = a.v[i].tx,
						.location = a.v[i].location };
		for (k = i; k < n && a.v[k].reason == a.v[i].reason &&
		     a.v[k].location == a.v[i].location && a.v[k].tx == a.v[i].tx; k++) {
			struct dl_snap_flow *f;
			struct dl_flow_info fi;
			__u32 h;

			fs->count += a.v[k].count;
			fs->nflows++;
			if (k - i >= DL_SNAP_TOP_FLOWS)
				continue;
			f = &s->flows[s->nflows++];
			*f = (struct dl_snap_flow){ .reason = a.v[k].reason, .tx = a.v[k].tx,
						    .location = a.v[k].location,
						    .flow = a.v[k].flow, .count = a.v[k].count };
			h = dl_flow__hash(&f->flow);
			/* Table plus what dl_ingress's per-CPU cache still holds. */
			if (src->flow_map_fd >= 0 &&
			    !dl_flow_info__lookup(src->flow_map_fd, h, &fi))
				f->arrived = (struct dl_opt){ .v = fi.packets, .have = true };
		}
	}
out:
	free(a.v);
	return err;
}

int dl_snapshot__take(struct dl_snapshot *s, const struct dl_snapshot_src *src)
{
	unsigned int q, maxq = 0;
	const char *rec;
	int err;

	memset(s, 0, sizeof(*s));
	if (src->rxq) {
		for (q = 0; q <= DL_MAX_QUEUES; q++) {
			s->frames[q] = src->rxq[q].frames;
			s->bytes[q] = src->rxq[q].bytes;
			s->malformed[q] = src->rxq[q].malformed;
		}
	}
	err = take_counts(s, src);
	if (!err && src->dt && !src->no_flows) {
		err = take_flows(s, src);
		s->has_flows = !err;
	}
	if (err) {
		dl_snapshot__free(s);
		return err;
	}
	for (q = 0; q < DL_MAX_QUEUES; q++)
		if (s->frames[q])
			maxq = q + 1;
	s->nqueues = src->ifname ? dl_sysfs__rx_queues(src->ifname) : 0;
	if (s->nqueues > DL_MAX_QUEUES)
		s->nqueues = DL_MAX_QUEUES;
	if (s->nqueues < maxq)
		s->nqueues = maxq;
	rec = getenv("DL_RECORD_SNAPSHOTS");
	if (rec && rec[0]) {
		FILE *f = fopen(rec, "a");

		if (!f || dl_snapshot__write(s, f))
			pr_warn("DL_RECORD_SNAPSHOTS=%s: cannot append: %s\n", rec,
				strerror(errno));
		if (f)
			fclose(f);
	}
	return 0;
}

void dl_snapshot__free(struct dl_snapshot *s)
{
	free(s->causes);
	free(s->flows);
	free(s->flowsums);
	s->causes = NULL;
	s->flows = NULL;
	s->flowsums = NULL;
	s->ncauses = s->nflows = s->nflowsums = 0;
}

static const char *const stat_name[DL_DS_MAX] = {
	[DL_DS_EVENTS] = "events",
	[DL_DS_MATCHED] = "matched",
	[DL_DS_MATCHED_PKTS] = "matched_pkts",
	[DL_DS_KEY_FULL] = "cause_full",
	[DL_DS_NO_NETNS] = "no_netns",
	[DL_DS_CONSUMED] = "consumed",
	[DL_DS_CONSUMED_PKTS] = "consumed_pkts",
	[DL_DS_QUEUE_FROM_FLOW] = "queue_from_flow",
	[DL_DS_PRESTACK] = "prestack",
	[DL_DS_NETNS_FROM_FLOW] = "netns_from_flow",
	[DL_DS_CONSUMED_UDP] = "consumed_udp",
	[DL_DS_FLOW_FULL] = "flow_full",
	[DL_DS_REASON_LOST] = "reason_lost",
	[DL_DS_FROM_ARRIVAL] = "flow_from_arrival",
};

static void write_flow(FILE *out, const struct dl_flow *f)
{
	const uint32_t *w = (const uint32_t *)f;
	size_t i;

	for (i = 0; i < DL_FLOW_WORDS; i++)
		fprintf(out, " %08" PRIx32, w[i]);
}

int dl_snapshot__write(const struct dl_snapshot *s, FILE *out)
{
	unsigned int i;

	fprintf(out, "snapshot %.9f %d %d %u\n", s->t, s->consistent, s->has_flows,
		s->nqueues);
	for (i = 0; i <= DL_MAX_QUEUES; i++)
		if (s->frames[i] || s->bytes[i] || s->malformed[i])
			fprintf(out, "q %u %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", i,
				s->frames[i], s->bytes[i], s->malformed[i]);
	for (i = 0; i < DL_MAX_QUEUES + 2; i++)
		if (s->consumed[i])
			fprintf(out, "consumed %u %" PRIu64 "\n", i, s->consumed[i]);
	for (i = 0; i < DL_DS_MAX; i++)
		if (s->stats[i])
			fprintf(out, "stat %s %" PRIu64 "\n", stat_name[i], s->stats[i]);
	for (i = 0; i < s->ncauses; i++)
		fprintf(out, "cause %" PRIu32 " %" PRIu32 " %" PRIx64 " %" PRIu64 "\n",
			s->causes[i].reason, s->causes[i].rxq, s->causes[i].location,
			s->causes[i].count);
	for (i = 0; i < s->nflowsums; i++)
		fprintf(out, "flowsum %" PRIu32 " %d %" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
			s->flowsums[i].reason, s->flowsums[i].tx, s->flowsums[i].location,
			s->flowsums[i].count, s->flowsums[i].nflows);
	for (i = 0; i < s->nflows; i++) {
		const struct dl_snap_flow *f = &s->flows[i];

		fprintf(out, "flow %" PRIu32 " %d %" PRIx64 " %" PRIu64 " ", f->reason, f->tx,
			f->location, f->count);
		if (f->arrived.have)
			fprintf(out, "%" PRIu64, f->arrived.v);
		else
			fputc('-', out);
		write_flow(out, &f->flow);
		fputc('\n', out);
	}
	fprintf(out, "end\n");
	return ferror(out) ? -EIO : 0;
}

/* Room for element @n of *@v: capacity doubles at each power of two >= 4. */
static void *grow(void *v, unsigned int n, size_t size)
{
	if (n < 4)
		return v ? v : malloc(size * 4);
	if (n & (n - 1))
		return v;
	return realloc(v, size * n * 2);
}

int dl_snapshot__read(struct dl_snapshot *s, FILE *in, unsigned int *line,
		      char *why, size_t why_len)
{
	char buf[512], word[32], arr[32];
	bool started = false;
	unsigned int i, tx;
	int rc = -ENODATA, c, k;

	memset(s, 0, sizeof(*s));
	while (fgets(buf, sizeof(buf), in)) {
		uint64_t a, b, d;
		uint32_t r, q;

		(*line)++;
		if (buf[0] == '#' || buf[0] == '\n')
			continue;
		if (sscanf(buf, "%31s", word) != 1)
			continue;
		if (!started) {
			if (strcmp(word, "snapshot") ||
			    sscanf(buf, "snapshot %lf %d %d %u", &s->t, &c, &k, &s->nqueues) != 4)
				goto bad;
			s->consistent = c;
			s->has_flows = k;
			started = true;
			rc = -EINVAL;
			continue;
		}
		if (!strcmp(word, "end"))
			return 0;
		if (!strcmp(word, "q")) {
			if (sscanf(buf, "q %u %" SCNu64 " %" SCNu64 " %" SCNu64, &i, &a, &b, &d) != 4 ||
			    i > DL_MAX_QUEUES)
				goto bad;
			s->frames[i] = a;
			s->bytes[i] = b;
			s->malformed[i] = d;
		} else if (!strcmp(word, "consumed")) {
			if (sscanf(buf, "consumed %u %" SCNu64, &i, &a) != 2 ||
			    i >= DL_MAX_QUEUES + 2)
				goto bad;
			s->consumed[i] = a;
		} else if (!strcmp(word, "stat")) {
			if (sscanf(buf, "stat %31s %" SCNu64, arr, &a) != 2)
				goto bad;
			for (i = 0; i < DL_DS_MAX && strcmp(stat_name[i], arr); i++)
				;
			if (i == DL_DS_MAX)
				goto bad;
			s->stats[i] = a;
		} else if (!strcmp(word, "cause")) {
			struct dl_snap_cause *nv;

			if (sscanf(buf, "cause %" SCNu32 " %" SCNu32 " %" SCNx64 " %" SCNu64,
				   &r, &q, &a, &b) != 4)
				goto bad;
			nv = grow(s->causes, s->ncauses, sizeof(*nv));
			if (!nv)
				goto nomem;
			s->causes = nv;
			s->causes[s->ncauses++] = (struct dl_snap_cause){
				.reason = r, .rxq = q, .location = a, .count = b };
		} else if (!strcmp(word, "flowsum")) {
			struct dl_snap_flowsum *nv;

			if (sscanf(buf, "flowsum %" SCNu32 " %u %" SCNx64 " %" SCNu64 " %" SCNu64,
				   &r, &tx, &a, &b, &d) != 5)
				goto bad;
			nv = grow(s->flowsums, s->nflowsums, sizeof(*nv));
			if (!nv)
				goto nomem;
			s->flowsums = nv;
			s->flowsums[s->nflowsums++] = (struct dl_snap_flowsum){
				.reason = r, .tx = tx, .location = a, .count = b, .nflows = d };
		} else if (!strcmp(word, "flow")) {
			struct dl_snap_flow f = {}, *nv;
			uint32_t *w = (uint32_t *)&f.flow;
			int off;

			if (sscanf(buf, "flow %" SCNu32 " %u %" SCNx64 " %" SCNu64 " %31s%n",
				   &r, &tx, &a, &b, arr, &off) != 5)
				goto bad;
			f.reason = r;
			f.tx = tx;
			f.location = a;
			f.count = b;
			if (strcmp(arr, "-")) {
				char *end;

				f.arrived.v = strtoull(arr, &end, 10);
				if (*end)
					goto bad;
				f.arrived.have = true;
			}
			for (i = 0; i < DL_FLOW_WORDS; i++) {
				int used;

				if (sscanf(buf + off, " %" SCNx32 "%n", &w[i], &used) != 1)
					goto bad;
				off += used;
			}
			nv = grow(s->flows, s->nflows, sizeof(*nv));
			if (!nv)
				goto nomem;
			s->flows = nv;
			s->flows[s->nflows++] = f;
		} else {
			goto bad;
		}
	}
	if (rc == -EINVAL)
		snprintf(why, why_len, "line %u: snapshot without 'end'", *line);
	dl_snapshot__free(s);
	return rc;
bad:
	snprintf(why, why_len, "line %u: malformed snapshot line", *line);
	dl_snapshot__free(s);
	return -EINVAL;
nomem:
	snprintf(why, why_len, "line %u: out of memory", *line);
	dl_snapshot__free(s);
	return -ENOMEM;
}
