// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read and fold the per-(flow, queue) map; see flow_queues.h. Read in
 * batches: walking an LRU hash with get_next_key restarts from the first
 * key whenever the current one is evicted, batches do not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "fastpath/flow_cache.h"
#include "fastpath/flow_queues.h"
#include "util/log.h"

static int by_key(const void *a, const void *b)
{
	const struct dl_flow_q_entry *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return (x->rxq > y->rxq) - (x->rxq < y->rxq);
}

/*
 * Add the frames dl_ingress's per-CPU cache still holds for each (flow,
 * queue): the counts are then exact at read time. A pending pair whose
 * entry the LRU evicted comes back as an entry of its own.
 */
static int join_cache(int map_fd, struct dl_flow_q_entry **e, size_t *n)
{
	int cache = dl_flow_cache__of(map_fd), err;
	struct dl_flow_pending *p = NULL;
	struct dl_flow_q_entry *ne;
	size_t np = 0, i, extra = 0, base = *n;

	if (cache < 0)
		return 0;
	err = dl_flow_cache__read(cache, &p, &np);
	if (err || !np)
		return err;
	ne = realloc(*e, (base + np) * sizeof(*ne));
	if (!ne) {
		free(p);
		return -ENOMEM;
	}
	*e = ne;
	qsort(ne, base, sizeof(*ne), by_key);
	for (i = 0; i < np; i++) {
		struct dl_flow_q_entry k = { .hash = p[i].hash, .rxq = p[i].rxq }, *hit;
		__u64 bit = p[i].cpu < 64 ? 1ull << p[i].cpu : 0;

		hit = bsearch(&k, ne, base, sizeof(*ne), by_key);
		if (!hit) {
			hit = &ne[base + extra++];
			*hit = k;
			hit->v.flow = p[i].flow;
		}
		hit->v.packets += p[i].packets;
		hit->v.bytes += p[i].bytes;
		hit->v.cpus |= bit;
	}
	*n = base + extra;
	free(p);
	return 0;
}

int dl_flow_queues__read_raw(int map_fd, struct dl_flow_q_entry **out, size_t *n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	struct bpf_map_info info = {};
	__u32 ilen = sizeof(info), token = 0, count, i;
	struct dl_flow_q_key *keys = NULL;
	struct dl_flow_q_val *vals = NULL;
	struct dl_flow_q_entry *e = NULL;
	size_t got = 0;
	void *in = NULL;
	int err;

	*out = NULL;
	*n = 0;
	if (bpf_obj_get_info_by_fd(map_fd, &info, &ilen))
		return -errno;
	if (info.key_size != sizeof(*keys) || info.value_size != sizeof(*vals)) {
		pr_warn("map %s is not a flow_q_cnt map (key %u, value %u bytes)\n",
			info.name, info.key_size, info.value_size);
		return -EINVAL;
	}
	if (!info.max_entries)
		return 0;
	keys = calloc(info.max_entries, sizeof(*keys));
	vals = calloc(info.max_entries, sizeof(*vals));
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		count = info.max_entries - got;
		if (!count) {
			/* Entries replaced while we read can outnumber the map. */
			pr_warn("flow_q_cnt changed while read: stopped at %zu entries\n", got);
			break;
		}
		err = bpf_map_lookup_batch(map_fd, in, &token, keys + got, vals + got,
					   &count, &bo);
		got += count;
		if (err == -ENOENT)
			break;
		if (err)
			goto out;
		in = &token;
	}
	err = 0;
	if (!got)
		goto out;
	e = calloc(got, sizeof(*e));
	if (!e) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < got; i++) {
		e[i].hash = keys[i].hash;
		e[i].rxq = keys[i].rxq;
		e[i].v = vals[i];
	}
	*out = e;
	*n = got;
	err = join_cache(map_fd, out, n);
out:
	free(keys);
	free(vals);
	return err;
}

static int by_flow(const void *a, const void *b)
{
	const struct dl_flow_q_entry *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	/* Two flows with one hash share a map key, but keep them apart here. */
	return memcmp(&x->v.flow, &y->v.flow, sizeof(x->v.flow));
}

int dl_flow_queues__fold(const struct dl_flow_q_entry *e, size_t n,
			 struct dl_flow_obs **out, size_t *nflows,
			 __u64 *dropped_pkts)
{
	struct dl_flow_q_entry *s = NULL;
	struct dl_flow_obs *o = NULL;
	size_t i, nf = 0;
	__u64 dropped = 0;

	*out = NULL;
	*nflows = 0;
	if (dropped_pkts)
		*dropped_pkts = 0;
	if (!n)
		return 0;
	s = malloc(n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memcpy(s, e, n * sizeof(*s));
	qsort(s, n, sizeof(*s), by_flow);
	for (i = 0; i < n; i++)
		nf += !i || by_flow(&s[i - 1], &s[i]);
	/* Sized by flows, not entries: an observation holds 64 queues. */
	o = calloc(nf, sizeof(*o));
	if (!o) {
		free(s);
		return -ENOMEM;
	}
	nf = 0;
	for (i = 0; i < n; i++) {
		if (!i || by_flow(&s[i - 1], &s[i])) {
			o[nf].flow = s[i].v.flow;
			nf++;
		}
		if (s[i].rxq >= DL_MAX_QUEUES) {
			dropped += s[i].v.packets;
			continue;
		}
		o[nf - 1].packets[s[i].rxq] += s[i].v.packets;
	}
	free(s);
	*out = o;
	*nflows = nf;
	if (dropped_pkts)
		*dropped_pkts = dropped;
	return 0;
}

int dl_flow_queues__read(int map_fd, struct dl_flow_obs **out, size_t *n)
{
	struct dl_flow_q_entry *e;
	size_t ne;
	__u64 lost;
	int err;

	err = dl_flow_queues__read_raw(map_fd, &e, &ne);
	if (err) {
		*out = NULL;
		*n = 0;
		return err;
	}
	err = dl_flow_queues__fold(e, ne, out, n, &lost);
	if (!err && lost)
		pr_info("%llu packets on rx queues >= %d are left out of the steering check\n",
			(unsigned long long)lost, DL_MAX_QUEUES);
	free(e);
	return err;
}
