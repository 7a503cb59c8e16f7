// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run-to-run comparison (see diff.h). Rates are drops per frame seen at
 * XDP, so runs of different length compare; a change is flagged only when
 * the z statistic, the counts and the size of the change all say so.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence/diff.h"

#define Z_DEFAULT 3.0
#define MIN_COUNT_DEFAULT 10
#define MIN_CHANGE_DEFAULT 0.1

double dl_run_diff__z_prop(uint64_t c1, uint64_t n1, uint64_t c2, uint64_t n2)
{
	double p1, p2, p, se;

	if (!n1 || !n2)
		return 0;
	p1 = (double)c1 / (double)n1;
	p2 = (double)c2 / (double)n2;
	p = (double)(c1 + c2) / (double)(n1 + n2);
	se = sqrt(p * (1 - p) * (1.0 / (double)n1 + 1.0 / (double)n2));
	return se > 0 ? (p2 - p1) / se : 0;
}

double dl_run_diff__z_rate(uint64_t c1, double t1, uint64_t c2, double t2)
{
	double n = (double)(c1 + c2), p;

	if (n <= 0 || t1 <= 0 || t2 <= 0)
		return 0;
	/* Equal rates: c2 given c1 + c2 is binomial with p = t2 / (t1 + t2). */
	p = t2 / (t1 + t2);
	return ((double)c2 - n * p) / sqrt(n * p * (1 - p));
}

json_t *dl_run_diff__load(const char *path, char *why, size_t why_len)
{
	json_t *last = NULL, *o;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned int lineno = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		json_error_t e;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)n)
			continue;
		o = json_loads(line, 0, &e);
		if (!o) {
			snprintf(why, why_len, "%s:%u: not JSON (%s)", path, lineno, e.text);
			json_decref(last);
			last = NULL;
			errno = EINVAL;
			goto out;
		}
		if (json_is_object(json_object_get(o, "totals"))) {
			json_decref(last);
			last = o;
		} else {
			json_decref(o);
		}
	}
	if (!last) {
		snprintf(why, why_len, "%s: no report in it (report --save FILE writes one)", path);
		errno = EINVAL;
	}
out:
	free(line);
	fclose(f);
	return last;
}

static uint64_t u64(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) > 0 ?
	       (uint64_t)json_integer_value(v) : 0;
}

static double dbl(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : 0;
}

struct judge_ctx {
	const struct dl_run_diff_opts *o;
	double t1, t2;		/* run durations, for the per-second test */
	unsigned int flagged;
	bool worse;
	json_t *flags;		/* one line per flagged row */
};

/*
 * Judge @c1 of @n1 against @c2 of @n2 (or per second when a denominator
 * is 0) into @row: rates, change, z, verdict. @up/@down: the verdict
 * words for a significant rise and fall.
 */
static void judge(struct judge_ctx *j, json_t *row, const char *what, uint64_t c1,
		  uint64_t n1, uint64_t c2, uint64_t n2, const char *up, const char *down)
{
	bool per_frame = n1 && n2, sig;
	double r1, r2, z, change = 0;
	const char *verdict = "same";
	char line[256];

	if (per_frame) {
		r1 = (double)c1 / (double)n1;
		r2 = (double)c2 / (double)n2;
		z = dl_run_diff__z_prop(c1, n1, c2, n2);
	} else {
		r1 = j->t1 > 0 ? (double)c1 / j->t1 : 0;
		r2 = j->t2 > 0 ? (double)c2 / j->t2 : 0;
		z = dl_run_diff__z_rate(c1, j->t1, c2, j->t2);
	}
	if (r1 > 0)
		change = (r2 - r1) / r1;
	sig = fabs(z) >= j->o->z && (c1 >= j->o->min_count || c2 >= j->o->min_count) &&
	      (r1 == 0 || fabs(change) >= j->o->min_change);
	if (sig)
		verdict = z > 0 ? up : down;
	json_object_set_new(row, "a", json_integer((json_int_t)c1));
	json_object_set_new(row, "b", json_integer((json_int_t)c2));
	json_object_set_new(row, "per", json_string(per_frame ? "frame" : "second"));
	json_object_set_new(row, "a_rate", json_real(r1));
	json_object_set_new(row, "b_rate", json_real(r2));
	json_object_set_new(row, "change", r1 > 0 ? json_real(change) : json_null());
	json_object_set_new(row, "z", json_real(z));
	json_object_set_new(row, "verdict", json_string(verdict));
	if (!sig)
		return;
	j->flagged++;
	if (!strcmp(verdict, "worse"))
		j->worse = true;
	if (r1 > 0)
		snprintf(line, sizeof(line), "%s: %s, %+.0f%% (%" PRIu64 " -> %" PRIu64 ", z=%.1f)",
			 what, verdict, change * 100, c1, c2, z);
	else
		snprintf(line, sizeof(line), "%s: %s, new (%" PRIu64 " -> %" PRIu64 ", z=%.1f)",
			 what, verdict, c1, c2, z);
	json_array_append_new(j->flags, json_string(line));
}

