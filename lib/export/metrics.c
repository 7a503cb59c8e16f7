// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prometheus accumulator and text renderer; see metrics.h. Series live in
 * one open-addressing table keyed by family + label set, capped by
 * max_series so a host with many queues or reasons cannot grow it without
 * bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl_config.h"
#include "util/atomic_file.h"
#include "export/metrics.h"
#include "ledger/ledger.h"
#include "rss/rss_report.h"

enum fam {
	F_BUILD_INFO,
	F_LAST_UPDATE,
	F_SERIES_DROPPED,
	F_DEVICE_UP,
	F_DEVICE_RESTARTS,
	F_INTERVALS,
	F_XDP_SEEN,
	F_XDP_BYTES,
	F_MALFORMED,
	F_NIC_DROPPED,
	F_STACK_DROPPED,
	F_QUEUE_STACK_DROPPED,
	F_DELIVERED,
	F_RESIDUAL,
	F_RECORDS_LOST,
	F_UNATTRIBUTED,
	F_RSS_JAIN,
	F_RSS_HOT,
	F_STACK_LOCATION,
	F_FAIL_ON,
	F_EVIDENCE,
	F_MAX,
};

static const struct {
	const char *name;
	const char *type;
	const char *help;
} fams[F_MAX] = {
	[F_BUILD_INFO] = { "dropledger_build_info", "gauge",
			   "Always 1; the version label says which dropledger runs." },
	[F_LAST_UPDATE] = { "dropledger_last_update_timestamp_seconds", "gauge",
			    "Unix time of the last interval added." },
	[F_SERIES_DROPPED] = { "dropledger_metrics_series_dropped_total", "counter",
			       "Samples left out because --metrics-max-series was reached." },
	[F_DEVICE_UP] = { "dropledger_device_up", "gauge",
			  "1 while the device is watched, 0 after it went away." },
	[F_DEVICE_RESTARTS] = { "dropledger_device_restarts_total", "counter",
				"Re-attachments after the device was re-created or reset." },
	[F_INTERVALS] = { "dropledger_intervals_total", "counter",
			  "Intervals accounted for the device." },
	[F_XDP_SEEN] = { "dropledger_xdp_seen_packets_total", "counter",
			 "Frames seen at XDP per RX queue." },
	[F_XDP_BYTES] = { "dropledger_xdp_seen_bytes_total", "counter",
			  "Bytes of the frames seen at XDP per RX queue." },
	[F_MALFORMED] = { "dropledger_malformed_packets_total", "counter",
			  "Frames XDP could not parse (counted, still in xdp_seen)." },
	[F_NIC_DROPPED] = { "dropledger_nic_dropped_packets_total", "counter",
			    "Frames the NIC or driver dropped before XDP (per queue where the driver counts per queue)." },
	[F_STACK_DROPPED] = { "dropledger_stack_dropped_packets_total", "counter",
			      "Kernel drops (skb:kfree_skb) by direction, cause category, group and reason." },
	[F_QUEUE_STACK_DROPPED] = { "dropledger_queue_stack_dropped_packets_total", "counter",
				    "Received frames the kernel dropped, per RX queue." },
	[F_DELIVERED] = { "dropledger_delivered_packets_total", "counter",
			  "Received frames consumed by the stack (delivered)." },
	[F_RESIDUAL] = { "dropledger_residual_packets", "gauge",
			 "Arrivals neither dropped nor delivered, summed over the run (may be negative)." },
	[F_RECORDS_LOST] = { "dropledger_records_lost_total", "counter",
			     "Drop events the tracer's maps could not hold (counted as drops)." },
	[F_UNATTRIBUTED] = { "dropledger_unattributed_drops_total", "counter",
			     "Drops whose network namespace could not be told." },
	[F_RSS_JAIN] = { "dropledger_rss_jain_index", "gauge",
			 "Jain's fairness index of the last interval's arrivals over RX queues (1: even)." },
	[F_RSS_HOT] = { "dropledger_rss_hot_queue", "gauge",
			"1 when the queue took more than the hot factor x the mean share in the last interval." },
	[F_STACK_LOCATION] = { "dropledger_stack_dropped_location_packets_total", "counter",
				"Kernel drops by dropping function (opt-in, --metrics-locations; the rest under function=\"other\")." },
	[F_FAIL_ON] = { "dropledger_fail_on_fired", "gauge",
			"1 when the --fail-on rule fired in the last interval." },
	[F_EVIDENCE] = { "dropledger_evidence_frames_total", "counter",
			 "watch -w: dropped frames by what became of them (written, sampled_out, lost, over_max, unwritten)." },
};

