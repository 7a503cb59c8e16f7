/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report as one self-contained HTML page, made from the report's own
 * JSON (so the page's numbers are the JSON's): the ledger, per-queue
 * arrivals and drops as inline SVG bars, the causes with summary and fix,
 * the RSS share per queue. No script, no external fetch.
 */
#ifndef DL_HTML_H
#define DL_HTML_H

#include <stdio.h>

#include <jansson.h>

/* Write the page for report JSON @root; 0 or -errno (stream error). */
int dl_html__write(const json_t *root, FILE *out);
/* @s as HTML text or attribute value (quotes escaped too). */
void dl_html__esc(FILE *out, const char *s);

#endif
