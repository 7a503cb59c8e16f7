// SPDX-License-Identifier: GPL-2.0-only
/*
 * DPDK port polling, see dpdk_port.h. Pollers run on EAL worker lcores;
 * their tables are handed over with the same two-counter protocol as the
 * tap workers, so the main lcore never takes a lock against them.
 */
#include "dl_config.h"
#if DL_HAVE_DPDK

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "dpdk/dpdk_port.h"
#include "linerate/frame.h"
#include "linerate/handoff.h"
#include "util/log.h"
#include "dropledger_shared.h"

/* Relax hook for dl_handoff__request(). */
static void pause_cpu(void)
{
	rte_pause();
}

#define DEFAULT_RING 1024
#define DEFAULT_BURST 32
#define MAX_BURST 256

struct poller {
	struct dl_dpdk_port *p;
	unsigned int lcore;
	int queues[DL_DPDK_MAX_QUEUES];
	int nq;
	struct dl_agg *live;
	struct dl_agg *handoff;
	__u64 meta[DL_DPDK_MAX_QUEUES];	/* records read from XDP metadata */
	struct dl_handoff ho;
};

struct dl_dpdk_port {
	struct dl_dpdk_port_opts o;
	struct rte_mempool *pool;
	struct rte_eth_stats base;
	struct poller *pl;
	int npl;
	int launched;
	int started;
	_Atomic int stop;
};

static int dl_logtype = -1;

int dl_dpdk__eal_init(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);

	if (n < 0)
		return -rte_errno;
	dl_logtype = rte_log_register_type_and_pick_level("user.dropledger",
							  RTE_LOG_INFO);
	return n;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/*
 * The dl_pkt_rec that dl_dpdk_xdp put in the XDP metadata area, right
 * before the frame in the mbuf headroom. Its magic is wiped once read:
 * the PMD recycles the buffer, and a frame redirected without metadata
 * must not be taken for the one that used the buffer before it.
 */
static bool meta_rec(struct rte_mbuf *m, int q, struct dl_pkt_rec *rec)
{
	__u8 *meta = rte_pktmbuf_mtod(m, __u8 *) - sizeof(*rec);

	if (rte_pktmbuf_headroom(m) < sizeof(*rec))
		return false;
	memcpy(rec, meta, sizeof(*rec));
	if (rec->meta_magic != DL_META_MAGIC)
		return false;
	memset(meta + offsetof(struct dl_pkt_rec, meta_magic), 0,
	       sizeof(rec->meta_magic));
	/* The kernel's queue is start_queue + q; the report counts DPDK queues. */
	rec->rxq = (__u16)q;
	return true;
}

static unsigned int poll_queue(struct poller *pl, int q, unsigned int burst)
{
	struct rte_mbuf *m[MAX_BURST];
	struct dl_pkt_rec rec;
	__u64 ts;
	uint16_t n, i;

	n = rte_eth_rx_burst(pl->p->o.port_id, (uint16_t)q, m, (uint16_t)burst);
	if (!n)
		return 0;
	ts = now_ns();		/* one stamp per burst: a burst is one poll */
	for (i = 0; i < n; i++) {
		if (pl->p->o.xdp_meta && meta_rec(m[i], q, &rec)) {
			pl->meta[q]++;
			dl_agg__add(pl->live, &rec, 1);
			continue;
		}
		dl_frame__to_rec(rte_pktmbuf_mtod(m[i], const void *),
				 rte_pktmbuf_data_len(m[i]), ts, (__u16)q,
				 (__u16)pl->lcore, &rec);
		dl_agg__add(pl->live, &rec, 1);
	}
	rte_pktmbuf_free_bulk(m, n);
	return n;
}

static void hand_over(struct poller *pl)
{
	/* @handoff is empty (the collector left it so): a table swap. */
	dl_agg__take_counts(pl->handoff, pl->live);
}

static int poller_main(void *arg)
{
	struct poller *pl = arg;
	struct dl_dpdk_port *p = pl->p;
	unsigned int burst = p->o.burst ? p->o.burst : DEFAULT_BURST, got, rounds;
	int i;

	if (burst > MAX_BURST)
		burst = MAX_BURST;
	while (!atomic_load_explicit(&p->stop, memory_order_relaxed)) {
		unsigned int req;

		for (i = 0, got = 0; i < pl->nq; i++)
			got += poll_queue(pl, pl->queues[i], burst);
		if (dl_handoff__requested(&pl->ho, &req)) {
			hand_over(pl);
			dl_handoff__done(&pl->ho, req);
		}
		if (!got)
			rte_pause();
	}
	/*
	 * Stopping: read what is still queued, but only a ring's worth of
	 * bursts: a source that never runs dry (net_null, a busy NIC) would
	 * otherwise keep us here forever. What comes later is residual.
	 */
	rounds = (p->o.ring_size ? p->o.ring_size : DEFAULT_RING) / burst + 2;
	do {
		for (i = 0, got = 0; i < pl->nq; i++)
			got += poll_queue(pl, pl->queues[i], burst);
	} while (got && --rounds);
	return 0;
}