static bool same_cause(const json_t *x, const json_t *y)
{
	return !strcmp(json_string_value(json_object_get(x, "reason")) ?: "",
		       json_string_value(json_object_get(y, "reason")) ?: "") &&
	       !strcmp(json_string_value(json_object_get(x, "function")) ?: "",
		       json_string_value(json_object_get(y, "function")) ?: "") &&
	       !strcmp(json_string_value(json_object_get(x, "direction")) ?: "",
		       json_string_value(json_object_get(y, "direction")) ?: "");
}

static bool is_rss(const json_t *c)
{
	const char *cat = json_string_value(json_object_get(c, "category"));

	return cat && !strcmp(cat, "rss");
}

static const json_t *find_cause(const json_t *causes, const json_t *c)
{
	const json_t *x;
	size_t i;

	json_array_foreach(causes, i, x)
		if (!is_rss(x) && same_cause(x, c))
			return x;
	return NULL;
}

/* One row per drop cause of either run (rss verdicts are compared apart). */
static json_t *diff_causes(struct judge_ctx *j, const json_t *a, const json_t *b)
{
	const json_t *ca = json_object_get(a, "causes"), *cb = json_object_get(b, "causes");
	uint64_t n1 = u64(json_object_get(a, "totals"), "xdp_seen");
	uint64_t n2 = u64(json_object_get(b, "totals"), "xdp_seen");
	json_t *rows = json_array(), *row;
	const json_t *c, *other;
	char what[200];
	size_t i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		json_array_foreach(pass ? cb : ca, i, c) {
			if (is_rss(c))
				continue;
			other = find_cause(pass ? ca : cb, c);
			if (pass && other)
				continue;	/* done in the first pass */
			row = json_object();
			json_object_set(row, "reason", json_object_get(c, "reason"));
			json_object_set(row, "function", json_object_get(c, "function"));
			json_object_set(row, "direction", json_object_get(c, "direction"));
			snprintf(what, sizeof(what), "cause %s (%s)",
				 json_string_value(json_object_get(c, "reason")) ?: "?",
				 json_string_value(json_object_get(c, "function")) ?: "?");
			if (pass)
				judge(j, row, what, 0, n1, u64(c, "count"), n2, "worse", "better");
			else
				judge(j, row, what, u64(c, "count"), n1,
				      other ? u64(other, "count") : 0, n2, "worse", "better");
			json_array_append_new(rows, row);
		}
	}
	return rows;
}

static const json_t *find_queue(const json_t *qs, json_int_t q)
{
	const json_t *x;
	size_t i;

	json_array_foreach(qs, i, x)
		if (json_integer_value(json_object_get(x, "queue")) == q)
			return x;
	return NULL;
}

