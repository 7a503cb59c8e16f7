// SPDX-License-Identifier: GPL-2.0-only
/* Drop cause rules kept as data; see causes.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "verdict/causes.h"
#include "util/config_path.h"
#include "util/template.h"
#include "util/tsv.h"
#include "util/log.h"

struct dl_causes {
	struct dl_cause_rule *r;
	size_t n;
	char *path;
	char *text;	/* the file; rules point into it */
	struct dl_cause_fn *fns;
	size_t nfns;
	char *fn_text;
	struct dl_cause_site *sites;
	size_t nsites;
	char *site_text, *exp_text;
	size_t cap_r, cap_fns, cap_sites;
};

static const char *const categories[] = { "ring", "rss", "stack", "expected", NULL };
static const char *const groups[] = {
	"l2", "neighbour", "ip-route", "netfilter", "socket", "tcp", "qdisc",
	"xdp", "other", NULL,
};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return NULL;
	/* A rules file larger than 1 MiB is not a rules file. */
	buf = malloc(1 << 20);
	if (buf) {
		len = fread(buf, 1, (1 << 20) - 1, f);
		buf[len] = '\0';
		if (!feof(f)) {
			free(buf);
			buf = NULL;
			errno = EFBIG;
		}
	}
	err = errno;
	fclose(f);
	errno = err;
	return buf;
}

/* The {placeholders} dl_causes__render() fills, in its order. */
static const char *const placeholders[] = {
	"iface", "queue", "flow", "dport", "dst", "src", "proto",
	"ethertype", "location", "reason", "function",
};

#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* Every {name} in @text must be one render knows, or the text is wrong. */
static int check_placeholders(const char *path, int lineno, const char *text,
			      char *err, size_t err_len)
{
	const char *p = text, *end;
	size_t i, k;

	while ((p = strchr(p, '{')) && (end = strchr(p, '}'))) {
		k = end - p - 1;
		for (i = 0; i < NPLACEHOLDERS; i++)
			if (strlen(placeholders[i]) == k &&
			    !strncmp(p + 1, placeholders[i], k))
				break;
		if (i == NPLACEHOLDERS) {
			snprintf(err, err_len, "%s:%d: unknown placeholder '{%.*s}' (known: {iface} {queue} {flow} {dport} {dst} {src} {proto} {ethertype} {location} {reason} {function})",
				 path, lineno, (int)(k > 32 ? 32 : k), p + 1);
			return -EINVAL;
		}
		p = end + 1;
	}
	return 0;
}

