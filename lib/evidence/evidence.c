// SPDX-License-Identifier: GPL-2.0-only
/* The evidence of a report run: pcap, filter, HTML, saved JSON; see evidence.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence/drop_pcap.h"
#include "evidence/evidence.h"
#include "evidence/filter.h"
#include "evidence/html.h"
#include "evidence/timeline.h"
#include "ledger/ledger.h"
#include "util/output.h"

struct dl_evidence {
	struct dl_evidence_opts o;
	struct dl_pkt_filter *filter;
	struct dl_drop_pcap *pc;
	int pcap_fd;		/* -1: none; 1: stdout (not ours to close) */
	FILE *html, *save;
	struct dl_timeline *timeline;	/* report -I: drops by cause per interval */
};

int dl_evidence__check(const struct dl_evidence_opts *o, char *why, size_t why_len)
{
	if (o->snaplen > 65535) {
		snprintf(why, why_len, "--snaplen takes 1..65535 bytes, not %" PRIu32, o->snaplen);
		return -EINVAL;
	}
	if (!o->pcap_path && (o->snaplen || o->sample > 1 || o->max_packets)) {
		snprintf(why, why_len, "--snaplen, --sample and --max-packets shape the pcap; add -w FILE");
		return -EINVAL;
	}
	if (o->html_path && !strcmp(o->html_path, "-")) {
		snprintf(why, why_len, "--html wants a file name");
		return -EINVAL;
	}
	return 0;
}

int dl_evidence__open_pcap(const char *path, char *why, size_t why_len)
{
	int fd;

	if (!strcmp(path, "-"))
		return STDOUT_FILENO;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fd = -errno;
		snprintf(why, why_len, "cannot write %s: %s", path, strerror(-fd));
	}
	return fd;
}

static FILE *open_out(const char *path, char *why, size_t why_len, int *err)
{
	FILE *f = fopen(path, "we");

	if (!f) {
		*err = -errno;
		snprintf(why, why_len, "cannot write %s: %s", path, strerror(errno));
	}
	return f;
}

int dl_evidence__open(const struct dl_evidence_opts *o, struct dl_evidence **out,
		      char *why, size_t why_len)
{
	struct dl_evidence *ev;
	int err = 0;

	*out = NULL;
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->o = *o;
	ev->pcap_fd = -1;
	if (o->filter) {
		ev->filter = dl_pkt_filter__compile(o->filter, why, why_len);
		if (!ev->filter) {
			err = -errno;
			goto fail;
		}
	}
	if (o->pcap_path) {
		ev->pcap_fd = dl_evidence__open_pcap(o->pcap_path, why, why_len);
		if (ev->pcap_fd < 0) {
			err = ev->pcap_fd;
			goto fail;
		}
	}
	if (o->html_path) {
		ev->html = open_out(o->html_path, why, why_len, &err);
		if (!ev->html)
			goto fail;
	}
	if (o->save_path) {
		ev->save = open_out(o->save_path, why, why_len, &err);
		if (!ev->save)
			goto fail;
	}
	*out = ev;
	return 0;
fail:
	dl_evidence__free(ev);
	return err;
}

bool dl_evidence__captures(const struct dl_evidence *ev)
{
	return ev && (ev->pcap_fd >= 0 || ev->filter);
}

bool dl_evidence__owns_stdout(const struct dl_evidence *ev)
{
	return ev && ev->pcap_fd == STDOUT_FILENO;
}

int dl_evidence__start(struct dl_evidence *ev, unsigned int ifindex, const char *ifname,
		       unsigned int netns, int flow_map_fd,
		       const struct dl_ledger_names *names,
		       void (*on_error)(int err, void *ctx), void *ctx,
		       char *why, size_t why_len)
{
	struct dl_drop_pcap_opts po = {
		.ifindex = ifindex, .ifname = ifname, .netns = netns,
		.flow_map_fd = flow_map_fd, .fd = ev->pcap_fd,
		.path = ev->o.pcap_path && strcmp(ev->o.pcap_path, "-") ?
			ev->o.pcap_path : "stdout",
		.snaplen = ev->o.snaplen, .sample = ev->o.sample,
		.max_packets = ev->o.max_packets, .filter = ev->filter,
		.names = names, .on_error = on_error, .ctx = ctx,
	};

	if (!dl_evidence__captures(ev))
		return 0;
	ev->pc = dl_drop_pcap__start(&po, why, why_len);
	return ev->pc ? 0 : -errno;
}

void dl_evidence__arm(struct dl_evidence *ev)
{
	if (ev && ev->pc)
		dl_drop_pcap__arm(ev->pc);
}

int dl_evidence__stop(struct dl_evidence *ev)
{
	return ev && ev->pc ? dl_drop_pcap__stop(ev->pc) : 0;
}

