// SPDX-License-Identifier: GPL-2.0-only
/* "Counted, not traced" causes from the discard-counter audit; see ledger_untraced.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters/kstate.h"
#include "counters/mib_discards.h"
#include "counters/snmp.h"
#include "ledger/ledger.h"
#include "ledger/ledger_untraced.h"
#include "util/counter.h"
#include "util/template.h"

#define UNTRACED_PREFIX "counted, not traced"

static bool is_untraced_cause(const struct dl_ledger_cause *c)
{
	return !strncmp(c->location_str, UNTRACED_PREFIX, strlen(UNTRACED_PREFIX));
}

/* One traced_as item ("REASON", "REASON@fn-prefix", "*@fn-prefix", "*") against @c. */
static bool item_matches(const char *it, size_t len, const struct dl_ledger_cause *c)
{
	const char *at = memchr(it, '@', len);
	size_t rlen = at ? (size_t)(at - it) : len;

	if (!(rlen == 1 && it[0] == '*') &&
	    (strlen(c->reason_name) != rlen || memcmp(c->reason_name, it, rlen)))
		return false;
	if (!at)
		return true;
	return !strncmp(c->function, at + 1, len - rlen - 1);
}

/* Rx drops the tracer saw on paths this counter also counts. */
static uint64_t traced_part(const struct dl_ledger *l, const char *traced_as)
{
	uint64_t n = 0;

	if (!traced_as)
		return 0;
	for (unsigned int i = 0; i < l->ncauses; i++) {
		const struct dl_ledger_cause *c = &l->causes[i];
		const char *p = traced_as;

		if (c->tx || is_untraced_cause(c))
			continue;
		while (*p) {
			size_t len = strcspn(p, ",");

			if (item_matches(p, len, c)) {
				n += c->count;
				break;
			}
			p += len + (p[len] == ',');
		}
	}
	return n;
}

/* The counter's delta less its traced paths; false when unreadable. */
static bool untraced_raw(const struct dl_ledger *l, const struct dl_kstate *a,
			 const struct dl_kstate *b, const struct dl_mib_row *r, uint64_t *out)
{
	uint64_t x, y, d, t;

	if (!a->snmp || !b->snmp || dl_snmp__get(a->snmp, r->group, r->name, &x) ||
	    dl_snmp__get(b->snmp, r->group, r->name, &y) || dl_counter__delta(x, y, 64, &d))
		return false;
	t = traced_part(l, r->traced_as);
	*out = d > t ? d - t : 0;
	return true;
}

struct tmpl_ctx {
	const char *count;
	const char *counter;
};

static int lookup(const char *name, size_t len, const void *ctx, const char **v)
{
	const struct tmpl_ctx *t = ctx;

	if (len == 5 && !memcmp(name, "count", 5))
		*v = t->count;
	else if (len == 7 && !memcmp(name, "counter", 7))
		*v = t->counter;
	else
		return -ENOENT;
	return 0;
}

static int add_cause(struct dl_ledger *l, const struct dl_mib_row *r, uint64_t n)
{
	struct dl_ledger_cause *c = dl_ledger__add_cause(l);
	char count[24];
	struct tmpl_ctx ctx = { count, r->label };

	if (!c)
		return -ENOMEM;
	snprintf(count, sizeof(count), "%" PRIu64, n);
	c->category = "stack";
	c->group = r->cause_group;
	snprintf(c->reason_name, sizeof(c->reason_name), "%s", r->reason);
	snprintf(c->location_str, sizeof(c->location_str), UNTRACED_PREFIX " (%s)", r->label);
	snprintf(c->function, sizeof(c->function), "%s", r->function);
	c->count = n;
	c->queues[DL_Q_UNKNOWN] = n;
	dl_tmpl__render(r->summary, lookup, &ctx, "?", c->summary, sizeof(c->summary));
	dl_tmpl__render(r->advice, lookup, &ctx, "?", c->advice, sizeof(c->advice));
	return 0;
}

int dl_ledger__add_untraced(struct dl_ledger *l, const struct dl_kstate *a,
			    const struct dl_kstate *b, const struct dl_mib_discards *tab)
{
	uint64_t *raw;
	bool *have;
	int err = 0;

	if (!tab)
		tab = dl_mib_discards__default();
	if (!tab || !tab->n)
		return 0;
	raw = calloc(tab->n, sizeof(*raw));
	have = calloc(tab->n, sizeof(*have));
	if (!raw || !have) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < tab->n; i++) {
		const struct dl_mib_row *r = &tab->rows[i];

		if (r->kind == DL_MIB_UNTRACED && !strcmp(r->dir, "rx"))
			have[i] = untraced_raw(l, a, b, r, &raw[i]);
	}
	for (size_t i = 0; i < tab->n && !err; i++) {
		const struct dl_mib_row *r = &tab->rows[i];
		uint64_t n = raw[i], unexplained;

		if (!have[i] || !r->reason)
			continue;
		/* Nested counters with a cause of their own are theirs, not ours. */
		for (size_t j = 0; j < tab->n; j++)
			if (tab->rows[j].parent == (int)i && have[j] && tab->rows[j].reason)
				n = n > raw[j] ? n - raw[j] : 0;
		/* Namespace-wide: never more than this interface can give up. */
		unexplained = l->residual > 0 ? (uint64_t)l->residual : 0;
		if (n > unexplained + l->delivered)
			n = unexplained + l->delivered;
		if (!n)
			continue;
		err = add_cause(l, r, n);
		if (err)
			break;
		/* Unexplained arrivals absorb it first; the rest was not delivered. */
		l->stack_dropped += n;
		if (n > unexplained)
			l->delivered -= n - unexplained;
		l->residual = (int64_t)l->xdp_seen - (int64_t)l->stack_dropped -
			      (int64_t)l->delivered;
	}
out:
	free(raw);
	free(have);
	return err;
}
