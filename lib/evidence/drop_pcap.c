// SPDX-License-Identifier: GPL-2.0-only
/*
 * Evidence capture (see drop_pcap.h): load dl_drop_pcap, drain its ring in
 * a thread, filter, sample, write pcapng blocks with a comment per packet,
 * and keep the matching drops per cause for the filtered ledger.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "dl_config.h"
#include "evidence/drop_pcap.h"
#include "evidence/filter.h"
#include "evidence/pcapng.h"
#include "drop_pcap.skel.h"
#include "fastpath/flow.h"
#include "ledger/ledger.h"
#include "trace/drop_reasons.h"
#include "trace/ksyms.h"
#include "util/log.h"
#include "util/percpu.h"
#include "verdict/causes.h"

_Static_assert(sizeof(struct dl_pcap_rec) == 56, "dl_pcap_rec layout");
_Static_assert(sizeof(struct dl_pcap_stats) == 64, "dl_pcap_stats layout");

#define MAX_IFS 64		/* interface blocks (devices x namespaces) */
#define MAX_KEYS 4096		/* (reason, location, queue) of matching drops */

struct pc_if {
	uint32_t ifindex, netns;
	int id;
};

/* Matching drops of one (reason, location, queue), and their flows. */
struct pc_key {
	uint32_t reason, rxq;
	uint64_t location;
	uint64_t count;
	struct dl_ledger_flow flows[DL_TOP_FLOWS * 4];
	unsigned int nflows;
	uint64_t other_flows;	/* beyond the table above */
};

struct dl_drop_pcap {
	struct dl_drop_pcap_opts o;
	struct dl_drop_pcap_bpf *skel;
	struct ring_buffer *rb;
	struct dl_pcapng *w;
	bool w_shared;		/* o.writer: not ours to close */
	pthread_mutex_t lock;	/* st and the record window: drain thread vs readers */
	pthread_t thread;
	bool running;
	atomic_bool stopping;
	atomic_uint_fast64_t start_ns, end_ns;	/* monotonic window; 0: open */
	int64_t real_off;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns */
	uint64_t bpf0[DL_PS_MAX], bpf1[DL_PS_MAX];	/* at arm / stop */
	bool stopped;
	struct dl_drop_pcap_stats st;	/* userspace side */
	uint64_t user_countdown;	/* sampling after the filter */
	struct pc_if ifs[MAX_IFS];
	unsigned int nifs;
	struct pc_key *keys;
	unsigned int nkeys;
	uint64_t keys_full;	/* matching drops whose key did not fit */
	bool error_told;
};

/* The shared writer (watch: one file, several devices) is taken per call. */
static void wlock(const struct dl_drop_pcap *pc)
{
	if (pc->o.writer_lock)
		pthread_mutex_lock(pc->o.writer_lock);
}

static void wunlock(const struct dl_drop_pcap *pc)
{
	if (pc->o.writer_lock)
		pthread_mutex_unlock(pc->o.writer_lock);
}

