/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tap-mode mirroring rings: one BPF ring buffer per CPU, placed in the
 * dl_ingress program's ARRAY_OF_MAPS `mirror_rings`, plus the program's
 * per-CPU self-accounting (`mirror_stats`). Each ring is mapped once, here,
 * and read through that mapping by the workers (workers.h) or drain().
 */
#ifndef DL_MIRROR_H
#define DL_MIRROR_H

#include <stddef.h>
#include <linux/types.h>

struct bpf_map;
struct dl_mirror;
struct dl_mirror_ring;

struct dl_mirror_opts {
	size_t ring_bytes;	/* per CPU, power of two; 0: 4 MiB */
};

/* Sums of the per-CPU struct dl_mirror_stats, plus what drain() read. */
struct dl_mirror_totals {
	__u64 frames;		/* frames that reached the mirror step */
	__u64 submitted;	/* records committed to the rings */
	__u64 lost;		/* records_lost: failed reserve or no ring */
	__u64 sampled_out;	/* skipped by 1-in-N sampling */
	__u64 no_ring;		/* of lost: CPU had no ring */
	__u64 received;		/* records read by dl_mirror__drain() */
};

/*
 * Before the object is loaded: size the outer map to the possible CPUs.
 * Returns 0 or -errno.
 */
int dl_mirror__prepare(struct bpf_map *rings);
/*
 * After load: create one ring per possible CPU, put it in @rings and map
 * it (consumer page, producer page and data once: ring_bytes + 2 pages of
 * RSS per ring). NULL + errno on failure.
 */
struct dl_mirror *dl_mirror__new(struct bpf_map *rings, struct bpf_map *stats,
				 const struct dl_mirror_opts *opts);
void dl_mirror__free(struct dl_mirror *m);
/* Number of rings (possible CPUs); ring i is written by XDP on CPU i. */
int dl_mirror__nr_rings(const struct dl_mirror *m);
/* Map fd of ring @cpu; -ENOENT if none. */
int dl_mirror__ring_fd(const struct dl_mirror *m, int cpu);
/* The mapping of ring @cpu (mirror_ring.h), NULL if none. */
const struct dl_mirror_ring *dl_mirror__ring(const struct dl_mirror *m, int cpu);
/*
 * Read and discard every record now in the rings (counted into
 * totals.received). Not while workers read them. Returns the number of
 * records read or -errno.
 */
long dl_mirror__drain(struct dl_mirror *m);
/* Read the BPF-side counters; received is drain()'s count. */
int dl_mirror__totals(const struct dl_mirror *m, struct dl_mirror_totals *t);
/* Sum the BPF-side counters of a mirror_stats map fd (any owner). */
int dl_mirror__read_stats(int stats_fd, struct dl_mirror_totals *t);

#endif