/* Stack drops per frame arrived on each queue either run used. */
static json_t *diff_queues(struct judge_ctx *j, const json_t *a, const json_t *b)
{
	const json_t *qa = json_object_get(a, "queues"), *qb = json_object_get(b, "queues");
	json_t *rows = json_array(), *row;
	const json_t *x, *y;
	json_int_t q, maxq = -1;
	char what[64];
	size_t i;

	json_array_foreach(qa, i, x)
		if (json_integer_value(json_object_get(x, "queue")) > maxq)
			maxq = json_integer_value(json_object_get(x, "queue"));
	json_array_foreach(qb, i, x)
		if (json_integer_value(json_object_get(x, "queue")) > maxq)
			maxq = json_integer_value(json_object_get(x, "queue"));
	for (q = 0; q <= maxq; q++) {
		x = find_queue(qa, q);
		y = find_queue(qb, q);
		if (!u64(x, "arrived") && !u64(y, "arrived"))
			continue;
		row = json_object();
		json_object_set_new(row, "queue", json_integer(q));
		json_object_set_new(row, "a_arrived", json_integer((json_int_t)u64(x, "arrived")));
		json_object_set_new(row, "b_arrived", json_integer((json_int_t)u64(y, "arrived")));
		snprintf(what, sizeof(what), "queue %" JSON_INTEGER_FORMAT " drops", q);
		judge(j, row, what, u64(x, "stack_dropped"), u64(x, "arrived"),
		      u64(y, "stack_dropped"), u64(y, "arrived"), "worse", "better");
		json_array_append_new(rows, row);
	}
	return rows;
}

/*
 * Share of arrivals per queue (a shift is flagged, neither worse nor
 * better by itself), then the skew: B is worse when shares shifted and
 * its max/mean rose by min_change or more.
 */
static json_t *diff_rss(struct judge_ctx *j, const json_t *a, const json_t *b)
{
	const json_t *ra = json_object_get(a, "rss"), *rb = json_object_get(b, "rss");
	uint64_t n1 = u64(json_object_get(a, "totals"), "xdp_seen");
	uint64_t n2 = u64(json_object_get(b, "totals"), "xdp_seen");
	const json_t *qa = json_object_get(a, "queues"), *qb = json_object_get(b, "queues");
	json_t *rss = json_object(), *shares = json_array(), *row;
	unsigned int shifted = 0, before = j->flagged;
	double m1 = dbl(ra, "max_over_mean"), m2 = dbl(rb, "max_over_mean");
	const char *verdict = "same";
	json_int_t q, maxq = -1;
	const json_t *x;
	char what[64];
	size_t i;

	json_array_foreach(qa, i, x)
		if (json_integer_value(json_object_get(x, "queue")) > maxq)
			maxq = json_integer_value(json_object_get(x, "queue"));
	json_array_foreach(qb, i, x)
		if (json_integer_value(json_object_get(x, "queue")) > maxq)
			maxq = json_integer_value(json_object_get(x, "queue"));
	for (q = 0; q <= maxq && n1 && n2; q++) {
		uint64_t c1 = u64(find_queue(qa, q), "arrived"), c2 = u64(find_queue(qb, q), "arrived");

		if (!c1 && !c2)
			continue;
		row = json_object();
		json_object_set_new(row, "queue", json_integer(q));
		snprintf(what, sizeof(what), "queue %" JSON_INTEGER_FORMAT " share", q);
		judge(j, row, what, c1, n1, c2, n2, "shifted", "shifted");
		json_array_append_new(shares, row);
	}
	shifted = j->flagged - before;
	json_object_set_new(rss, "shares", shares);
	json_object_set(rss, "a_jain_index", json_object_get(ra, "jain_index") ?: json_null());
	json_object_set(rss, "b_jain_index", json_object_get(rb, "jain_index") ?: json_null());
	json_object_set_new(rss, "a_max_over_mean", json_real(m1));
	json_object_set_new(rss, "b_max_over_mean", json_real(m2));
	if (shifted && m1 > 0 && m2 >= m1 * (1 + j->o->min_change))
		verdict = "worse";
	else if (shifted && m1 > 0 && m2 <= m1 * (1 - j->o->min_change))
		verdict = "better";
	json_object_set_new(rss, "verdict", json_string(verdict));
	if (!strcmp(verdict, "worse")) {
		char line[160];

		j->worse = true;
		snprintf(line, sizeof(line), "rss: worse, max/mean %.2f -> %.2f", m1, m2);
		json_array_append_new(j->flags, json_string(line));
	}
	return rss;
}