/* Grow @arr (elements of @size) so one more fits; -ENOMEM. */
static int grow(void **arr, size_t n, size_t *cap, size_t size)
{
	void *p;

	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(*arr, *cap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	return 0;
}

/*
 * Every data row of @text (util/tsv: '#' comments and blank lines skipped)
 * as exactly @nf non-empty fields, NUL-terminated in place so the rules
 * keep pointers into @text, handed to @row. Errors name @path and the line.
 */
static int parse_tsv(char *text, const char *path, int nf, const char *what,
		     int (*row)(void *arg, char **f, const char *path, int lineno,
				char *err, size_t err_len),
		     void *arg, char *err, size_t err_len)
{
	struct dl_tsv t;
	int i, rc;

	dl_tsv__init(&t, text, strlen(text), path);
	while (dl_tsv__next(&t)) {
		char *f[8];

		if ((int)t.nf < nf)
			return dl_tsv__fail(&t, err, err_len,
					    "expected %d tab-separated fields (%s), found %u",
					    nf, what, t.nf);
		if ((int)t.nf > nf || t.too_many)
			return dl_tsv__fail(&t, err, err_len, "more than %d fields (%s)", nf,
					    what);
		for (i = 0; i < nf; i++) {
			if (!t.len[i])
				return dl_tsv__fail(&t, err, err_len, "field %d is empty (%s)",
						    i + 1, what);
			f[i] = text + (t.f[i] - text);
			f[i][t.len[i]] = '\0';	/* the tab, CR, newline or end after it */
		}
		rc = row(arg, f, path, (int)t.lineno, err, err_len);
		if (rc)
			return rc;
	}
	return 0;
}

static int cause_row(void *arg, char **f, const char *path, int lineno,
		     char *err, size_t err_len)
{
	struct dl_causes *c = arg;

	if (!in_list(f[1], categories)) {
		snprintf(err, err_len, "%s:%d: unknown category '%s' (ring, rss, stack, expected)",
			 path, lineno, f[1]);
		return -EINVAL;
	}
	if (!in_list(f[2], groups)) {
		snprintf(err, err_len, "%s:%d: unknown group '%s'", path, lineno, f[2]);
		return -EINVAL;
	}
	if (check_placeholders(path, lineno, f[3], err, err_len) ||
	    check_placeholders(path, lineno, f[4], err, err_len))
		return -EINVAL;
	if (grow((void **)&c->r, c->n, &c->cap_r, sizeof(*c->r)))
		return -ENOMEM;
	c->r[c->n++] = (struct dl_cause_rule){
		.reason = f[0], .category = f[1], .group = f[2],
		.summary = f[3], .advice = f[4], .counter = f[5], .from_table = 1,
	};
	return 0;
}

static int fn_row(void *arg, char **f, const char *path, int lineno,
		  char *err, size_t err_len)
{
	struct dl_causes *c = arg;

	(void)path;
	(void)lineno;
	(void)err;
	(void)err_len;
	if (grow((void **)&c->fns, c->nfns, &c->cap_fns, sizeof(*c->fns)))
		return -ENOMEM;
	c->fns[c->nfns++] = (struct dl_cause_fn){ f[0], f[1], f[2], f[3] };
	return 0;
}

struct site_arg {
	struct dl_causes *c;
	bool expected;
};

static int site_row(void *arg, char **f, const char *path, int lineno,
		    char *err, size_t err_len)
{
	struct site_arg *a = arg;
	struct dl_causes *c = a->c;

	(void)path;
	(void)lineno;
	(void)err;
	(void)err_len;
	if (check_placeholders(path, lineno, f[3], err, err_len) ||
	    check_placeholders(path, lineno, f[4], err, err_len))
		return -EINVAL;
	if (grow((void **)&c->sites, c->nsites, &c->cap_sites, sizeof(*c->sites)))
		return -ENOMEM;
	c->sites[c->nsites++] = (struct dl_cause_site){
		.reason = f[0], .function = f[1], .when = f[2], .summary = f[3],
		.advice = f[4], .expected = a->expected,
	};
	return 0;
}

/* @name beside the causes table, read into *@text; absent is fine. */
static char *sibling(const struct dl_causes *c, const char *name, char *path,
		     size_t len)
{
	const char *slash = strrchr(c->path, '/');

	snprintf(path, len, "%.*s/%s", slash ? (int)(slash - c->path) : 1,
		 slash ? c->path : ".", name);
	return slurp(path);
}

static int load_siblings(struct dl_causes *c, char *err, size_t err_len)
{
	struct site_arg sa = { .c = c };
	char path[600];
	int rc;

	c->fn_text = sibling(c, "functions.tsv", path, sizeof(path));
	if (c->fn_text) {
		rc = parse_tsv(c->fn_text, path, 4, "function, reason, meaning, gather",
			       fn_row, c, err, err_len);
		if (rc)
			return rc;
	}
	c->site_text = sibling(c, "reason_sites.tsv", path, sizeof(path));
	if (c->site_text) {
		rc = parse_tsv(c->site_text, path, 5, "reason, function, when, summary, advice",
			       site_row, &sa, err, err_len);
		if (rc)
			return rc;
	}
	sa.expected = true;
	c->exp_text = sibling(c, "expected.tsv", path, sizeof(path));
	if (c->exp_text)
		return parse_tsv(c->exp_text, path, 5, "reason, function, when, summary, advice",
				 site_row, &sa, err, err_len);
	return 0;
}

bool dl_causes__fn_is(const char *function, const char *name)
{
	size_t n = strlen(name);

	return function && !strncmp(function, name, n) &&
	       (function[n] == '\0' || function[n] == '+' || function[n] == '.');
}

const struct dl_cause_fn *dl_causes__fn_find(const struct dl_causes *c,
					     const char *fn)
{
	size_t i;

	for (i = 0; c && fn && i < c->nfns; i++)
		if (dl_causes__fn_is(fn, c->fns[i].function))
			return &c->fns[i];
	return NULL;
}

int dl_causes__function(const struct dl_causes *c, const char *fn,
			const char **reason, const char **note)
{
	const struct dl_cause_fn *f = dl_causes__fn_find(c, fn);

	if (!f)
		return -ENOENT;
	*reason = f->reason;
	*note = f->meaning;
	return 0;
}

size_t dl_causes__fn_count(const struct dl_causes *c)
{
	return c ? c->nfns : 0;
}

const struct dl_cause_fn *dl_causes__fn(const struct dl_causes *c, size_t i)
{
	return c && i < c->nfns ? &c->fns[i] : NULL;
}

size_t dl_causes__site_count(const struct dl_causes *c)
{
	return c ? c->nsites : 0;
}

const struct dl_cause_site *dl_causes__site(const struct dl_causes *c, size_t i)
{
	return c && i < c->nsites ? &c->sites[i] : NULL;
}

struct dl_causes *dl_causes__load(const char *path, char *err, size_t err_len)
{
	char cand[512], *p;
	struct dl_causes *c;
	int rc, lines;

	if (err_len)
		err[0] = '\0';
	if (path)
		snprintf(cand, sizeof(cand), "%s", path);
	else
		dl_config__path("causes.tsv", cand, sizeof(cand));
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->text = slurp(cand);
	if (!c->text) {
		snprintf(err, err_len, "cannot read causes table %s: %s", cand,
			 strerror(errno));
		rc = -ENOENT;
		goto fail;
	}
	c->path = strdup(cand);
	if (!c->path) {
		rc = -ENOMEM;
		goto fail;
	}
	for (lines = 0, p = c->text; *p; p++)
		lines += *p == '\n';
	rc = parse_tsv(c->text, c->path, 6,
		       "reason, category, group, summary, advice, counter",
		       cause_row, c, err, err_len);
	if (rc)
		goto fail;
	/* An empty table would give every cause generic advice, silently. */
	if (!c->n) {
		snprintf(err, err_len, "%s:%d: no causes in the table", c->path, lines);
		rc = -EINVAL;
		goto fail;
	}
	rc = load_siblings(c, err, err_len);
	if (rc)
		goto fail;
	return c;
fail:
	dl_causes__free(c);
	errno = -rc;
	return NULL;
}

void dl_causes__free(struct dl_causes *c)
{
	if (!c)
		return;
	free(c->fns);
	free(c->fn_text);
	free(c->sites);
	free(c->site_text);
	free(c->exp_text);
	free(c->r);
	free(c->text);
	free(c->path);
	free(c);
}

const char *dl_causes__path(const struct dl_causes *c)
{
	return c->path;
}

size_t dl_causes__count(const struct dl_causes *c)
{
	return c ? c->n : 0;
}

const struct dl_cause_rule *dl_causes__rule(const struct dl_causes *c, size_t i)
{
	return c && i < c->n ? &c->r[i] : NULL;
}

/* Group of a reason the table does not know, from its name's prefix. */
static const char *group_from_name(const char *r)
{
	static const struct { const char *prefix, *group; } map[] = {
		{ "TCP_", "tcp" }, { "SOCKET_", "socket" }, { "UDP_", "socket" },
		{ "NEIGH_", "neighbour" }, { "ARP_", "neighbour" },
		{ "IPV6_NDISC", "neighbour" }, { "IP_", "ip-route" },
		{ "IPV6", "ip-route" }, { "FRAG", "ip-route" }, { "DUP_FRAG", "ip-route" },
		{ "NETFILTER", "netfilter" }, { "TC_", "netfilter" },
		{ "QDISC_", "qdisc" }, { "FQ_", "qdisc" }, { "CAKE_", "qdisc" },
		{ "XDP", "xdp" }, { "MAC_", "l2" }, { "BRIDGE_", "l2" },
		{ "VXLAN_", "l2" }, { "DEV_", "l2" }, { "LOCAL_MAC", "l2" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(r, map[i].prefix, strlen(map[i].prefix)))
			return map[i].group;
	return "other";
}

void dl_causes__lookup(const struct dl_causes *c, const char *reason,
		       struct dl_cause_rule *out)
{
	size_t i;

	for (i = 0; c && i < c->n; i++) {
		if (!strcasecmp(c->r[i].reason, reason)) {
			*out = c->r[i];
			return;
		}
	}
	*out = (struct dl_cause_rule){
		.reason = reason,
		.category = strstr(reason, "RING") || strstr(reason, "BACKLOG") ?
			    "ring" : "stack",
		.group = group_from_name(reason),
		.summary = "kernel dropped packets with reason {reason} at {location}",
		.advice = "run 'dropledger explain {reason}' and 'dropledger explain {function}'; the reason is newer than this causes table (include/net/dropreason-core.h documents it)",
		.counter = "-",
		.from_table = 0,
	};
}

struct render_vals {
	const char *v[NPLACEHOLDERS];
};

static int cause_lookup(const char *name, size_t len, const void *ctx, const char **v)
{
	const struct render_vals *rv = ctx;
	size_t i;

	for (i = 0; i < NPLACEHOLDERS; i++) {
		if (strlen(placeholders[i]) == len && !strncmp(name, placeholders[i], len)) {
			*v = rv->v[i];
			return 0;
		}
	}
	return -ENOENT;
}

void dl_causes__render(const char *tmpl, const struct dl_cause_ctx *ctx,
		       char *buf, size_t len)
{
	char fn[128] = "";
	const struct render_vals rv = { {
		ctx->iface, ctx->queue, ctx->flow, ctx->dport, ctx->dst, ctx->src,
		ctx->proto, ctx->ethertype, ctx->location, ctx->reason,
		ctx->location ? fn : NULL,
	} };

	/* {function}: the location without its "+0xoff". */
	if (ctx->location)
		snprintf(fn, sizeof(fn), "%.*s", (int)strcspn(ctx->location, "+"),
			 ctx->location);
	dl_tmpl__render(tmpl, cause_lookup, &rv, "?", buf, len);
}
