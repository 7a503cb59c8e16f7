// SPDX-License-Identifier: GPL-2.0-only
/* Kernel drop capture; see drop_trace.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "trace/drop_trace.h"
#include "drops.skel.h"
#include "util/log.h"
#include "util/percpu.h"

enum flavour {
	FL_BTF_SK,	/* tp_btf, 4 args: skb, location, reason, rx_sk */
	FL_BTF,		/* tp_btf, 3 args */
	FL_TP,		/* classic tracepoint */
};

static const char *const flavour_name[] = {
	[FL_BTF_SK] = "tp_btf",
	[FL_BTF] = "tp_btf (no rx_sk)",
	[FL_TP] = "tracepoint",
};

struct dl_drop_trace {
	struct dl_drops_bpf *skel;
	enum flavour fl;
	int ncpu;
	/* Read buffers, allocated once: every snapshot reads them again. */
	void *cause_buf, *reason_buf, *stats_buf, *consumed_buf, *flow_buf;
};

static int alloc_bufs(struct dl_drop_trace *dt)
{
	dt->cause_buf = malloc(dl_percpu__array_bytes(DL_CAUSE_SLOTS,
						      sizeof(struct dl_cause_slot)));
	dt->reason_buf = malloc(dl_percpu__array_bytes(DL_REASON_SLOTS,
						       sizeof(struct dl_cause_slot)));
	dt->stats_buf = malloc(dl_percpu__array_bytes(1, sizeof(struct dl_drop_stats)));
	dt->consumed_buf = malloc(dl_percpu__array_bytes(DL_MAX_QUEUES + 2, sizeof(__u64)));
	dt->flow_buf = malloc(dl_percpu__array_bytes(DL_FLOW_SLOTS,
						     sizeof(struct dl_flow_slot)));
	if (!dt->cause_buf || !dt->reason_buf || !dt->stats_buf || !dt->consumed_buf ||
	    !dt->flow_buf)
		return -ENOMEM;
	return 0;
}

static void free_bufs(struct dl_drop_trace *dt)
{
	free(dt->cause_buf);
	free(dt->reason_buf);
	free(dt->stats_buf);
	free(dt->consumed_buf);
	free(dt->flow_buf);
}

/* Arguments of the kfree_skb tracepoint in this kernel, from its BTF. */
static int kfree_skb_nargs(void)
{
	const struct btf_type *t;
	struct btf *btf;
	int id, n = -ENOENT;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, "btf_trace_kfree_skb", BTF_KIND_TYPEDEF);
	if (id < 0)
		goto out;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);		/* pointer */
	if (!t || !btf_is_ptr(t))
		goto out;
	t = btf__type_by_id(btf, t->type);		/* func proto */
	if (!t || !btf_is_func_proto(t))
		goto out;
	n = btf_vlen(t) - 1;	/* first parameter is the tracepoint's void *data */
out:
	btf__free(btf);
	return n;
}

static int load_flavour(struct dl_drop_trace *dt, enum flavour fl,
			const struct dl_drop_trace_opts *opts)
{
	struct dl_drops_bpf *s;
	int err;

	s = dl_drops_bpf__open();
	if (!s)
		return -errno;
	s->rodata->target_ifindex = opts->ifindex;
	s->rodata->target_netns = opts->netns;
	s->rodata->track_flows = !opts->no_flows;
	if (!opts->stacks) {
		/* Never written: keep them tiny. */
		bpf_map__set_max_entries(s->maps.drop_stacks, 1);
		bpf_map__set_max_entries(s->maps.stack_counts, 1);
	}
	/* --stack: the _stack twins of the drop programs (drops.bpf.c). */
	bpf_program__set_autoload(s->progs.dl_kfree_skb_sk, fl == FL_BTF_SK && !opts->stacks);
	bpf_program__set_autoload(s->progs.dl_kfree_skb, fl == FL_BTF && !opts->stacks);
	bpf_program__set_autoload(s->progs.dl_kfree_skb_tp, fl == FL_TP && !opts->stacks);
	bpf_program__set_autoload(s->progs.dl_kfree_skb_sk_stack, fl == FL_BTF_SK && opts->stacks);
	bpf_program__set_autoload(s->progs.dl_kfree_skb_stack, fl == FL_BTF && opts->stacks);
	bpf_program__set_autoload(s->progs.dl_kfree_skb_tp_stack, fl == FL_TP && opts->stacks);
	bpf_program__set_autoload(s->progs.dl_consume_skb, fl != FL_TP);
	bpf_program__set_autoload(s->progs.dl_consume_skb_tp, fl == FL_TP);
	if (opts->flow_map_fd >= 0) {
		err = bpf_map__reuse_fd(s->maps.flow_tbl, opts->flow_map_fd);
		if (err)
			goto fail;
	} else if (opts->no_flows) {
		/* No flow join at all: keep the map tiny. */
		bpf_map__set_max_entries(s->maps.flow_tbl, 1);
	}
	err = dl_drops_bpf__load(s);
	if (err)
		goto fail;
	err = dl_drops_bpf__attach(s);
	if (err)
		goto fail;
	dt->skel = s;
	dt->fl = fl;
	return 0;
fail:
	dl_drops_bpf__destroy(s);
	return err;
}

