// SPDX-License-Identifier: GPL-2.0-only
/* Advice rules as data: the table, its checks and its use; see advice_rules.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/config_path.h"
#include "util/log.h"
#include "util/tsv.h"
#include "verdict/advice_cond.h"
#include "verdict/advice_rules.h"

/* What the C gatherers set (verdict_refine.c, rss_report.c); a row naming
 * anything else is a typo, reported at load. */
const char *const dl_advice__names[] = {
	/* every key */
	"reason", "function", "have_ctx", "iface", "ifindex", "flow", "src", "dst",
	"ipv4", "l4", "have_routes", "rt_dst", "rt_dst_plen", "rt_src", "route_back",
	/* multicast */
	"mcast", "have_groups", "joined_here", "others", "mine",
	/* rp_filter */
	"all", "dev", "eff",
	/* neighbour */
	"nh", "oif", "self", "plen", "neigh_state", "lladdr", "unres_qlen_bytes",
	/* netfilter */
	"dst_local", "src_local", "match",
	/* l2 */
	"llc",
	/* no socket: who holds the port (/proc/net/udp, tcp) */
	"dport", "port_bound", "port_any", "port_connected", "port_v6only",
	/* a catalogued function (functions.tsv) */
	"fn_meaning", "fn_gather",
	/* bridge port (sysfs brport), root qdisc and tc hook filters (rtnetlink) */
	"br", "br_state", "br_stp", "br_fd", "br_noflood", "br_nolearn", "carrier", "txqueuelen", "qdisc",
	"qdisc_drops", "qdisc_limit", "qdisc_unit", "qdisc_rate", "tc_hook",
	"tc_filters", "tc_pref", "tc_prog",
	/* rss */
	"kind", "queue", "nr_queues", "spread_too", "squeezed", "backlog_dropped",
	NULL,
};

struct rule {
	char *key, *function, *when, *summary, *advice;
	unsigned int lineno;
};

struct dl_advice {
	struct rule *r;
	size_t n;
	char *origin;
};

/* Names a row may read: the gatherers' plus the lets defined so far. */
struct names {
	const struct dl_advice *a;
};

static bool known_name(const char *name, size_t len, void *arg)
{
	const struct names *n = arg;
	const char *const *k;
	size_t i;

	for (k = dl_advice__names; *k; k++)
		if (strlen(*k) == len && !strncmp(*k, name, len))
			return true;
	for (i = 0; i < n->a->n; i++) {
		const char *key = n->a->r[i].key;

		if (!strncmp(key, "let:", 4) && strlen(key + 4) == len &&
		    !strncmp(key + 4, name, len))
			return true;
	}
	return false;
}

static int check_template(const char *t, struct names *n, char *err, size_t err_len)
{
	const char *p = t, *end;

	while ((p = strchr(p, '{'))) {
		size_t k;

		end = strchr(p, '}');
		if (!end) {
			snprintf(err, err_len, "'{' without '}' in '%.40s'", p);
			return -EINVAL;
		}
		k = strcspn(p + 1, "|}");
		if (!known_name(p + 1, k, n)) {
			snprintf(err, err_len, "unknown placeholder '{%.*s}'", (int)k, p + 1);
			return -EINVAL;
		}
		p = end + 1;
	}
	return 0;
}

static int check_row(struct dl_advice *a, const struct rule *r, char *err, size_t err_len)
{
	struct names n = { a };
	const char *k;

	if (!strncmp(r->key, "let:", 4)) {
		for (k = r->key + 4; dl_advice_cond__is_name_char(*k); k++)
			;
		if (k == r->key + 4 || *k) {
			snprintf(err, err_len, "bad let name '%s' (a-z 0-9 _)", r->key + 4);
			return -EINVAL;
		}
	}
	if (dl_advice_cond__check(r->when, known_name, &n, err, err_len))
		return -EINVAL;
	if (check_template(r->summary, &n, err, err_len) ||
	    check_template(r->advice, &n, err, err_len))
		return -EINVAL;
	return 0;
}

