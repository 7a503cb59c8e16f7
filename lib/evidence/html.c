// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report as an HTML page (see html.h). Every number shown carries
 * data-k (its jq path in the report's JSON) and data-v (the JSON value,
 * encoded as the report encodes it), so a test can check page against
 * JSON one by one. Inline CSS and SVG only: the page fetches nothing.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/html.h"

#define JSON_FLAGS (JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(6))
#define BAR_W 460		/* px of the longest bar */

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:980px;color:#1d2530}"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d5dae1}"
	".meta{color:#5b6675}.note{background:#fff6db;border:1px solid #e8d48a;padding:6px 10px}"
	"table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left}"
	"th{color:#5b6675;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"tr.bad td{color:#b3261e;font-weight:600}"
	".cause{border:1px solid #d5dae1;border-radius:6px;padding:8px 12px;margin:8px 0}"
	".cause .count{font-size:20px;font-weight:700;margin-right:10px}"
	".tag{display:inline-block;background:#eef1f5;border-radius:4px;padding:0 6px;margin-right:4px;color:#3b4654}"
	".why,.fix{margin:4px 0}.fix{color:#1b5e20}.loc{font-family:monospace;color:#5b6675}"
	"svg text{font:12px system-ui,sans-serif;fill:#1d2530}"
	".legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}";

void dl_html__esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(*s, out);
		}
	}
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static double num(const json_t *v)
{
	return json_is_number(v) ? json_number_value(v) : 0;
}

/* The data-k/data-v attributes of value @v at jq path @k. */
static void attrs(FILE *out, const char *k, const json_t *v)
{
	char *enc = json_dumps(v ? v : json_null(), JSON_FLAGS);

	fputs(" data-k=\"", out);
	dl_html__esc(out, k);
	fputs("\" data-v=\"", out);
	dl_html__esc(out, enc ? enc : "null");
	fputc('"', out);
	free(enc);
}

/* @v shown as text: integers whole, reals with @pct as a percentage. */
static void show(FILE *out, const json_t *v, bool pct)
{
	if (json_is_integer(v))
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v) && pct)
		fprintf(out, "%.1f%%", json_real_value(v) * 100);
	else if (json_is_real(v))
		fprintf(out, "%.3g", json_real_value(v));
	else
		fputs("n/a", out);
}

/* <TAG class=n data-k data-v>value</TAG> for @obj[@key] at path "@base.@key". */
static void cell(FILE *out, const char *tag, const json_t *obj, const char *base,
		 const char *key, bool pct)
{
	const json_t *v = json_object_get(obj, key);
	char k[128];

	snprintf(k, sizeof(k), "%s.%s", base, key);
	fprintf(out, "<%s class=\"n\"", tag);
	attrs(out, k, v);
	fputc('>', out);
	show(out, v, pct);
	fprintf(out, "</%s>", tag);
}

static void header(FILE *out, const json_t *root)
{
	const json_t *flt = json_object_get(root, "filter");

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<title>dropledger: ", out);
	dl_html__esc(out, str(root, "interface"));
	fprintf(out, "</title><style>%s</style></head><body>\n", css);
	fputs("<h1>Where packets died on ", out);
	dl_html__esc(out, str(root, "interface"));
	fputs("</h1>\n<p class=\"meta\">", out);
	fprintf(out, "dropledger %s &middot; %s mode, XDP %s, drops via %s &middot; ",
		str(root, "version"), str(root, "mode"), str(root, "attach"),
		str(root, "drop_source"));
	cell(out, "span", root, "", "duration_s", false);
	fputs(" s</p>\n", out);
	if (json_is_object(flt)) {
		fputs("<p class=\"note\" id=\"filter\">Filter in force: <code>", out);
		dl_html__esc(out, str(flt, "expression"));
		fputs("</code>: the causes and the capture show matching drops only; "
		      "the ledger's totals and queues are whole.</p>\n", out);
	}
}