static int w_flush(struct dl_drop_pcap *pc)
{
	int err;

	wlock(pc);
	err = dl_pcapng__flush(pc->w);
	wunlock(pc);
	return err;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int64_t realtime_offset(void)
{
	struct timespec r, m;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	return ((int64_t)r.tv_sec - m.tv_sec) * 1000000000ll + (r.tv_nsec - m.tv_nsec);
}

static int read_bpf_stats(const struct dl_drop_pcap *pc, uint64_t out[DL_PS_MAX])
{
	struct dl_pcap_stats s;
	int err;

	err = dl_percpu__sum(bpf_map__fd(pc->skel->maps.pcap_stats), 0, sizeof(s), &s);
	if (!err)
		memcpy(out, s.v, sizeof(s.v));
	return err;
}

/* Interface block of (ifindex, netns), added on first sight. */
static int if_id(struct dl_drop_pcap *pc, uint32_t ifindex, uint32_t netns)
{
	char name[IF_NAMESIZE + 1] = "", descr[96];
	unsigned int i;
	int id;

	for (i = 0; i < pc->nifs; i++)
		if (pc->ifs[i].ifindex == ifindex && pc->ifs[i].netns == netns)
			return pc->ifs[i].id;
	if (pc->nifs == MAX_IFS)
		return pc->ifs[0].id;	/* bounded: the comment still names it */
	if (ifindex == pc->o.ifindex && pc->o.ifname)
		snprintf(name, sizeof(name), "%s", pc->o.ifname);
	else if (!if_indextoname(ifindex, name))
		snprintf(name, sizeof(name), "if%u", ifindex);
	snprintf(descr, sizeof(descr), "dropped frames, ifindex %u, netns %u (dropledger)",
		 ifindex, netns);
	wlock(pc);
	id = dl_pcapng__add_if(pc->w, name, descr, DL_LINKTYPE_ETHERNET, pc->o.snaplen);
	wunlock(pc);
	if (id < 0)
		return id;
	pc->ifs[pc->nifs++] = (struct pc_if){ ifindex, netns, id };
	return id;
}

static void queue_str(uint32_t rxq, char *buf, size_t len)
{
	if (rxq == DL_RXQ_TX)
		snprintf(buf, len, "tx");
	else if (rxq == DL_RXQ_UNKNOWN)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%u", rxq);
}

static const char *reason_name(const struct dl_drop_pcap *pc, uint32_t reason,
			       char *buf, size_t len)
{
	const char *rn = pc->o.names ? dl_reasons__name(pc->o.names->reasons, reason) : NULL;

	if (!rn) {
		snprintf(buf, len, "REASON_%u", reason);
		rn = buf;
	}
	return rn;
}

/*
 * Summary and advice of reason @rn from the causes table, for flow @f
 * (NULL: unknown), as the ledger renders them.
 */
static void render_cause(const struct dl_drop_pcap *pc, const char *rn, const char *loc,
			 const char *queue, const struct dl_flow *f, const char **cat,
			 char *summary, size_t slen, char *advice, size_t alen)
{
	struct dl_cause_ctx ctx = {};
	struct dl_cause_rule rule;
	struct dl_flow_text ft;
	char et[32] = "?";

	dl_flow__text(f, &ft);
	if (f)
		snprintf(et, sizeof(et), "0x%04x", ntohs(f->l3proto));
	ctx = (struct dl_cause_ctx){
		.iface = pc->o.ifname, .queue = queue, .flow = ft.flow, .dport = ft.dport,
		.dst = ft.dst[0] ? ft.dst : "?", .src = ft.src[0] ? ft.src : "?",
		.proto = ft.proto, .ethertype = et, .location = loc, .reason = rn,
	};
	dl_causes__lookup(pc->o.names ? pc->o.names->causes : NULL, rn, &rule);
	dl_causes__render(rule.summary, &ctx, summary, slen);
	if (advice)
		dl_causes__render(rule.advice, &ctx, advice, alen);
	*cat = rule.category;
	cat[1] = rule.group;
}

/* The cause's summary for this one frame. */
static void cause_str(const struct dl_drop_pcap *pc, const struct dl_pcap_rec *r,
		      const char *rn, const char *loc, const char *queue,
		      char *buf, size_t len)
{
	const char *cat[2];
	char summary[640];
	struct dl_flow f;
	bool have = r->caplen && !dl_flow__parse_frame(r->data, r->caplen, &f, NULL);

	render_cause(pc, rn, loc, queue, have ? &f : NULL, cat, summary, sizeof(summary),
		     NULL, 0);
	snprintf(buf, len, "%s/%s: %s", cat[0], cat[1], summary);
}

static void tell_error(struct dl_drop_pcap *pc, int err)
{
	pc->st.write_error = err;
	if (!pc->error_told && pc->o.on_error) {
		pc->error_told = true;
		pc->o.on_error(err, pc->o.ctx);
	}
}

static int write_rec(struct dl_drop_pcap *pc, const struct dl_pcap_rec *r)
{
	char rbuf[32], loc[160], queue[16], cause[800], comment[1280], dev[IF_NAMESIZE + 1];
	const char *rn = reason_name(pc, r->reason, rbuf, sizeof(rbuf));
	int id, err;

	id = if_id(pc, r->ifindex, r->netns);
	if (id < 0)
		return id;
	dl_ksyms__format(pc->o.names ? pc->o.names->ksyms : NULL, r->location, loc,
			 sizeof(loc));
	queue_str(r->rxq, queue, sizeof(queue));
	if (r->ifindex == pc->o.ifindex && pc->o.ifname)
		snprintf(dev, sizeof(dev), "%s", pc->o.ifname);
	else if (!if_indextoname(r->ifindex, dev))
		snprintf(dev, sizeof(dev), "if%u", r->ifindex);
	cause_str(pc, r, rn, loc, queue, cause, sizeof(cause));
	snprintf(comment, sizeof(comment),
		 "reason=%s location=%s queue=%s cpu=%u dev=%s netns=%u%s cause=%s",
		 rn, loc, queue, r->cpu, dev, r->netns,
		 (r->flags & DL_PCAP_NO_MAC) ? " headers=none" :
		 (r->flags & DL_PCAP_NONLINEAR) && r->caplen < pc->o.snaplen ?
		 " headers=linear-part-only" : "",
		 cause);
	if (r->segs > 1) {
		/* GRO: one skb stood for several frames; the ledger counts them all. */
		size_t n = strlen(comment);

		snprintf(comment + n, sizeof(comment) - n, " segs=%u", r->segs);
	}
	wlock(pc);
	err = dl_pcapng__packet(pc->w, (uint32_t)id,
				(uint64_t)((int64_t)r->ts_ns + pc->real_off), r->data,
				r->caplen, r->len < r->caplen ? r->caplen : r->len, comment);
	wunlock(pc);
	if (err)
		return err;
	pc->st.written++;
	if (r->flags & DL_PCAP_NO_MAC)
		pc->st.no_headers++;
	else if ((r->flags & DL_PCAP_NONLINEAR) && r->caplen < pc->o.snaplen &&
		 r->caplen < r->len)
		pc->st.truncated++;
	return 0;
}

static void add_flow(struct pc_key *k, const struct dl_flow *f)
{
	unsigned int i;

	for (i = 0; i < k->nflows; i++) {
		if (!memcmp(&k->flows[i].flow, f, sizeof(*f))) {
			k->flows[i].count++;
			return;
		}
	}
	if (k->nflows == sizeof(k->flows) / sizeof(k->flows[0])) {
		k->other_flows++;
		return;
	}
	memset(&k->flows[k->nflows], 0, sizeof(k->flows[0]));
	k->flows[k->nflows].flow = *f;
	k->flows[k->nflows++].count = 1;
}

/* A matching drop, for the narrowed causes. */
static void count_key(struct dl_drop_pcap *pc, const struct dl_pcap_rec *r)
{
	struct pc_key *k = NULL;
	struct dl_flow f;
	unsigned int i;

	for (i = 0; i < pc->nkeys; i++) {
		k = &pc->keys[i];
		if (k->reason == r->reason && k->location == r->location && k->rxq == r->rxq)
			break;
	}
	if (i == pc->nkeys) {
		if (pc->nkeys == MAX_KEYS) {
			pc->keys_full += r->segs;
			return;
		}
		k = &pc->keys[pc->nkeys++];
		memset(k, 0, sizeof(*k));
		k->reason = r->reason;
		k->location = r->location;
		k->rxq = r->rxq;
	}
	k->count += r->segs;
	if (r->caplen && !dl_flow__parse_frame(r->data, r->caplen, &f, NULL))
		add_flow(k, &f);
}

static int on_rec_locked(struct dl_drop_pcap *pc, void *data, size_t size)
{
	const struct dl_pcap_rec *r = data;
	uint64_t start = atomic_load(&pc->start_ns), end = atomic_load(&pc->end_ns);
	int err;

	if (size < sizeof(*r) || size < sizeof(*r) + r->caplen)
		return 0;
	/* Outside the ledger's window: the baseline or the end leaves it out. */
	if (!start || r->ts_ns < start || (end && r->ts_ns > end))
		return 0;
	if (pc->o.filter) {
		if (!dl_pkt_filter__match(pc->o.filter, r->data, r->caplen, r->len)) {
			pc->st.filtered_out++;
			return 0;
		}
		count_key(pc, r);
		/* The kernel samples only without a filter: here, of the matching. */
		if (pc->user_countdown) {
			pc->user_countdown--;
			pc->st.sampled_out++;
			return 0;
		}
		pc->user_countdown = pc->o.sample > 1 ? pc->o.sample - 1 : 0;
	}
	if (!pc->w)
		return 0;
	if (pc->st.write_error) {
		pc->st.unwritten++;
		return 0;
	}
	if (pc->o.max_packets && pc->st.written >= pc->o.max_packets) {
		pc->st.over_max++;
		return 0;
	}
	err = write_rec(pc, r);
	if (err) {
		pc->st.unwritten++;
		tell_error(pc, err);
	}
	return 0;
}

static int on_rec(void *ctx, void *data, size_t size)
{
	struct dl_drop_pcap *pc = ctx;

	pthread_mutex_lock(&pc->lock);
	on_rec_locked(pc, data, size);
	pthread_mutex_unlock(&pc->lock);
	return 0;
}

static void *drain(void *arg)
{
	struct dl_drop_pcap *pc = arg;
	int err;

	while (!atomic_load(&pc->stopping)) {
		err = ring_buffer__poll(pc->rb, 100);
		if (err < 0 && err != -EINTR) {
			pr_warn("pcap ring: %s\n", strerror(-err));
			break;
		}
		/* Whole blocks out after every batch: `-w -` readers see them now. */
		if (err > 0 && pc->w && !pc->st.write_error) {
			err = w_flush(pc);
			if (err) {
				pthread_mutex_lock(&pc->lock);
				tell_error(pc, err);
				pthread_mutex_unlock(&pc->lock);
			}
		}
	}
	return NULL;
}

static int nargs_kfree_skb(void)
{
	const struct btf_type *t;
	struct btf *btf = btf__load_vmlinux_btf();
	int id, n = -ENOENT;

	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, "btf_trace_kfree_skb", BTF_KIND_TYPEDEF);
	if (id >= 0) {
		t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
		if (t && btf_is_ptr(t))
			t = btf__type_by_id(btf, t->type);
		if (t && btf_is_func_proto(t))
			n = btf_vlen(t) - 1;
	}
	btf__free(btf);
	return n;
}

