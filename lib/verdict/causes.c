// SPDX-License-Identifier: GPL-2.0-only
/* Drop cause rules kept as data; see causes.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "verdict/causes.h"
#include "util/config_path.h"
#include "util/log.h"

struct dl_fn_rule {
	const char *fn, *reason, *note;
};

struct dl_causes {
	struct dl_cause_rule *r;
	size_t n;
	char *path;
	char *text;	/* the file; rules point into it */
	struct dl_fn_rule *fns;
	size_t nfns;
	char *fn_text;
};

static const char *const categories[] = { "ring", "rss", "stack", NULL };
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
	"ethertype", "location", "reason",
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
			snprintf(err, err_len, "%s:%d: unknown placeholder '{%.*s}' (known: {iface} {queue} {flow} {dport} {dst} {src} {proto} {ethertype} {location} {reason})",
				 path, lineno, (int)(k > 32 ? 32 : k), p + 1);
			return -EINVAL;
		}
		p = end + 1;
	}
	return 0;
}

static int parse(struct dl_causes *c, char *err, size_t err_len)
{
	char *line, *next;
	size_t cap = 0;
	int lineno = 0;

	for (line = c->text; line && *line; line = next) {
		char *f[5], *p = line;
		int i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (i = 0; i < 5; i++) {
			f[i] = p;
			p = i < 4 ? strchr(p, '\t') : NULL;
			if (i < 4 && !p) {
				snprintf(err, err_len, "%s:%d: expected 5 tab-separated fields, found %d",
					 c->path, lineno, i + 1);
				return -EINVAL;
			}
			if (p)
				*p++ = '\0';
		}
		if (strchr(f[4], '\t')) {
			snprintf(err, err_len, "%s:%d: more than 5 fields", c->path, lineno);
			return -EINVAL;
		}
		if (!f[0][0] || !f[3][0] || !f[4][0]) {
			snprintf(err, err_len, "%s:%d: empty reason, summary or advice",
				 c->path, lineno);
			return -EINVAL;
		}
		if (!in_list(f[1], categories)) {
			snprintf(err, err_len, "%s:%d: unknown category '%s' (ring, rss, stack)",
				 c->path, lineno, f[1]);
			return -EINVAL;
		}
		if (!in_list(f[2], groups)) {
			snprintf(err, err_len, "%s:%d: unknown group '%s'", c->path,
				 lineno, f[2]);
			return -EINVAL;
		}
		if (check_placeholders(c->path, lineno, f[3], err, err_len) ||
		    check_placeholders(c->path, lineno, f[4], err, err_len))
			return -EINVAL;
		if (c->n == cap) {
			struct dl_cause_rule *r;

			cap = cap ? cap * 2 : 64;
			r = realloc(c->r, cap * sizeof(*r));
			if (!r)
				return -ENOMEM;
			c->r = r;
		}
		c->r[c->n++] = (struct dl_cause_rule){
			.reason = f[0], .category = f[1], .group = f[2],
			.summary = f[3], .advice = f[4], .from_table = 1,
		};
	}
	/* An empty table would give every cause generic advice, silently. */
	if (!c->n) {
		snprintf(err, err_len, "%s:%d: no causes in the table", c->path, lineno);
		return -EINVAL;
	}
	return 0;
}

/* functions.tsv beside the causes table: function, reason, note. Optional. */
static int load_functions(struct dl_causes *c, char *err, size_t err_len)
{
	char path[600], *line, *next;
	const char *slash = strrchr(c->path, '/');
	size_t cap = 0;
	int lineno = 0;

	snprintf(path, sizeof(path), "%.*s/functions.tsv",
		 slash ? (int)(slash - c->path) : 1, slash ? c->path : ".");
	c->fn_text = slurp(path);
	if (!c->fn_text)
		return 0;
	for (line = c->fn_text; line && *line; line = next) {
		char *t1, *t2;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (line[0] == '#' || !line[0])
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2) {
			snprintf(err, err_len, "%s:%d: expected function<TAB>reason<TAB>note",
				 path, lineno);
			return -EINVAL;
		}
		*t1++ = '\0';
		*t2++ = '\0';
		if (c->nfns == cap) {
			struct dl_fn_rule *f;

			cap = cap ? cap * 2 : 32;
			f = realloc(c->fns, cap * sizeof(*f));
			if (!f)
				return -ENOMEM;
			c->fns = f;
		}
		c->fns[c->nfns++] = (struct dl_fn_rule){ line, t1, t2 };
	}
	return 0;
}

int dl_causes__function(const struct dl_causes *c, const char *fn,
			const char **reason, const char **note)
{
	size_t len = strcspn(fn, "+"), i;

	for (i = 0; c && i < c->nfns; i++) {
		if (strlen(c->fns[i].fn) == len && !strncmp(c->fns[i].fn, fn, len)) {
			*reason = c->fns[i].reason;
			*note = c->fns[i].note;
			return 0;
		}
	}
	return -ENOENT;
}

struct dl_causes *dl_causes__load(const char *path, char *err, size_t err_len)
{
	char cand[512];
	struct dl_causes *c;
	int rc;

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
	rc = parse(c, err, err_len);
	if (rc)
		goto fail;
	rc = load_functions(c, err, err_len);
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
		.advice = "run 'dropledger explain {reason}' and see the kernel's drop reason documentation (include/net/dropreason-core.h); the location names the function that dropped",
		.from_table = 0,
	};
}

void dl_causes__render(const char *tmpl, const struct dl_cause_ctx *ctx,
		       char *buf, size_t len)
{
	const char *const *names = placeholders;
	const char *vals[] = {
		ctx->iface, ctx->queue, ctx->flow, ctx->dport, ctx->dst, ctx->src,
		ctx->proto, ctx->ethertype, ctx->location, ctx->reason,
	};
	size_t o = 0;

	if (!len)
		return;
	while (*tmpl && o + 1 < len) {
		const char *end;
		size_t i, k;

		if (*tmpl == '{' && (end = strchr(tmpl, '}'))) {
			k = end - tmpl - 1;
			for (i = 0; i < NPLACEHOLDERS; i++) {
				if (strlen(names[i]) == k && !strncmp(tmpl + 1, names[i], k))
					break;
			}
			if (i < NPLACEHOLDERS) {
				const char *v = vals[i] ? vals[i] : "?";

				o += snprintf(buf + o, len - o, "%s", v);
				if (o >= len)
					o = len - 1;
				tmpl = end + 1;
				continue;
			}
		}
		buf[o++] = *tmpl++;
	}
	buf[o] = '\0';
}