int dl_evidence__error(const struct dl_evidence *ev, char *why, size_t why_len)
{
	struct dl_drop_pcap_stats st;

	if (!ev || !ev->pc)
		return 0;
	dl_drop_pcap__stats(ev->pc, &st);
	if (st.write_error)
		snprintf(why, why_len, "cannot write %s: %s",
			 ev->pcap_fd == STDOUT_FILENO ? "stdout" : ev->o.pcap_path,
			 strerror(-st.write_error));
	return st.write_error;
}

int dl_evidence__narrow(const struct dl_evidence *ev, struct dl_ledger *l)
{
	return ev && ev->pc ? dl_drop_pcap__narrow(ev->pc, l) : 0;
}

int dl_evidence__interval(struct dl_evidence *ev, const json_t *rec)
{
	if (!ev)
		return 0;
	if (!ev->timeline)
		ev->timeline = dl_timeline__new(DL_TIMELINE_REPORT_CAP);
	if (!ev->timeline)
		return -ENOMEM;
	return dl_timeline__add(ev->timeline, rec);
}

int dl_evidence__annotate(const struct dl_evidence *ev, json_t *root)
{
	json_t *f;

	if (!ev)
		return 0;
	if (ev->timeline && dl_timeline__annotate(ev->timeline, root))
		return -ENOMEM;
	if (ev->pc)
		json_object_set_new(root, "evidence", dl_drop_pcap__json(ev->pc));
	if (ev->filter) {
		f = json_object();
		if (!f)
			return -ENOMEM;
		json_object_set_new(f, "expression", json_string(dl_pkt_filter__expr(ev->filter)));
		json_object_set_new(f, "narrows", json_string("causes and capture; totals and queues are whole"));
		json_object_set_new(root, "filter", f);
	}
	return 0;
}

void dl_evidence__print_text(const struct dl_evidence *ev, FILE *out)
{
	struct dl_drop_pcap_stats st;

	if (!ev || !ev->pc)
		return;
	dl_drop_pcap__stats(ev->pc, &st);
	fprintf(out, "\nEVIDENCE\n");
	if (ev->filter)
		fprintf(out, "  filter in force: '%s' (causes and capture narrowed; totals whole)\n",
			dl_pkt_filter__expr(ev->filter));
	if (ev->pcap_fd >= 0)
		fprintf(out, "  pcapng %s: %" PRIu64 " packets written (snaplen %u), %" PRIu64 " bytes\n",
			ev->pcap_fd == STDOUT_FILENO ? "stdout" : ev->o.pcap_path, st.written,
			ev->o.snaplen ? ev->o.snaplen : DL_PCAP_SNAP_DEFAULT, st.bytes);
	fprintf(out, "  drops %" PRIu64 ": written %" PRIu64 ", sampled out %" PRIu64
		", lost (ring full) %" PRIu64 ", over --max-packets %" PRIu64, st.drops,
		st.written, st.sampled_out, st.lost, st.over_max);
	if (ev->filter)
		fprintf(out, ", not matching %" PRIu64, st.filtered_out);
	if (st.unwritten)
		fprintf(out, ", unwritten (output failed) %" PRIu64, st.unwritten);
	fprintf(out, "\n");
	if (st.no_headers || st.truncated)
		fprintf(out, "  %" PRIu64 " written without headers (mac header unset), %" PRIu64
			" shorter than snaplen (only the linear part readable)\n",
			st.no_headers, st.truncated);
}

/* fclose and say which file failed (a full disk shows at the last flush). */
static int close_out(FILE **f, const char *path, char *why, size_t why_len)
{
	int err = 0;

	if (!*f)
		return 0;
	if (ferror(*f))
		err = -EIO;
	if (fclose(*f) && !err)
		err = -errno;
	*f = NULL;
	if (err)
		snprintf(why, why_len, "cannot write %s: %s", path, strerror(-err));
	return err;
}

int dl_evidence__write_files(struct dl_evidence *ev, json_t *root, char *why,
			     size_t why_len)
{
	int err = 0, e;

	if (!ev)
		return 0;
	if (ev->save) {
		/* The line exactly as report --json prints it, envelope and all. */
		struct dl_output so = { .f = ev->save, .name = ev->o.save_path };

		err = dl_output__json(&so, "report", root);
		e = close_out(&ev->save, ev->o.save_path, why, why_len);
		err = err ?: e;
		if (err && !e)
			snprintf(why, why_len, "cannot write %s: %s", ev->o.save_path,
				 strerror(-err));
	}
	if (ev->html) {
		dl_html__write(root, ev->html);
		e = close_out(&ev->html, ev->o.html_path, why, why_len);
		err = err ?: e;
	}
	return err;
}

void dl_evidence__free(struct dl_evidence *ev)
{
	if (!ev)
		return;
	dl_drop_pcap__destroy(ev->pc);
	if (ev->pcap_fd > STDOUT_FILENO)
		close(ev->pcap_fd);
	if (ev->html)
		fclose(ev->html);
	if (ev->save)
		fclose(ev->save);
	dl_pkt_filter__free(ev->filter);
	dl_timeline__free(ev->timeline);
	free(ev);
}
