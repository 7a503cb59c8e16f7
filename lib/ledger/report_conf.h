/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `dropledger report`'s options: one table (util/params.h) for the command
 * line and the [report] section of a configuration file, so both parse
 * every value the same way. config/dropledger.conf is the documented
 * example; the command line wins over the file.
 */
#ifndef DL_REPORT_CONF_H
#define DL_REPORT_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/params.h"

/* --attach clsact: the classic tc filter (the tc hook's alternative to TCX). */
#define DL_REPORT_ATTACH_CLSACT 0x100

struct dl_report_conf {
	struct dl_common_opts c;	/* -i, -d (0: until stopped), --json, -v, -c */
	double interval;		/* -I; 0: one ledger for the whole run */
	double skew_threshold;		/* hot queue above this x mean; 0: default */
	bool flows;			/* --[no-]flows */
	bool skb_mode;
	bool exact_flows;		/* --exact-flows */
	bool stack;			/* --stack: kernel stacks of NOT_SPECIFIED drops */
	int attach;			/* enum dl_attach_how, or DL_REPORT_ATTACH_CLSACT */
	int hook;			/* enum dl_hook; -1: not given (auto) */
	unsigned int mirror;		/* 1 in N frames to the tap workers; 0: off */
	int mirror_ring;		/* enum dl_mirror_kind; 0: the default */
	int *cores;			/* --cores for the workers (malloc'ed) */
	int ncores;
	unsigned int max_flows;		/* per worker; 0: default */
	const char *fail_on;		/* --fail-on RULES, parsed by export/fail_on */
	const char *write;		/* -w: pcapng of dropped frames ("-": stdout) */
	uint32_t snaplen;		/* bytes per frame; 0: default 128 */
	uint32_t sample;		/* 1 in N dropped frames to the pcap; 0: all */
	uint64_t max_packets;		/* at most N frames written; 0: no limit */
	const char *html;		/* --html FILE */
	const char *save;		/* --save FILE (the JSON line) */
	char **owned;			/* strings of a file load; see __release */
	int nowned;
};

/* The table and help of `dropledger report`. */
extern const struct dl_cmd dl_report_conf__cmd;

/* Defaults: 10 s, flows on, libxdp. */
void dl_report_conf__defaults(struct dl_report_conf *conf);

/*
 * Load the [report] section of @path over the defaults (no command line).
 * On error returns -EINVAL (or -errno when unreadable) and "file:line: what
 * is wrong" in @why, the first error of the file. Release @conf after,
 * whatever the result.
 */
int dl_report_conf__load(const char *path, struct dl_report_conf *conf,
			 char *why, size_t why_len);
/* Free what a load allocated (CPU list, strings). */
void dl_report_conf__release(struct dl_report_conf *conf);

#endif