static uint32_t ring_size(uint32_t snaplen)
{
	uint64_t want = 256ull * (sizeof(struct dl_pcap_rec) + snaplen + 8);
	uint32_t sz = 4u << 20;

	while (sz < want && sz < (256u << 20))
		sz <<= 1;
	return sz;
}

struct dl_drop_pcap *dl_drop_pcap__start(const struct dl_drop_pcap_opts *o,
					 char *why, size_t why_len)
{
	struct dl_drop_pcap *pc;
	struct dl_drop_pcap_bpf *s;
	int err, nargs;

	pc = calloc(1, sizeof(*pc));
	if (!pc)
		return NULL;
	pc->o = *o;
	pthread_mutex_init(&pc->lock, NULL);
	if (!pc->o.snaplen)
		pc->o.snaplen = DL_PCAP_SNAP_DEFAULT;
	if (pc->o.snaplen > DL_PCAP_SNAP_MAX) {
		snprintf(why, why_len, "snaplen %u above %u", pc->o.snaplen, DL_PCAP_SNAP_MAX);
		free(pc);
		errno = EINVAL;
		return NULL;
	}
	if (pc->o.filter) {
		pc->keys = calloc(MAX_KEYS, sizeof(*pc->keys));
		if (!pc->keys) {
			free(pc);
			errno = ENOMEM;
			return NULL;
		}
	}
	pc->real_off = realtime_offset();
	s = dl_drop_pcap_bpf__open();
	if (!s) {
		err = -errno;
		goto fail;
	}
	pc->skel = s;
	s->rodata->target_ifindex = o->ifindex;
	s->rodata->target_netns = o->netns;
	s->rodata->snaplen = pc->o.snaplen;
	/* With a filter every drop comes up: sampling is of the matching ones. */
	s->rodata->sample_every = o->filter || o->sample < 1 ? 1 : o->sample;
	s->rodata->track_flows = o->flow_map_fd >= 0;
	nargs = nargs_kfree_skb();
	bpf_program__set_autoload(s->progs.dl_drop_pcap_sk, nargs >= 4);
	bpf_program__set_autoload(s->progs.dl_drop_pcap, nargs < 4);
	bpf_map__set_max_entries(s->maps.pcap_ring, ring_size(pc->o.snaplen));
	if (o->flow_map_fd >= 0) {
		err = bpf_map__reuse_fd(s->maps.flow_tbl, o->flow_map_fd);
		if (err)
			goto fail;
	} else {
		bpf_map__set_max_entries(s->maps.flow_tbl, 1);
	}
	err = dl_drop_pcap_bpf__load(s);
	if (!err)
		err = dl_drop_pcap_bpf__attach(s);
	if (err)
		goto fail;
	pc->rb = ring_buffer__new(bpf_map__fd(s->maps.pcap_ring), on_rec, pc, NULL);
	if (!pc->rb) {
		err = -errno;
		goto fail;
	}
	if (o->writer) {
		pc->w = o->writer;
		pc->w_shared = true;
	} else if (o->fd >= 0) {
		pc->w = dl_pcapng__new(o->fd, "dropledger " DL_VERSION);
		if (!pc->w) {
			err = -ENOMEM;
			goto fail;
		}
	}
	if (pc->w) {
		/* The device's block first: an empty run still opens in Wireshark. */
		err = if_id(pc, o->ifindex, o->netns);
		if (err < 0)
			goto fail;
		err = w_flush(pc);
		if (err) {
			snprintf(why, why_len, "cannot write %s: %s",
				 o->path ? o->path : "the pcap", strerror(-err));
			goto fail_quiet;
		}
	}
	err = -pthread_create(&pc->thread, NULL, drain, pc);
	if (err)
		goto fail;
	pc->running = true;
	return pc;
fail:
	snprintf(why, why_len, "cannot capture dropped frames (kfree_skb, tp_btf): %s%s",
		 strerror(-err), err == -EPERM ? " (needs root: CAP_BPF, CAP_PERFMON)" : "");
fail_quiet:
	dl_drop_pcap__destroy(pc);
	errno = -err;
	return NULL;
}

