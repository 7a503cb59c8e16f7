// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_af_xdp helpers of DPDK mode, see dpdk_afxdp.h. The PMD loads the
 * program itself (libbpf, native attach, no libxdp dispatcher), so the
 * counters are found the way any other tool would: the interface's
 * attached program id, then its map list, then the map by name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dpdk/dpdk_afxdp.h"
#include "util/percpu.h"
#include "dpdk_xdp.skel.h"
#include "util/log.h"

#define MAX_PROG_MAPS 16

static bool is_afxdp_name(const char *name, size_t len)
{
	static const char *const pfx[] = { "net_af_xdp", "eth_af_xdp" };
	size_t i, n;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
		n = strlen(pfx[i]);
		if (len >= n && !strncmp(name, pfx[i], n))
			return true;
	}
	return false;
}

static int parse_int(const char *s, size_t len, int max, int *v)
{
	char buf[16], *end;
	long l;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	l = strtol(buf, &end, 10);
	if (errno || *end || l > max)
		return -EINVAL;
	*v = (int)l;
	return 0;
}

int dl_afxdp_vdev__parse(const char *arg, struct dl_afxdp_vdev *v)
{
	const char *p, *comma;
	size_t len;

	if (!arg || !v)
		return -EINVAL;
	comma = strchr(arg, ',');
	len = comma ? (size_t)(comma - arg) : strlen(arg);
	if (!is_afxdp_name(arg, len))
		return -ENOENT;
	memset(v, 0, sizeof(*v));
	v->queue_count = 1;
	if (len >= sizeof(v->name))
		return -EINVAL;
	memcpy(v->name, arg, len);
	for (p = comma; p && *p; p = comma) {
		const char *key = p + 1, *eq, *val;
		size_t klen, vlen;

		comma = strchr(key, ',');
		len = comma ? (size_t)(comma - key) : strlen(key);
		eq = memchr(key, '=', len);
		if (!eq)
			continue;	/* the PMD's business, not ours */
		klen = (size_t)(eq - key);
		val = eq + 1;
		vlen = len - klen - 1;
		if (klen == 5 && !strncmp(key, "iface", 5)) {
			if (!vlen || vlen >= sizeof(v->iface))
				return -EINVAL;
			memcpy(v->iface, val, vlen);
			v->iface[vlen] = '\0';
		} else if (klen == 11 && !strncmp(key, "start_queue", 11)) {
			if (parse_int(val, vlen, DL_MAX_QUEUES - 1, &v->start_queue))
				return -EINVAL;
		} else if (klen == 11 && !strncmp(key, "queue_count", 11)) {
			if (parse_int(val, vlen, DL_MAX_QUEUES, &v->queue_count) ||
			    !v->queue_count)
				return -EINVAL;
		} else if (klen == 8 && !strncmp(key, "xdp_prog", 8)) {
			v->has_prog = true;
		}
	}
	return 0;
}

char *dl_afxdp_vdev__with_prog(const char *arg, const char *path)
{
	char *out;

	/* devargs are comma-separated: a comma in the path would split it */
	if (!arg || !path || !*path || strchr(path, ',')) {
		errno = EINVAL;
		return NULL;
	}
	if (asprintf(&out, "%s,xdp_prog=%s", arg, path) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	return out;
}

int dl_afxdp_prog__memfd(void)
{
	const char *data;
	size_t sz = 0, off = 0;
	int fd, err;

	data = dl_dpdk_xdp_bpf__elf_bytes(&sz);
	fd = memfd_create("dl_dpdk_xdp.bpf.o", MFD_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		pr_warn("dpdk: cannot create a memfd for %s: %s\n",
			DL_AFXDP_PROG_NAME, strerror(-err));
		return err;
	}
	while (off < sz) {
		ssize_t n = write(fd, data + off, sz - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? -errno : -EIO;
			pr_warn("dpdk: cannot write %s into its memfd: %s\n",
				DL_AFXDP_PROG_NAME, strerror(-err));
			close(fd);
			return err;
		}
		off += (size_t)n;
	}
	return fd;
}

/* Sum the per-CPU slots of our counter map into x->q. */
static int read_counters(int mfd, struct dl_afxdp_xdp *x)
{
	struct dl_capture_cnt v;
	__u32 k;
	int err;

	for (k = 0; k <= DL_MAX_QUEUES; k++) {
		struct dl_afxdp_qcnt *q = &x->q[k];

		err = dl_percpu__sum(mfd, k, sizeof(v), &v);
		if (err)
			return err;
		q->frames += v.frames;
		q->redirected += v.redirected;
		q->no_socket += v.no_socket;
		q->meta_failed += v.meta_failed;
	}
	return 0;
}

/* Find DL_AFXDP_CNT_MAP in the program's maps; 0 and x->ours, or -errno. */
static int find_counters(int pfd, struct dl_afxdp_xdp *x)
{
	__u32 map_ids[MAX_PROG_MAPS] = {}, len, i;
	struct bpf_prog_info info = {};
	int err = 0;

	len = sizeof(info);
	info.nr_map_ids = MAX_PROG_MAPS;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(pfd, &info, &len))
		return -errno;
	snprintf(x->prog_name, sizeof(x->prog_name), "%s", info.name);
	for (i = 0; i < info.nr_map_ids && i < MAX_PROG_MAPS && !x->ours; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int mfd = bpf_map_get_fd_by_id(map_ids[i]);

		if (mfd < 0)
			continue;	/* freed in between: not ours anyway */
		if (!bpf_obj_get_info_by_fd(mfd, &mi, &mlen) &&
		    !strcmp(mi.name, DL_AFXDP_CNT_MAP) &&
		    mi.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
		    mi.value_size == sizeof(struct dl_capture_cnt) &&
		    mi.max_entries == DL_MAX_QUEUES + 1) {
			err = read_counters(mfd, x);
			if (err)
				pr_warn("dpdk: cannot read map %s of XDP program %u: %s\n",
					DL_AFXDP_CNT_MAP, x->prog_id, strerror(-err));
			else
				x->ours = true;
		}
		close(mfd);
	}
	return err;
}

int dl_afxdp_xdp__read(int ifindex, struct dl_afxdp_xdp *x)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err, pfd;

	if (!x || ifindex <= 0)
		return -EINVAL;
	memset(x, 0, sizeof(*x));
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err) {
		pr_warn("dpdk: cannot query the XDP program of ifindex %d: %s\n",
			ifindex, strerror(-err));
		return err;
	}
	x->prog_id = q.prog_id ? q.prog_id : q.drv_prog_id ? q.drv_prog_id :
		     q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;
	if (!x->prog_id)
		return 0;
	pfd = bpf_prog_get_fd_by_id(x->prog_id);
	if (pfd < 0) {
		err = -errno;
		pr_warn("dpdk: cannot open XDP program %u: %s\n", x->prog_id,
			strerror(-err));
		return err;
	}
	err = find_counters(pfd, x);
	close(pfd);
	return err;
}

void dl_afxdp_xdp__sub(struct dl_afxdp_xdp *now, const struct dl_afxdp_xdp *base)
{
	int k;

	if (!now || !base || !base->ours || base->prog_id != now->prog_id)
		return;
	for (k = 0; k <= DL_MAX_QUEUES; k++) {
		now->q[k].frames -= base->q[k].frames;
		now->q[k].redirected -= base->q[k].redirected;
		now->q[k].no_socket -= base->q[k].no_socket;
		now->q[k].meta_failed -= base->q[k].meta_failed;
	}
}
