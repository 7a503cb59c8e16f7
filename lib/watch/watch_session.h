/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The watch run (dropledger watch and top): one ledger per device over
 * every RX queue, one interval after the other, into JSON lines or text,
 * Prometheus metrics (/metrics and a textfile) and --fail-on; devices that
 * come, go or are re-created are followed through rtnetlink. The app parses
 * options and calls dl_watch_session__run; top draws through the hooks.
 */
#ifndef DL_WATCH_SESSION_H
#define DL_WATCH_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct dl_fail_on;
struct dl_ledger;
struct dl_output;

#define DL_WATCH_MAX_IFACES 64
#define DL_WATCH_HTML_INTERVALS 120	/* --html-dir: the timeline's window */

struct dl_watch_opts {
	const char *ifaces[DL_WATCH_MAX_IFACES];
	unsigned int nifaces;
	bool all;		/* -i all: every interface but lo, now and later */
	const char *netns;
	double interval;
	double duration;	/* 0: until stopped */
	bool json;
	bool flows;
	bool skb_mode;
	bool top;
	const char *listen;
	const char *textfile;
	unsigned int max_series;
	unsigned int locations;	/* --metrics-locations */
	struct dl_fail_on *fail_on;
	/* -w FILE|-: dropped frames as pcapng (and --snaplen, --sample, --max-packets). */
	const char *pcap_path;
	uint32_t snaplen;
	uint32_t sample;
	uint64_t max_packets;
	const char *filter;	/* pcap-filter: only matching frames written (needs -w) */
	/* --html-dir DIR: DEVICE.html and index.html after every interval. */
	const char *html_dir;
	unsigned int html_intervals;	/* timeline length; 0: DL_WATCH_HTML_INTERVALS */
	/* Where the lines go (NULL: dl_stdout). */
	struct dl_output *out;
	/* Set by a signal: the run ends after the current interval. */
	const volatile sig_atomic_t *stop;
	/* Called once, when every device is counting (--ready-file). */
	void (*on_ready)(void *ctx);
	void *ready_ctx;
	/* top: called with each device's interval ledger, then once per interval. */
	void (*render)(void *ctx, const struct dl_ledger *iv);
	void (*render_done)(void *ctx);
	/* top: a key is readable on key_fd; return true to quit. */
	bool (*on_key)(void *ctx);
	int key_fd;		/* -1: none */
	void *render_ctx;
};

/*
 * Run until the duration ends, *stop, a quit key or the output failing.
 * 0 (*@fired: a --fail-on rule fired on some interval), or -errno with
 * one line in @why when the run could not start (nothing left attached).
 * An output that failed mid-run is the caller's to report
 * (dl_output__failed).
 */
int dl_watch_session__run(const struct dl_watch_opts *o, bool *fired, char *why,
			  size_t why_len);

/* One compact line for a device's interval (non-TTY output). */
void dl_watch__print_line(const struct dl_ledger *l, const char *fired, FILE *out);
/* With -w: the capture counts of that interval record @rec, one more line. */
void dl_watch__print_evidence(const json_t *rec, FILE *out);

#endif
