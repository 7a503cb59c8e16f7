// SPDX-License-Identifier: GPL-2.0-only
/*
 * AF_XDP capture workers, see capture.h. Each queue owns its umem, so no
 * fill or completion ring is shared between threads; buffers go straight
 * back to the fill ring after their record is read. Hand-over of counts
 * at interval boundaries is the same two-counter protocol as workers.c.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "linerate/capture.h"
#include "util/percpu.h"
#include "linerate/handoff.h"
#include "linerate/xsk.h"
#include "util/log.h"
#include "dropledger_shared.h"

/* Relax hook for dl_handoff__request(). */
static void yield_cpu(void)
{
	sched_yield();
}

#define DEFAULT_RING 2048
#define BATCH 64

struct qcap {
	struct dl_capture *c;
	int idx;
	pthread_t th;
	int started;
	struct dl_xsk x;
	struct dl_agg *live;
	struct dl_agg *handoff;
	struct dl_capture_stats st;
	struct dl_handoff ho;
};

struct dl_capture {
	struct dl_capture_opts opts;
	struct bpf_map *xsks;
	struct qcap *q;
	int n;
	int stopped;
	_Atomic int stop;
};

static unsigned int rx_batch(struct qcap *q)
{
	__u32 idx_rx = 0, idx_fq = 0, n, i;

	n = xsk_ring_cons__peek(&q->x.rx, BATCH, &idx_rx);
	if (!n)
		return 0;
	/* Fill ring has room for every buffer we hold: it cannot fail for long. */
	while (xsk_ring_prod__reserve(&q->x.fill, n, &idx_fq) != n)
		;
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->x.rx, idx_rx + i);
		__u64 addr = xsk_umem__add_offset_to_addr(d->addr);
		const __u8 *frame = xsk_umem__get_data(q->x.area, addr);
		struct dl_pkt_rec rec;

		/* The record sits right before the frame (XDP metadata area). */
		if (addr >= sizeof(rec)) {
			memcpy(&rec, frame - sizeof(rec), sizeof(rec));
			if (rec.meta_magic == DL_META_MAGIC) {
				dl_agg__add(q->live, &rec, 1);
				q->st.records++;
			} else {
				q->st.no_meta++;
			}
		} else {
			q->st.no_meta++;
		}
		*xsk_ring_prod__fill_addr(&q->x.fill, idx_fq + i) =
			xsk_umem__extract_addr(d->addr);
	}
	xsk_ring_prod__submit(&q->x.fill, n);
	xsk_ring_cons__release(&q->x.rx, n);
	return n;
}

static void hand_over(struct qcap *q)
{
	/* @handoff is empty (the collector left it so): a table swap. */
	dl_agg__take_counts(q->handoff, q->live);
}

static void *capture_main(void *arg)
{
	struct qcap *q = arg;
	struct dl_capture *c = q->c;

	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		unsigned int req;

		if (!rx_batch(q) && c->opts.idle_us)
			usleep(c->opts.idle_us);
		if (dl_handoff__requested(&q->ho, &req)) {
			hand_over(q);
			dl_handoff__done(&q->ho, req);
		}
	}
	while (rx_batch(q))
		;
	return NULL;
}

static int queue_setup(struct dl_capture *c, struct qcap *q, int queue)
{
	unsigned int ring = c->opts.ring_size ? c->opts.ring_size : DEFAULT_RING;
	struct dl_xsk_sizes sz = { .frames = 2 * ring, .fill = ring, .comp = ring, .rx = ring };
	__u32 idx, key = (__u32)queue, i;
	int err, fd;

	q->st.queue = queue;
	err = dl_xsk__open(&q->x, c->opts.ifname, queue, &sz, NULL, 0);
	if (err)
		return err;
	/* Half the frames wait in the fill ring, the rest ride in RX. */
	if (xsk_ring_prod__reserve(&q->x.fill, ring, &idx) != ring)
		return -ENOSPC;
	for (i = 0; i < ring; i++)
		*xsk_ring_prod__fill_addr(&q->x.fill, idx + i) = (__u64)i * DL_XSK_FRAME;
	xsk_ring_prod__submit(&q->x.fill, ring);
	fd = xsk_socket__fd(q->x.xsk);
	if (bpf_map_update_elem(bpf_map__fd(c->xsks), &key, &fd, BPF_ANY))
		return -errno;
	return 0;
}

static void queue_teardown(struct dl_capture *c, struct qcap *q)
{
	__u32 key = (__u32)q->st.queue;

	if (q->x.xsk)
		bpf_map_delete_elem(bpf_map__fd(c->xsks), &key);
	dl_xsk__close(&q->x);
	dl_agg__free(q->handoff);
	dl_agg__free(q->live);
	q->live = q->handoff = NULL;
}

