// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tap session, see tap_session.h. The BPF-side accounting is read after
 * the workers stopped, so the only records it counts that the workers did
 * not read are those committed in between: reported as unread, never
 * folded into loss.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linerate/agg.h"
#include "linerate/agg_json.h"
#include "fastpath/ingress.h"
#include "util/log.h"
#include "fastpath/mirror.h"
#include "linerate/tap_session.h"
#include "linerate/workers.h"

#define DEFAULT_MAX_FLOWS (1u << 16)	/* as many as the XDP flow table */
#define DEFAULT_TOP_FLOWS 10

struct dl_tap_session {
	struct dl_tap_session_opts opts;
	int *cpus;
	struct dl_mirror *mirror;
	struct dl_workers *workers;
	struct dl_agg *out;
	struct dl_tap_totals t;
	struct timespec start;
	int stopped;
};

static double since(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

struct dl_tap_session *dl_tap_session__start(struct dl_ingress *ing,
					     const struct dl_tap_session_opts *opts)
{
	struct dl_workers_opts wo = {};
	struct dl_tap_session *s;
	int err;

	if (!ing || !opts || !opts->cpus || opts->ncpus < 1 ||
	    !dl_ingress__mirror(ing)) {
		errno = EINVAL;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->opts = *opts;
	if (!s->opts.max_flows)
		s->opts.max_flows = DEFAULT_MAX_FLOWS;
	if (!s->opts.top_flows)
		s->opts.top_flows = DEFAULT_TOP_FLOWS;
	s->cpus = malloc((size_t)opts->ncpus * sizeof(int));
	if (!s->cpus) {
		err = -ENOMEM;
		goto fail;
	}
	memcpy(s->cpus, opts->cpus, (size_t)opts->ncpus * sizeof(int));
	s->opts.cpus = s->cpus;
	s->mirror = dl_ingress__mirror(ing);
	s->t.sample_every = dl_ingress__sample_every(ing);

	wo.cpus = s->cpus;
	wo.ncpus = opts->ncpus;
	wo.mirror = s->mirror;
	wo.batch = opts->batch;
	wo.idle_us = opts->idle_us;
	wo.agg.max_flows = s->opts.max_flows;
	wo.agg.stamp_flows = opts->stamp_flows;
	s->out = dl_agg__new(&wo.agg);
	if (!s->out) {
		err = -errno;
		pr_warn("tap: cannot allocate the session's flow table (%u flows): %s\n",
			s->opts.max_flows, strerror(-err));
		goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &s->start);
	s->workers = dl_workers__start(&wo);
	if (!s->workers) {
		err = -errno;
		goto fail;
	}
	return s;
fail:
	dl_tap_session__free(s);
	errno = -err;
	return NULL;
}

int dl_tap_session__stop(struct dl_tap_session *s)
{
	struct dl_mirror_totals mt;
	struct dl_agg_totals at;
	int i, err;

	if (!s)
		return -EINVAL;
	if (s->stopped)
		return 0;
	err = dl_workers__stop(s->workers);
	if (!err)
		err = dl_workers__collect(s->workers, s->out);
	if (!err)
		err = dl_mirror__totals(s->mirror, &mt);
	if (err) {
		pr_warn("tap: cannot read the session's counts: %s\n", strerror(-err));
		return err;
	}
	s->t.seconds = since(&s->start);
	dl_agg__totals(s->out, &at);
	for (i = 0; i < dl_workers__count(s->workers); i++) {
		struct dl_worker_stats ws;

		if (!dl_workers__stats(s->workers, i, &ws))
			s->t.bad_records += ws.bad_records;
	}
	s->t.frames = mt.frames;
	s->t.records_received = at.records + s->t.bad_records;
	s->t.records_lost = mt.lost;
	s->t.records_lost_no_ring = mt.no_ring;
	s->t.sampled_out = mt.sampled_out;
	s->t.records_unread = mt.submitted > s->t.records_received ?
			      mt.submitted - s->t.records_received : 0;
	s->t.stamped = at.stamped;
	s->t.malformed = at.malformed;
	s->t.flow_overflow = at.flow_overflow;
	/* Not expected: a record read that BPF never counted as submitted. */
	if (s->t.records_received > mt.submitted)
		pr_warn("tap: read %" PRIu64 " records, BPF submitted %" PRIu64 "\n",
			(uint64_t)s->t.records_received, (uint64_t)mt.submitted);
	s->stopped = 1;
	return 0;
}

int dl_tap_session__seq_finish(struct dl_tap_session *s, unsigned int flow,
			       __u64 sent)
{
	if (!s || !s->stopped)
		return -EINVAL;
	return dl_agg__seq_finish(s->out, flow, sent);
}

int dl_tap_session__totals(const struct dl_tap_session *s, struct dl_tap_totals *t)
{
	if (!s || !s->stopped || !t)
		return -EINVAL;
	*t = s->t;
	return 0;
}

const struct dl_agg *dl_tap_session__agg(const struct dl_tap_session *s)
{
	return s && s->stopped ? s->out : NULL;
}

static json_t *workers_json(const struct dl_tap_session *s)
{
	json_t *arr = json_array();
	int i;

	for (i = 0; arr && i < dl_workers__count(s->workers); i++) {
		struct dl_worker_stats ws;

		if (dl_workers__stats(s->workers, i, &ws))
			continue;
		json_array_append_new(arr, json_pack(
			"{s:i, s:i, s:b, s:i, s:I, s:I, s:I, s:I}",
			"cpu", ws.cpu, "numa_node", ws.numa_node,
			"numa_local", ws.numa_local, "rings", ws.nrings,
			"records", (json_int_t)ws.records,
			"bad_records", (json_int_t)ws.bad_records,
			"polls", (json_int_t)ws.polls,
			"empty_polls", (json_int_t)ws.empty_polls));
	}
	return arr;
}

json_t *dl_tap_session__json(const struct dl_tap_session *s)
{
	const struct dl_tap_totals *t;
	json_t *o, *seq;
	bool sampled;

	if (!s || !s->stopped) {
		errno = EINVAL;
		return NULL;
	}
	t = &s->t;
	sampled = t->sample_every > 1;
	o = json_pack("{s:i, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		      "sample_every", (int)t->sample_every,
		      "seconds", t->seconds,
		      "frames", (json_int_t)t->frames,
		      "records_received", (json_int_t)t->records_received,
		      "records_lost", (json_int_t)t->records_lost,
		      "records_lost_no_ring", (json_int_t)t->records_lost_no_ring,
		      "sampled_out", (json_int_t)t->sampled_out,
		      "records_unread", (json_int_t)t->records_unread,
		      "accounted", (json_int_t)(t->records_received + t->records_lost +
						t->sampled_out + t->records_unread),
		      "bad_records", (json_int_t)t->bad_records,
		      "stamped", (json_int_t)t->stamped,
		      "malformed", (json_int_t)t->malformed,
		      "flow_table_overflow", (json_int_t)t->flow_overflow);
	seq = dl_agg_json__seq_summary(s->out, sampled);
	if (!o || !seq) {
		json_decref(o);
		json_decref(seq);
		errno = ENOMEM;
		return NULL;
	}
	json_object_set_new(seq, "checked", json_boolean(!sampled));
	json_object_set_new(seq, "per_flow", dl_agg_json__seq_flows(s->out, sampled));
	json_object_set_new(o, "queues", dl_agg_json__queues(s->out));
	json_object_set_new(o, "sequence", seq);
	json_object_set_new(o, "top_flows", dl_agg_json__top_flows(s->out,
								 s->opts.top_flows));
	json_object_set_new(o, "workers", workers_json(s));
	json_object_set_new(o, "ring", json_string(dl_mirror__kind_name(dl_mirror__kind(s->mirror))));
	return o;
}

int dl_tap_session__print_text(const struct dl_tap_session *s, FILE *out)
{
	const struct dl_tap_totals *t;

	if (!s || !s->stopped || !out)
		return -EINVAL;
	t = &s->t;
	fprintf(out, "tap mirror (1 in %u frames, %s rings, %d worker%s, %.1f s)\n",
		t->sample_every, dl_mirror__kind_name(dl_mirror__kind(s->mirror)),
		dl_workers__count(s->workers),
		dl_workers__count(s->workers) == 1 ? "" : "s", t->seconds);
	fprintf(out, "  frames %" PRIu64 " = received %" PRIu64 " + lost %" PRIu64
		" + sampled out %" PRIu64 " + unread %" PRIu64 "\n",
		(uint64_t)t->frames, (uint64_t)t->records_received,
		(uint64_t)t->records_lost, (uint64_t)t->sampled_out,
		(uint64_t)t->records_unread);
	if (t->records_lost)
		fprintf(out, "  records lost: the mirror rings were full (%" PRIu64
			" had no ring); use more --cores or a larger --mirror N\n",
			(uint64_t)t->records_lost_no_ring);
	if (t->flow_overflow)
		fprintf(out, "  %" PRIu64 " records of flows beyond the %u the table holds\n",
			(uint64_t)t->flow_overflow, s->opts.max_flows);
	dl_agg_json__print_text(s->out, t->sample_every > 1, s->opts.top_flows, out);
	return 0;
}

void dl_tap_session__free(struct dl_tap_session *s)
{
	if (!s)
		return;
	dl_workers__free(s->workers);
	dl_agg__free(s->out);
	free(s->cpus);
	free(s);
}