static json_t *run_summary(const json_t *r)
{
	const json_t *t = json_object_get(r, "totals");
	json_t *o = json_object();

	json_object_set_new(o, "duration_s", json_real(dbl(r, "duration_s")));
	json_object_set_new(o, "xdp_seen", json_integer((json_int_t)u64(t, "xdp_seen")));
	json_object_set_new(o, "stack_dropped", json_integer((json_int_t)u64(t, "stack_dropped")));
	json_object_set(o, "time", json_object_get(r, "time") ?: json_null());
	return o;
}

json_t *dl_run_diff__compare(const json_t *a, const json_t *b,
			     const struct dl_run_diff_opts *o, char *why, size_t why_len)
{
	struct dl_run_diff_opts def = {
		.z = o && o->z > 0 ? o->z : Z_DEFAULT,
		.min_count = o && o->min_count ? o->min_count : MIN_COUNT_DEFAULT,
		.min_change = o && o->min_change > 0 ? o->min_change : MIN_CHANGE_DEFAULT,
	};
	const char *ia = json_string_value(json_object_get(a, "interface"));
	const char *ib = json_string_value(json_object_get(b, "interface"));
	struct judge_ctx j = { .o = &def };
	char test[320];
	json_t *d;

	if (!ia || !ib || strcmp(ia, ib)) {
		snprintf(why, why_len, "not runs of one interface (%s, %s)", ia ?: "?", ib ?: "?");
		errno = EINVAL;
		return NULL;
	}
	d = json_object();
	j.flags = json_array();
	if (!d || !j.flags) {
		json_decref(d);
		json_decref(j.flags);
		errno = ENOMEM;
		return NULL;
	}
	j.t1 = dbl(a, "duration_s");
	j.t2 = dbl(b, "duration_s");
	snprintf(test, sizeof(test),
		 "two-proportion z-test of drops per frame seen at XDP (Poisson rate per second "
		 "when a run saw no frames); beyond noise at |z| >= %.1f with >= %" PRIu64
		 " in one run and a rate change >= %.0f%%", def.z, def.min_count,
		 def.min_change * 100);
	json_object_set_new(d, "tool", json_string("dropledger"));
	json_object_set_new(d, "interface", json_string(ia));
	json_object_set_new(d, "test", json_string(test));
	json_object_set_new(d, "z", json_real(def.z));
	json_object_set_new(d, "min_count", json_integer((json_int_t)def.min_count));
	json_object_set_new(d, "min_change", json_real(def.min_change));
	json_object_set_new(d, "a", run_summary(a));
	json_object_set_new(d, "b", run_summary(b));
	json_object_set_new(d, "causes", diff_causes(&j, a, b));
	json_object_set_new(d, "queues", diff_queues(&j, a, b));
	json_object_set_new(d, "rss", diff_rss(&j, a, b));
	json_object_set_new(d, "flagged", j.flags);
	json_object_set_new(d, "worse", json_boolean(j.worse));
	return d;
}

static void rate_str(const json_t *row, const char *key, char *buf, size_t len)
{
	double r = dbl(row, key);
	const char *per = json_string_value(json_object_get(row, "per"));

	if (per && !strcmp(per, "second"))
		snprintf(buf, len, "%.2f/s", r);
	else
		snprintf(buf, len, "%.3f%%", r * 100);
}

