/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The evidence of a report run, in one place for the report command (and
 * its session): the pcapng of dropped frames (-w), the filter that narrows
 * causes and capture, the HTML page (--html) and the saved JSON (--save).
 * Outputs are opened before anything is attached, so a bad path fails the
 * run before it starts; a write failing mid-run ends the run.
 */
#ifndef DL_EVIDENCE_H
#define DL_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct dl_ledger;
struct dl_ledger_names;

struct dl_evidence_opts {
	const char *pcap_path;	/* -w: a file, "-" for stdout, NULL: none */
	uint32_t snaplen;	/* 0: default 128 */
	uint32_t sample;	/* 1 in N; 0: every drop */
	uint64_t max_packets;	/* 0: no limit */
	const char *filter;	/* pcap-filter expression, NULL: none */
	const char *html_path;	/* --html FILE */
	const char *save_path;	/* --save FILE (the JSON) */
};

struct dl_evidence;

/* Options out of range: one line in @why, -EINVAL. */
int dl_evidence__check(const struct dl_evidence_opts *o, char *why, size_t why_len);
/*
 * Compile the filter (-EINVAL: libpcap's message in @why: a usage error)
 * and open the outputs (-errno: "cannot write PATH: why").
 */
int dl_evidence__open(const struct dl_evidence_opts *o, struct dl_evidence **out,
		      char *why, size_t why_len);
/* The -w output: stdout for "-", else @path created or truncated (0644); -errno with "cannot write PATH: why". */
int dl_evidence__open_pcap(const char *path, char *why, size_t why_len);
/* Any capture wanted (-w or a filter)? Then call __start. */
bool dl_evidence__captures(const struct dl_evidence *ev);
/* Does the ledger's text/JSON have to go to stderr (-w -)? */
bool dl_evidence__owns_stdout(const struct dl_evidence *ev);

/*
 * Load the capture for @ifindex/@netns, joining the drop tracer's flow
 * table @flow_map_fd. @on_error is called (from another thread) when the
 * pcap output fails mid-run.
 */
int dl_evidence__start(struct dl_evidence *ev, unsigned int ifindex, const char *ifname,
		       unsigned int netns, int flow_map_fd,
		       const struct dl_ledger_names *names,
		       void (*on_error)(int err, void *ctx), void *ctx,
		       char *why, size_t why_len);
/* The run's window: from the baseline to the final read. */
void dl_evidence__arm(struct dl_evidence *ev);
int dl_evidence__stop(struct dl_evidence *ev);
/* 0, or the output's -errno with "cannot write PATH: why" in @why. */
int dl_evidence__error(const struct dl_evidence *ev, char *why, size_t why_len);

/* With a filter: narrow @l's causes to the matching drops. */
int dl_evidence__narrow(const struct dl_evidence *ev, struct dl_ledger *l);
/* An interval record's JSON (report -I): kept for the run's "timeline". */
int dl_evidence__interval(struct dl_evidence *ev, const json_t *rec);
/* Add "evidence" (capture counts), "filter" and "timeline" to a report's JSON. */
int dl_evidence__annotate(const struct dl_evidence *ev, json_t *root);
/* The EVIDENCE section of the text report. */
void dl_evidence__print_text(const struct dl_evidence *ev, FILE *out);
/*
 * Write --html and --save from the whole-run JSON @root (annotated).
 * -errno with the path in @why.
 */
int dl_evidence__write_files(struct dl_evidence *ev, json_t *root, char *why,
			     size_t why_len);

/* Detach, close, free. */
void dl_evidence__free(struct dl_evidence *ev);

#endif
