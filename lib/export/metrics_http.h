/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /metrics endpoint: libmicrohttpd in its own thread serves the last
 * published snapshot, copied under a mutex, so a slow or hostile scraper
 * never stalls accounting. GET /metrics only; connections time out and are
 * limited in number.
 */
#ifndef DL_METRICS_HTTP_H
#define DL_METRICS_HTTP_H

#include <stddef.h>

struct dl_metrics_http;

#define DL_METRICS_DEFAULT_ADDR "127.0.0.1"
#define DL_METRICS_DEFAULT_PORT 9477

/*
 * Listen on @addr: "PORT", "ADDR:PORT" or "[ADDR6]:PORT" (ADDR defaults
 * to 127.0.0.1). NULL + errno on failure with one line in @why (port in
 * use, address not local, bad syntax).
 */
struct dl_metrics_http *dl_metrics_http__start(const char *addr, char *why, size_t why_len);

/* Replace the served snapshot with a copy of @text. 0 / -ENOMEM. */
int dl_metrics_http__publish(struct dl_metrics_http *h, const char *text, size_t len);

/* Scrapes answered so far (200s). */
unsigned long dl_metrics_http__scrapes(struct dl_metrics_http *h);

void dl_metrics_http__stop(struct dl_metrics_http *h);

#endif