static void change_str(const json_t *row, char *buf, size_t len)
{
	const json_t *c = json_object_get(row, "change");

	if (json_is_number(c))
		snprintf(buf, len, "%+.0f%%", json_number_value(c) * 100);
	else
		snprintf(buf, len, "%s", u64(row, "b") ? "new" : "-");
}

static void print_row(FILE *out, const json_t *row, const char *label)
{
	char ra[24], rb[24], ch[16];

	rate_str(row, "a_rate", ra, sizeof(ra));
	rate_str(row, "b_rate", rb, sizeof(rb));
	change_str(row, ch, sizeof(ch));
	fprintf(out, "  %10" PRIu64 " %10" PRIu64 " %10s %10s %7s %7.1f  %-8s %s\n",
		u64(row, "a"), u64(row, "b"), ra, rb, ch, dbl(row, "z"),
		json_string_value(json_object_get(row, "verdict")) ?: "", label);
}

int dl_run_diff__print_text(const json_t *d, FILE *out)
{
	const json_t *a = json_object_get(d, "a"), *b = json_object_get(d, "b"), *row;
	const json_t *rss = json_object_get(d, "rss"), *flags = json_object_get(d, "flagged");
	char label[200];
	size_t i;

	fprintf(out, "dropledger diff: %s\n  A: %.1f s, %" PRIu64 " frames seen, %" PRIu64
		" dropped\n  B: %.1f s, %" PRIu64 " frames seen, %" PRIu64 " dropped\n",
		json_string_value(json_object_get(d, "interface")) ?: "?",
		dbl(a, "duration_s"), u64(a, "xdp_seen"), u64(a, "stack_dropped"),
		dbl(b, "duration_s"), u64(b, "xdp_seen"), u64(b, "stack_dropped"));
	fprintf(out, "  test: %s\n", json_string_value(json_object_get(d, "test")) ?: "");
	fprintf(out, "\nCAUSES (drops per frame seen)\n  %10s %10s %10s %10s %7s %7s  %-8s %s\n",
		"A", "B", "A rate", "B rate", "change", "z", "verdict", "reason (function)");
	json_array_foreach(json_object_get(d, "causes"), i, row) {
		snprintf(label, sizeof(label), "%s (%s)%s",
			 json_string_value(json_object_get(row, "reason")) ?: "?",
			 json_string_value(json_object_get(row, "function")) ?: "?",
			 !strcmp(json_string_value(json_object_get(row, "direction")) ?: "", "tx") ?
			 " [tx]" : "");
		print_row(out, row, label);
	}
	fprintf(out, "\nQUEUES (stack drops per frame arrived on the queue)\n"
		"  %10s %10s %10s %10s %7s %7s  %-8s %s\n",
		"A", "B", "A rate", "B rate", "change", "z", "verdict", "queue");
	json_array_foreach(json_object_get(d, "queues"), i, row) {
		snprintf(label, sizeof(label), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(row, "queue")));
		print_row(out, row, label);
	}
	fprintf(out, "\nRSS (share of arrivals per queue)\n  %10s %10s %10s %10s %7s %7s  %-8s %s\n",
		"A", "B", "A share", "B share", "change", "z", "verdict", "queue");
	json_array_foreach(json_object_get(rss, "shares"), i, row) {
		snprintf(label, sizeof(label), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(json_object_get(row, "queue")));
		print_row(out, row, label);
	}
	fprintf(out, "  max/mean %.2f -> %.2f: %s\n", dbl(rss, "a_max_over_mean"),
		dbl(rss, "b_max_over_mean"),
		json_string_value(json_object_get(rss, "verdict")) ?: "");
	if (!json_array_size(flags)) {
		fprintf(out, "\nVERDICT: no change beyond noise\n");
	} else {
		fprintf(out, "\nVERDICT: %s\n", json_is_true(json_object_get(d, "worse")) ?
			"B is worse" : "changed, not worse");
		json_array_foreach(flags, i, row)
			fprintf(out, "  %s\n", json_string_value(row));
	}
	return ferror(out) ? -EIO : 0;
}
