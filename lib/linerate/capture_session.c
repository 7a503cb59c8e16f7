// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture session, see capture_session.h. Order matters: sockets before
 * attach (or frames pass until their socket exists), detach before the
 * final drain (or frames keep arriving into rings nobody reads).
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters/sysfs_stats.h"
#include "linerate/agg.h"
#include "linerate/agg_json.h"
#include "linerate/capture.h"
#include "linerate/capture_session.h"
#include "capture_xdp.skel.h"
#include "dl_config.h"
#include "fastpath/owner.h"
#include "util/json.h"
#include "util/log.h"
#include "dropledger_shared.h"

#define DEFAULT_TOP_FLOWS 10

struct dl_capture_session {
	char ifname[IF_NAMESIZE];
	int ifindex;
	struct dl_capture_xdp_bpf *skel;
	struct bpf_link *link;
	struct dl_capture *cap;
	int *queues;
	int nqueues;
	unsigned int top_flows;
	const char *xdp_mode;
	struct dl_agg *out;
	struct dl_capture_queue_row *rows;
	int nrows;
	int stopped;
};

/* Capture needs the interface to itself: name whoever holds it. */
static int check_free(int ifindex, const char *ifname, char *why, size_t why_len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct dl_owner o;
	char msg[512], name[32];
	bool disp;
	__u32 id;
	int err;

	/* A killed run's program would block us: remove it, as report does. */
	if (dl_owner__remove_stale(ifindex, false, msg, sizeof(msg), NULL) > 0)
		pr_warn("%s", msg);
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err) {
		snprintf(why, why_len, "cannot query XDP state of %s: %s", ifname,
			 strerror(-err));
		return err;
	}
	id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id ? q.skb_prog_id :
	     q.hw_prog_id;
	/* Ours, and alive or not provably gone: say whose it is. */
	if (id && !dl_owner__of_prog(id, &o, name, sizeof(name)))
		return dl_owner__check_free(ifindex, ifname, why, why_len, &disp);
	if (id) {
		struct bpf_prog_info info = {};
		__u32 ilen = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd >= 0) {
			bpf_obj_get_info_by_fd(fd, &info, &ilen);
			close(fd);
		}
		snprintf(why, why_len,
			 "%s already runs XDP program '%s' (id %u); capture mode redirects every frame and needs the interface to itself",
			 ifname, info.name[0] ? info.name : "?", id);
		return -EBUSY;
	}
	return 0;
}

static int all_queues(struct dl_capture_session *s, char *why, size_t why_len)
{
	unsigned int n = dl_sysfs__rx_queues(s->ifname), i;

	if (!n)
		n = 1;
	if (n > DL_MAX_QUEUES) {
		snprintf(why, why_len, "%s has %u rx queues; capture takes at most %d (use --queues)",
			 s->ifname, n, DL_MAX_QUEUES);
		return -ERANGE;
	}
	s->queues = calloc(n, sizeof(int));
	if (!s->queues)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		s->queues[i] = (int)i;
	s->nqueues = (int)n;
	return 0;
}

