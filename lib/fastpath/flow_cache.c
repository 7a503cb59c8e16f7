// SPDX-License-Identifier: GPL-2.0-only
/*
 * Join of dl_ingress's per-CPU flow cache with its shared flow tables; see
 * flow_cache.h. Tables are known by map id, so any fd of them finds the
 * cache registered by the dl_ingress that owns them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fastpath/flow_cache.h"

#define MAX_REG 16

static struct {
	__u32 table_id;
	int cache_fd;
} reg[MAX_REG];
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;

static __u32 map_id(int fd)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);

	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &mi, &len))
		return 0;
	return mi.id;
}

int dl_flow_cache__register(int table_fd, int cache_fd)
{
	__u32 id = map_id(table_fd);
	int i, err = -ENOSPC;

	if (!id)
		return -EBADF;
	pthread_mutex_lock(&reg_lock);
	for (i = 0; i < MAX_REG; i++)
		if (!reg[i].table_id || reg[i].table_id == id) {
			reg[i].table_id = id;
			reg[i].cache_fd = cache_fd;
			err = 0;
			break;
		}
	pthread_mutex_unlock(&reg_lock);
	return err;
}

void dl_flow_cache__unregister(int table_fd)
{
	__u32 id = map_id(table_fd);
	int i;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; id && i < MAX_REG; i++)
		if (reg[i].table_id == id)
			reg[i].table_id = 0;
	pthread_mutex_unlock(&reg_lock);
}

int dl_flow_cache__of(int table_fd)
{
	__u32 id = map_id(table_fd);
	int i, fd = -1;

	pthread_mutex_lock(&reg_lock);
	for (i = 0; id && i < MAX_REG; i++)
		if (reg[i].table_id == id)
			fd = reg[i].cache_fd;
	pthread_mutex_unlock(&reg_lock);
	return fd;
}

int dl_flow_cache__read(int cache_fd, struct dl_flow_pending **out, size_t *n)
{
	int ncpu = libbpf_num_possible_cpus(), c, s;
	struct dl_flow_cache *v;
	size_t cap = 0;
	__u32 zero = 0;

	*out = NULL;
	*n = 0;
	if (ncpu < 0)
		return ncpu;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(cache_fd, &zero, v)) {
		int err = -errno;

		free(v);
		return err;
	}
	for (c = 0; c < ncpu; c++)
		for (s = 0; s < DL_FC_SLOTS; s++)
			cap += v[c].slot[s].used && v[c].slot[s].packets;
	if (cap) {
		*out = calloc(cap, sizeof(**out));
		if (!*out) {
			free(v);
			return -ENOMEM;
		}
	}
	for (c = 0; c < ncpu; c++)
		for (s = 0; s < DL_FC_SLOTS; s++) {
			const struct dl_fc_slot *sl = &v[c].slot[s];
			struct dl_flow_pending *p;

			if (!sl->used || !sl->packets || *n >= cap)
				continue;
			p = &(*out)[(*n)++];
			p->flow = sl->flow;
			p->hash = sl->hash;
			p->rxq = sl->rxq;
			p->cpu = (__u32)c;
			p->packets = sl->packets;
			p->bytes = sl->bytes;
		}
	free(v);
	return 0;
}

int dl_flow_info__lookup(int flow_fd, __u32 hash, struct dl_flow_info *fi)
{
	struct dl_flow_pending *p = NULL;
	int cache = dl_flow_cache__of(flow_fd);
	size_t n = 0, i;

	if (bpf_map_lookup_elem(flow_fd, &hash, fi))
		return -ENOENT;
	if (cache < 0 || dl_flow_cache__read(cache, &p, &n))
		return 0;
	for (i = 0; i < n; i++)
		if (p[i].hash == hash) {
			fi->packets += p[i].packets;
			fi->bytes += p[i].bytes;
		}
	free(p);
	return 0;
}