struct series {
	char *labels;		/* '{a="b",...}' or "" */
	char *device;		/* NULL: not per device */
	enum fam fam;
	bool used;
	bool present;		/* gauges: false once the device is gone */
	uint64_t total;		/* counters */
	double value;		/* gauges */
};

struct dl_metrics {
	struct series *tab;
	unsigned int cap;	/* power of two, >= 2 x max_series */
	unsigned int n;
	unsigned int max_series;
	uint64_t dropped;
	double last_update;
	unsigned int locations;	/* per device functions with own series; 0: none */
	struct {
		char device[32];
		unsigned int n;
	} loc[64];		/* how many each device has so far */
	unsigned int nloc;
};

static uint64_t hash(enum fam f, const char *labels)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)f;

	for (; *labels; labels++)
		h = (h ^ (unsigned char)*labels) * 1099511628211ULL;
	return h;
}

struct dl_metrics *dl_metrics__new(unsigned int max_series)
{
	struct dl_metrics *m = calloc(1, sizeof(*m));
	unsigned int cap = 16;

	if (!m)
		return NULL;
	m->max_series = max_series ? max_series : DL_METRICS_MAX_SERIES_DEFAULT;
	while (cap < 2 * m->max_series)
		cap *= 2;
	m->tab = calloc(cap, sizeof(*m->tab));
	if (!m->tab) {
		free(m);
		return NULL;
	}
	m->cap = cap;
	return m;
}

void dl_metrics__free(struct dl_metrics *m)
{
	unsigned int i;

	if (!m)
		return;
	for (i = 0; i < m->cap; i++) {
		free(m->tab[i].labels);
		free(m->tab[i].device);
	}
	free(m->tab);
	free(m);
}

/* Label value escaping of the text format: backslash, quote, newline. */
static void put_value(char **p, char *end, const char *v)
{
	for (; *v && *p < end - 2; v++) {
		if (*v == '\\' || *v == '"' || *v == '\n') {
			*(*p)++ = '\\';
			*(*p)++ = *v == '\n' ? 'n' : *v;
		} else {
			*(*p)++ = *v;
		}
	}
}

/* '{k1="v1",k2="v2"}' from NULL-terminated name/value pairs. */
static void labels_fmt(char *buf, size_t len, const char *const *kv)
{
	char *p = buf, *end = buf + len - 2;

	*p = '\0';
	if (!kv[0])
		return;
	*p++ = '{';
	for (; kv[0] && p < end - 8; kv += 2) {
		if (p[-1] != '{')
			*p++ = ',';
		p += snprintf(p, end - p, "%s=\"", kv[0]);
		if (p >= end)
			break;
		put_value(&p, end, kv[1] ? kv[1] : "");
		*p++ = '"';
	}
	*p++ = '}';
	*p = '\0';
}

