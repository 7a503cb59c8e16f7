/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a drop reason means and what an expert would do about it. The rules
 * are data, validated on load: config/causes.tsv (one row per reason),
 * functions.tsv (functions that free packets without a specific reason),
 * reason_sites.tsv (what a reason means at each kernel site, with a
 * condition on the host's state) and expected.tsv (background every host
 * drops). A reason the tables do not know still gets a derived row.
 */
#ifndef DL_CAUSES_H
#define DL_CAUSES_H

#include <stdbool.h>
#include <stddef.h>

struct dl_causes;

struct dl_cause_rule {
	const char *reason;
	const char *category;	/* ring | rss | stack | expected */
	const char *group;	/* l2 neighbour ip-route netfilter socket tcp qdisc xdp other */
	const char *summary;	/* template with {placeholders} */
	const char *advice;
	const char *counter;	/* kernel counter that also counts it; "-": none */
	int from_table;		/* 0: derived from the reason's name */
};

/* A function that frees packets, and what it decides (functions.tsv). */
struct dl_cause_fn {
	const char *function;
	const char *reason;	/* the reason it usually stands for, or "-" */
	const char *meaning;	/* what the drop means there */
	const char *gather;	/* the context to gather to tell more */
};

/*
 * What a reason means at one kernel site (reason_sites.tsv), or a frame
 * every host drops (expected.tsv). @when is a condition on the gathered
 * state, "-" for always (see verdict.h for its terms).
 */
struct dl_cause_site {
	const char *reason;	/* "*": any reason */
	const char *function;	/* "*": any function */
	const char *when;
	const char *summary;
	const char *advice;
	bool expected;		/* from expected.tsv */
};

/* Values for the placeholders; NULL fields render as "?". */
struct dl_cause_ctx {
	const char *iface;
	const char *queue;
	const char *flow;
	const char *dport;
	const char *dst;
	const char *src;
	const char *proto;
	const char *ethertype;
	const char *location;	/* {function} is its name without "+0x.." */
	const char *reason;
};

/*
 * Load a causes table. Errors: NULL with errno, and "file:line: what" in
 * @err (e.g. an unknown category). @path NULL: the default search path
 * ($DL_CONFIGDIR, the installed data dir, the source tree).
 */
struct dl_causes *dl_causes__load(const char *path, char *err, size_t err_len);
void dl_causes__free(struct dl_causes *c);

/* Path actually loaded. */
const char *dl_causes__path(const struct dl_causes *c);

/* Rule for a reason name; never fails (falls back to name heuristics). */
void dl_causes__lookup(const struct dl_causes *c, const char *reason,
		       struct dl_cause_rule *out);

/*
 * What a dropping kernel function usually stands for (functions.tsv beside
 * the causes table): the reason and a note. -ENOENT when not listed.
 * "+0xoff" and ".constprop.0"-style suffixes are ignored.
 */
int dl_causes__function(const struct dl_causes *c, const char *fn,
			const char **reason, const char **note);

/* The functions.tsv row of @fn (suffixes ignored), or NULL. */
const struct dl_cause_fn *dl_causes__fn_find(const struct dl_causes *c,
					     const char *fn);
/* Rows of functions.tsv, for listing. */
size_t dl_causes__fn_count(const struct dl_causes *c);
const struct dl_cause_fn *dl_causes__fn(const struct dl_causes *c, size_t i);

/* Rows of reason_sites.tsv then expected.tsv, in file order. */
size_t dl_causes__site_count(const struct dl_causes *c);
const struct dl_cause_site *dl_causes__site(const struct dl_causes *c, size_t i);

/* 1 when @function names @name ("name", "name+0x1f", "name.constprop.0"). */
bool dl_causes__fn_is(const char *function, const char *name);

/* Substitute placeholders of @tmpl into @buf. */
void dl_causes__render(const char *tmpl, const struct dl_cause_ctx *ctx,
		       char *buf, size_t len);

/* Number of rules in the table. */
size_t dl_causes__count(const struct dl_causes *c);
/* Rule @i of the table, for listing. */
const struct dl_cause_rule *dl_causes__rule(const struct dl_causes *c, size_t i);

#endif
