/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading per-CPU BPF map values whose every field is a __u64 counter:
 * one lookup, the CPUs' copies summed field by field.
 */
#ifndef DL_PERCPU_H
#define DL_PERCPU_H

#include <stddef.h>

#include <linux/types.h>

/*
 * Sum the per-CPU copies of element @key of @map_fd into @out, a struct of
 * @value_size bytes made only of __u64 (padding included). 0 or -errno.
 */
int dl_percpu__sum(int map_fd, __u32 key, size_t value_size, void *out);

/*
 * Every element of a per-CPU array of @n elements in one batch syscall:
 * @buf (dl_percpu__array_bytes()) receives, per key, one value per possible
 * CPU, each @value_size rounded up to 8 bytes. 0 or -errno.
 */
size_t dl_percpu__array_bytes(__u32 n, size_t value_size);
int dl_percpu__read_array(int map_fd, __u32 n, size_t value_size, void *buf);
/* CPU @cpu's copy of element @key in a buffer read by dl_percpu__read_array. */
const void *dl_percpu__at(const void *buf, __u32 key, int cpu, size_t value_size);

#endif