struct dl_capture_session *dl_capture_session__start(
	const struct dl_capture_session_opts *opts, char *why, size_t why_len)
{
	struct dl_capture_opts co = {};
	struct dl_capture_session *s;
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err, i;

	if (why_len)
		why[0] = '\0';
	if (!opts || !opts->ifname) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	snprintf(s->ifname, sizeof(s->ifname), "%s", opts->ifname);
	s->top_flows = opts->top_flows ? opts->top_flows : DEFAULT_TOP_FLOWS;
	s->ifindex = (int)if_nametoindex(opts->ifname);
	if (!s->ifindex) {
		err = -ENODEV;
		snprintf(why, why_len, "no interface '%s' in this network namespace",
			 opts->ifname);
		goto fail;
	}
	if (opts->queues) {
		s->queues = calloc((size_t)opts->nqueues, sizeof(int));
		if (!s->queues) {
			err = -ENOMEM;
			goto fail;
		}
		memcpy(s->queues, opts->queues, (size_t)opts->nqueues * sizeof(int));
		s->nqueues = opts->nqueues;
	} else {
		err = all_queues(s, why, why_len);
		if (err)
			goto fail;
	}
	for (i = 0; i < s->nqueues; i++) {
		if (s->queues[i] >= DL_MAX_QUEUES) {
			err = -ERANGE;
			snprintf(why, why_len, "queue %d: capture takes queues below %d",
				 s->queues[i], DL_MAX_QUEUES);
			goto fail;
		}
	}
	err = check_free(s->ifindex, s->ifname, why, why_len);
	if (err)
		goto fail;

	s->skel = dl_capture_xdp_bpf__open_and_load();
	if (!s->skel) {
		err = -errno;
		snprintf(why, why_len, "cannot load the capture program: %s%s",
			 strerror(-err), err == -EPERM ?
			 " (needs root: CAP_BPF, CAP_NET_ADMIN)" : "");
		goto fail;
	}
	co.ifname = s->ifname;
	co.queues = s->queues;
	co.nqueues = s->nqueues;
	co.cpus = opts->cpus;
	co.ncpus = opts->ncpus;
	co.ring_size = opts->ring_size;
	co.idle_us = opts->idle_us;
	co.agg.stamp_flows = opts->stamp_flows;
	s->out = dl_agg__new(&co.agg);
	if (!s->out) {
		err = -errno;
		goto fail;
	}
	s->cap = dl_capture__start(s->skel->maps.xsks, &co);
	if (!s->cap) {
		err = -errno;
		snprintf(why, why_len, "cannot open AF_XDP sockets on %s: %s%s",
			 s->ifname, strerror(-err), err == -EINVAL ?
			 " (is every --queues entry an existing rx queue?)" : "");
		goto fail;
	}
	s->link = bpf_program__attach_xdp(s->skel->progs.dl_capture, s->ifindex);
	if (!s->link) {
		err = -errno;
		snprintf(why, why_len, "cannot attach the capture program to %s: %s",
			 s->ifname, strerror(-err));
		goto fail;
	}
	s->xdp_mode = "native";
	if (!bpf_xdp_query(s->ifindex, 0, &q) && !q.drv_prog_id && q.skb_prog_id)
		s->xdp_mode = "skb";
	return s;
fail:
	dl_capture_session__free(s);
	errno = -err;
	return NULL;
}

const char *dl_capture_session__xdp_mode(const struct dl_capture_session *s)
{
	return s && s->xdp_mode ? s->xdp_mode : "none";
}

static int add_row(struct dl_capture_session *s, int queue,
		   const struct dl_capture_stats *st)
{
	struct dl_capture_queue_row *r = &s->rows[s->nrows++];
	struct dl_capture_cnt c = {};
	int err;

	err = dl_capture__read_cnt(bpf_map__fd(s->skel->maps.capture_cnt),
				   (unsigned int)queue, &c);
	if (err)
		return err;
	memset(r, 0, sizeof(*r));
	r->queue = queue;
	r->captured = st != NULL;
	r->cpu = st ? st->cpu : -1;
	r->arrived = c.frames;
	r->redirected = c.redirected;
	r->no_socket = c.no_socket;
	if (st) {
		r->records = st->records;
		r->no_meta = st->no_meta;
		r->rx_dropped = st->rx_dropped;
		r->rx_ring_full = st->rx_ring_full;
		r->rx_fill_ring_empty_descs = st->rx_fill_ring_empty_descs;
		r->rx_invalid_descs = st->rx_invalid_descs;
	}
	r->residual = (__s64)r->redirected - (__s64)(r->records + r->no_meta +
		      r->rx_dropped + r->rx_ring_full);
	return 0;
}

int dl_capture_session__stop(struct dl_capture_session *s)
{
	int i, q, err;

	if (!s)
		return -EINVAL;
	if (s->stopped)
		return 0;
	bpf_link__destroy(s->link);
	s->link = NULL;
	err = dl_capture__stop(s->cap);
	if (!err)
		err = dl_capture__collect(s->cap, s->out);
	s->rows = calloc(DL_MAX_QUEUES + 1, sizeof(*s->rows));
	if (!err && !s->rows)
		err = -ENOMEM;
	/* Captured queues first, then any other queue that saw frames. */
	for (i = 0; !err && i < s->nqueues; i++) {
		struct dl_capture_stats st;

		err = dl_capture__stats(s->cap, i, &st);
		if (!err)
			err = add_row(s, s->queues[i], &st);
	}
	for (q = 0; !err && q <= DL_MAX_QUEUES; q++) {
		bool captured = false;

		for (i = 0; i < s->nqueues; i++)
			captured |= s->queues[i] == q;
		if (captured)
			continue;
		err = add_row(s, q, NULL);
		if (!err && !s->rows[s->nrows - 1].arrived)
			s->nrows--;
	}
	if (err) {
		pr_warn("capture: cannot read the counters of %s: %s\n", s->ifname,
			strerror(-err));
		return err;
	}
	s->stopped = 1;
	return 0;
}

