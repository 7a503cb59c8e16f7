// SPDX-License-Identifier: GPL-2.0-only
/*
 * watch -w and --html-dir (see watch_evidence.h). One pcapng writer is
 * shared by the devices' capture threads under a lock; each capture adds
 * its device's interface block when it starts. Pages go to a temporary
 * file renamed over the old one, so a reader never sees half a page.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dl_config.h"
#include "evidence/drop_pcap.h"
#include "evidence/evidence.h"
#include "evidence/filter.h"
#include "evidence/html.h"
#include "evidence/pcapng.h"
#include "evidence/timeline.h"
#include "export/metrics.h"
#include "ledger/ledger.h"
#include "trace/drop_trace.h"
#include "util/atomic_file.h"
#include "util/json.h"
#include "util/log.h"
#include "util/wait.h"
#include "watch/watch_devs.h"
#include "watch/watch_evidence.h"

static const char *pcap_name(const struct dl_watch *w)
{
	return w->pcap_fd == STDOUT_FILENO ? "stdout" : w->o->pcap_path;
}

/* A file made and removed in @dir: writable now, or the reason. */
static int check_dir(const char *dir, char *why, size_t why_len)
{
	char path[PATH_MAX];
	int fd, n;

	n = snprintf(path, sizeof(path), "%s/.dropledger-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, why_len, "--html-dir %s: path too long", dir);
		return -ENAMETOOLONG;
	}
	fd = mkstemp(path);
	if (fd < 0) {
		int err = -errno;

		snprintf(why, why_len, "--html-dir %s is not writable: %s", dir, strerror(-err));
		return err;
	}
	close(fd);
	unlink(path);
	return 0;
}

