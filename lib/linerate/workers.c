// SPDX-License-Identifier: GPL-2.0-only
/*
 * Poll-mode workers, see workers.h. Rings are read through dl_mirror's
 * one mapping of each (mirror_ring.h). Tables are handed over with
 * linerate/handoff.h: the worker trades its table for the empty `handoff`
 * one (O(1), dl_agg__take_counts); the collector empties it into the
 * result and leaves it empty. A worker never copies or clears a table, and
 * the handed-over table is not copied either when it is the first one the
 * result gets.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/localmem.h"
#include "linerate/handoff.h"
#include "linerate/nap.h"
#include "util/log.h"
#include "util/wait.h"
#include "fastpath/mirror.h"
#include "fastpath/mirror_ring.h"
#include "dropledger_shared.h"
#include "linerate/workers.h"

/* Relax hook for dl_handoff__request(). */
static void yield_cpu(void)
{
	sched_yield();
}

#define DEFAULT_BATCH 256

struct worker {
	struct dl_workers *ws;
	pthread_t th;
	int started;
	int idx;
	const struct dl_mirror_ring **rings;
	int nrings;
	struct dl_agg *live;
	struct dl_agg *handoff;
	struct dl_worker_stats st;
	int err;
	_Atomic int ready;		/* 1 running, -1 failed */
	struct dl_handoff ho;
};

struct dl_workers {
	struct dl_workers_opts opts;
	struct worker *w;
	int n;
	int stopped;
	_Atomic int stop;
	int nrings;
};

static void add_rec(void *ctx, const struct dl_pkt_rec *rec)
{
	dl_agg__add(ctx, rec, 1);
}

static unsigned int poll_round(struct worker *w, unsigned int batch)
{
	unsigned int got = 0;
	int i;

	for (i = 0; i < w->nrings; i++)
		got += dl_mirror_ring__consume(w->rings[i], batch, add_rec,
					       w->live, &w->st.bad_records);
	w->st.polls++;
	w->st.records += got;
	if (!got)
		w->st.empty_polls++;
	return got;
}

/* Worker side: @handoff is empty (the collector left it so). */
static void hand_over(struct worker *w)
{
	dl_agg__take_counts(w->handoff, w->live);
}

/* Collector side: move the handed-over counts into @out, leave it empty. */
static int take_handoff(struct worker *w, struct dl_agg *out)
{
	int err = dl_agg__take_counts(out, w->handoff);

	dl_agg__clear(w->handoff);
	return err;
}

/* Records a ring can take before it is a quarter full: the smallest. */
static unsigned int quarter_of(struct worker *w)
{
	unsigned long min = ~0ul, c;
	int i;

	for (i = 0; i < w->nrings; i++) {
		c = dl_mirror_ring__capacity(w->rings[i]);
		if (c < min)
			min = c;
	}
	min /= 4;
	return min > 1 ? (unsigned int)(min < ~0u ? min : ~0u) : 1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dl_workers *ws = w->ws;
	unsigned int batch = ws->opts.batch ? ws->opts.batch : DEFAULT_BATCH;
	unsigned int nap, quarter, got = 0;
	int i, k, err = 0;
	double last;

	/*
	 * Allocate after pinning so the tables' policy is our node; their
	 * pages arrive as we write them, so an idle `handoff` costs nothing.
	 */
	w->live = dl_agg__new(&ws->opts.agg);
	w->handoff = w->live ? dl_agg__new(&ws->opts.agg) : NULL;
	w->rings = calloc((size_t)ws->nrings, sizeof(*w->rings));
	if (!w->live || !w->handoff || !w->rings) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0, k = 0; i < ws->nrings; i++) {
		int owner = -1, j;

		for (j = 0; j < ws->n; j++)
			if (ws->opts.cpus[j] == i)
				owner = j;
		if (owner < 0)
			owner = i % ws->n;
		if (owner != w->idx)
			continue;
		w->rings[k] = dl_mirror__ring(ws->opts.mirror, i);
		if (!w->rings[k]) {
			err = -ENOENT;
			pr_warn("worker on CPU %d: mirror ring %d is not mapped\n",
				w->st.cpu, i);
			goto fail;
		}
		k++;
	}
	w->nrings = k;
	w->st.nrings = k;
	quarter = quarter_of(w);
	nap = ws->opts.idle_us;
	last = dl_wait__now() * 1e6;
	atomic_store(&w->ready, 1);

	while (!atomic_load_explicit(&ws->stop, memory_order_relaxed)) {
		unsigned int req, n = poll_round(w, batch);

		/* The rate counts every record since the last nap began. */
		got = got + n < got ? ~0u : got + n;
		if (ws->opts.idle_us && n < batch) {
			double t = dl_wait__now() * 1e6;

			nap = dl_nap__next(nap, ws->opts.idle_us, got, t - last, quarter);
			last = t;
			got = 0;
			usleep(nap);
		}
		if (dl_handoff__requested(&w->ho, &req)) {
			hand_over(w);
			dl_handoff__done(&w->ho, req);
		}
	}
	/* Stopping: whatever the producers committed is read, not dropped. */
	while (poll_round(w, ~0u))
		;
	return NULL;