int dl_capture_session__nrows(const struct dl_capture_session *s)
{
	return s && s->stopped ? s->nrows : -EINVAL;
}

int dl_capture_session__row(const struct dl_capture_session *s, int i,
			    struct dl_capture_queue_row *row)
{
	if (!s || !s->stopped || i < 0 || i >= s->nrows || !row)
		return -EINVAL;
	*row = s->rows[i];
	return 0;
}

struct dl_agg *dl_capture_session__agg(struct dl_capture_session *s)
{
	return s && s->stopped ? s->out : NULL;
}

struct sums {
	__u64 arrived, redirected, no_socket, records, no_meta, rx_dropped,
	      rx_ring_full, fill_empty, invalid;
	__s64 residual;
};

static void sum_rows(const struct dl_capture_session *s, struct sums *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < s->nrows; i++) {
		const struct dl_capture_queue_row *r = &s->rows[i];

		t->arrived += r->arrived;
		t->redirected += r->redirected;
		t->no_socket += r->no_socket;
		t->records += r->records;
		t->no_meta += r->no_meta;
		t->rx_dropped += r->rx_dropped;
		t->rx_ring_full += r->rx_ring_full;
		t->fill_empty += r->rx_fill_ring_empty_descs;
		t->invalid += r->rx_invalid_descs;
		t->residual += r->residual;
	}
}

static json_t *ring_loss_json(__u64 dropped, __u64 full, __u64 fill_empty,
			      __u64 invalid)
{
	return json_pack("{s:I, s:I, s:I, s:I}",
			 "rx_dropped", (json_int_t)dropped,
			 "rx_ring_full", (json_int_t)full,
			 "rx_fill_ring_empty_descs", (json_int_t)fill_empty,
			 "rx_invalid_descs", (json_int_t)invalid);
}

static json_t *queue_json(const struct dl_capture_queue_row *r, __u64 total)
{
	json_t *o = json_pack("{s:i, s:b, s:o, s:I, s:f, s:I, s:I, s:I, s:I, s:I, s:I}",
			      "queue", r->queue,
			      "captured", r->captured,
			      "cpu", r->cpu >= 0 ? json_integer(r->cpu) : json_null(),
			      "arrived", (json_int_t)r->arrived,
			      "share", total ? (double)r->arrived / (double)total : 0.0,
			      "redirected", (json_int_t)r->redirected,
			      "passed_no_socket", (json_int_t)r->no_socket,
			      "records", (json_int_t)r->records,
			      "no_meta", (json_int_t)r->no_meta,
			      "records_lost", (json_int_t)(r->rx_dropped + r->rx_ring_full),
			      "residual", (json_int_t)r->residual);

	if (o)
		json_object_set_new(o, "ring_loss", ring_loss_json(r->rx_dropped,
				    r->rx_ring_full, r->rx_fill_ring_empty_descs,
				    r->rx_invalid_descs));
	return o;
}

/* Skew of arrivals over the interface's queues (captured or not). */
static json_t *rss_json(const struct dl_capture_session *s)
{
	__u64 counts[DL_MAX_QUEUES] = {};
	unsigned int n = dl_sysfs__rx_queues(s->ifname);
	int i;

	for (i = 0; i < s->nrows; i++) {
		if (s->rows[i].queue >= DL_MAX_QUEUES)
			continue;
		counts[s->rows[i].queue] = s->rows[i].arrived;
		if ((unsigned int)s->rows[i].queue >= n)
			n = (unsigned int)s->rows[i].queue + 1;
	}
	return dl_agg_json__rss(counts, n);
}