void dl_drop_pcap__arm(struct dl_drop_pcap *pc)
{
	if (read_bpf_stats(pc, pc->bpf0))
		memset(pc->bpf0, 0, sizeof(pc->bpf0));
	atomic_store(&pc->start_ns, mono_ns());
}

int dl_drop_pcap__stop(struct dl_drop_pcap *pc)
{
	int err;

	if (!pc || pc->stopped)
		return pc ? pc->st.write_error : 0;
	atomic_store(&pc->end_ns, mono_ns());
	if (read_bpf_stats(pc, pc->bpf1))
		memcpy(pc->bpf1, pc->bpf0, sizeof(pc->bpf1));
	atomic_store(&pc->stopping, true);
	if (pc->running)
		pthread_join(pc->thread, NULL);
	pc->running = false;
	/* What the ring still holds of the window. */
	ring_buffer__consume(pc->rb);
	if (pc->w && !pc->st.write_error) {
		err = w_flush(pc);
		if (err)
			tell_error(pc, err);
	}
	wlock(pc);
	pc->st.bytes = pc->w ? dl_pcapng__bytes(pc->w) : 0;
	wunlock(pc);
	pc->stopped = true;
	return pc->st.write_error;
}

void dl_drop_pcap__destroy(struct dl_drop_pcap *pc)
{
	if (!pc)
		return;
	if (pc->running) {
		atomic_store(&pc->stopping, true);
		pthread_join(pc->thread, NULL);
	}
	ring_buffer__free(pc->rb);
	dl_drop_pcap_bpf__destroy(pc->skel);
	/* Whatever is queued goes out; an error was already reported. */
	if (pc->w_shared)
		w_flush(pc);
	else
		dl_pcapng__close(pc->w);
	pthread_mutex_destroy(&pc->lock);
	free(pc->keys);
	free(pc);
}

