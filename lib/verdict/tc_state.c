// SPDX-License-Identifier: GPL-2.0-only
/*
 * Root qdisc and hook filters of a device over rtnetlink (libmnl); see
 * tc_state.h. Only what a verdict names is read: the kind, the limit and
 * rate of the fifo and tbf kinds, the drop counter, a bpf filter's program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "util/nl.h"
#include "verdict/tc_state.h"

static const struct tcmsg *tcmsg_of(const struct nlmsghdr *nlh, uint16_t type)
{
	if (!nlh || nlh->nlmsg_type != type ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(struct tcmsg))
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

/* Top-level attributes of a tc message, by type (TCA_MAX + 1 slots). */
static int top_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	unsigned int t = mnl_attr_get_type(a);

	if (t <= TCA_MAX)
		tb[t] = a;
	return MNL_CB_OK;
}

/* Nested attributes up to @max into @tb (zeroed by the caller). */
struct nest {
	const struct nlattr **tb;
	unsigned int max;
};

static int nest_cb(const struct nlattr *a, void *data)
{
	struct nest *n = data;
	unsigned int t = mnl_attr_get_type(a);

	if (t <= n->max)
		n->tb[t] = a;
	return MNL_CB_OK;
}

static void parse_nest(const struct nlattr *a, const struct nlattr **tb, unsigned int max)
{
	struct nest n = { tb, max };

	if (a)
		mnl_attr_parse_nested(a, nest_cb, &n);
}

static void kind_of(const struct nlattr *a, char *out, size_t len)
{
	out[0] = '\0';
	if (a && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0)
		snprintf(out, len, "%s", mnl_attr_get_str(a));
}

static void qdisc_options(const struct nlattr *opt, struct dl_qdisc *q)
{
	const struct nlattr *tb[TCA_TBF_MAX + 1] = { 0 };
	struct tc_fifo_qopt f;
	struct tc_tbf_qopt t;

	if (!opt)
		return;
	if (!strcmp(q->kind, "pfifo") || !strcmp(q->kind, "bfifo") ||
	    !strcmp(q->kind, "pfifo_head_drop")) {
		if (mnl_attr_get_payload_len(opt) < sizeof(f))
			return;
		memcpy(&f, mnl_attr_get_payload(opt), sizeof(f));
		q->limit = f.limit;
		q->limit_bytes = !strcmp(q->kind, "bfifo");
		return;
	}
	if (strcmp(q->kind, "tbf"))
		return;
	parse_nest(opt, tb, TCA_TBF_MAX);
	if (!tb[TCA_TBF_PARMS] || mnl_attr_get_payload_len(tb[TCA_TBF_PARMS]) < sizeof(t))
		return;
	memcpy(&t, mnl_attr_get_payload(tb[TCA_TBF_PARMS]), sizeof(t));
	q->limit = t.limit;
	q->limit_bytes = true;
	q->rate = t.rate.rate;
	/* Rates of 4 GB/s and more come in their own 64-bit attribute. */
	if (tb[TCA_TBF_RATE64] && mnl_attr_validate(tb[TCA_TBF_RATE64], MNL_TYPE_U64) >= 0)
		q->rate = mnl_attr_get_u64(tb[TCA_TBF_RATE64]);
}

int dl_qdisc__parse(const struct nlmsghdr *nlh, struct dl_qdisc *q)
{
	const struct tcmsg *t = tcmsg_of(nlh, RTM_NEWQDISC);
	const struct nlattr *tb[TCA_MAX + 1] = { 0 };
	const struct nlattr *st[TCA_STATS_MAX + 1] = { 0 };
	struct gnet_stats_queue gq;

	if (!t || !q)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->limit = -1;
	q->parent = t->tcm_parent;
	mnl_attr_parse(nlh, sizeof(*t), top_cb, tb);
	kind_of(tb[TCA_KIND], q->kind, sizeof(q->kind));
	if (!q->kind[0])
		return -EINVAL;
	qdisc_options(tb[TCA_OPTIONS], q);
	parse_nest(tb[TCA_STATS2], st, TCA_STATS_MAX);
	if (st[TCA_STATS_QUEUE] && mnl_attr_get_payload_len(st[TCA_STATS_QUEUE]) >= sizeof(gq)) {
		memcpy(&gq, mnl_attr_get_payload(st[TCA_STATS_QUEUE]), sizeof(gq));
		q->drops = gq.drops;
	}
	return 0;
}

int dl_tc_filter__parse(const struct nlmsghdr *nlh, struct dl_tc_filter *f)
{
	const struct tcmsg *t = tcmsg_of(nlh, RTM_NEWTFILTER);
	const struct nlattr *tb[TCA_MAX + 1] = { 0 };
	const struct nlattr *bt[TCA_BPF_MAX + 1] = { 0 };

	if (!t || !f)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->pref = t->tcm_info >> 16;
	mnl_attr_parse(nlh, sizeof(*t), top_cb, tb);
	kind_of(tb[TCA_KIND], f->kind, sizeof(f->kind));
	/* A classifier's head (u32's hash table, an empty chain) has no options. */
	if (!f->kind[0] || !tb[TCA_OPTIONS])
		return -ENOENT;
	if (strcmp(f->kind, "bpf"))
		return 0;
	parse_nest(tb[TCA_OPTIONS], bt, TCA_BPF_MAX);
	kind_of(bt[TCA_BPF_NAME], f->name, sizeof(f->name));
	if (bt[TCA_BPF_ID] && mnl_attr_validate(bt[TCA_BPF_ID], MNL_TYPE_U32) >= 0)
		f->prog_id = mnl_attr_get_u32(bt[TCA_BPF_ID]);
	if (bt[TCA_BPF_FLAGS] && mnl_attr_validate(bt[TCA_BPF_FLAGS], MNL_TYPE_U32) >= 0)
		f->direct_action = mnl_attr_get_u32(bt[TCA_BPF_FLAGS]) & TCA_BPF_FLAG_ACT_DIRECT;
	return 0;
}

