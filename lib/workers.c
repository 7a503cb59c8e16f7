// SPDX-License-Identifier: GPL-2.0-only
/*
 * Poll-mode workers, see workers.h. Rings are read through their mmap'd
 * consumer and producer pages (as libbpf does), but the consumer position
 * is published once per batch instead of once per record. The hand-over
 * protocol is two counters per worker: the collector bumps `req`, the
 * worker moves its counts to `handoff` and sets `done = req`.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "localmem.h"
#include "log.h"
#include "mirror.h"
#include "shared_user.h"
#include "workers.h"

#define DEFAULT_BATCH 256
#define RB_BUSY (1u << 31)	/* BPF_RINGBUF_BUSY_BIT */
#define RB_DISCARD (1u << 30)	/* BPF_RINGBUF_DISCARD_BIT */
#define RB_HDR 8		/* BPF_RINGBUF_HDR_SZ */

struct raw_ring {
	unsigned long *cons_pos;
	unsigned long *prod_pos;
	__u8 *data;
	unsigned long mask;
	void *cons_map;
	void *prod_map;
	size_t prod_len;
};

struct worker {
	struct dl_workers *ws;
	pthread_t th;
	int started;
	int idx;
	struct raw_ring *rings;
	int nrings;
	struct dl_agg *live;
	struct dl_agg *handoff;
	struct dl_worker_stats st;
	int err;
	_Atomic int ready;		/* 1 running, -1 failed */
	_Atomic unsigned int req __attribute__((aligned(64)));
	_Atomic unsigned int done __attribute__((aligned(64)));
};

struct dl_workers {
	struct dl_workers_opts opts;
	struct worker *w;
	int n;
	int stopped;
	_Atomic int stop;
	int *ring_fds;
	int nrings;
};

static int ring_map(struct raw_ring *r, int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	r->mask = info.max_entries - 1;
	r->cons_map = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
	if (r->cons_map == MAP_FAILED)
		return -errno;
	/* Data is mapped twice in a row: a record never wraps for us. */
	r->prod_len = (size_t)page + 2 * (size_t)info.max_entries;
	r->prod_map = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, fd, page);
	if (r->prod_map == MAP_FAILED) {
		munmap(r->cons_map, (size_t)page);
		r->cons_map = NULL;
		return -errno;
	}
	r->cons_pos = r->cons_map;
	r->prod_pos = r->prod_map;
	r->data = (__u8 *)r->prod_map + page;
	return 0;
}

static void ring_unmap(struct raw_ring *r)
{
	if (r->cons_map)
		munmap(r->cons_map, (size_t)sysconf(_SC_PAGESIZE));
	if (r->prod_map)
		munmap(r->prod_map, r->prod_len);
	r->cons_map = r->prod_map = NULL;
}

/* Consume up to @max records of @r into @w's live table. */
static unsigned int ring_consume(struct worker *w, struct raw_ring *r,
				 unsigned int max)
{
	unsigned long cons, prod;
	unsigned int n = 0;

	cons = atomic_load_explicit((_Atomic unsigned long *)r->cons_pos,
				    memory_order_acquire);
	prod = atomic_load_explicit((_Atomic unsigned long *)r->prod_pos,
				    memory_order_acquire);
	while (cons < prod && n < max) {
		__u32 *hdr = (__u32 *)(r->data + (cons & r->mask));
		__u32 len = atomic_load_explicit((_Atomic __u32 *)hdr,
						 memory_order_acquire);
		__u32 sz;

		if (len & RB_BUSY)
			break;	/* producer has not committed it yet */
		sz = len & ~RB_DISCARD;
		if (!(len & RB_DISCARD)) {
			if (sz == sizeof(struct dl_pkt_rec))
				dl_agg__add(w->live, (const void *)((__u8 *)hdr + RB_HDR), 1);
			else
				w->st.bad_records++;
			n++;
		}
		cons += (sz + RB_HDR + 7) & ~7ul;
	}
	if (n || cons != *r->cons_pos)
		atomic_store_explicit((_Atomic unsigned long *)r->cons_pos, cons,
				      memory_order_release);
	return n;
}

static unsigned int poll_round(struct worker *w, unsigned int batch)
{
	unsigned int got = 0;
	int i;

	for (i = 0; i < w->nrings; i++)
		got += ring_consume(w, &w->rings[i], batch);
	w->st.polls++;
	w->st.records += got;
	if (!got)
		w->st.empty_polls++;
	return got;
}

static void hand_over(struct worker *w)
{
	dl_agg__clear(w->handoff);
	dl_agg__merge(w->handoff, w->live);
	dl_agg__clear_counts(w->live);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct dl_workers *ws = w->ws;
	unsigned int batch = ws->opts.batch ? ws->opts.batch : DEFAULT_BATCH;
	int i, k, err = 0;

	/* Allocate after pinning so first touch lands on our node. */
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
		err = ring_map(&w->rings[k], ws->ring_fds[i]);
		if (err) {
			pr_warn("worker on CPU %d: cannot map mirror ring %d: %s\n",
				w->st.cpu, i, strerror(-err));
			goto fail;
		}
		k++;
	}
	w->nrings = k;
	w->st.nrings = k;
	atomic_store(&w->ready, 1);

	while (!atomic_load_explicit(&ws->stop, memory_order_relaxed)) {
		unsigned int req;

		if (!poll_round(w, batch) && ws->opts.idle_us)
			usleep(ws->opts.idle_us);
		req = atomic_load_explicit(&w->req, memory_order_acquire);
		if (req != atomic_load_explicit(&w->done, memory_order_relaxed)) {
			hand_over(w);
			atomic_store_explicit(&w->done, req, memory_order_release);
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
	int i;

	for (i = 0; w->rings && i < w->nrings; i++)
		ring_unmap(&w->rings[i]);
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
	ws->ring_fds = calloc((size_t)ws->nrings, sizeof(int));
	ws->w = calloc((size_t)ws->n, sizeof(*ws->w));
	if (!ws->ring_fds || !ws->w) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < ws->nrings; i++)
		ws->ring_fds[i] = dl_mirror__ring_fd(opts->mirror, i);
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
			hand_over(w);
		} else {
			unsigned int req = atomic_load(&w->req) + 1;

			atomic_store_explicit(&w->req, req, memory_order_release);
			while (atomic_load_explicit(&w->done, memory_order_acquire) != req)
				sched_yield();
		}
		err = dl_agg__merge(out, w->handoff);
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
	free(ws->ring_fds);
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