int dl_drop_pcap__stats_now(struct dl_drop_pcap *pc, struct dl_drop_pcap_stats *st)
{
	uint64_t now[DL_PS_MAX];
	int err;

	/* The BPF side first: userspace can only have fewer of them. */
	err = read_bpf_stats(pc, now);
	if (err)
		return err;
	pthread_mutex_lock(&pc->lock);
	*st = pc->st;
	pthread_mutex_unlock(&pc->lock);
	if (pc->stopped)
		memcpy(now, pc->bpf1, sizeof(now));
	st->drops = now[DL_PS_MATCHED] - pc->bpf0[DL_PS_MATCHED];
	st->sampled_out += now[DL_PS_SAMPLED_OUT] - pc->bpf0[DL_PS_SAMPLED_OUT];
	st->lost = now[DL_PS_LOST] - pc->bpf0[DL_PS_LOST];
	return 0;
}

int dl_drop_pcap__stats(const struct dl_drop_pcap *pc, struct dl_drop_pcap_stats *st)
{
	*st = pc->st;
	st->drops = pc->bpf1[DL_PS_MATCHED] - pc->bpf0[DL_PS_MATCHED];
	st->sampled_out += pc->bpf1[DL_PS_SAMPLED_OUT] - pc->bpf0[DL_PS_SAMPLED_OUT];
	st->lost = pc->bpf1[DL_PS_LOST] - pc->bpf0[DL_PS_LOST];
	return 0;
}