struct dl_capture *dl_capture__start(struct bpf_map *xsks,
				     const struct dl_capture_opts *opts)
{
	struct dl_capture *c;
	int i, err = 0;

	if (!xsks || !opts || !opts->ifname || !opts->queues || opts->nqueues < 1) {
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->opts = *opts;
	c->xsks = xsks;
	c->n = opts->nqueues;
	c->q = calloc((size_t)c->n, sizeof(*c->q));
	if (!c->q) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < c->n; i++) {
		struct qcap *q = &c->q[i];
		pthread_attr_t attr;
		cpu_set_t set;

		q->c = c;
		q->idx = i;
		q->st.cpu = opts->cpus && opts->ncpus > 0 ?
			    opts->cpus[i % opts->ncpus] : -1;
		/* Tables are touched first here: near the pinned CPU when possible. */
		q->live = dl_agg__new(&opts->agg);
		q->handoff = q->live ? dl_agg__new(&opts->agg) : NULL;
		if (!q->live || !q->handoff) {
			err = -ENOMEM;
			goto fail;
		}
		err = queue_setup(c, q, opts->queues[i]);
		if (err) {
			pr_warn("capture: %s queue %d: cannot set up the AF_XDP socket: %s\n",
				opts->ifname, opts->queues[i], strerror(-err));
			goto fail;
		}
		pthread_attr_init(&attr);
		if (q->st.cpu >= 0) {
			CPU_ZERO(&set);
			CPU_SET(q->st.cpu, &set);
			err = -pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		}
		if (!err)
			err = -pthread_create(&q->th, &attr, capture_main, q);
		pthread_attr_destroy(&attr);
		if (err) {
			pr_warn("capture: cannot start the worker of queue %d: %s\n",
				opts->queues[i], strerror(-err));
			goto fail;
		}
		q->started = 1;
	}
	return c;
fail:
	dl_capture__free(c);
	errno = -err;
	return NULL;
}

int dl_capture__collect(struct dl_capture *c, struct dl_agg *out)
{
	int i, err;

	if (!c || !out)
		return -EINVAL;
	dl_agg__clear(out);
	for (i = 0; i < c->n; i++) {
		struct qcap *q = &c->q[i];

		if (c->stopped || !q->started) {
			hand_over(q);
		} else {
			dl_handoff__request(&q->ho, yield_cpu);
		}
		err = dl_agg__take_counts(out, q->handoff);
		dl_agg__clear(q->handoff);
		if (err)
			return err;
	}
	return 0;
}

int dl_capture__stop(struct dl_capture *c)
{
	int i;

	if (!c)
		return -EINVAL;
	if (c->stopped)
		return 0;
	atomic_store(&c->stop, 1);
	for (i = 0; i < c->n; i++)
		if (c->q[i].started)
			pthread_join(c->q[i].th, NULL);
	c->stopped = 1;
	return 0;
}

void dl_capture__free(struct dl_capture *c)
{
	int i;

	if (!c)
		return;
	if (c->q) {
		dl_capture__stop(c);
		for (i = 0; i < c->n; i++)
			queue_teardown(c, &c->q[i]);
	}
	free(c->q);
	free(c);
}

int dl_capture__count(const struct dl_capture *c)
{
	return c ? c->n : -EINVAL;
}

int dl_capture__stats(const struct dl_capture *c, int i,
		      struct dl_capture_stats *st)
{
	struct xdp_statistics xs;
	socklen_t len = sizeof(xs);

	if (!c || !st || i < 0 || i >= c->n)
		return -EINVAL;
	*st = c->q[i].st;
	if (!c->q[i].x.xsk)
		return -ENOTCONN;
	if (getsockopt(xsk_socket__fd(c->q[i].x.xsk), SOL_XDP, XDP_STATISTICS, &xs,
		       &len))
		return -errno;
	st->rx_dropped = xs.rx_dropped;
	st->rx_ring_full = xs.rx_ring_full;
	st->rx_fill_ring_empty_descs = xs.rx_fill_ring_empty_descs;
	st->rx_invalid_descs = xs.rx_invalid_descs;
	return 0;
}

int dl_capture__read_cnt(int map_fd, unsigned int queue,
			 struct dl_capture_cnt *out)
{
	if (!out || queue > DL_MAX_QUEUES)
		return -EINVAL;
	return dl_percpu__sum(map_fd, queue, sizeof(*out), out);
}
