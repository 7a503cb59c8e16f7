// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's own counters in the ledger: NIC-level drops before XDP,
 * counted-but-not-traced discards (ledger_untraced.c), and cross-checks
 * of SNMP/device counters against the drops we traced. A mismatch is
 * reported, never smoothed over: it means a path we do not see or a
 * counter that covers more than the watched interface.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/counter.h"
#include "counters/kstate.h"
#include "ledger/ledger_kernel.h"
#include "ledger/ledger.h"
#include "ledger/ledger_untraced.h"
#include "counters/nic_counters.h"
#include "counters/nic_delta.h"
#include "counters/snmp.h"
#include "counters/softnet.h"
#include "counters/sysfs_stats.h"

/*
 * Counter, reason it counts, and the function the drop must be in when the
 * reason alone is wider than the counter (NO_SOCKET is also TCP's).
 */
static const struct xcheck_rule {
	const char *group;	/* SNMP group; "sysfs" for the device's counters */
	const char *name;
	const char *label;
	const char *reason;
	const char *function;	/* prefix, or NULL */
	bool tx;		/* counts transmit-side drops (neighbour) */
} xcheck_rules[] = {
	{ "Udp", "RcvbufErrors", "Udp RcvbufErrors", "SOCKET_RCVBUFF", "udp_" },
	{ "Udp", "NoPorts", "Udp NoPorts", "NO_SOCKET", "__udp4_lib_rcv" },
	{ NULL, "IPReversePathFilter", "TcpExt IPReversePathFilter", "IP_RPFILTER", NULL },
	{ NULL, "InNoRoutes", "IpExt InNoRoutes", "IP_INNOROUTES", NULL },
	{ "Ip", "InAddrErrors", "Ip InAddrErrors", "IP_INADDRERRORS", NULL },
	{ "sysfs", "rx_dropped", "rx_dropped", "UNHANDLED_PROTO", NULL },
	/* Neighbour table: only readable in the initial namespace. */
	{ "arp", "unresolved_discards", "arp_cache unresolved_discards", "NEIGH_QUEUEFULL", NULL, true },
	{ "arp", "table_fulls", "arp_cache table_fulls", "NEIGH_CREATEFAIL", NULL, true },
	/* Not a drop: UDP datagrams delivered to sockets (read by applications). */
	{ "Udp", "InDatagrams", "Udp InDatagrams", "(delivered udp)", NULL },
};

#define DELIVERED_UDP "(delivered udp)"

static uint64_t traced(const struct dl_ledger *l, const struct xcheck_rule *r)
{
	uint64_t n = 0;
	unsigned int i;

	if (!strcmp(r->reason, DELIVERED_UDP))
		return l->delivered_udp;
	for (i = 0; i < l->ncauses; i++) {
		const struct dl_ledger_cause *c = &l->causes[i];

		if (c->tx != r->tx || strcmp(c->reason_name, r->reason))
			continue;
		if (r->function && strncmp(c->function, r->function, strlen(r->function)))
			continue;
		n += c->count;
	}
	return n;
}

static int kernel_delta(const struct dl_ledger *l, const struct dl_kstate *a,
			const struct dl_kstate *b, const struct xcheck_rule *r, uint64_t *d)
{
	uint64_t x, y;

	if (r->group && !strcmp(r->group, "arp")) {
		struct dl_opt o = !strcmp(r->name, "table_fulls") ? l->arp_table_fulls :
				  l->arp_unresolved_discards;

		*d = o.v;
		return o.have ? 0 : -ENOENT;
	}
	if (r->group && !strcmp(r->group, "sysfs")) {
		if (!a->nic || !b->nic ||
		    dl_sysfs_stats__get(&a->nic->sysfs, DL_SYSFS_RX_DROPPED, &x) ||
		    dl_sysfs_stats__get(&b->nic->sysfs, DL_SYSFS_RX_DROPPED, &y))
			return -ENOENT;
	} else {
		if (!a->snmp || !b->snmp || dl_snmp__get(a->snmp, r->group, r->name, &x) ||
		    dl_snmp__get(b->snmp, r->group, r->name, &y))
			return -ENOENT;
	}
	return dl_counter__delta(x, y, 64, d);
}

static int add_xchecks(struct dl_ledger *l, const struct dl_kstate *a,
		       const struct dl_kstate *b)
{
	size_t i, n = sizeof(xcheck_rules) / sizeof(xcheck_rules[0]);

	l->xchecks = calloc(n, sizeof(*l->xchecks));
	if (!l->xchecks)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct xcheck_rule *r = &xcheck_rules[i];
		struct dl_ledger_xcheck *x = &l->xchecks[l->nxchecks];
		uint64_t d;
		int err;

		x->traced = traced(l, r);
		err = kernel_delta(l, a, b, r, &d);
		x->kernel = (struct dl_opt){ .v = d, .have = !err };
		/* Nothing on either side: nothing to say. */
		if (!x->traced && (!x->kernel.have || !x->kernel.v))
			continue;
		x->counter = r->label;
		x->reason = r->reason;
		x->match = x->kernel.have && x->kernel.v == x->traced;
		if (err == -ERANGE)
			x->note = "the kernel counter went backwards (reset) during the interval";
		else if (!x->kernel.have && r->group && !strcmp(r->group, "arp"))
			x->note = "/proc/net/stat/arp_cache exists only in the initial network namespace";
		else if (!x->kernel.have)
			x->note = "the kernel counter is not available here";
		else if (x->kernel.v > x->traced && l->records_lost)
			x->note = "the tracer lost the reason of some drops (records_lost): they may be of this reason";
		else if (x->kernel.v > x->traced && !strcmp(r->reason, DELIVERED_UDP))
			x->note = "datagrams read by applications are freed without a tracepoint (skb_attempt_defer_free, Linux 6.13+): delivered, not lost; other interfaces of the namespace add too";
		else if (x->kernel.v > x->traced && r->tx)
			x->note = "the neighbour table is host-wide: other interfaces and namespaces add to it";
		else if (x->kernel.v > x->traced)
			x->note = r->group && !strcmp(r->group, "sysfs") ?
				  "the device counted drops the tracer did not attribute to this reason (driver drops, backlog, other paths)" :
				  "the kernel counter is namespace-wide: other interfaces or paths add to it";
		else if (x->kernel.v < x->traced)
			x->note = "traced more than the kernel counted: the counter misses some paths of this reason";
		/* Delivered but untraced frames are the usual positive residual. */
		if (!strcmp(r->reason, DELIVERED_UDP) && x->kernel.have &&
		    x->kernel.v > x->traced && l->residual > 0) {
			uint64_t d = x->kernel.v - x->traced;

			l->residual_delivered_untraced = (struct dl_opt){
				.v = d < (uint64_t)l->residual ? d : (uint64_t)l->residual,
				.have = true,
			};
		}
		l->nxchecks++;
	}
	return 0;
}