/* One dump request (@type, tcmsg for @ifindex and @parent), @cb per message. */
static int dump(uint16_t type, int ifindex, uint32_t parent, mnl_cb_t cb, void *data)
{
	size_t size = MNL_SOCKET_BUFFER_SIZE;
	char *buf = malloc(size);
	struct dl_nl_cb c = { .seq = time(NULL), .cb = cb, .data = data };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct tcmsg *t;
	int ret;

	if (!buf)
		return -ENOMEM;
	nl = dl_nl__open(NETLINK_ROUTE, 0, SOCK_CLOEXEC);
	if (!nl) {
		ret = -errno;
		goto out;
	}
	c.portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = c.seq;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_family = AF_UNSPEC;
	t->tcm_ifindex = ifindex;
	t->tcm_parent = parent;
	ret = dl_nl__request(nl, nlh, buf, size, dl_nl__parse_cb, &c);
	mnl_socket_close(nl);
out:
	free(buf);
	return ret;
}

struct root_find {
	int ifindex;
	struct dl_qdisc *q;
	bool found;
};

static int root_cb(const struct nlmsghdr *nlh, void *data)
{
	struct root_find *r = data;
	const struct tcmsg *t = tcmsg_of(nlh, RTM_NEWQDISC);
	struct dl_qdisc q;

	if (!r->found && t && t->tcm_ifindex == r->ifindex && t->tcm_parent == TC_H_ROOT &&
	    !dl_qdisc__parse(nlh, &q)) {
		*r->q = q;
		r->found = true;
	}
	return MNL_CB_OK;
}

int dl_qdisc__root(int ifindex, struct dl_qdisc *q)
{
	struct root_find r = { .ifindex = ifindex, .q = q };
	int err;

	if (ifindex <= 0 || !q)
		return -EINVAL;
	err = dump(RTM_GETQDISC, ifindex, 0, root_cb, &r);
	if (err)
		return err;
	return r.found ? 0 : -ENOENT;
}

struct filter_list {
	struct dl_tc_filter *out;
	size_t max, n;
};

static int filter_cb(const struct nlmsghdr *nlh, void *data)
{
	struct filter_list *l = data;
	struct dl_tc_filter f;
	size_t i;

	if (dl_tc_filter__parse(nlh, &f))
		return MNL_CB_OK;
	for (i = 0; i < l->n; i++)
		if (l->out[i].pref == f.pref && !strcmp(l->out[i].kind, f.kind))
			return MNL_CB_OK;
	if (l->n < l->max)
		l->out[l->n++] = f;
	return MNL_CB_OK;
}

int dl_tc_filter__list(int ifindex, bool egress, struct dl_tc_filter *out, size_t max,
		       size_t *n)
{
	struct filter_list l = { .out = out, .max = max };
	int err;

	if (ifindex <= 0 || !out || !n)
		return -EINVAL;
	*n = 0;
	err = dump(RTM_GETTFILTER, ifindex,
		   TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS),
		   filter_cb, &l);
	/* No clsact or ingress qdisc: no filters, not a failure. */
	if (err == -EINVAL || err == -ENOENT)
		err = 0;
	*n = l.n;
	return err;
}

void dl_tc_filter__str(const struct dl_tc_filter *f, size_t n, char *buf, size_t len)
{
	size_t i, o = 0;
	int k;

	if (!len)
		return;
	buf[0] = '\0';
	for (i = 0; i < n && o < len; i++) {
		k = snprintf(buf + o, len - o, "%spref %u %s", i ? "; " : "", f[i].pref,
			     f[i].kind);
		o += k > 0 ? (size_t)k : 0;
		if (f[i].name[0] && o < len) {
			k = snprintf(buf + o, len - o, " %s", f[i].name);
			o += k > 0 ? (size_t)k : 0;
		}
		if (f[i].direct_action && o < len) {
			k = snprintf(buf + o, len - o, " direct-action");
			o += k > 0 ? (size_t)k : 0;
		}
		if (f[i].prog_id && o < len) {
			k = snprintf(buf + o, len - o, " id %u", f[i].prog_id);
			o += k > 0 ? (size_t)k : 0;
		}
	}
}

void dl_tc_rate__str(unsigned long long bytes_per_s, char *buf, size_t len)
{
	unsigned long long bits = bytes_per_s * 8;

	if (bits && !(bits % 1000000000ULL))
		snprintf(buf, len, "%lluGbit", bits / 1000000000ULL);
	else if (bits && !(bits % 1000000ULL))
		snprintf(buf, len, "%lluMbit", bits / 1000000ULL);
	else if (bits && !(bits % 1000ULL))
		snprintf(buf, len, "%lluKbit", bits / 1000ULL);
	else
		snprintf(buf, len, "%llubit", bits);
}
