/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The [report] section of a dropledger configuration file (INI, read with
 * inih): defaults for `dropledger report`, which its command line
 * overrides. config/dropledger.conf is the documented example.
 */
#ifndef DL_REPORT_CONF_H
#define DL_REPORT_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct dl_report_conf {
	char interface[32];	/* "" when not set */
	double duration;	/* seconds; 0: until stopped; < 0: not set */
	double interval;	/* seconds; 0: none; < 0: not set */
	int json;		/* -1 not set, 0/1 */
	int flows;		/* -1 not set, 0/1 */
	int skb_mode;		/* -1 not set, 0/1 */
	char attach[16];	/* "libxdp", "link", or "" */
};

/*
 * Load @path. On error returns -EINVAL (or -errno when unreadable) and
 * "file:line: what is wrong" in @err; @conf then holds what parsed before.
 */
int dl_report_conf__load(const char *path, struct dl_report_conf *conf,
			 char *err, size_t err_len);

#endif