static void ledger(FILE *out, const json_t *root)
{
	static const char *const rows[][2] = {
		{ "arrived", "arrived (nic_dropped + xdp_seen)" },
		{ "nic_dropped", "dropped by the NIC" },
		{ "xdp_seen", "seen at XDP" },
		{ "stack_dropped", "dropped by the kernel stack" },
		{ "delivered", "delivered" },
		{ "residual", "residual (not explained)" },
		{ "records_lost", "drop records lost" },
		{ "malformed", "malformed" },
		{ "unattributed", "unattributed (namespace unknown)" },
		{ "tx_dropped", "dropped on transmit" },
	};
	const json_t *t = json_object_get(root, "totals");
	size_t i;

	fputs("<h2>Ledger</h2>\n<p>xdp_seen = stack_dropped + delivered + residual</p>\n"
	      "<table id=\"ledger\">", out);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const json_t *v = json_object_get(t, rows[i][0]);
		bool bad = (!strcmp(rows[i][0], "residual") || !strcmp(rows[i][0], "records_lost")) &&
			   num(v) != 0;

		fprintf(out, "<tr%s><th>%s</th>", bad ? " class=\"bad\"" : "", rows[i][1]);
		cell(out, "td", t, ".totals", rows[i][0], false);
		fputs("</tr>", out);
	}
	fputs("</table>\n", out);
}

/* One horizontal bar (scaled to @max) with its number. */
static void bar(FILE *out, double x, double y, double v, double max, const char *color,
		const char *k, const json_t *jv)
{
	double w = max > 0 ? v / max * BAR_W : 0;

	fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"11\" fill=\"%s\"",
		x, y, w < 1 && v > 0 ? 1 : w, color);
	attrs(out, k, jv);
	fputs("/>", out);
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + (w < 1 ? 1 : w) + 6, y + 10);
	show(out, jv, false);
	fputs("</text>", out);
}

static void queues(FILE *out, const json_t *root)
{
	const json_t *qs = json_object_get(root, "queues"), *q;
	double max = 1;
	size_t i, n = json_array_size(qs);
	char k[96];

	fputs("<h2>Queues: arrivals and drops</h2>\n<p class=\"legend\">"
	      "<span style=\"background:#4a7bd0\"></span>seen at XDP"
	      "<span style=\"background:#d04a3a\"></span>dropped by the stack"
	      "<span style=\"background:#e39b2d\"></span>dropped by the NIC</p>\n", out);
	json_array_foreach(qs, i, q) {
		if (num(json_object_get(q, "arrived")) > max)
			max = num(json_object_get(q, "arrived"));
		if (num(json_object_get(q, "stack_dropped")) > max)
			max = num(json_object_get(q, "stack_dropped"));
		if (num(json_object_get(q, "nic_dropped")) > max)
			max = num(json_object_get(q, "nic_dropped"));
	}
	fprintf(out, "<svg id=\"queue-bars\" width=\"640\" height=\"%zu\" role=\"img\" "
		"aria-label=\"arrivals and drops per RX queue\">", n * 46 + 4);
	json_array_foreach(qs, i, q) {
		double y = (double)i * 46 + 2;

		fprintf(out, "<text x=\"0\" y=\"%.1f\">queue %" JSON_INTEGER_FORMAT "</text>",
			y + 22, json_integer_value(json_object_get(q, "queue")));
		snprintf(k, sizeof(k), ".queues[%zu].arrived", i);
		bar(out, 70, y, num(json_object_get(q, "arrived")), max, "#4a7bd0", k,
		    json_object_get(q, "arrived"));
		snprintf(k, sizeof(k), ".queues[%zu].stack_dropped", i);
		bar(out, 70, y + 14, num(json_object_get(q, "stack_dropped")), max, "#d04a3a", k,
		    json_object_get(q, "stack_dropped"));
		if (json_is_integer(json_object_get(q, "nic_dropped"))) {
			snprintf(k, sizeof(k), ".queues[%zu].nic_dropped", i);
			bar(out, 70, y + 28, num(json_object_get(q, "nic_dropped")), max,
			    "#e39b2d", k, json_object_get(q, "nic_dropped"));
		}
	}
	fputs("</svg>\n<table id=\"queues\"><tr><th>queue</th><th>arrived</th><th>share</th>"
	      "<th>nic_dropped</th><th>stack_dropped</th><th>delivered</th></tr>", out);
	json_array_foreach(qs, i, q) {
		snprintf(k, sizeof(k), ".queues[%zu]", i);
		fputs("<tr>", out);
		cell(out, "td", q, k, "queue", false);
		cell(out, "td", q, k, "arrived", false);
		cell(out, "td", q, k, "share", true);
		cell(out, "td", q, k, "nic_dropped", false);
		cell(out, "td", q, k, "stack_dropped", false);
		cell(out, "td", q, k, "delivered", false);
		fputs("</tr>", out);
	}
	fputs("</table>\n", out);
}