void dl_advice__free(struct dl_advice *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->r[i].key);
		free(a->r[i].function);
		free(a->r[i].when);
		free(a->r[i].summary);
		free(a->r[i].advice);
	}
	free(a->r);
	free(a->origin);
	free(a);
}

int dl_advice__parse(const char *buf, size_t len, const char *origin,
		     struct dl_advice **out, char *err, size_t err_len)
{
	char why[256];
	struct dl_advice *a;
	struct dl_tsv t;
	size_t cap = 0, i;
	int rc = 0;

	*out = NULL;
	a = calloc(1, sizeof(*a));
	if (!a || !(a->origin = strdup(origin ? origin : "(input)"))) {
		free(a);
		return -ENOMEM;
	}
	dl_tsv__init(&t, buf, len, a->origin);
	while (dl_tsv__next(&t)) {
		struct rule *r;

		if (t.nf != 5 || t.too_many) {
			snprintf(err, err_len, "%s:%u: expected 5 tab-separated fields (key, function, when, summary, advice), found %u",
				 a->origin, t.lineno, t.nf);
			rc = -EINVAL;
			goto out;
		}
		for (i = 0; i < 5; i++) {
			if (!t.len[i]) {
				snprintf(err, err_len, "%s:%u: field %zu is empty (use '-')",
					 a->origin, t.lineno, i + 1);
				rc = -EINVAL;
				goto out;
			}
		}
		if (a->n == cap) {
			void *p = realloc(a->r, (cap = cap ? cap * 2 : 32) * sizeof(*a->r));

			if (!p) {
				rc = -ENOMEM;
				goto out;
			}
			a->r = p;
		}
		r = &a->r[a->n];
		*r = (struct rule){
			.key = dl_tsv__dup(&t, 0), .function = dl_tsv__dup(&t, 1),
			.when = dl_tsv__dup(&t, 2), .summary = dl_tsv__dup(&t, 3),
			.advice = dl_tsv__dup(&t, 4), .lineno = t.lineno,
		};
		a->n++;
		if (!r->key || !r->function || !r->when || !r->summary || !r->advice) {
			rc = -ENOMEM;
			goto out;
		}
	}
	/* Checked after reading so a let row may be defined below its first use. */
	for (i = 0; i < a->n; i++) {
		if (check_row(a, &a->r[i], why, sizeof(why))) {
			snprintf(err, err_len, "%s:%u: %s", a->origin, a->r[i].lineno, why);
			rc = -EINVAL;
			goto out;
		}
	}
	if (!a->n) {
		snprintf(err, err_len, "%s:%u: no rules in the table", a->origin,
			 t.lines.lineno);
		rc = -EINVAL;
	}
out:
	if (rc)
		dl_advice__free(a);
	else
		*out = a;
	return rc;
}

int dl_advice__load(const char *path, struct dl_advice **out, char *err, size_t err_len)
{
	char cand[512], *buf;
	size_t len;
	FILE *f;
	int rc;

	*out = NULL;
	if (path)
		snprintf(cand, sizeof(cand), "%s", path);
	else
		dl_config__path("advice.tsv", cand, sizeof(cand));
	f = fopen(cand, "re");
	if (!f) {
		rc = -errno;
		snprintf(err, err_len, "cannot read advice table %s: %s", cand, strerror(-rc));
		return rc;
	}
	/* A rules file larger than 1 MiB is not a rules file. */
	buf = malloc(1 << 20);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(buf, 1, 1 << 20, f);
	rc = feof(f) ? 0 : -EFBIG;
	fclose(f);
	if (!rc)
		rc = dl_advice__parse(buf, len, cand, out, err, err_len);
	else
		snprintf(err, err_len, "%s: larger than 1 MiB", cand);
	free(buf);
	return rc;
}

static struct dl_advice *shipped;
static pthread_once_t shipped_once = PTHREAD_ONCE_INIT;

static void load_shipped(void)
{
	char err[512];

	if (dl_advice__load(NULL, &shipped, err, sizeof(err)))
		pr_warn("%s; verdicts fall back to the causes table\n", err);
}

const struct dl_advice *dl_advice__shipped(void)
{
	pthread_once(&shipped_once, load_shipped);
	return shipped;
}

