// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU mirror rings, see mirror.h. The inner maps are created here, not
 * by libbpf, so their size is a run-time choice: the kernel's map-in-map
 * check compares type and flags of a ringbuf, not its size. The kernel
 * fills a ring's page tables when it is mapped, so every mapping costs the
 * ring's size in RSS at once: one mapping per ring, shared by all readers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dropledger_shared.h"
#include "util/log.h"
#include "fastpath/mirror.h"
#include "util/percpu.h"
#include "fastpath/mirror_ring.h"

#define DEFAULT_RING_BYTES (4u << 20)


struct dl_mirror {
	int nr;			/* rings, one per possible CPU */
	int *fds;
	struct dl_mirror_ring *rings;	/* mappings of fds[] */
	size_t ring_bytes;
	int stats_fd;
	__u64 received;
};

int dl_mirror__prepare(struct bpf_map *rings)
{
	int ncpu = libbpf_num_possible_cpus();

	if (!rings)
		return -EINVAL;
	if (ncpu < 0)
		return ncpu;
	if (ncpu > DL_MIRROR_MAX_CPUS) {
		pr_warn("mirror: %d possible CPUs, rings only for the first %d\n",
			ncpu, DL_MIRROR_MAX_CPUS);
		ncpu = DL_MIRROR_MAX_CPUS;
	}
	return bpf_map__set_max_entries(rings, (__u32)ncpu);
}

static int ring_map(struct dl_mirror_ring *r, int fd, size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *cons, *prod;

	cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (cons == MAP_FAILED)
		return -errno;
	prod = mmap(NULL, page + bytes, PROT_READ, MAP_SHARED, fd, (off_t)page);
	if (prod == MAP_FAILED) {
		int err = -errno;

		munmap(cons, page);
		return err;
	}
	r->cons_pos = cons;
	r->prod_pos = prod;
	r->data = (const __u8 *)prod + page;
	r->mask = bytes - 1;
	return 0;
}

static void ring_unmap(struct dl_mirror_ring *r, size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	if (r->cons_pos)
		munmap((void *)r->cons_pos, page);
	if (r->prod_pos)
		munmap((void *)r->prod_pos, page + bytes);
	memset(r, 0, sizeof(*r));
}

static void count_rec(void *ctx, const struct dl_pkt_rec *rec)
{
	(void)rec;
	(*(__u64 *)ctx)++;
}

struct dl_mirror *dl_mirror__new(struct bpf_map *rings, struct bpf_map *stats,
				 const struct dl_mirror_opts *opts)
{
	size_t bytes = opts && opts->ring_bytes ? opts->ring_bytes :
		       DEFAULT_RING_BYTES;
	struct dl_mirror *m;
	int i, err;

	if (!rings || !stats || (bytes & (bytes - 1)) ||
	    bytes < (size_t)sysconf(_SC_PAGESIZE) || bytes > (1u << 30)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->stats_fd = bpf_map__fd(stats);
	m->nr = (int)bpf_map__max_entries(rings);
	m->ring_bytes = bytes;
	m->fds = calloc((size_t)m->nr, sizeof(int));
	m->rings = calloc((size_t)m->nr, sizeof(*m->rings));
	if (!m->fds || !m->rings) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < m->nr; i++)
		m->fds[i] = -1;
	for (i = 0; i < m->nr; i++) {
		__u32 key = (__u32)i;
		char name[BPF_OBJ_NAME_LEN];

		err = 0;
		snprintf(name, sizeof(name), "dl_mirror_%u", key & 0xffff);
		m->fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, name, 0, 0,
					   (__u32)bytes, NULL);
		if (m->fds[i] < 0) {
			err = -errno;
			pr_warn("mirror: cannot create ring %s (%zu bytes): %s\n",
				name, bytes, strerror(-err));
			goto fail;
		}
		if (bpf_map_update_elem(bpf_map__fd(rings), &key, &m->fds[i],
					BPF_ANY)) {
			err = -errno;
			pr_warn("mirror: cannot insert ring %s into %s: %s\n",
				name, bpf_map__name(rings), strerror(-err));
			goto fail;
		}
		err = ring_map(&m->rings[i], m->fds[i], bytes);
		if (err) {
			pr_warn("mirror: cannot map ring %s: %s\n", name,
				strerror(-err));
			goto fail;
		}
	}
	return m;
fail:
	dl_mirror__free(m);
	errno = -err;
	return NULL;
}

void dl_mirror__free(struct dl_mirror *m)
{
	int i;

	if (!m)
		return;
	for (i = 0; m->rings && i < m->nr; i++)
		ring_unmap(&m->rings[i], m->ring_bytes);
	for (i = 0; m->fds && i < m->nr; i++)
		if (m->fds[i] >= 0)
			close(m->fds[i]);
	free(m->rings);
	free(m->fds);
	free(m);
}

int dl_mirror__nr_rings(const struct dl_mirror *m)
{
	return m ? m->nr : -EINVAL;
}

int dl_mirror__ring_fd(const struct dl_mirror *m, int cpu)
{
	if (!m || cpu < 0 || cpu >= m->nr || m->fds[cpu] < 0)
		return -ENOENT;
	return m->fds[cpu];
}

const struct dl_mirror_ring *dl_mirror__ring(const struct dl_mirror *m, int cpu)
{
	if (!m || cpu < 0 || cpu >= m->nr || !m->rings[cpu].data)
		return NULL;
	return &m->rings[cpu];
}

long dl_mirror__drain(struct dl_mirror *m)
{
	__u64 before, got = 0, bad = 0;
	int i;

	if (!m)
		return 0;
	before = m->received;
	for (i = 0; i < m->nr; i++)
		if (m->rings[i].data)
			dl_mirror_ring__consume(&m->rings[i], ~0u, count_rec,
						&got, &bad);
	/* Every record counts as read, whatever its size. */
	m->received += got + bad;
	return (long)(m->received - before);
}

int dl_mirror__read_stats(int stats_fd, struct dl_mirror_totals *t)
{
	struct dl_mirror_stats v;
	int err;

	if (!t || stats_fd < 0)
		return -EINVAL;
	err = dl_percpu__sum(stats_fd, 0, sizeof(v), &v);
	if (err)
		return err;
	memset(t, 0, sizeof(*t));
	t->frames = v.frames;
	t->submitted = v.submitted;
	t->lost = v.lost;
	t->sampled_out = v.sampled_out;
	t->no_ring = v.no_ring;
	return 0;
}

int dl_mirror__totals(const struct dl_mirror *m, struct dl_mirror_totals *t)
{
	int err;

	if (!m || !t)
		return -EINVAL;
	err = dl_mirror__read_stats(m->stats_fd, t);
	if (!err)
		t->received = m->received;
	return err;
}