static int flow_cmp(const void *a, const void *b)
{
	const struct dl_ledger_flow *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static int cause_cmp(const void *a, const void *b)
{
	const struct dl_ledger_cause *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->reason_name, y->reason_name);
}

/* Merge the matching flows of @k into cause @c's list. */
static void merge_flows(struct dl_ledger_flow *acc,
			unsigned int *nacc, unsigned int cap, const struct pc_key *k)
{
	unsigned int i, j;

	for (i = 0; i < k->nflows; i++) {
		for (j = 0; j < *nacc; j++)
			if (!memcmp(&acc[j].flow, &k->flows[i].flow, sizeof(acc[j].flow)))
				break;
		if (j == *nacc) {
			if (*nacc == cap)
				continue;
			acc[j] = k->flows[i];
			acc[j].arrived.have = false;
			acc[j].count = 0;
			(*nacc)++;
		}
		acc[j].count += k->flows[i].count;
	}
}

int dl_drop_pcap__narrow(const struct dl_drop_pcap *pc, struct dl_ledger *l)
{
	struct dl_ledger_flow acc[DL_TOP_FLOWS * 16];
	unsigned int i, j, n = 0, nacc, f, g;

	if (!pc->o.filter)
		return 0;
	for (i = 0; i < l->ncauses; i++) {
		struct dl_ledger_cause *c = &l->causes[i];

		/* rss causes count arrivals, not drops: the filter leaves them. */
		if (c->category && !strcmp(c->category, "rss")) {
			l->causes[n++] = *c;
			continue;
		}
		c->count = 0;
		memset(c->queues, 0, sizeof(c->queues));
		nacc = 0;
		for (j = 0; j < pc->nkeys; j++) {
			const struct pc_key *k = &pc->keys[j];

			if (k->reason != c->reason || k->location != c->location ||
			    (k->rxq == DL_RXQ_TX) != c->tx)
				continue;
			c->count += k->count;
			c->queues[k->rxq < DL_MAX_QUEUES ? k->rxq : DL_Q_UNKNOWN] += k->count;
			merge_flows(acc, &nacc, sizeof(acc) / sizeof(acc[0]), k);
		}
		if (!c->count)
			continue;
		qsort(acc, nacc, sizeof(acc[0]), flow_cmp);
		/* Keep what the ledger knew of each flow's arrivals. */
		for (f = 0; f < nacc && f < DL_TOP_FLOWS; f++)
			for (g = 0; g < c->nflows; g++)
				if (!memcmp(&c->flows[g].flow, &acc[f].flow, sizeof(acc[f].flow)))
					acc[f].arrived = c->flows[g].arrived;
		c->nflows = nacc < DL_TOP_FLOWS ? nacc : DL_TOP_FLOWS;
		memcpy(c->flows, acc, c->nflows * sizeof(acc[0]));
		/* The words about the cause follow its new top flow. */
		if (c->nflows && strcmp(c->reason_name, "NOT_SPECIFIED")) {
			const char *cat[2];
			char queue[16] = "?";
			unsigned int q, hot = 0;

			for (q = 1; q < DL_MAX_QUEUES; q++)
				if (c->queues[q] > c->queues[hot])
					hot = q;
			if (c->queues[hot])
				snprintf(queue, sizeof(queue), "%u", hot);
			render_cause(pc, c->reason_name, c->location_str, queue,
				     &c->flows[0].flow, cat, c->summary, sizeof(c->summary),
				     c->advice, sizeof(c->advice));
		}
		l->causes[n++] = *c;
	}
	l->ncauses = n;
	qsort(l->causes, l->ncauses, sizeof(*l->causes), cause_cmp);
	return 0;
}