json_t *dl_capture_session__json(const struct dl_capture_session *s, double seconds)
{
	json_t *root, *tot, *qs;
	struct sums t;
	int i;

	if (!s || !s->stopped) {
		errno = EINVAL;
		return NULL;
	}
	sum_rows(s, &t);
	tot = json_pack("{s:I, s:I, s:n, s:I, s:I, s:I, s:I, s:I, s:I}",
			"arrived", (json_int_t)t.arrived,
			"xdp_seen", (json_int_t)t.arrived,
			"nic_dropped",
			"redirected", (json_int_t)t.redirected,
			"passed_no_socket", (json_int_t)t.no_socket,
			"records", (json_int_t)t.records,
			"no_meta", (json_int_t)t.no_meta,
			"records_lost", (json_int_t)(t.rx_dropped + t.rx_ring_full),
			"residual", (json_int_t)t.residual);
	qs = json_array();
	for (i = 0; qs && i < s->nrows; i++)
		json_array_append_new(qs, queue_json(&s->rows[i], t.arrived));
	root = json_pack("{s:s, s:i, s:s, s:s, s:s, s:f}",
			 "interface", s->ifname, "ifindex", s->ifindex,
			 "mode", "capture", "attach", "link",
			 "xdp_mode", dl_capture_session__xdp_mode(s),
			 "duration_s", seconds);
	{
		struct dl_json_field f[] = {
			{ "totals", tot },
			{ "queues", qs },
			{ "ring_loss", ring_loss_json(t.rx_dropped, t.rx_ring_full,
						      t.fill_empty, t.invalid), true },
			{ "rss", rss_json(s), true },
			{ "sequence", dl_agg_json__sequence(s->out) },
			{ "top_flows", dl_agg_json__top_flows(s->out, s->top_flows), true },
		};

		return dl_json__fill(root, f, sizeof(f) / sizeof(f[0]));
	}
}

int dl_capture_session__print_text(const struct dl_capture_session *s,
				   double seconds, FILE *out)
{
	struct sums t;
	int i;

	if (!s || !s->stopped || !out)
		return -EINVAL;
	sum_rows(s, &t);
	fprintf(out, "capture on %s (AF_XDP, %s XDP, %.1f s)\n", s->ifname,
		dl_capture_session__xdp_mode(s), seconds);
	fprintf(out, "  arrived %" PRIu64 " = passed (no socket) %" PRIu64
		" + redirected %" PRIu64 "\n", (uint64_t)t.arrived,
		(uint64_t)t.no_socket, (uint64_t)t.redirected);
	fprintf(out, "  redirected = records %" PRIu64 " + no metadata %" PRIu64
		" + ring loss %" PRIu64 " + residual %" PRId64 "\n",
		(uint64_t)t.records, (uint64_t)t.no_meta,
		(uint64_t)(t.rx_dropped + t.rx_ring_full), (int64_t)t.residual);
	fprintf(out, "  %-6s %4s %12s %12s %12s %12s %12s %12s\n", "queue", "cpu",
		"arrived", "records", "rx_dropped", "ring_full", "fill_empty",
		"passed");
	for (i = 0; i < s->nrows; i++) {
		const struct dl_capture_queue_row *r = &s->rows[i];
		char cpu[16] = "-";

		if (r->cpu >= 0)
			snprintf(cpu, sizeof(cpu), "%d", r->cpu);
		fprintf(out, "  %-6d %4s %12" PRIu64 " %12" PRIu64 " %12" PRIu64
			" %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n", r->queue, cpu,
			(uint64_t)r->arrived, (uint64_t)r->records,
			(uint64_t)r->rx_dropped, (uint64_t)r->rx_ring_full,
			(uint64_t)r->rx_fill_ring_empty_descs, (uint64_t)r->no_socket);
	}
	if (t.rx_dropped + t.rx_ring_full)
		fprintf(out, "  ring loss: the AF_XDP rings overflowed; use larger --ring or more --cores\n");
	dl_agg_json__print_text(s->out, false, s->top_flows, out);
	return 0;
}

void dl_capture_session__free(struct dl_capture_session *s)
{
	if (!s)
		return;
	bpf_link__destroy(s->link);
	dl_capture__free(s->cap);
	dl_capture_xdp_bpf__destroy(s->skel);
	dl_agg__free(s->out);
	free(s->rows);
	free(s->queues);
	free(s);
}