static void flows(FILE *out, const json_t *c, size_t ci)
{
	const json_t *fs = json_object_get(c, "flows"), *f;
	char k[96];
	size_t i;

	if (!json_array_size(fs))
		return;
	fputs("<table class=\"flows\"><tr><th>flow</th><th>drops</th><th>arrived</th></tr>", out);
	json_array_foreach(fs, i, f) {
		fputs("<tr><td>", out);
		dl_html__esc(out, str(f, "proto"));
		if (json_is_string(json_object_get(f, "src"))) {
			fputc(' ', out);
			dl_html__esc(out, str(f, "src"));
			fprintf(out, ":%" JSON_INTEGER_FORMAT " &rarr; ",
				json_integer_value(json_object_get(f, "sport")));
			dl_html__esc(out, str(f, "dst"));
			fprintf(out, ":%" JSON_INTEGER_FORMAT,
				json_integer_value(json_object_get(f, "dport")));
		}
		fputs("</td>", out);
		snprintf(k, sizeof(k), ".causes[%zu].flows[%zu]", ci, i);
		cell(out, "td", f, k, "count", false);
		cell(out, "td", f, k, "arrived", false);
		fputs("</tr>", out);
	}
	fputs("</table>", out);
}

/* --stack: each kernel stack of cause @ci, innermost frame first. */
static void stacks(FILE *out, const json_t *c, size_t ci)
{
	const json_t *st = json_object_get(c, "stacks"), *s, *fr;
	char k[96];
	size_t i, j;

	if (!json_array_size(st))
		return;
	fputs("<table class=\"stacks\"><tr><th>drops</th><th>kernel stack (innermost first)</th></tr>", out);
	json_array_foreach(st, i, s) {
		snprintf(k, sizeof(k), ".causes[%zu].stacks[%zu]", ci, i);
		fputs("<tr>", out);
		cell(out, "td", s, k, "count", false);
		fputs("<td><code>", out);
		json_array_foreach(json_object_get(s, "frames"), j, fr) {
			if (j)
				fputs(" &larr; ", out);
			dl_html__esc(out, json_string_value(fr) ? json_string_value(fr) : "?");
		}
		fputs("</code></td></tr>", out);
	}
	fputs("</table>", out);
}