struct dl_drop_trace *dl_drop_trace__start(const struct dl_drop_trace_opts *opts,
					   char *why, size_t why_len)
{
	struct dl_drop_trace *dt;
	int nargs, err;
	enum flavour fl;

	dt = calloc(1, sizeof(*dt));
	if (!dt) {
		errno = ENOMEM;
		return NULL;
	}
	dt->ncpu = libbpf_num_possible_cpus();
	if (dt->ncpu < 1 || alloc_bufs(dt)) {
		free_bufs(dt);
		free(dt);
		errno = ENOMEM;
		return NULL;
	}
	nargs = kfree_skb_nargs();
	fl = nargs >= 4 ? FL_BTF_SK : nargs == 3 ? FL_BTF : FL_TP;
	err = load_flavour(dt, fl, opts);
	if (err && fl != FL_TP) {
		pr_debug("kfree_skb via %s failed (%s), trying the tracepoint\n",
			 flavour_name[fl], strerror(-err));
		err = load_flavour(dt, FL_TP, opts);
	}
	if (err) {
		snprintf(why, why_len, "cannot trace skb:kfree_skb: %s%s", strerror(-err),
			 err == -EPERM ? " (needs root: CAP_BPF, CAP_PERFMON)" : "");
		free_bufs(dt);
		free(dt);
		errno = -err;
		return NULL;
	}
	pr_debug("drop capture via %s\n", flavour_name[dt->fl]);
	return dt;
}

void dl_drop_trace__destroy(struct dl_drop_trace *dt)
{
	if (!dt)
		return;
	dl_drops_bpf__destroy(dt->skel);
	free_bufs(dt);
	free(dt);
}

int dl_drop_trace__flow_map_fd(const struct dl_drop_trace *dt)
{
	return bpf_map__fd(dt->skel->maps.flow_tbl);
}

int dl_drop_trace__arrival_map_fd(const struct dl_drop_trace *dt)
{
	return bpf_map__fd(dt->skel->maps.arrival_memo);
}

const char *dl_drop_trace__flavour(const struct dl_drop_trace *dt)
{
	return flavour_name[dt->fl];
}

static int slots_cb(const struct dl_drop_trace *dt, const void *buf, __u32 n, int cpu,
		    dl_drop_cause_cb cb, void *ctx)
{
	int c, c0 = cpu < 0 ? 0 : cpu, c1 = cpu < 0 ? dt->ncpu : cpu + 1, err;
	__u32 i;

	for (i = 0; i < n; i++) {
		for (c = c0; c < c1; c++) {
			const struct dl_cause_slot *s = dl_percpu__at(buf, i, c, sizeof(*s));

			if (!s->count)
				continue;
			err = cb(s->reason, s->location, s->rxq, s->count, ctx);
			if (err)
				return err;
		}
	}
	return 0;
}

