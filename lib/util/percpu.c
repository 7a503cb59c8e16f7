// SPDX-License-Identifier: GPL-2.0-only
/* Summing per-CPU map values; see percpu.h. */
#include <errno.h>
#include <stdbool.h>
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

static size_t stride_of(size_t value_size)
{
	return (value_size + 7) & ~(size_t)7;
}

size_t dl_percpu__array_bytes(__u32 n, size_t value_size)
{
	int ncpu = libbpf_num_possible_cpus();

	return (size_t)n * (size_t)(ncpu > 0 ? ncpu : 1) * stride_of(value_size);
}

const void *dl_percpu__at(const void *buf, __u32 key, int cpu, size_t value_size)
{
	int ncpu = libbpf_num_possible_cpus();

	return (const char *)buf + ((size_t)key * (size_t)ncpu + (size_t)cpu) *
		stride_of(value_size);
}

int dl_percpu__read_array(int map_fd, __u32 n, size_t value_size, void *buf)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	size_t per_key = dl_percpu__array_bytes(1, value_size);
	__u32 done = 0, out = 0, cnt, *keys;
	bool first = true;
	int err = 0;

	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	while (done < n) {
		cnt = n - done;
		if (bpf_map_lookup_batch(map_fd, first ? NULL : &out, &out, keys + done,
					 (char *)buf + done * per_key, &cnt, &opts)) {
			err = -errno;
			done += cnt;
			if (err == -ENOENT)
				err = 0;
			break;
		}
		first = false;
		done += cnt;
	}
	if (!err && done != n)
		err = -EIO;
	free(keys);
	return err;
}
