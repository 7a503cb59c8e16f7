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

#endif
