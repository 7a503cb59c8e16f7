// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU mirror rings, see mirror.h. Ring buffers are created here, not
 * by libbpf, so their size is a run-time choice: the kernel's map-in-map
 * check compares type and flags of a ringbuf, not its size. Slot rings are
 * two maps libbpf creates, sized here before load. The kernel fills a
 * ring's page tables when it is mapped, so every mapping costs the ring's
 * size in RSS at once: one mapping per ring, shared by all readers.
 */
#include <errno.h>
#include <stdbool.h>
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
#include "ingress.skel.h"

#define DEFAULT_RING_BYTES (4u << 20)


struct dl_mirror {
	enum dl_mirror_kind kind;
	int nr;			/* rings, one per possible CPU */
	int *fds;		/* ringbuf: the rings */
	struct dl_mirror_ring *rings;	/* mappings of fds[] / slot rings */
	size_t ring_bytes;
	void *slots_map;	/* percpu: mapping of mirror_slots */
	size_t slots_len;
	void *pos_map;		/* percpu: mapping of mirror_pos */
	size_t pos_len;
	unsigned int slot_shift;
	int stats_fd;
	__u64 received;
};

static enum dl_mirror_kind kind_of(const struct dl_mirror_opts *opts)
{
	if (!opts || opts->kind == DL_MIRROR_DEFAULT)
		return DL_MIRROR_PERCPU;
	return opts->kind;
}

static size_t bytes_of(const struct dl_mirror_opts *opts)
{
	return opts && opts->ring_bytes ? opts->ring_bytes : DEFAULT_RING_BYTES;
}

static bool bytes_ok(size_t bytes)
{
	return !(bytes & (bytes - 1)) && bytes >= (size_t)sysconf(_SC_PAGESIZE) &&
	       bytes <= (1u << 30);
}

/* log2 of the slots of a per-CPU slot ring of at most @bytes. */
static unsigned int slot_shift_of(size_t bytes)
{
	unsigned int shift = 0;

	while (((size_t)2 << shift) * sizeof(struct dl_pkt_rec) <= bytes)
		shift++;
	return shift;
}

static int nr_rings(void)
{
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu < 0)
		return ncpu;
	if (ncpu > DL_MIRROR_MAX_CPUS) {
		pr_warn("mirror: %d possible CPUs, rings only for the first %d\n",
			ncpu, DL_MIRROR_MAX_CPUS);
		ncpu = DL_MIRROR_MAX_CPUS;
	}
	return ncpu;
}

enum dl_mirror_kind dl_mirror__kind(const struct dl_mirror *m)
{
	return m ? m->kind : DL_MIRROR_PERCPU;
}

int dl_mirror__prepare(struct dl_ingress_bpf *skel, const struct dl_mirror_opts *opts)
{
	size_t bytes = bytes_of(opts);
	unsigned int shift;
	int ncpu = nr_rings(), err;

	if (!skel || !bytes_ok(bytes))
		return -EINVAL;
	if (ncpu < 0)
		return ncpu;
	skel->rodata->mirror_ts = opts && opts->timestamps;
	if (kind_of(opts) == DL_MIRROR_RINGBUF) {
		skel->rodata->mirror_ringbuf = 1;
		return bpf_map__set_max_entries(skel->maps.mirror_rings, (__u32)ncpu);
	}
	shift = slot_shift_of(bytes);
	skel->rodata->mirror_ringbuf = 0;
	skel->rodata->mirror_slot_shift = shift;
	err = bpf_map__set_max_entries(skel->maps.mirror_slots, (__u32)ncpu << shift);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.mirror_pos, (__u32)ncpu);
	return err;
}

static size_t page_align(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) & ~(page - 1);
}