/* The series of @f with @labels; created unless the cap is reached (NULL). */
static struct series *get(struct dl_metrics *m, enum fam f, const char *labels,
			  const char *device)
{
	unsigned int i = hash(f, labels) & (m->cap - 1);

	for (; m->tab[i].used; i = (i + 1) & (m->cap - 1))
		if (m->tab[i].fam == f && !strcmp(m->tab[i].labels, labels))
			return &m->tab[i];
	if (m->n >= m->max_series) {
		m->dropped++;
		return NULL;
	}
	m->tab[i].labels = strdup(labels);
	m->tab[i].device = device ? strdup(device) : NULL;
	if (!m->tab[i].labels || (device && !m->tab[i].device)) {
		free(m->tab[i].labels);
		free(m->tab[i].device);
		m->tab[i].labels = m->tab[i].device = NULL;
		m->dropped++;
		return NULL;
	}
	m->tab[i].fam = f;
	m->tab[i].used = true;
	m->n++;
	return &m->tab[i];
}

static void count(struct dl_metrics *m, enum fam f, const char *dev,
		  const char *const *kv, uint64_t delta);

static bool exists(const struct dl_metrics *m, enum fam f, const char *labels)
{
	unsigned int i = hash(f, labels) & (m->cap - 1);

	for (; m->tab[i].used; i = (i + 1) & (m->cap - 1))
		if (m->tab[i].fam == f && !strcmp(m->tab[i].labels, labels))
			return true;
	return false;
}

/*
 * Drop locations are opt-in and capped: the first @m->locations functions
 * of a device get their own series, later ones count under "other".
 */
static void count_location(struct dl_metrics *m, const char *dev,
			   const struct dl_ledger_cause *c)
{
	const char *fn = c->function[0] ? c->function : "unknown";
	const char *kv[] = { "device", dev, "direction", c->tx ? "tx" : "rx",
			     "reason", c->reason_name, "function", fn, NULL };
	char labels[512];
	unsigned int i;

	for (i = 0; i < m->nloc && strcmp(m->loc[i].device, dev); i++)
		;
	if (i == m->nloc && m->nloc < sizeof(m->loc) / sizeof(m->loc[0])) {
		snprintf(m->loc[i].device, sizeof(m->loc[i].device), "%s", dev);
		m->loc[m->nloc++].n = 0;
	}
	labels_fmt(labels, sizeof(labels), kv);
	if (!exists(m, F_STACK_LOCATION, labels)) {
		if (i < m->nloc && m->loc[i].n < m->locations)
			m->loc[i].n++;
		else
			kv[7] = "other";
	}
	count(m, F_STACK_LOCATION, dev, kv, c->count);
}

static void count(struct dl_metrics *m, enum fam f, const char *dev,
		  const char *const *kv, uint64_t delta)
{
	char labels[512];
	struct series *s;

	labels_fmt(labels, sizeof(labels), kv);
	s = get(m, f, labels, dev);
	if (s) {
		s->total += delta;
		s->present = true;
	}
}

/* Set a gauge, or with @add add to it (residual: kept while the device is away). */
static void set_gauge(struct dl_metrics *m, enum fam f, const char *dev,
		      const char *const *kv, double v, bool add)
{
	char labels[512];
	struct series *s;

	labels_fmt(labels, sizeof(labels), kv);
	s = get(m, f, labels, dev);
	if (s) {
		s->value = add ? s->value + v : v;
		s->present = true;
	}
}

static void gauge(struct dl_metrics *m, enum fam f, const char *dev,
		  const char *const *kv, double v)
{
	set_gauge(m, f, dev, kv, v, false);
}

static void add_gauge(struct dl_metrics *m, enum fam f, const char *dev,
		      const char *const *kv, double v)
{
	set_gauge(m, f, dev, kv, v, true);
}