static void causes(FILE *out, const json_t *root)
{
	const json_t *cs = json_object_get(root, "causes"), *c;
	char k[64];
	size_t i;

	fputs("<h2>Causes, biggest first</h2>\n", out);
	if (!json_array_size(cs))
		fputs("<p>No drops.</p>\n", out);
	json_array_foreach(cs, i, c) {
		snprintf(k, sizeof(k), ".causes[%zu]", i);
		fputs("<div class=\"cause\"><span class=\"count\">", out);
		cell(out, "span", c, k, "count", false);
		fputs("</span>", out);
		fputs("<b>", out);
		dl_html__esc(out, str(c, "reason"));
		fputs("</b> <span class=\"tag\">", out);
		dl_html__esc(out, str(c, "category"));
		fputs("</span><span class=\"tag\">", out);
		dl_html__esc(out, str(c, "group"));
		fputs("</span>", out);
		if (!strcmp(str(c, "direction"), "tx"))
			fputs("<span class=\"tag\">tx</span>", out);
		fputs(" <span class=\"loc\">", out);
		dl_html__esc(out, str(c, "location"));
		fputs("</span><p class=\"why\">why: ", out);
		dl_html__esc(out, str(c, "summary"));
		fputs("</p><p class=\"fix\">fix: ", out);
		dl_html__esc(out, str(c, "advice"));
		fputs("</p>", out);
		flows(out, c, i);
		stacks(out, c, i);
		fputs("</div>\n", out);
	}
}

static void rss(FILE *out, const json_t *root)
{
	const json_t *r = json_object_get(root, "rss"), *qs, *q, *v;
	char k[64];
	size_t i;

	if (!json_is_object(r))
		return;
	qs = json_object_get(r, "queues");
	fputs("<h2>RSS: share of arrivals per queue</h2>\n<p>", out);
	fputs("Jain index ", out);
	cell(out, "span", r, ".rss", "jain_index", false);
	fputs(", max/mean ", out);
	cell(out, "span", r, ".rss", "max_over_mean", false);
	fputs(", packets ", out);
	cell(out, "span", r, ".rss", "packets", false);
	fputs("</p>\n", out);
	fprintf(out, "<svg id=\"rss-bars\" width=\"640\" height=\"%zu\" role=\"img\" "
		"aria-label=\"share of arrivals per RX queue\">", json_array_size(qs) * 20 + 4);
	json_array_foreach(qs, i, q) {
		double y = (double)i * 20 + 2, share = num(json_object_get(q, "share"));
		bool hot = json_is_true(json_object_get(q, "hot"));

		fprintf(out, "<text x=\"0\" y=\"%.1f\">queue %" JSON_INTEGER_FORMAT "</text>",
			y + 11, json_integer_value(json_object_get(q, "queue")));
		v = json_object_get(q, "share");
		snprintf(k, sizeof(k), ".rss.queues[%zu].share", i);
		fprintf(out, "<rect x=\"70\" y=\"%.1f\" width=\"%.1f\" height=\"13\" fill=\"%s\"",
			y, share * BAR_W, hot ? "#d04a3a" : "#4a7bd0");
		attrs(out, k, v);
		fprintf(out, "/><text x=\"%.1f\" y=\"%.1f\">", 76 + share * BAR_W, y + 11);
		show(out, v, true);
		fputs(hot ? " hot" : "", out);
		fputs("</text>", out);
	}
	fputs("</svg>\n", out);
	v = json_object_get(r, "verdict");
	if (json_is_object(v)) {
		fputs("<p>", out);
		dl_html__esc(out, str(v, "summary"));
		if (json_is_string(json_object_get(v, "advice"))) {
			fputs("</p><p class=\"fix\">fix: ", out);
			dl_html__esc(out, str(v, "advice"));
		}
		fputs("</p>\n", out);
	}
}

static void crosschecks(FILE *out, const json_t *root)
{
	const json_t *xs = json_object_get(root, "crosschecks"), *x;
	char k[64];
	size_t i;

	if (!json_array_size(xs))
		return;
	fputs("<h2>Cross-checks: kernel counters against traced drops</h2>\n<table id=\"xchecks\">"
	      "<tr><th>counter</th><th>kernel</th><th>reason</th><th>traced</th><th></th></tr>", out);
	json_array_foreach(xs, i, x) {
		bool match = json_is_true(json_object_get(x, "match"));

		snprintf(k, sizeof(k), ".crosschecks[%zu]", i);
		fprintf(out, "<tr%s><td>", match ? "" : " class=\"bad\"");
		dl_html__esc(out, str(x, "counter"));
		fputs("</td>", out);
		cell(out, "td", x, k, "kernel", false);
		fputs("<td>", out);
		dl_html__esc(out, str(x, "reason"));
		fputs("</td>", out);
		cell(out, "td", x, k, "traced", false);
		fputs(match ? "<td>match</td>" : "<td>MISMATCH</td>", out);
		fputs("</tr>", out);
	}
	fputs("</table>\n", out);
}