size_t dl_advice__count(const struct dl_advice *a)
{
	return a ? a->n : 0;
}

int dl_advice__row(const struct dl_advice *a, size_t i, struct dl_advice_row *out)
{
	const struct rule *r;

	if (!a || i >= a->n)
		return -ENOENT;
	r = &a->r[i];
	*out = (struct dl_advice_row){ r->key, r->function, r->when, r->summary,
				       r->advice, r->lineno };
	return 0;
}

/* @fn is @name, maybe followed by "+0xoff" or a ".constprop.0" suffix. */
static bool fn_is(const char *fn, const char *name, size_t n)
{
	return !strncmp(fn, name, n) && (fn[n] == '\0' || fn[n] == '+' || fn[n] == '.');
}

/* @fn matches the comma-separated @list: "*" any, "name", or "prefix*". */
static bool fn_matches(const char *list, const char *fn)
{
	const char *p = list;

	if (!strcmp(list, "*"))
		return true;
	if (!fn)
		return false;
	while (*p) {
		size_t k = strcspn(p, ",");

		if (k && p[k - 1] == '*' ? !strncmp(fn, p, k - 1) : fn_is(fn, p, k))
			return true;
		p += k;
		if (*p == ',')
			p++;
	}
	return false;
}

static bool key_matches(const char *list, const char *key)
{
	return !strcmp(list, "*") || dl_advice_cond__in_list(key, list, strlen(list));
}

/* Define the let values that apply to @key/@function and are not set yet. */
static void apply_lets(const struct dl_advice *a, const char *function,
		       struct dl_advice_ctx *ctx)
{
	char err[128], text[1024];
	size_t i;

	/* In file order: the first matching row of a name defines it. */
	for (i = 0; i < a->n; i++) {
		const struct rule *r = &a->r[i];

		if (strncmp(r->key, "let:", 4) || dl_advice_ctx__get(ctx, r->key + 4) ||
		    !fn_matches(r->function, function) ||
		    dl_advice__eval(r->when, ctx, err, sizeof(err)) != 1)
			continue;
		dl_advice__render(r->summary, ctx, text, sizeof(text));
		dl_advice_ctx__set(ctx, r->key + 4, "%s", strcmp(text, "-") ? text : "");
	}
}

int dl_advice__select(const struct dl_advice *a, const char *key, const char *function,
		      struct dl_advice_ctx *ctx, size_t from)
{
	char err[128];
	size_t i;

	if (!a || !ctx || !key)
		return -EINVAL;
	if (!dl_advice_ctx__get(ctx, "reason"))
		dl_advice_ctx__set(ctx, "reason", "%s", key);
	if (function && !dl_advice_ctx__get(ctx, "function"))
		dl_advice_ctx__set(ctx, "function", "%.*s", (int)strcspn(function, "+"),
				   function);
	apply_lets(a, function, ctx);
	for (i = from; i < a->n; i++) {
		const struct rule *r = &a->r[i];

		if (!strncmp(r->key, "let:", 4) || !key_matches(r->key, key) ||
		    !fn_matches(r->function, function) ||
		    dl_advice__eval(r->when, ctx, err, sizeof(err)) != 1)
			continue;
		return (int)i;
	}
	return -ENOENT;
}

int dl_advice__apply(const struct dl_advice *a, const char *key, const char *function,
		     struct dl_advice_ctx *ctx, bool all, char *summary, size_t slen,
		     char *advice, size_t alen)
{
	size_t o = 0;
	int used = 0, i = -1;

	if (!a || !ctx || !key)
		return -EINVAL;
	while ((i = dl_advice__select(a, key, function, ctx, i + 1)) >= 0) {
		const struct rule *r = &a->r[i];

		if (!used && summary && slen && strcmp(r->summary, "-"))
			dl_advice__render(r->summary, ctx, summary, slen);
		if (advice && alen && strcmp(r->advice, "-")) {
			if (o && o + 1 < alen)
				advice[o++] = ' ';
			dl_advice__render(r->advice, ctx, advice + o, alen - o);
			o += strlen(advice + o);
		}
		used++;
		if (!all)
			break;
	}
	return used;
}