int dl_metrics__add_interval(struct dl_metrics *m, const struct dl_ledger *iv, double now)
{
	const char *d = iv->ifname;
	const char *dev[] = { "device", d, NULL };
	char qs[16];
	const char *dq[] = { "device", d, "queue", qs, NULL };
	bool nic_per_queue = false;
	unsigned int q, i;

	if (!d[0])
		return -EINVAL;
	gauge(m, F_DEVICE_UP, d, dev, 1);
	count(m, F_INTERVALS, d, dev, 1);
	for (q = 0; q < iv->nqueues && q < DL_MAX_QUEUES; q++) {
		snprintf(qs, sizeof(qs), "%u", q);
		count(m, F_XDP_SEEN, d, dq, iv->q[q].arrived);
		count(m, F_XDP_BYTES, d, dq, iv->q[q].bytes);
		count(m, F_QUEUE_STACK_DROPPED, d, dq, iv->q[q].stack_dropped);
		/* Absent on drivers without per-queue drop counters: no series. */
		if (iv->q[q].nic_dropped.have) {
			count(m, F_NIC_DROPPED, d, dq, iv->q[q].nic_dropped.v);
			nic_per_queue = true;
		}
	}
	if (iv->queue_overflow) {
		snprintf(qs, sizeof(qs), "overflow");
		count(m, F_XDP_SEEN, d, dq, iv->queue_overflow);
	}
	/* Device-level NIC drops only where no queue has its own counter. */
	if (!nic_per_queue && iv->nic_dropped.have)
		count(m, F_NIC_DROPPED, d, dev, iv->nic_dropped.v);
	count(m, F_MALFORMED, d, dev, iv->malformed);
	count(m, F_DELIVERED, d, dev, iv->delivered);
	count(m, F_RECORDS_LOST, d, dev, iv->records_lost);
	count(m, F_UNATTRIBUTED, d, dev, iv->unattributed);
	add_gauge(m, F_RESIDUAL, d, dev, (double)iv->residual);
	for (i = 0; i < iv->ncauses; i++) {
		const struct dl_ledger_cause *c = &iv->causes[i];
		const char *kv[] = {
			"device", d, "direction", c->tx ? "tx" : "rx",
			"category", c->category ? c->category : "unknown",
			"group", c->group ? c->group : "unknown",
			"reason", c->reason_name[0] ? c->reason_name : "UNKNOWN", NULL
		};

		/* rss verdicts ride along as causes; they are not drops. */
		if (c->category && !strcmp(c->category, "rss"))
			continue;
		count(m, F_STACK_DROPPED, d, kv, c->count);
		if (m->locations)
			count_location(m, d, c);
	}
	if (iv->rss && iv->rss->skew.enough) {
		gauge(m, F_RSS_JAIN, d, dev, iv->rss->skew.jain);
		for (q = 0; q < iv->rss->nr_queues; q++) {
			snprintf(qs, sizeof(qs), "%u", iv->rss->queues[q].queue);
			gauge(m, F_RSS_HOT, d, dq, iv->rss->queues[q].hot ? 1 : 0);
		}
	}
	m->last_update = now;
	return 0;
}

void dl_metrics__device_down(struct dl_metrics *m, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < m->cap; i++) {
		struct series *s = &m->tab[i];

		if (!s->used || !s->device || strcmp(s->device, ifname))
			continue;
		if (s->fam == F_DEVICE_UP)
			s->value = 0;
		else if (!strcmp(fams[s->fam].type, "gauge"))
			s->present = false;
	}
}

int dl_metrics__device_restart(struct dl_metrics *m, const char *ifname)
{
	const char *dev[] = { "device", ifname, NULL };

	count(m, F_DEVICE_RESTARTS, ifname, dev, 1);
	return 0;
}

int dl_metrics__add_evidence(struct dl_metrics *m, const char *ifname, const char *outcome,
			     uint64_t delta)
{
	const char *kv[] = { "device", ifname, "outcome", outcome, NULL };

	count(m, F_EVIDENCE, ifname, kv, delta);
	return 0;
}

int dl_metrics__set_rule(struct dl_metrics *m, const char *rule, int fired)
{
	const char *kv[] = { "rule", rule, NULL };

	gauge(m, F_FAIL_ON, NULL, kv, fired ? 1 : 0);
	return 0;
}

void dl_metrics__set_locations(struct dl_metrics *m, unsigned int n)
{
	m->locations = n;
}

void dl_metrics__touch(struct dl_metrics *m, double now)
{
	m->last_update = now;
}