fail:
	w->err = err;
	atomic_store(&w->ready, -1);
	return NULL;
}

static void free_worker_mem(struct worker *w)
{
	free(w->rings);
	dl_agg__free(w->handoff);
	dl_agg__free(w->live);
	w->rings = NULL;
	w->handoff = w->live = NULL;
}

struct dl_workers *dl_workers__start(const struct dl_workers_opts *opts)
{
	struct dl_workers *ws;
	int i, err = 0;

	if (!opts || !opts->cpus || opts->ncpus < 1 || !opts->mirror) {
		errno = EINVAL;
		return NULL;
	}
	ws = calloc(1, sizeof(*ws));
	if (!ws)
		return NULL;
	ws->opts = *opts;
	ws->n = opts->ncpus;
	ws->nrings = dl_mirror__nr_rings(opts->mirror);
	ws->w = calloc((size_t)ws->n, sizeof(*ws->w));
	if (!ws->w) {
		err = -ENOMEM;
		goto fail;
	}
	if (!dl_localmem__numa())
		pr_info("libnuma unavailable: worker tables use ordinary "
			"(not NUMA-local) memory\n");

	for (i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];
		pthread_attr_t attr;
		cpu_set_t set;

		w->ws = ws;
		w->idx = i;
		w->st.cpu = opts->cpus[i];
		w->st.numa_node = dl_localmem__node_of_cpu(w->st.cpu);
		w->st.numa_local = dl_localmem__numa();
		CPU_ZERO(&set);
		CPU_SET(w->st.cpu, &set);
		pthread_attr_init(&attr);
		/* Pinned before it runs: no allocation on the wrong node. */
		err = -pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		if (!err)
			err = -pthread_create(&w->th, &attr, worker_main, w);
		pthread_attr_destroy(&attr);
		if (err) {
			pr_warn("cannot start a worker on CPU %d: %s\n",
				w->st.cpu, strerror(-err));
			goto fail;
		}
		w->started = 1;
		while (!atomic_load(&w->ready))
			sched_yield();
		if (atomic_load(&w->ready) < 0) {
			err = w->err;
			goto fail;
		}
	}
	return ws;
fail:
	dl_workers__free(ws);
	errno = -err;
	return NULL;
}

int dl_workers__collect(struct dl_workers *ws, struct dl_agg *out)
{
	int i, err;

	if (!ws || !out)
		return -EINVAL;
	dl_agg__clear(out);
	for (i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];

		if (ws->stopped) {
			/* Joined: its table is ours to take, no hand-over. */
			err = dl_agg__take_counts(out, w->live);
		} else {
			dl_handoff__request(&w->ho, yield_cpu);
			err = take_handoff(w, out);
		}
		if (err)
			return err;
	}
	return 0;
}

int dl_workers__stop(struct dl_workers *ws)
{
	int i;

	if (!ws)
		return -EINVAL;
	if (ws->stopped)
		return 0;
	atomic_store(&ws->stop, 1);
	for (i = 0; i < ws->n; i++)
		if (ws->w[i].started)
			pthread_join(ws->w[i].th, NULL);
	ws->stopped = 1;
	return 0;
}

void dl_workers__free(struct dl_workers *ws)
{
	int i;

	if (!ws)
		return;
	dl_workers__stop(ws);
	for (i = 0; ws->w && i < ws->n; i++)
		free_worker_mem(&ws->w[i]);
	free(ws->w);
	free(ws);
}

int dl_workers__count(const struct dl_workers *ws)
{
	return ws ? ws->n : -EINVAL;
}

int dl_workers__stats(const struct dl_workers *ws, int i, struct dl_worker_stats *st)
{
	if (!ws || !st || i < 0 || i >= ws->n)
		return -EINVAL;
	*st = ws->w[i].st;
	return 0;
}
