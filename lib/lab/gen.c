// SPDX-License-Identifier: GPL-2.0-only
/*
 * AF_XDP TX generator, see gen.h. Copy mode turns each descriptor into an
 * skb handed to the driver; a driver drop surfaces as EBUSY from the kick
 * with that one descriptor consumed, so the ring's consumer index tells
 * exactly which frame (flow, sequence) was lost at TX.
 */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <xdp/xsk.h>

#include "linerate/frame.h"
#include "linerate/xsk.h"
#include "lab/gen.h"
#include "util/log.h"

#define NUM_FRAMES 4096
#define TX_SIZE 2048
#define BATCH 64

struct qgen {
	const struct dl_gen_opts *o;
	struct dl_gen_result *res;
	struct dl_gen_queue_result *qr;
	int queue;
	int cpu;		/* -1: not pinned */
	__u64 rate;		/* this queue's share, pps; 0 unpaced */
	unsigned int *flows;	/* flow ids on this queue */
	unsigned int nflows;
	__u8 *templates;	/* one built frame per flow */
	size_t len;
	int err;
};

struct tx_slot {
	__u64 addr;
	unsigned int flow;
	__u64 seq;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* By ioctl, not sysfs: /sys shows the namespace it was mounted in. */
static int if_mac(const char *ifname, __u8 mac[6])
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

static int build_templates(struct qgen *g)
{
	const struct dl_gen_opts *o = g->o;
	struct dl_frame_spec s = {};
	unsigned int i;
	int err;

	g->len = o->frame_len ? o->frame_len : DL_FRAME_MIN;
	g->templates = calloc(g->nflows ? g->nflows : 1, g->len);
	if (!g->templates)
		return -ENOMEM;
	memcpy(s.src_mac, o->src_mac, 6);
	memcpy(s.dst_mac, o->dst_mac, 6);
	s.saddr = o->saddr ? o->saddr : htobe32(0xc6120001);
	s.daddr = o->daddr ? o->daddr : htobe32(0xc6120002);
	s.dport = o->dport ? o->dport : 9;
	s.len = g->len;
	for (i = 0; i < g->nflows; i++) {
		size_t len;

		s.flow_id = g->flows[i];
		s.sport = (__u16)((o->sport ? o->sport : 40000) + g->flows[i]);
		err = dl_frame__build_udp4(g->templates + i * g->len, g->len, &s,
					   &len);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Buffers come back when the kernel's TX consumer index passes their
 * descriptor: in copy mode the frame was copied into an skb by then, and
 * the index is published only after a busy descriptor was handed back for
 * a retry. The completion ring is drained and counted, not trusted for
 * addresses: some kernels (seen on 6.18 veth under backpressure) report a
 * wrong address for a few completions while the count stays right.
 */
static unsigned int reap(struct xsk_ring_prod *tx, struct xsk_ring_cons *comp,
			 const struct tx_slot *slots, __u32 *reclaimed,
			 __u64 *free_stack, unsigned int *nfree, __u64 *completed)
{
	__u32 cons = __atomic_load_n(tx->consumer, __ATOMIC_ACQUIRE), idx, n;
	unsigned int got = 0;

	while (*reclaimed != cons) {
		free_stack[(*nfree)++] = slots[*reclaimed & (TX_SIZE - 1)].addr;
		(*reclaimed)++;
		got++;
	}
	n = xsk_ring_cons__peek(comp, NUM_FRAMES, &idx);
	if (n) {
		xsk_ring_cons__release(comp, n);
		*completed += n;
	}
	return got + n;
}

/* Kick the kernel; on EBUSY the frame just consumed was dropped. */
static int kick(struct qgen *g, struct xsk_socket *xsk, struct xsk_ring_prod *tx,
		const struct tx_slot *slots, __u32 *seen_cons)
{
	__u32 cons;

	if (sendto(xsk_socket__fd(xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	switch (errno) {
	case EBUSY:
		cons = __atomic_load_n(tx->consumer, __ATOMIC_ACQUIRE);
		if (cons != *seen_cons) {
			const struct tx_slot *s = &slots[(cons - 1) & (TX_SIZE - 1)];

			g->qr->tx_dropped++;
			g->res->flow_dropped[s->flow]++;
			*seen_cons = cons;
		}
		return 0;
	case EAGAIN:
	case ENOBUFS:
		g->qr->retries++;
		return 0;
	default:
		return -errno;
	}
}

static void pace(const struct qgen *g, double t0, __u64 sent)
{
	double due, now;

	if (!g->rate)
		return;
	due = t0 + (double)sent / (double)g->rate;
	now = now_s();
	if (due - now > 0.0002)
		usleep((useconds_t)((due - now) * 1e6));
	while (now_s() < due)
		;
}

static void *queue_main(void *arg)
{
	struct qgen *g = arg;
	const struct dl_gen_opts *o = g->o;
	struct dl_xsk_sizes sz = {
		.frames = NUM_FRAMES,
		.fill = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		.comp = NUM_FRAMES,
		.tx = TX_SIZE,
	};
	__u64 total = (__u64)g->nflows * o->frames_per_flow, issued = 0, done = 0;
	unsigned int drain_ms = o->drain_ms ? o->drain_ms : 5000, nfree = 0, f = 0;
	struct xdp_statistics xst;
	struct dl_xsk x = {};
	char why[128];
	struct tx_slot *slots = NULL;
	__u64 *free_stack = NULL, *next_seq = NULL, completed = 0;
	__u32 reclaimed = 0;
	__u32 seen_cons = 0;
	void *area;
	socklen_t optlen;
	double t0, deadline;
	int err = 0, i;

	if (g->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(g->cpu, &set);
		err = -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (err)
			goto out;
	}
	slots = calloc(TX_SIZE, sizeof(*slots));
	free_stack = calloc(NUM_FRAMES, sizeof(*free_stack));
	next_seq = calloc(g->nflows ? g->nflows : 1, sizeof(*next_seq));
	if (!slots || !free_stack || !next_seq) {
		err = -ENOMEM;
		goto out;
	}
	err = dl_xsk__open(&x, o->ifname, g->queue, &sz, why, sizeof(why));
	if (err) {
		if (why[0])
			pr_warn("gen: %s queue %d: %s\n", o->ifname, g->queue, why);
		goto out;
	}
	area = x.area;
	for (i = 0; i < NUM_FRAMES; i++)
		free_stack[nfree++] = (__u64)i * DL_XSK_FRAME;

	t0 = now_s();
	while (issued < total) {
		__u32 idx, n, k;

		reap(&x.tx, &x.comp, slots, &reclaimed, free_stack, &nfree, &completed);
		n = BATCH;
		if (n > nfree)
			n = nfree;
		if (n > total - issued)
			n = (__u32)(total - issued);
		if (n)
			n = xsk_ring_prod__reserve(&x.tx, n, &idx);
		for (k = 0; k < n; k++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&x.tx, idx + k);
			__u64 addr = free_stack[--nfree];
			__u8 *fr = xsk_umem__get_data(area, addr);

			memcpy(fr, g->templates + (size_t)f * g->len, g->len);
			dl_frame__set_seq(fr, next_seq[f]);
			slots[(idx + k) & (TX_SIZE - 1)] =
				(struct tx_slot){ addr, g->flows[f], next_seq[f] };
			g->res->flow_issued[g->flows[f]]++;
			next_seq[f]++;
			d->addr = addr;
			d->len = (__u32)g->len;
			d->options = 0;
			f = (f + 1) % g->nflows;
		}
		if (n) {
			xsk_ring_prod__submit(&x.tx, n);
			issued += n;
		}
		err = kick(g, x.xsk, &x.tx, slots, &seen_cons);
		if (err) {
			pr_warn("gen: %s queue %d: send: %s\n", o->ifname, g->queue,
				strerror(-err));
			goto out;
		}
		pace(g, t0, issued);
	}
	/* Drain: every descriptor comes back through the completion ring. */
	deadline = now_s() + drain_ms / 1000.0;
	while (completed < issued && now_s() < deadline) {
		err = kick(g, x.xsk, &x.tx, slots, &seen_cons);
		if (err)
			goto out;
		if (!reap(&x.tx, &x.comp, slots, &reclaimed, free_stack, &nfree, &completed))
			usleep(100);
	}
	done = completed;
	g->qr->unfinished = issued - completed;
	g->qr->sent = done - g->qr->tx_dropped;
	optlen = sizeof(xst);
	if (!getsockopt(xsk_socket__fd(x.xsk), SOL_XDP, XDP_STATISTICS, &xst, &optlen)) {
		g->qr->tx_invalid_descs = xst.tx_invalid_descs;
		g->qr->tx_ring_empty_descs = xst.tx_ring_empty_descs;
	}
	if (g->qr->unfinished)
		pr_warn("gen: %s queue %d: %llu frames still in flight after %u ms\n",
			o->ifname, g->queue,
			(unsigned long long)g->qr->unfinished, drain_ms);
out:
	g->err = err;
	dl_xsk__close(&x);
	free(next_seq);
	free(free_stack);
	free(slots);
	return NULL;
}

void dl_gen__result_release(struct dl_gen_result *res)
{
	if (!res)
		return;
	free(res->flow_queue);
	free(res->flow_issued);
	free(res->flow_dropped);
	res->flow_queue = NULL;
	res->flow_issued = res->flow_dropped = NULL;
}

int dl_gen__run(const struct dl_gen_opts *opts, struct dl_gen_result *res)
{
	struct dl_gen_opts o;
	static const int q0 = 0;
	struct qgen *g = NULL;
	pthread_t *th = NULL;
	int i, err = 0, started = 0;
	unsigned int f;
	double t0;

	if (!opts || !res || !opts->ifname)
		return -EINVAL;
	o = *opts;
	if (!o.queues) {
		o.queues = &q0;
		o.nqueues = 1;
	}
	if (o.nqueues < 1 || o.nqueues > DL_GEN_MAX_QUEUES || o.flows < 1 ||
	    o.flows > DL_GEN_MAX_FLOWS || o.frames_per_flow < 1 ||
	    o.frames_per_flow > DL_GEN_MAX_FRAMES ||
	    (o.frame_len && (o.frame_len < DL_FRAME_MIN || o.frame_len > DL_FRAME_MAX)))
		return -EINVAL;
	if (!if_nametoindex(o.ifname)) {
		err = -errno;
		pr_warn("gen: no interface %s: %s\n", o.ifname, strerror(-err));
		return err;
	}
	if (!memcmp(o.src_mac, "\0\0\0\0\0\0", 6) && if_mac(o.ifname, o.src_mac))
		pr_warn("gen: cannot read the MAC of %s: sending from 00:00:00:00:00:00\n",
			o.ifname);
	if (!memcmp(o.dst_mac, "\0\0\0\0\0\0", 6))
		memset(o.dst_mac, 0xff, 6);

	memset(res, 0, sizeof(*res));
	res->nqueues = o.nqueues;
	res->flows = o.flows;
	res->flow_queue = calloc(o.flows, sizeof(int));
	res->flow_issued = calloc(o.flows, sizeof(__u64));
	res->flow_dropped = calloc(o.flows, sizeof(__u64));
	g = calloc((size_t)o.nqueues, sizeof(*g));
	th = calloc((size_t)o.nqueues, sizeof(*th));
	if (!res->flow_queue || !res->flow_issued || !res->flow_dropped || !g || !th) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < o.nqueues; i++) {
		g[i].o = &o;
		g[i].res = res;
		g[i].qr = &res->q[i];
		g[i].queue = o.queues[i];
		g[i].cpu = o.cpus && o.ncpus > 0 ? o.cpus[i % o.ncpus] : -1;
		g[i].rate = o.rate_pps / (__u64)o.nqueues;
		if (o.rate_pps && !g[i].rate)
			g[i].rate = 1;
		g[i].flows = calloc(o.flows / (unsigned int)o.nqueues + 1,
				    sizeof(unsigned int));
		if (!g[i].flows) {
			err = -ENOMEM;
			goto out;
		}
		res->q[i].queue = o.queues[i];
	}
	for (f = 0; f < o.flows; f++) {
		struct qgen *q = &g[f % (unsigned int)o.nqueues];

		q->flows[q->nflows++] = f;
		res->flow_queue[f] = q->queue;
	}
	for (i = 0; i < o.nqueues; i++) {
		err = build_templates(&g[i]);
		if (err)
			goto out;
	}
	t0 = now_s();
	for (i = 0; i < o.nqueues; i++) {
		if (!g[i].nflows)
			continue;
		err = -pthread_create(&th[i], NULL, queue_main, &g[i]);
		if (err)
			break;
		started = i + 1;
	}
	for (i = 0; i < started; i++)
		if (g[i].nflows)
			pthread_join(th[i], NULL);
	res->seconds = now_s() - t0;
	for (i = 0; !err && i < o.nqueues; i++)
		err = g[i].err;
out:
	for (i = 0; g && i < o.nqueues; i++) {
		free(g[i].flows);
		free(g[i].templates);
	}
	free(th);
	free(g);
	if (err)
		dl_gen__result_release(res);
	return err;
}