int dl_metrics__counter(const struct dl_metrics *m, const char *name,
			const char *labels, uint64_t *out)
{
	unsigned int i;

	for (i = 0; i < m->cap; i++) {
		const struct series *s = &m->tab[i];

		if (s->used && s->present && !strcmp(fams[s->fam].name, name) &&
		    !strcmp(s->labels, labels ? labels : "")) {
			*out = s->total;
			return 0;
		}
	}
	return -ENOENT;
}

struct out {
	char *b;
	size_t len, cap;
	bool oom;
};

static void outf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	char *nb;
	int n;

	if (o->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->b + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->oom = true;
			return;
		}
		if ((size_t)n < o->cap - o->len)
			break;
		nb = realloc(o->b, o->cap * 2 + n);
		if (!nb) {
			o->oom = true;
			return;
		}
		o->b = nb;
		o->cap = o->cap * 2 + n;
	}
	o->len += n;
}

static int series_cmp(const void *a, const void *b)
{
	const struct series *x = *(const struct series *const *)a;
	const struct series *y = *(const struct series *const *)b;

	return strcmp(x->labels, y->labels);
}

int dl_metrics__render(const struct dl_metrics *m, char **text, size_t *len)
{
	struct out o = { .cap = 4096 };
	const struct series **v;
	unsigned int f, i, n;

	o.b = malloc(o.cap);
	v = calloc(m->n ? m->n : 1, sizeof(*v));
	if (!o.b || !v) {
		free(o.b);
		free(v);
		return -ENOMEM;
	}
	o.b[0] = '\0';
	for (f = 0; f < F_MAX; f++) {
		/* Sorted by labels: stable output for people and diffs. */
		for (i = n = 0; i < m->cap; i++)
			if (m->tab[i].used && m->tab[i].fam == f && m->tab[i].present)
				v[n++] = &m->tab[i];
		qsort(v, n, sizeof(*v), series_cmp);
		if (n)
			outf(&o, "# HELP %s %s\n# TYPE %s %s\n", fams[f].name,
			     fams[f].help, fams[f].name, fams[f].type);
		for (i = 0; i < n; i++) {
			if (!strcmp(fams[f].type, "counter"))
				outf(&o, "%s%s %" PRIu64 "\n", fams[f].name, v[i]->labels,
				     v[i]->total);
			else
				outf(&o, "%s%s %.17g\n", fams[f].name, v[i]->labels, v[i]->value);
		}
		/* The process-wide series, not in the table so the cap never hides them. */
		if (f == F_BUILD_INFO)
			outf(&o, "# HELP %s %s\n# TYPE %s gauge\n%s{version=\"%s\"} 1\n",
			     fams[f].name, fams[f].help, fams[f].name, fams[f].name, DL_VERSION);
		else if (f == F_LAST_UPDATE && m->last_update > 0)
			outf(&o, "# HELP %s %s\n# TYPE %s gauge\n%s %.3f\n", fams[f].name,
			     fams[f].help, fams[f].name, fams[f].name, m->last_update);
		else if (f == F_SERIES_DROPPED)
			outf(&o, "# HELP %s %s\n# TYPE %s counter\n%s %" PRIu64 "\n",
			     fams[f].name, fams[f].help, fams[f].name, fams[f].name,
			     m->dropped);
	}
	free(v);
	if (o.oom) {
		free(o.b);
		return -ENOMEM;
	}
	*text = o.b;
	*len = o.len;
	return 0;
}

struct text_buf {
	const char *text;
	size_t len;
};

static int text_body(FILE *out, const void *ctx)
{
	const struct text_buf *t = ctx;

	return fwrite(t->text, 1, t->len, out) == t->len ? 0 : errno ? -errno : -EIO;
}

int dl_metrics__write_textfile(const char *path, const char *text, size_t len)
{
	struct text_buf t = { text, len };

	return dl_atomic_file__write(path, text_body, &t);
}