int dl_drop_trace__read(const struct dl_drop_trace *dt, int cpu,
			uint64_t stats[DL_DS_MAX], uint64_t *consumed,
			dl_drop_cause_cb cb, void *ctx)
{
	int c, c0 = cpu < 0 ? 0 : cpu, c1 = cpu < 0 ? dt->ncpu : cpu + 1, err;
	__u32 q, i;

	if (cpu >= dt->ncpu)
		return -EINVAL;
	err = dl_percpu__read_array(bpf_map__fd(dt->skel->maps.drop_stats), 1,
				    sizeof(struct dl_drop_stats), dt->stats_buf);
	if (!err)
		err = dl_percpu__read_array(bpf_map__fd(dt->skel->maps.consumed_cnt),
					    DL_MAX_QUEUES + 2, sizeof(__u64), dt->consumed_buf);
	if (!err)
		err = dl_percpu__read_array(bpf_map__fd(dt->skel->maps.cause_slots),
					    DL_CAUSE_SLOTS, sizeof(struct dl_cause_slot),
					    dt->cause_buf);
	if (!err)
		err = dl_percpu__read_array(bpf_map__fd(dt->skel->maps.reason_other),
					    DL_REASON_SLOTS, sizeof(struct dl_cause_slot),
					    dt->reason_buf);
	if (err)
		return err;
	for (c = c0; c < c1; c++) {
		const struct dl_drop_stats *st = dl_percpu__at(dt->stats_buf, 0, c, sizeof(*st));

		for (i = 0; i < DL_DS_MAX; i++)
			stats[i] += st->v[i];
		for (q = 0; q < DL_MAX_QUEUES + 2; q++)
			consumed[q] += *(const __u64 *)dl_percpu__at(dt->consumed_buf, q, c,
								     sizeof(__u64));
	}
	err = slots_cb(dt, dt->cause_buf, DL_CAUSE_SLOTS, cpu, cb, ctx);
	if (!err)
		err = slots_cb(dt, dt->reason_buf, DL_REASON_SLOTS, cpu, cb, ctx);
	return err;
}

int dl_drop_trace__for_each_flow(const struct dl_drop_trace *dt, dl_drop_flow_cb cb,
				 void *ctx)
{
	int c, err;
	__u32 i;

	err = dl_percpu__read_array(bpf_map__fd(dt->skel->maps.flow_slots), DL_FLOW_SLOTS,
				    sizeof(struct dl_flow_slot), dt->flow_buf);
	if (err)
		return err;
	for (i = 0; i < DL_FLOW_SLOTS; i++) {
		for (c = 0; c < dt->ncpu; c++) {
			const struct dl_flow_slot *s = dl_percpu__at(dt->flow_buf, i, c,
								     sizeof(*s));

			if (!s->count)
				continue;
			err = cb(s->reason, s->location, s->tx, &s->flow, s->count, ctx);
			if (err)
				return err;
		}
	}
	return 0;
}

int dl_drop_trace__for_each_stack(const struct dl_drop_trace *dt, dl_drop_stack_cb cb,
				  void *ctx)
{
	int kfd = bpf_map__fd(dt->skel->maps.stack_counts);
	int sfd = bpf_map__fd(dt->skel->maps.drop_stacks);
	struct dl_stack_key k, next, *prev = NULL;
	uint64_t ips[DL_STACK_DEPTH];
	__u64 count;
	unsigned int n;
	int err;

	while (!bpf_map_get_next_key(kfd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(kfd, &k, &count))
			continue;	/* deleted meanwhile: nothing deletes, but be safe */
		n = 0;
		memset(ips, 0, sizeof(ips));
		if (k.stackid >= 0 && !bpf_map_lookup_elem(sfd, &k.stackid, ips))
			while (n < DL_STACK_DEPTH && ips[n])
				n++;
		err = cb(k.location, k.tx, k.stackid, ips, n, count, ctx);
		if (err)
			return err;
	}
	return 0;
}

int dl_drop_trace__map_fd(const struct dl_drop_trace *dt, const char *name)
{
	int fd = bpf_object__find_map_fd_by_name(dt->skel->obj, name);

	return fd < 0 ? -ENOENT : fd;
}

int dl_drop_trace__stats(const struct dl_drop_trace *dt, uint64_t out[DL_DS_MAX])
{
	struct dl_drop_stats st;
	int err;

	err = dl_percpu__sum(bpf_map__fd(dt->skel->maps.drop_stats), 0, sizeof(st), &st);
	if (!err)
		memcpy(out, st.v, sizeof(st.v));
	return err;
}

int dl_drop_trace__consumed(const struct dl_drop_trace *dt, uint64_t *out)
{
	int fd = bpf_map__fd(dt->skel->maps.consumed_cnt), err;
	__u32 q;

	for (q = 0; q < DL_MAX_QUEUES + 2; q++) {
		err = dl_percpu__sum(fd, q, sizeof(out[q]), &out[q]);
		if (err)
			return err;
	}
	return 0;
}