int dl_watch_ev__open(struct dl_watch *w, char *why, size_t why_len)
{
	const struct dl_watch_opts *o = w->o;
	int err;

	w->pcap_fd = -1;
	if (o->html_dir) {
		err = check_dir(o->html_dir, why, why_len);
		if (err)
			return err;
	}
	if (!o->pcap_path)
		return 0;
	if (o->filter) {
		w->filter = dl_pkt_filter__compile(o->filter, why, why_len);
		if (!w->filter)
			return errno ? -errno : -EINVAL;
	}
	w->pcap_fd = dl_evidence__open_pcap(o->pcap_path, why, why_len);
	if (w->pcap_fd < 0) {
		err = w->pcap_fd;
		w->pcap_fd = -1;
		return err;
	}
	w->pcap = dl_pcapng__new(w->pcap_fd, "dropledger " DL_VERSION);
	if (!w->pcap) {
		snprintf(why, why_len, "cannot set up the pcapng writer: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	pthread_mutex_init(&w->pcap_lock, NULL);
	return 0;
}

void dl_watch_ev__close(struct dl_watch *w)
{
	if (w->pcap) {
		dl_pcapng__close(w->pcap);
		pthread_mutex_destroy(&w->pcap_lock);
		w->pcap = NULL;
	}
	if (w->pcap_fd > STDOUT_FILENO)
		close(w->pcap_fd);
	w->pcap_fd = -1;
	dl_pkt_filter__free(w->filter);
	w->filter = NULL;
}

/* From a capture thread: remember the first error, the loop says it. */
static void on_pcap_error(int err, void *ctx)
{
	struct dl_watch *w = ctx;
	int zero = 0;

	atomic_compare_exchange_strong(&w->pcap_err, &zero, err);
}

void dl_watch_ev__check(struct dl_watch *w)
{
	int err = atomic_load(&w->pcap_err);

	if (err && !w->pcap_told) {
		pr_warn("cannot write %s: %s (later drops counted as unwritten)\n", pcap_name(w),
			strerror(-err));
		w->pcap_told = true;
	}
}

int dl_watch_ev__dev_start(struct dl_watch *w, struct dl_watch_dev *d, char *why,
			   size_t why_len)
{
	const struct dl_watch_opts *o = w->o;
	struct dl_drop_pcap_opts po = {
		.ifindex = (unsigned int)d->ifindex, .ifname = d->name, .netns = w->netns,
		.flow_map_fd = dl_drop_trace__flow_map_fd(d->dt), .fd = w->pcap_fd, .path = pcap_name(w),
		.snaplen = o->snaplen, .sample = o->sample, .max_packets = o->max_packets,
		.names = &w->names, .writer = w->pcap, .writer_lock = &w->pcap_lock,
		.filter = w->filter,
		.on_error = on_pcap_error, .ctx = w,
	};

	if (o->html_dir) {
		d->tl = dl_timeline__new(o->html_intervals ? o->html_intervals :
					 DL_WATCH_HTML_INTERVALS);
		if (!d->tl) {
			snprintf(why, why_len, "timeline: %s", strerror(ENOMEM));
			return -ENOMEM;
		}
	}
	if (!w->pcap)
		return 0;
	d->pc_prev = calloc(1, sizeof(*d->pc_prev));
	if (!d->pc_prev) {
		snprintf(why, why_len, "capture: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	d->pc = dl_drop_pcap__start(&po, why, why_len);
	return d->pc ? 0 : (errno ? -errno : -EIO);
}

void dl_watch_ev__dev_arm(struct dl_watch_dev *d)
{
	if (d->pc)
		dl_drop_pcap__arm(d->pc);
}

int dl_watch_ev__dev_base(struct dl_watch *w, struct dl_watch_dev *d)
{
	int err;

	if (!w->o->html_dir)
		return 0;
	err = dl_ledger__copy(&d->base, &d->prev);
	if (err)
		return err;
	dl_kstate__take(&d->ks_base, d->name, w->nic_map);
	d->have_base = true;
	d->t0 = dl_wait__now();
	return 0;
}

/* Counts of the window so far less those at the last interval. */
static void delta(struct dl_drop_pcap_stats *out, const struct dl_drop_pcap_stats *now,
		  const struct dl_drop_pcap_stats *prev)
{
	*out = *now;
	out->drops -= prev->drops;
	out->sampled_out -= prev->sampled_out;
	out->lost -= prev->lost;
	out->filtered_out -= prev->filtered_out;
	out->over_max -= prev->over_max;
	out->unwritten -= prev->unwritten;
	out->written -= prev->written;
	out->no_headers -= prev->no_headers;
	out->truncated -= prev->truncated;
}

void dl_watch_ev__annotate(struct dl_watch *w, struct dl_watch_dev *d, json_t *rec)
{
	struct dl_drop_pcap_stats now, iv;

	if (!d->pc || dl_drop_pcap__stats_now(d->pc, &now))
		return;
	delta(&iv, &now, d->pc_prev);
	*d->pc_prev = now;
	if (w->metrics) {
		dl_metrics__add_evidence(w->metrics, d->name, "written", iv.written);
		dl_metrics__add_evidence(w->metrics, d->name, "sampled_out", iv.sampled_out);
		dl_metrics__add_evidence(w->metrics, d->name, "lost", iv.lost);
		dl_metrics__add_evidence(w->metrics, d->name, "over_max", iv.over_max);
		dl_metrics__add_evidence(w->metrics, d->name, "unwritten", iv.unwritten);
		if (w->filter)
			dl_metrics__add_evidence(w->metrics, d->name, "filtered_out",
						 iv.filtered_out);
	}
	json_object_set_new(rec, "evidence", dl_drop_pcap__stats_json(d->pc, &iv));
}

struct page {
	const json_t *root;
	int (*body)(const json_t *root, FILE *out);
};

static int page_body(FILE *out, const void *ctx)
{
	const struct page *p = ctx;

	return p->body(p->root, out);
}

/* @body written to DIR/NAME through a temporary and a rename. */
static int write_atomic(const char *dir, const char *name, const json_t *root,
			int (*body)(const json_t *root, FILE *out))
{
	struct page p = { root, body };
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return dl_atomic_file__write(path, page_body, &p);
}

/* The page's JSON next to it, encoded as the JSON lines are (the page shows the same). */
static int json_body(const json_t *root, FILE *out)
{
	if (json_dumpf(root, out, JSON_COMPACT | DL_JSON_ENCODING))
		return -EIO;
	fputc('\n', out);
	return ferror(out) ? -EIO : 0;
}

static void page_failed(struct dl_watch *w, const char *name, int err)
{
	if (err && !w->html_failing)
		pr_warn("cannot write %s/%s: %s (retried every interval)\n", w->o->html_dir, name,
			strerror(-err));
	else if (!err && w->html_failing)
		pr_info("%s written again\n", w->o->html_dir);
	w->html_failing = err != 0;
}

/* The device's whole watch so far: baseline to now, as report's JSON. */
static json_t *cumulative(struct dl_watch *w, struct dl_watch_dev *d,
			  const struct dl_ledger *cur, const struct dl_kstate *ks_now)
{
	struct dl_drop_pcap_stats st;
	struct dl_ledger cum;
	json_t *root;
	int err;

	err = dl_ledger__diff(&d->base, cur, &cum);
	if (err)
		return NULL;
	dl_ledger__name(&cum, &w->names);
	cum.cumulative = true;
	cum.duration_s = dl_wait__now() - d->t0;
	if (ks_now) {
		err = dl_ledger__add_kstate(&cum, &d->ks_base, ks_now);
		if (!err)
			err = dl_ledger__add_rss(&cum, -1, &d->ks_base, ks_now, 0);
	}
	root = err ? NULL : dl_ledger__to_json(&cum);
	dl_ledger__free(&cum);
	if (!root)
		return NULL;
	if (d->pc && !dl_drop_pcap__stats_now(d->pc, &st))
		json_object_set_new(root, "evidence", dl_drop_pcap__stats_json(d->pc, &st));
	if (dl_timeline__annotate(d->tl, root)) {
		json_decref(root);
		return NULL;
	}
	return root;
}

void dl_watch_ev__interval(struct dl_watch *w, struct dl_watch_dev *d, const json_t *rec,
			   const struct dl_ledger *cur, const struct dl_kstate *ks_now)
{
	char name[IF_NAMESIZE + 8];
	json_t *root;
	int err;

	if (!w->o->html_dir || !d->tl || !d->have_base)
		return;
	err = dl_timeline__add(d->tl, rec);
	if (err) {
		pr_warn("%s: timeline: %s\n", d->name, strerror(-err));
		return;
	}
	root = cumulative(w, d, cur, ks_now);
	if (!root) {
		pr_warn("%s: cannot build its page: %s\n", d->name, strerror(ENOMEM));
		return;
	}
	snprintf(name, sizeof(name), "%s.json", d->name);
	err = write_atomic(w->o->html_dir, name, root, json_body);
	if (!err) {
		snprintf(name, sizeof(name), "%s.html", d->name);
		err = write_atomic(w->o->html_dir, name, root, dl_html__write);
	}
	page_failed(w, name, err);
	json_decref(d->summary);
	d->summary = json_pack("{s:s,s:O*}", "interface", d->name, "totals",
			       json_object_get(root, "totals"));
	json_decref(root);
}

/* index.html: a link per device and its cumulative totals. */
static int index_body(const json_t *devs, FILE *out)
{
	static const char *const cols[] = { "arrived", "stack_dropped", "delivered", "residual" };
	const json_t *d;
	size_t i, j;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<title>dropledger watch</title><style>body{font:14px/1.45 system-ui,sans-serif;"
	      "margin:24px auto;max-width:980px}td,th{padding:3px 10px;text-align:left}"
	      "td.n{text-align:right}</style></head><body>\n<h1>dropledger watch</h1>\n"
	      "<p>Each device's ledger since it was first watched, and the timeline of its "
	      "last intervals.</p>\n<table id=\"devices\"><tr><th>device</th>", out);
	for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++)
		fprintf(out, "<th>%s</th>", cols[j]);
	fputs("</tr>", out);
	json_array_foreach(devs, i, d) {
		const char *name = json_string_value(json_object_get(d, "interface"));
		const json_t *t = json_object_get(d, "totals");

		fputs("<tr><td><a href=\"", out);
		dl_html__esc(out, name);
		fputs(".html\">", out);
		dl_html__esc(out, name);
		fputs("</a></td>", out);
		for (j = 0; j < sizeof(cols) / sizeof(cols[0]); j++)
			fprintf(out, "<td class=\"n\">%" JSON_INTEGER_FORMAT "</td>",
				json_integer_value(json_object_get(t, cols[j])));
		fputs("</tr>", out);
	}
	fputs("</table>\n</body></html>\n", out);
	return ferror(out) ? -EIO : 0;
}

void dl_watch_ev__index(struct dl_watch *w)
{
	struct dl_watch_dev *d;
	json_t *devs;
	int err;

	if (!w->o->html_dir)
		return;
	devs = json_array();
	for (d = w->devs; devs && d; d = d->next)
		if (d->summary)
			json_array_append(devs, d->summary);
	if (!devs)
		return;
	err = write_atomic(w->o->html_dir, "index.html", devs, index_body);
	page_failed(w, "index.html", err);
	json_decref(devs);
}

void dl_watch_ev__dev_stop(struct dl_watch_dev *d)
{
	if (d->pc)
		dl_drop_pcap__stop(d->pc);
}

void dl_watch_ev__dev_free(struct dl_watch_dev *d)
{
	dl_drop_pcap__destroy(d->pc);
	d->pc = NULL;
	free(d->pc_prev);
	d->pc_prev = NULL;
	if (d->have_base) {
		dl_ledger__free(&d->base);
		dl_kstate__release(&d->ks_base);
		d->have_base = false;
	}
	dl_timeline__free(d->tl);
	d->tl = NULL;
	json_decref(d->summary);
	d->summary = NULL;
}