/* percpu: map both arrays once and point ring c at its slots and position. */
static int slots_map(struct dl_mirror *m, struct dl_ingress_bpf *skel)
{
	struct bpf_map *slots = skel->maps.mirror_slots, *pos = skel->maps.mirror_pos;
	int i;

	m->slot_shift = skel->rodata->mirror_slot_shift;
	if (bpf_map__max_entries(slots) != (__u32)m->nr << m->slot_shift ||
	    bpf_map__max_entries(pos) != (__u32)m->nr || skel->rodata->mirror_ringbuf) {
		pr_warn("mirror: slot rings not sized by dl_mirror__prepare()\n");
		return -EINVAL;
	}
	m->slots_len = page_align(((size_t)m->nr << m->slot_shift) *
				  sizeof(struct dl_pkt_rec));
	m->slots_map = mmap(NULL, m->slots_len, PROT_READ, MAP_SHARED,
			    bpf_map__fd(slots), 0);
	if (m->slots_map == MAP_FAILED) {
		m->slots_map = NULL;
		return -errno;
	}
	m->pos_len = page_align((size_t)m->nr * sizeof(struct dl_mirror_pos));
	m->pos_map = mmap(NULL, m->pos_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			  bpf_map__fd(pos), 0);
	if (m->pos_map == MAP_FAILED) {
		m->pos_map = NULL;
		return -errno;
	}
	for (i = 0; i < m->nr; i++) {
		struct dl_mirror_ring *r = &m->rings[i];

		r->pos = (struct dl_mirror_pos *)m->pos_map + i;
		r->slots = (const struct dl_pkt_rec *)m->slots_map +
			   ((size_t)i << m->slot_shift);
		r->slot_mask = (1ull << m->slot_shift) - 1;
	}
	return 0;
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

/* ringbuf: create, insert and map one ring per CPU. */
static int ringbufs_make(struct dl_mirror *m, struct bpf_map *rings)
{
	int i, err;

	if (bpf_map__max_entries(rings) != (__u32)m->nr ||
	    !m->fds || m->rings == NULL)
		return -EINVAL;
	for (i = 0; i < m->nr; i++) {
		__u32 key = (__u32)i;
		char name[BPF_OBJ_NAME_LEN];

		snprintf(name, sizeof(name), "dl_mirror_%u", key & 0xffff);
		m->fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, name, 0, 0,
					   (__u32)m->ring_bytes, NULL);
		if (m->fds[i] < 0) {
			err = -errno;
			pr_warn("mirror: cannot create ring %s (%zu bytes): %s\n",
				name, m->ring_bytes, strerror(-err));
			return err;
		}
		if (bpf_map_update_elem(bpf_map__fd(rings), &key, &m->fds[i],
					BPF_ANY)) {
			err = -errno;
			pr_warn("mirror: cannot insert ring %s into %s: %s\n",
				name, bpf_map__name(rings), strerror(-err));
			return err;
		}
		err = ring_map(&m->rings[i], m->fds[i], m->ring_bytes);
		if (err) {
			pr_warn("mirror: cannot map ring %s: %s\n", name,
				strerror(-err));
			return err;
		}
	}
	return 0;
}

struct dl_mirror *dl_mirror__new(struct dl_ingress_bpf *skel,
				 const struct dl_mirror_opts *opts)
{
	size_t bytes = bytes_of(opts);
	struct dl_mirror *m;
	int i, err;

	if (!skel || !bytes_ok(bytes)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->kind = kind_of(opts);
	m->stats_fd = bpf_map__fd(skel->maps.mirror_stats);
	m->nr = nr_rings();
	if (m->nr < 0) {
		err = m->nr;
		m->nr = 0;
		goto fail;
	}
	m->ring_bytes = bytes;
	m->fds = calloc((size_t)m->nr, sizeof(int));
	m->rings = calloc((size_t)m->nr, sizeof(*m->rings));
	if (!m->fds || !m->rings) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < m->nr; i++)
		m->fds[i] = -1;
	if (m->kind == DL_MIRROR_RINGBUF) {
		err = ringbufs_make(m, skel->maps.mirror_rings);
	} else {
		err = slots_map(m, skel);
		if (err)
			pr_warn("mirror: cannot map the slot rings: %s\n",
				strerror(-err));
	}
	if (err)
		goto fail;
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
		if (!m->rings[i].slots)
			ring_unmap(&m->rings[i], m->ring_bytes);
	if (m->slots_map)
		munmap(m->slots_map, m->slots_len);
	if (m->pos_map)
		munmap(m->pos_map, m->pos_len);
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

const struct dl_mirror_ring *dl_mirror__ring(const struct dl_mirror *m, int cpu)
{
	if (!m || cpu < 0 || cpu >= m->nr ||
	    (!m->rings[cpu].data && !m->rings[cpu].slots))
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
		if (dl_mirror__ring(m, i))
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