static void add_softnet(struct dl_ledger *l, const struct dl_softnet *a,
			const struct dl_softnet *b)
{
	static const enum dl_softnet_col cols[] = {
		DL_SOFTNET_PROCESSED, DL_SOFTNET_DROPPED, DL_SOFTNET_TIME_SQUEEZE,
	};
	unsigned int i, k;

	if (!a || !b || a->nr_cpus != b->nr_cpus)
		return;
	l->cpus = calloc(b->nr_cpus, sizeof(*l->cpus));
	if (!l->cpus)
		return;
	for (i = 0; i < b->nr_cpus; i++) {
		struct dl_ledger_cpu *c = &l->cpus[l->ncpus++];
		struct dl_opt *dst[] = { &c->processed, &c->backlog_dropped, &c->time_squeeze };
		uint64_t idx;

		c->cpu = dl_softnet__get(b, i, DL_SOFTNET_CPU_INDEX, &idx) ? i : (unsigned int)idx;
		for (k = 0; k < 3; k++) {
			uint64_t x, y, d;

			/* softnet_stat columns are 32-bit: a smaller value wrapped. */
			if (!dl_softnet__get(a, i, cols[k], &x) &&
			    !dl_softnet__get(b, i, cols[k], &y) &&
			    !dl_counter__delta(x, y, 32, &d))
				*dst[k] = (struct dl_opt){ .v = d, .have = true };
		}
	}
}

static struct dl_opt stat_delta(bool avail_a, bool avail_b, uint32_t have_a,
				 uint32_t have_b, const uint64_t *va, const uint64_t *vb,
				 int i)
{
	uint64_t d;

	if (!avail_a || !avail_b || !(have_a & have_b & (1u << i)) ||
	    dl_counter__delta(va[i], vb[i], 64, &d))
		return (struct dl_opt){};
	return (struct dl_opt){ .v = d, .have = true };
}

/* Neighbour and conntrack tables: table full, unresolved, early drops. */
static void add_tables(struct dl_ledger *l, const struct dl_kstate *a,
		       const struct dl_kstate *b)
{
#define ARP(i) stat_delta(a->arp.available, b->arp.available, a->arp.have, \
			  b->arp.have, a->arp.v, b->arp.v, i)
#define CT(i) stat_delta(a->ct.available, b->ct.available, a->ct.have, \
			 b->ct.have, a->ct.v, b->ct.v, i)
	l->arp_table_fulls = ARP(DL_NEIGH_TABLE_FULLS);
	l->arp_unresolved_discards = ARP(DL_NEIGH_UNRESOLVED_DISCARDS);
	l->arp_res_failed = ARP(DL_NEIGH_RES_FAILED);
	l->ct_insert_failed = CT(DL_CT_INSERT_FAILED);
	l->ct_drop = CT(DL_CT_DROP);
	l->ct_early_drop = CT(DL_CT_EARLY_DROP);
#undef ARP
#undef CT
	/* Entries is a gauge: the value at the end, not a delta. */
	if (b->ct.available && (b->ct.have & (1u << DL_CT_ENTRIES)))
		l->ct_entries = (struct dl_opt){ .v = b->ct.v[DL_CT_ENTRIES], .have = true };
}

int dl_ledger__add_kstate(struct dl_ledger *l, const struct dl_kstate *a,
			  const struct dl_kstate *b)
{
	unsigned int q;
	uint64_t v;
	int err;

	if (a->nic && b->nic && !dl_nic__delta(a->nic, b->nic, &l->nic)) {
		snprintf(l->nic_driver, sizeof(l->nic_driver), "%s", b->nic->driver);
		if (!dl_nic_vals__dropped(&l->nic->global, &v))
			l->nic_dropped = (struct dl_opt){ .v = v, .have = true };
		for (q = 0; q < l->nic->nr_queues && q < DL_MAX_QUEUES; q++)
			if (!dl_nic_vals__dropped(&l->nic->queue[q], &v))
				l->q[q].nic_dropped = (struct dl_opt){ .v = v, .have = true };
	}
	add_tables(l, a, b);
	err = add_xchecks(l, a, b);
	if (!err)
		err = dl_ledger__add_untraced(l, a, b, NULL);
	add_softnet(l, a->softnet, b->softnet);
	return err;
}
