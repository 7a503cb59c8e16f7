/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tap-mode mirroring rings of the dl_ingress program, one per CPU, of one
 * of two kinds (chosen before load, --mirror-ring):
 * - percpu (default): fixed-size slots of struct dl_pkt_rec in one
 *   mmapable array (`mirror_slots`) plus a producer head and consumer tail
 *   per CPU (`mirror_pos`); XDP writes a slot and publishes its head, no
 *   helper call, no lock.
 * - ringbuf: one BPF ring buffer per CPU in the ARRAY_OF_MAPS
 *   `mirror_rings` (reserve/commit per record; the old path).
 * Plus the program's per-CPU self-accounting (`mirror_stats`). Each ring
 * is mapped once, here, and read through that mapping by the workers
 * (workers.h) or drain().
 */
#ifndef DL_MIRROR_H
#define DL_MIRROR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "util/params.h"

struct dl_ingress_bpf;
struct dl_mirror;
struct dl_mirror_ring;

enum dl_mirror_kind {
	DL_MIRROR_DEFAULT,	/* percpu */
	DL_MIRROR_PERCPU,	/* per-CPU slot rings */
	DL_MIRROR_RINGBUF,	/* per-CPU BPF ring buffers */
};

struct dl_mirror_opts {
	/*
	 * Per CPU, power of two; 0: 4 MiB. percpu: the largest power of two
	 * of 80-byte slots that fits (4 MiB: 32768 slots).
	 */
	size_t ring_bytes;
	enum dl_mirror_kind kind;
	/*
	 * Stamp each record with bpf_ktime_get_ns() (DL_REC_TS). Off: ts_ns
	 * is 0; the helper is the costliest part of a record on kvm-clock.
	 */
	bool timestamps;
};

/* Sums of the per-CPU struct dl_mirror_stats, plus what drain() read. */
struct dl_mirror_totals {
	__u64 frames;		/* frames that reached the mirror step */
	__u64 submitted;	/* records committed to the rings */
	__u64 lost;		/* records_lost: ring full or no ring */
	__u64 sampled_out;	/* skipped by 1-in-N sampling */
	__u64 no_ring;		/* of lost: CPU had no ring */
	__u64 received;		/* records read by dl_mirror__drain() */
};

/*
 * Before the object is loaded: choose the ring kind (rodata) and size the
 * maps of that kind to the possible CPUs. Pass the same @opts to
 * dl_mirror__new(). Returns 0 or -errno.
 */
int dl_mirror__prepare(struct dl_ingress_bpf *skel, const struct dl_mirror_opts *opts);
/*
 * After load: create (ringbuf) and map one ring per possible CPU: ringbuf
 * costs ring_bytes + 2 pages of RSS per ring, percpu its slots once. NULL
 * + errno on failure.
 */
struct dl_mirror *dl_mirror__new(struct dl_ingress_bpf *skel,
				 const struct dl_mirror_opts *opts);
/* The kinds by name, for option tables: "percpu", "ringbuf". */
extern const struct dl_param_enum dl_mirror__kinds[];
/* "percpu" or "ringbuf"; parse: 0 or -EINVAL. */
const char *dl_mirror__kind_name(enum dl_mirror_kind kind);
int dl_mirror__parse_kind(const char *s, enum dl_mirror_kind *kind);
/* The kind in use (never DL_MIRROR_DEFAULT). */
enum dl_mirror_kind dl_mirror__kind(const struct dl_mirror *m);
void dl_mirror__free(struct dl_mirror *m);
/* Number of rings (possible CPUs); ring i is written by XDP on CPU i. */
int dl_mirror__nr_rings(const struct dl_mirror *m);
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
