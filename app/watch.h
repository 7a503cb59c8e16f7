/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interval loop shared by watch and top: options, and the hooks top
 * uses to draw each interval and read keys.
 */
#ifndef DL_APP_WATCH_H
#define DL_APP_WATCH_H

#include <stdbool.h>
#include <stdio.h>

struct dl_fail_on;
struct dl_ledger;

struct watch_opts {
	const char *ifaces[64];
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
	const char *ready_file;
	/* top: called with each device's interval ledger, then once per interval. */
	void (*render)(void *ctx, const struct dl_ledger *iv);
	void (*render_done)(void *ctx);
	/* top: a key is readable on key_fd; return true to quit. */
	bool (*on_key)(void *ctx);
	int key_fd;		/* -1: none */
	void *render_ctx;
};

int watch_parse(int argc, char **argv, struct watch_opts *o, bool top);
int watch_run(struct watch_opts *o);
/* One compact line for a device's interval (non-TTY output). */
void watch_print_line(const struct dl_ledger *l, const char *fired, FILE *out);

#endif