json_t *dl_drop_pcap__json(const struct dl_drop_pcap *pc)
{
	struct dl_drop_pcap_stats st;

	dl_drop_pcap__stats(pc, &st);
	return dl_drop_pcap__stats_json(pc, &st);
}

json_t *dl_drop_pcap__stats_json(const struct dl_drop_pcap *pc,
				 const struct dl_drop_pcap_stats *s)
{
	struct dl_drop_pcap_stats st = *s;
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "file", pc->o.fd >= 0 && pc->o.path ?
			    json_string(pc->o.path) : json_null());
	json_object_set_new(o, "snaplen", json_integer(pc->o.snaplen));
	json_object_set_new(o, "sample", json_integer(pc->o.sample > 1 ? pc->o.sample : 1));
	json_object_set_new(o, "max_packets", pc->o.max_packets ?
			    json_integer((json_int_t)pc->o.max_packets) : json_null());
	json_object_set_new(o, "filter", pc->o.filter ?
			    json_string(dl_pkt_filter__expr(pc->o.filter)) : json_null());
	json_object_set_new(o, "drops", json_integer((json_int_t)st.drops));
	json_object_set_new(o, "written", json_integer((json_int_t)st.written));
	json_object_set_new(o, "sampled_out", json_integer((json_int_t)st.sampled_out));
	json_object_set_new(o, "lost", json_integer((json_int_t)st.lost));
	json_object_set_new(o, "filtered_out", json_integer((json_int_t)st.filtered_out));
	json_object_set_new(o, "over_max", json_integer((json_int_t)st.over_max));
	json_object_set_new(o, "unwritten", json_integer((json_int_t)st.unwritten));
	json_object_set_new(o, "no_headers", json_integer((json_int_t)st.no_headers));
	json_object_set_new(o, "truncated", json_integer((json_int_t)st.truncated));
	json_object_set_new(o, "bytes", json_integer((json_int_t)st.bytes));
	json_object_set_new(o, "keys_full", json_integer((json_int_t)pc->keys_full));
	json_object_set_new(o, "write_error", st.write_error ?
			    json_string(strerror(-st.write_error)) : json_null());
	return o;
}