static void evidence(FILE *out, const json_t *root)
{
	static const char *const keys[] = {
		"drops", "written", "sampled_out", "lost", "over_max", "filtered_out",
	};
	const json_t *e = json_object_get(root, "evidence");
	size_t i;

	if (!json_is_object(e))
		return;
	fputs("<h2>Captured frames</h2>\n<p>", out);
	if (json_is_string(json_object_get(e, "file"))) {
		fputs("pcapng <code>", out);
		dl_html__esc(out, str(e, "file"));
		fputs("</code>, snaplen ", out);
		cell(out, "span", e, ".evidence", "snaplen", false);
	}
	fputs("</p>\n<table id=\"evidence\">", out);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		fprintf(out, "<tr><th>%s</th>", keys[i]);
		cell(out, "td", e, ".evidence", keys[i], false);
		fputs("</tr>", out);
	}
	fputs("</table>\n", out);
}

/* Cause colours of the timeline, cycled past the last. */
static const char *const palette[] = {
	"#d04a3a", "#4a7bd0", "#e39b2d", "#2e9e6b", "#8e5cc4", "#c4479b", "#5b6675", "#a3862c",
};

/* The causes of @tl, biggest over the run first, as an array of names. */
static json_t *timeline_keys(const json_t *tl)
{
	json_t *sum = json_object(), *keys = json_array(), *e, *v;
	const char *r;
	size_t i, j, n;

	json_array_foreach(tl, i, e)
		json_object_foreach(json_object_get(e, "causes"), r, v)
			json_object_set_new(sum, r, json_integer(json_integer_value(
				json_object_get(sum, r)) + json_integer_value(v)));
	json_object_foreach(sum, r, v)
		json_array_append_new(keys, json_string(r));
	/* insertion sort: a handful of causes */
	n = json_array_size(keys);
	for (i = 1; i < n; i++)
		for (j = i; j > 0; j--) {
			json_t *a = json_array_get(keys, j - 1), *b = json_array_get(keys, j);
			json_int_t ca = json_integer_value(json_object_get(sum, json_string_value(a)));
			json_int_t cb = json_integer_value(json_object_get(sum, json_string_value(b)));

			if (ca >= cb)
				break;
			json_incref(a);
			json_array_set(keys, j - 1, b);
			json_array_set_new(keys, j, a);
		}
	json_decref(sum);
	return keys;
}

/* jq path of cause @r of entry @i: .timeline[i].causes["r"] */
static void timeline_path(char *k, size_t len, size_t i, const char *r)
{
	snprintf(k, len, ".timeline[%zu].causes[\"%s\"]", i, r);
}

/*
 * Drops by cause per interval: stacked bars (one colour per cause, the
 * legend names them), the time axis in seconds since the start, and the
 * same numbers as a table. Every bar and cell carries its JSON path.
 */
