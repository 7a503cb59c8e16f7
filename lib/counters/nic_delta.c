// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interval between two NIC snapshots; see dl_nic__delta() in nic_counters.h.
 * A counter compares only with itself: same scope, same source, same way of
 * being computed (direct or summed from queues). Anything else marks the
 * column reset and leaves it absent for this interval.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/counter.h"
#include "counters/nic_delta.h"
#include "counters/nic_counters.h"

#define BIT(c) (1u << (c))

/* Delta of one scope; returns the DL_NIC_RESET_* reasons it found. */
static uint32_t vals_delta(const struct dl_nic_vals *p, const struct dl_nic_vals *c,
			   struct dl_nic_vals *d, bool queues_changed)
{
	uint32_t why = 0;

	memset(d, 0, sizeof(*d));
	for (int i = 0; i < DL_NIC__NR; i++) {
		bool hp = p && (p->have & BIT(i)), hc = c->have & BIT(i);
		uint64_t dv, dn;

		if (!hp && !hc)
			continue;
		if (hp != hc || p->src[i] != c->src[i] ||
		    (p->derived & BIT(i)) != (c->derived & BIT(i))) {
			d->reset |= BIT(i);
			why |= p ? DL_NIC_RESET_SOURCE : DL_NIC_RESET_QUEUES;
			continue;
		}
		/* A sum over another set of queues is not the same counter. */
		if ((c->derived & BIT(i)) && queues_changed) {
			d->reset |= BIT(i);
			why |= DL_NIC_RESET_QUEUES;
			continue;
		}
		if (dl_counter__delta(p->v[i], c->v[i], 64, &dv) ||
		    dl_counter__delta(p->nosum[i], c->nosum[i], 64, &dn) || dn > dv) {
			d->reset |= BIT(i);
			why |= DL_NIC_RESET_BACKWARDS;
			continue;
		}
		d->v[i] = dv;
		d->nosum[i] = dn;
		d->have |= BIT(i);
		d->derived |= c->derived & BIT(i);
		d->src[i] = c->src[i];
	}
	return why;
}

int dl_nic__delta(const struct dl_nic_snapshot *prev, const struct dl_nic_snapshot *cur,
		  struct dl_nic_delta **out)
{
	struct dl_nic_delta *d;
	bool queues_changed;

	if (!prev || !cur || !out)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	if (cur->nr_queues) {
		d->queue = calloc(cur->nr_queues, sizeof(*d->queue));
		if (!d->queue) {
			free(d);
			return -ENOMEM;
		}
	}
	d->nr_queues = cur->nr_queues;
	d->interval_ns = cur->mono_ns > prev->mono_ns ? cur->mono_ns - prev->mono_ns : 0;

	/* Interface re-created or driver swapped: no counter carries over. */
	if (prev->ifindex != cur->ifindex || strcmp(prev->driver, cur->driver)) {
		d->reset = DL_NIC_RESET_DEVICE;
		d->global.reset = prev->global.have | cur->global.have;
		for (unsigned int q = 0; q < cur->nr_queues; q++)
			d->queue[q].reset = cur->queue[q].have;
		*out = d;
		return 0;
	}
	queues_changed = prev->nr_queues != cur->nr_queues;
	if (queues_changed)
		d->reset |= DL_NIC_RESET_QUEUES;
	d->reset |= vals_delta(&prev->global, &cur->global, &d->global, queues_changed);
	for (unsigned int q = 0; q < cur->nr_queues; q++)
		d->reset |= vals_delta(q < prev->nr_queues ? &prev->queue[q] : NULL,
				       &cur->queue[q], &d->queue[q], queues_changed);
	*out = d;
	return 0;
}

void dl_nic__delta_free(struct dl_nic_delta *d)
{
	if (!d)
		return;
	free(d->queue);
	free(d);
}
