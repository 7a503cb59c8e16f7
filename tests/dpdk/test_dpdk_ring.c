// SPDX-License-Identifier: GPL-2.0-only
/*
 * DPDK mode on net_ring, no hugepages: a 4-queue port whose TX queue q
 * feeds RX queue q (rte_eth_from_rings), polled by a worker lcore through
 * dl_dpdk_port. The main lcore sends stamped frames, one sequence number
 * per flow left out on purpose. Checks: per queue, frames sent =
 * rte_eth_stats q_ipackets = stamped records; per flow, issued = received
 * + lost with exactly the gaps we made. Exit 77 when EAL cannot start.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "linerate/agg.h"
#include "dpdk/dpdk_port.h"
#include "linerate/frame.h"
#include "util/log.h"

#define NQ 4
#define FLOWS 8
#define PER_FLOW 3000
#define GAP_FLOW 3
#define GAP_SEQ 100

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

static int send_flow_frames(uint16_t port, struct rte_mempool *mp,
			    __u64 *sent_q)
{
	struct dl_frame_spec s = {
		.src_mac = { 0x02, 0, 0, 0, 0, 1 },
		.dst_mac = { 0x02, 0, 0, 0, 0, 2 },
		.saddr = htobe32(0xc6120001),
		.daddr = htobe32(0xc6120002),
		.dport = 9,
		.len = 64,
	};
	__u64 seq;
	int f;

	for (seq = 0; seq < PER_FLOW; seq++) {
		for (f = 0; f < FLOWS; f++) {
			struct rte_mbuf *m;
			uint16_t q = (uint16_t)(f % NQ);
			size_t len;
			int tries = 0;

			if (f == GAP_FLOW && seq == GAP_SEQ)
				continue;	/* the "lost" frame */
			m = rte_pktmbuf_alloc(mp);
			if (!m)
				return -ENOMEM;
			s.flow_id = (__u32)f;
			s.sport = (__u16)(40000 + f);
			s.seq = seq;
			if (dl_frame__build_udp4(rte_pktmbuf_mtod(m, void *),
						 rte_pktmbuf_tailroom(m), &s, &len))
				return -EINVAL;
			m->data_len = (uint16_t)len;
			m->pkt_len = (uint32_t)len;
			/* A full ring means the poller is behind: wait, bounded. */
			while (rte_eth_tx_burst(port, q, &m, 1) != 1) {
				if (++tries > 10000000) {
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

int main(int argc, char **argv)
{
	char prefix[32];
	char *eal[] = {
		argv[0], "-l", "0-1", "--no-huge", "-m", "256", "--no-pci",
		"--no-shconf", "--file-prefix", prefix, "--log-level", "*:error",
		NULL,
	};
	struct dl_dpdk_port_opts po = { .nqueues = NQ, .ring_size = 1024 };
	__u64 sent_q[NQ] = {}, sent = 0;
	struct rte_ring *rings[NQ];
	struct dl_dpdk_port *p = NULL;
	struct dl_agg *out = NULL;
	struct dl_dpdk_stats st;
	struct dl_agg_totals at;
	int i, n, port, err;

	(void)argc;
	if (geteuid() != 0 || sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "SKIP: needs root and two CPUs\n");
		return 77;
	}
	snprintf(prefix, sizeof(prefix), "dlx%d", (int)getpid());
	n = dl_dpdk__eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal);
	if (n < 0) {
		fprintf(stderr, "SKIP: EAL did not start: %s\n", strerror(-n));
		return 77;
	}
	for (i = 0; i < NQ; i++) {
		char name[32];

		snprintf(name, sizeof(name), "dlx_ring%d", i);
		rings[i] = rte_ring_create(name, 1024, SOCKET_ID_ANY,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (!rings[i]) {
			fprintf(stderr, "cannot create ring %s\n", name);
			return 1;
		}
	}
	/* TX queue q enqueues to ring q, RX queue q dequeues from it. */
	port = rte_eth_from_rings("net_ring_dlx", rings, NQ, rings, NQ,
				  SOCKET_ID_ANY);
	if (port < 0) {
		fprintf(stderr, "SKIP: net_ring port: %s\n", rte_strerror(rte_errno));
		return 77;
	}
	po.port_id = (uint16_t)port;
	p = dl_dpdk_port__open(&po);
	CHECK(p, "cannot open port %d: %s", port, strerror(errno));
	out = dl_agg__new(NULL);
	if (!p || !out)
		goto out;
	err = dl_dpdk_port__launch(p);
	CHECK(!err, "cannot launch pollers: %s", strerror(-err));
	if (err)
		goto out;
	err = send_flow_frames((uint16_t)port, dl_dpdk_port__pool(p), sent_q);
	CHECK(!err, "sending failed: %s", strerror(-err));
	for (i = 0; i < NQ; i++)
		sent += sent_q[i];
	/* The pollers drain on stop; wait until the PMD counted every frame. */
	for (i = 0; i < 5000; i++) {
		if (!dl_dpdk_port__stats(p, &st) && st.ipackets >= sent)
			break;
		usleep(1000);
	}
	dl_dpdk_port__stop(p);
	dl_dpdk_port__collect(p, out);
	dl_dpdk_port__stats(p, &st);
	dl_agg__totals(out, &at);

	printf("sent %llu, rte_eth_stats ipackets %llu imissed %llu rx_nombuf %llu, "
	       "records %llu\n", (unsigned long long)sent,
	       (unsigned long long)st.ipackets, (unsigned long long)st.imissed,
	       (unsigned long long)st.rx_nombuf, (unsigned long long)at.records);
	CHECK(st.ipackets == sent, "ipackets %llu, sent %llu",
	      (unsigned long long)st.ipackets, (unsigned long long)sent);
	CHECK(st.imissed == 0 && st.rx_nombuf == 0, "net_ring lost frames");
	CHECK(at.records == sent && at.stamped == sent, "records %llu stamped %llu",
	      (unsigned long long)at.records, (unsigned long long)at.stamped);
	for (i = 0; i < NQ; i++) {
		struct dl_agg_queue aq;

		dl_agg__queue(out, (unsigned int)i, &aq);
		printf("queue %d: sent %llu, q_ipackets %llu, stamped records %llu\n",
		       i, (unsigned long long)sent_q[i],
		       (unsigned long long)st.q_ipackets[i],
		       (unsigned long long)aq.stamped);
		CHECK(st.q_ipackets[i] == sent_q[i], "queue %d: q_ipackets %llu", i,
		      (unsigned long long)st.q_ipackets[i]);
		CHECK(aq.stamped == sent_q[i], "queue %d: records %llu", i,
		      (unsigned long long)aq.stamped);
	}
	for (i = 0; i < FLOWS; i++) {
		const struct dl_seqcheck *s;

		CHECK(!dl_agg__seq_finish(out, (unsigned int)i, PER_FLOW),
		      "flow %d: sequence beyond what was sent", i);
		s = dl_agg__seq(out, (unsigned int)i);
		if (!s)
			continue;
		CHECK(s->received + s->lost == PER_FLOW, "flow %d: %llu + %llu", i,
		      (unsigned long long)s->received, (unsigned long long)s->lost);
		CHECK(s->lost == (i == GAP_FLOW), "flow %d: lost %llu", i,
		      (unsigned long long)s->lost);
		CHECK(s->reordered == 0 && s->duplicated == 0,
		      "flow %d: reordered %llu duplicated %llu", i,
		      (unsigned long long)s->reordered,
		      (unsigned long long)s->duplicated);
	}
out:
	dl_agg__free(out);
	dl_dpdk_port__close(p);
	rte_eal_cleanup();
	/* EAL leaves its runtime directory even with --no-shconf. */
	{
		char dir[64];

		snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", prefix);
		if (!access(dir, F_OK) && fork() == 0) {
			execlp("rm", "rm", "-rf", "--", dir, (char *)NULL);
			_exit(127);
		}
		wait(NULL);
	}
	printf("%s: %d failed checks\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