static void timeline(FILE *out, const json_t *root)
{
	const json_t *tl = json_object_get(root, "timeline"), *e, *v;
	json_t *keys, *zero;
	size_t i, j, n = json_array_size(tl), every;
	double max = 1, colw, x0 = 56, plot_w = 600, plot_h = 180, y0 = 10;
	char k[192];

	if (!n)
		return;
	keys = timeline_keys(tl);
	zero = json_integer(0);
	json_array_foreach(tl, i, e)
		if (num(json_object_get(e, "dropped")) > max)
			max = num(json_object_get(e, "dropped"));
	colw = plot_w / (double)n;
	every = n > 12 ? (n + 11) / 12 : 1;
	fputs("<h2>Timeline: drops by cause per interval</h2>\n<p class=\"legend\">", out);
	json_array_foreach(keys, j, v) {
		fprintf(out, "<span style=\"background:%s\"></span>", palette[j % 8]);
		dl_html__esc(out, json_string_value(v));
	}
	if (json_is_integer(json_object_get(root, "timeline_omitted"))) {
		fputs(" &middot; earlier intervals left out: ", out);
		cell(out, "span", root, "", "timeline_omitted", false);
	}
	fprintf(out, "</p>\n<svg id=\"timeline-bars\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
		"aria-label=\"drops by cause per interval\">", x0 + plot_w + 10, y0 + plot_h + 36);
	/* y axis: 0 and the biggest interval */
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#5b6675\"/>",
		x0, y0, x0, y0 + plot_h);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#5b6675\"/>",
		x0, y0 + plot_h, x0 + plot_w, y0 + plot_h);
	fprintf(out, "<text x=\"0\" y=\"%.1f\">%.0f</text><text x=\"0\" y=\"%.1f\">0</text>",
		y0 + 10, max, y0 + plot_h);
	json_array_foreach(tl, i, e) {
		const json_t *cs = json_object_get(e, "causes");
		double x = x0 + (double)i * colw + (colw > 6 ? 1 : 0), y = y0 + plot_h;
		double w = colw > 6 ? colw - 2 : colw;

		fprintf(out, "<g class=\"interval\" data-i=\"%zu\">", i);
		json_array_foreach(keys, j, v) {
			const char *r = json_string_value(v);
			const json_t *c = json_object_get(cs, r);
			double h;

			if (!c)
				continue;
			h = num(c) / max * plot_h;
			y -= h;
			timeline_path(k, sizeof(k), i, r);
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\"", x, y, w, h, palette[j % 8]);
			attrs(out, k, c);
			fputs("><title>", out);
			dl_html__esc(out, r);
			fprintf(out, ": %" JSON_INTEGER_FORMAT "</title></rect>", json_integer_value(c));
		}
		fputs("</g>", out);
		if (i % every == 0 || i == n - 1)
			fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>",
				x0 + ((double)i + 0.5) * colw, y0 + plot_h + 16,
				num(json_object_get(e, "t")));
	}
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">seconds since the "
		"start (end of each interval)</text></svg>\n", x0 + plot_w / 2, y0 + plot_h + 32);
	fputs("<table id=\"timeline\"><tr><th>interval</th><th>t (s)</th><th>dropped</th>", out);
	json_array_foreach(keys, j, v) {
		fputs("<th>", out);
		dl_html__esc(out, json_string_value(v));
		fputs("</th>", out);
	}
	fputs("</tr>", out);
	json_array_foreach(tl, i, e) {
		snprintf(k, sizeof(k), ".timeline[%zu]", i);
		fputs("<tr>", out);
		cell(out, "td", e, k, "interval", false);
		cell(out, "td", e, k, "t", false);
		cell(out, "td", e, k, "dropped", false);
		json_array_foreach(keys, j, v) {
			const char *r = json_string_value(v);
			const json_t *c = json_object_get(json_object_get(e, "causes"), r);
			char p[192];

			timeline_path(p, sizeof(p), i, r);
			fputs("<td class=\"n\"", out);
			attrs(out, p, c ? c : zero);
			fputc('>', out);
			show(out, c ? c : zero, false);
			fputs("</td>", out);
		}
		fputs("</tr>", out);
	}
	fputs("</table>\n", out);
	json_decref(zero);
	json_decref(keys);
}

int dl_html__write(const json_t *root, FILE *out)
{
	header(out, root);
	ledger(out, root);
	queues(out, root);
	causes(out, root);
	timeline(out, root);
	rss(out, root);
	crosschecks(out, root);
	evidence(out, root);
	fputs("<p class=\"meta\">Made by dropledger from the report's JSON; "
	      "the page loads nothing from anywhere.</p>\n</body></html>\n", out);
	return ferror(out) ? -EIO : 0;
}
