// SPDX-License-Identifier: GPL-2.0-only
/* Summing per-CPU map values; see percpu.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "util/percpu.h"

int dl_percpu__sum(int map_fd, __u32 key, size_t value_size, void *out)
{
	int ncpu = libbpf_num_possible_cpus(), c, err = 0;
	size_t words = value_size / sizeof(__u64), w;
	/* The kernel lays per-CPU values out 8-byte aligned, one per CPU. */
	size_t stride = (value_size + 7) & ~(size_t)7;
	__u64 *dst = out;
	char *v;

	if (ncpu < 1)
		return ncpu < 0 ? ncpu : -EINVAL;
	if (value_size % sizeof(__u64))
		return -EINVAL;
	v = calloc((size_t)ncpu, stride);
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, v)) {
		err = -errno;
		goto out;
	}
	memset(out, 0, value_size);
	for (c = 0; c < ncpu; c++) {
		const __u64 *src = (const __u64 *)(v + (size_t)c * stride);

		for (w = 0; w < words; w++)
			dst[w] += src[w];
	}
out:
	free(v);
	return err;
}
