/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a drop reason means and what an expert would do about it. The rules
 * are data (config/causes.tsv: reason, category, group, summary, advice),
 * validated on load; reasons the table does not know still get a group and
 * generic advice derived from their name.
 */
#ifndef DL_CAUSES_H
#define DL_CAUSES_H

#include <stddef.h>

struct dl_causes;

struct dl_cause_rule {
	const char *reason;
	const char *category;	/* ring | rss | stack */
	const char *group;	/* l2 neighbour ip-route netfilter socket tcp qdisc xdp other */
	const char *summary;	/* template with {placeholders} */
	const char *advice;
	int from_table;		/* 0: derived from the reason's name */
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
	const char *location;
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
 * "+0xoff" suffixes are ignored.
 */
int dl_causes__function(const struct dl_causes *c, const char *fn,
			const char **reason, const char **note);

/* Substitute placeholders of @tmpl into @buf. */
void dl_causes__render(const char *tmpl, const struct dl_cause_ctx *ctx,
		       char *buf, size_t len);

/* Number of rules in the table. */
size_t dl_causes__count(const struct dl_causes *c);
/* Rule @i of the table, for listing. */
const struct dl_cause_rule *dl_causes__rule(const struct dl_causes *c, size_t i);

#endif