struct dl_dpdk_port *dl_dpdk_port__open(const struct dl_dpdk_port_opts *opts)
{
	struct rte_eth_conf conf = {};
	struct dl_dpdk_port *p;
	unsigned int ring;
	char name[RTE_MEMPOOL_NAMESIZE];
	int q, err, socket;

	if (!opts || opts->nqueues < 1 || opts->nqueues > DL_DPDK_MAX_QUEUES ||
	    !rte_eth_dev_is_valid_port(opts->port_id)) {
		errno = EINVAL;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->o = *opts;
	ring = opts->ring_size ? opts->ring_size : DEFAULT_RING;
	socket = rte_eth_dev_socket_id(opts->port_id);
	if (socket < 0)
		socket = (int)rte_socket_id();
	snprintf(name, sizeof(name), "dl_pool_%u", opts->port_id);
	/* Enough mbufs for full rx and tx rings of every queue, plus slack. */
	p->pool = rte_pktmbuf_pool_create(name,
					  2u * ring * (unsigned int)opts->nqueues + 4096,
					  256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	if (!p->pool) {
		err = -rte_errno;
		pr_warn("dpdk: port %u: cannot create mbuf pool: %s\n",
			opts->port_id, rte_strerror(-err));
		goto fail;
	}
	err = rte_eth_dev_configure(opts->port_id, (uint16_t)opts->nqueues,
				    (uint16_t)opts->nqueues, &conf);
	if (err) {
		pr_warn("dpdk: port %u: cannot configure %d queues: %s\n",
			opts->port_id, opts->nqueues, rte_strerror(-err));
		goto fail;
	}
	for (q = 0; q < opts->nqueues; q++) {
		err = rte_eth_rx_queue_setup(opts->port_id, (uint16_t)q,
					     (uint16_t)ring, (unsigned int)socket,
					     NULL, p->pool);
		if (!err)
			err = rte_eth_tx_queue_setup(opts->port_id, (uint16_t)q,
						     (uint16_t)ring,
						     (unsigned int)socket, NULL);
		if (err) {
			pr_warn("dpdk: port %u: cannot set up queue %d: %s\n",
				opts->port_id, q, rte_strerror(-err));
			goto fail;
		}
	}
	err = rte_eth_dev_start(opts->port_id);
	if (err) {
		pr_warn("dpdk: port %u: cannot start: %s\n", opts->port_id,
			rte_strerror(-err));
		goto fail;
	}
	p->started = 1;
	/* A saved baseline, not rte_eth_stats_reset(): others may read them. */
	err = rte_eth_stats_get(opts->port_id, &p->base);
	if (err)
		goto fail;
	return p;
fail:
	dl_dpdk_port__close(p);
	errno = err < 0 ? -err : EIO;
	return NULL;
}

struct rte_mempool *dl_dpdk_port__pool(const struct dl_dpdk_port *p)
{
	return p ? p->pool : NULL;
}

int dl_dpdk_port__launch(struct dl_dpdk_port *p)
{
	unsigned int lcore;
	int i, n = 0, q, err;

	if (!p || p->launched)
		return -EINVAL;
	n = (int)rte_lcore_count() - 1;
	if (n < 1)
		return -ENODEV;
	if (n > p->o.nqueues)
		n = p->o.nqueues;
	p->pl = calloc((size_t)n, sizeof(*p->pl));
	if (!p->pl)
		return -ENOMEM;
	p->npl = n;
	for (q = 0; q < p->o.nqueues; q++) {
		struct poller *pl = &p->pl[q % n];

		pl->queues[pl->nq++] = q;
	}
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct poller *pl;

		if (i >= n)
			break;
		pl = &p->pl[i];
		pl->p = p;
		pl->lcore = lcore;
		pl->live = dl_agg__new(&p->o.agg);
		pl->handoff = pl->live ? dl_agg__new(&p->o.agg) : NULL;
		if (!pl->live || !pl->handoff)
			return -ENOMEM;
		err = rte_eal_remote_launch(poller_main, pl, lcore);
		if (err)
			return err;
		i++;
	}
	p->launched = 1;
	return 0;
}

int dl_dpdk_port__collect(struct dl_dpdk_port *p, struct dl_agg *out)
{
	int i, err;

	if (!p || !out || !p->pl)
		return -EINVAL;
	dl_agg__clear(out);
	for (i = 0; i < p->npl; i++) {
		struct poller *pl = &p->pl[i];

		if (!p->launched) {
			hand_over(pl);
		} else {
			dl_handoff__request(&pl->ho, pause_cpu);
		}
		err = dl_agg__take_counts(out, pl->handoff);
		dl_agg__clear(pl->handoff);
		if (err)
			return err;
	}
	return 0;
}

int dl_dpdk_port__stop(struct dl_dpdk_port *p)
{
	int i;

	if (!p)
		return -EINVAL;
	if (!p->launched)
		return 0;
	atomic_store(&p->stop, 1);
	for (i = 0; i < p->npl; i++)
		if (p->pl[i].live)
			rte_eal_wait_lcore(p->pl[i].lcore);
	p->launched = 0;
	return 0;
}

int dl_dpdk_port__send_stamped(struct dl_dpdk_port *p, unsigned int flows,
			       __u64 per_flow, __u64 *sent_q)
{
	struct dl_frame_spec s = {
		.src_mac = { 0x02, 0, 0, 0, 0, 1 },
		.dst_mac = { 0x02, 0, 0, 0, 0, 2 },
		.saddr = htobe32(0xc6120001),	/* 198.18.0.1 -> .2 */
		.daddr = htobe32(0xc6120002),
		.dport = 9,
		.len = 64,
	};
	unsigned int f;
	__u64 seq;

	if (!p || !sent_q || !flows)
		return -EINVAL;
	memset(sent_q, 0, (size_t)p->o.nqueues * sizeof(*sent_q));
	for (seq = 0; seq < per_flow; seq++) {
		for (f = 0; f < flows; f++) {
			uint16_t q = (uint16_t)(f % (unsigned int)p->o.nqueues);
			struct rte_mbuf *m = rte_pktmbuf_alloc(p->pool);
			size_t len;
			long tries = 0;

			if (!m)
				return -ENOMEM;
			s.flow_id = f;
			s.sport = (__u16)(40000 + f);
			s.seq = seq;
			if (dl_frame__build_udp4(rte_pktmbuf_mtod(m, void *),
						 rte_pktmbuf_tailroom(m), &s, &len)) {
				rte_pktmbuf_free(m);
				return -EINVAL;
			}
			m->data_len = (uint16_t)len;
			m->pkt_len = (uint32_t)len;
			/* A full ring means the poller is behind: wait, bounded. */
			while (rte_eth_tx_burst(p->o.port_id, q, &m, 1) != 1) {
				if (++tries > 100000000L) {
					rte_pktmbuf_free(m);
					return -ETIMEDOUT;
				}
				rte_pause();
			}
			sent_q[q]++;
		}
	}
	return 0;
}

int dl_dpdk_port__stats(const struct dl_dpdk_port *p, struct dl_dpdk_stats *st)
{
	struct rte_eth_stats s;
	int q, w, err;

	if (!p || !st)
		return -EINVAL;
	err = rte_eth_stats_get(p->o.port_id, &s);
	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	st->nqueues = p->o.nqueues;
	st->ipackets = s.ipackets - p->base.ipackets;
	st->imissed = s.imissed - p->base.imissed;
	st->ierrors = s.ierrors - p->base.ierrors;
	st->rx_nombuf = s.rx_nombuf - p->base.rx_nombuf;
	st->opackets = s.opackets - p->base.opackets;
	st->oerrors = s.oerrors - p->base.oerrors;
	for (q = 0; q < p->o.nqueues && q < RTE_ETHDEV_QUEUE_STAT_CNTRS; q++) {
		st->q_ipackets[q] = s.q_ipackets[q] - p->base.q_ipackets[q];
		st->q_errors[q] = s.q_errors[q] - p->base.q_errors[q];
	}
	for (w = 0; p->pl && w < p->npl; w++) {
		const struct poller *pl = &p->pl[w];

		for (q = 0; q < pl->nq; q++)
			st->meta_records[pl->queues[q]] = pl->meta[pl->queues[q]];
	}
	return 0;
}

void dl_dpdk_port__close(struct dl_dpdk_port *p)
{
	int i;

	if (!p)
		return;
	dl_dpdk_port__stop(p);
	if (p->started)
		rte_eth_dev_stop(p->o.port_id);
	for (i = 0; p->pl && i < p->npl; i++) {
		dl_agg__free(p->pl[i].handoff);
		dl_agg__free(p->pl[i].live);
	}
	free(p->pl);
	rte_mempool_free(p->pool);
	free(p);
}

#endif /* DL_HAVE_DPDK */
