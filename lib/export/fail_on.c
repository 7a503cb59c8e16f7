// SPDX-License-Identifier: GPL-2.0-only
/* --fail-on rules: parsing and evaluation on a ledger; see fail_on.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/fail_on.h"
#include "ledger/ledger.h"

enum qty {
	Q_STACK_DROPPED,
	Q_NIC_DROPPED,
	Q_DROPPED,		/* stack + nic */
	Q_RESIDUAL,
	Q_RECORDS_LOST,
	Q_DELIVERED,
	Q_XDP_SEEN,
	Q_MALFORMED,
	Q_UNATTRIBUTED,
	Q_REASON,		/* reason=NAME */
	Q_CATEGORY,		/* category=NAME */
};

static const char *const qty_names[] = {
	[Q_STACK_DROPPED] = "stack_dropped", [Q_NIC_DROPPED] = "nic_dropped",
	[Q_DROPPED] = "dropped", [Q_RESIDUAL] = "residual",
	[Q_RECORDS_LOST] = "records_lost", [Q_DELIVERED] = "delivered",
	[Q_XDP_SEEN] = "xdp_seen", [Q_MALFORMED] = "malformed",
	[Q_UNATTRIBUTED] = "unattributed",
};

enum unit { U_COUNT, U_RATE, U_SHARE };

struct rule {
	char text[128];
	enum qty q;
	char name[64];		/* reason or category */
	bool ge;		/* >= instead of > */
	bool lt;		/* < or <= (e.g. delivered_rate<1/s) */
	enum unit unit;
	double thr;
};

struct dl_fail_on {
	struct rule *r;
	unsigned int n;
};

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

static int parse_rule(char *s, struct rule *r, char *why, size_t why_len)
{
	char *op = strpbrk(s, "<>"), *name, *num, *end;
	bool rate_name = false;
	size_t nl;
	unsigned int i;

	snprintf(r->text, sizeof(r->text), "%s", s);
	if (!op || op == s)
		goto bad;
	r->lt = *op == '<';
	r->ge = op[1] == '=';
	num = op + 1 + r->ge;
	*op = '\0';
	name = trim(s);
	nl = strlen(name);
	if (nl > 5 && !strcmp(name + nl - 5, "_rate")) {
		rate_name = true;
		name[nl - 5] = '\0';
	}
	if (!strncmp(name, "reason=", 7) || !strncmp(name, "category=", 9)) {
		r->q = name[0] == 'r' ? Q_REASON : Q_CATEGORY;
		name = strchr(name, '=') + 1;
		if (!*name || strlen(name) >= sizeof(r->name))
			goto bad;
		snprintf(r->name, sizeof(r->name), "%s", name);
	} else {
		for (i = 0; i < sizeof(qty_names) / sizeof(qty_names[0]); i++)
			if (qty_names[i] && !strcmp(name, qty_names[i]))
				break;
		if (i == sizeof(qty_names) / sizeof(qty_names[0]))
			goto bad;
		r->q = (enum qty)i;
	}
	num = trim(num);
	errno = 0;
	r->thr = strtod(num, &end);
	if (errno || end == num || r->thr < 0)
		goto bad;
	end = trim(end);
	if (!strcmp(end, "/s"))
		r->unit = U_RATE;
	else if (!strcmp(end, "%"))
		r->unit = U_SHARE;
	else if (!*end)
		r->unit = rate_name ? U_RATE : U_COUNT;
	else
		goto bad;
	if (rate_name && r->unit != U_RATE)
		goto bad;
	return 0;
bad:
	snprintf(why, why_len,
		 "bad --fail-on rule '%s' (QUANTITY>N, QUANTITY>N/s or QUANTITY>N%%; quantities: stack_dropped, nic_dropped, dropped, residual, records_lost, delivered, xdp_seen, malformed, unattributed, reason=NAME, category=NAME, each also as NAME_rate)",
		 r->text);
	return -EINVAL;
}

struct dl_fail_on *dl_fail_on__parse(const char *spec, char *why, size_t why_len)
{
	struct dl_fail_on *f = calloc(1, sizeof(*f));
	char *copy = strdup(spec ? spec : ""), *save = NULL, *tok;
	unsigned int cap = 0;

	if (!f || !copy)
		goto oom;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!*tok)
			continue;
		if (f->n == cap) {
			struct rule *nr = realloc(f->r, (cap ? cap * 2 : 4) * sizeof(*nr));

			if (!nr)
				goto oom;
			f->r = nr;
			cap = cap ? cap * 2 : 4;
		}
		memset(&f->r[f->n], 0, sizeof(f->r[0]));
		if (parse_rule(tok, &f->r[f->n], why, why_len)) {
			free(copy);
			dl_fail_on__free(f);
			errno = EINVAL;
			return NULL;
		}
		f->n++;
	}
	free(copy);
	if (!f->n) {
		snprintf(why, why_len, "--fail-on needs at least one rule, e.g. 'stack_dropped_rate>100/s'");
		dl_fail_on__free(f);
		errno = EINVAL;
		return NULL;
	}
	return f;
oom:
	snprintf(why, why_len, "out of memory");
	free(copy);
	dl_fail_on__free(f);
	errno = ENOMEM;
	return NULL;
}

void dl_fail_on__free(struct dl_fail_on *f)
{
	if (!f)
		return;
	free(f->r);
	free(f);
}

unsigned int dl_fail_on__count(const struct dl_fail_on *f)
{
	return f->n;
}

const char *dl_fail_on__rule(const struct dl_fail_on *f, unsigned int i)
{
	return i < f->n ? f->r[i].text : NULL;
}

/* The raw count over the ledger; -ENOENT when the counter is absent. */
static int quantity(const struct rule *r, const struct dl_ledger *l, double *v)
{
	unsigned int i;

	switch (r->q) {
	case Q_STACK_DROPPED:
		*v = (double)l->stack_dropped;
		return 0;
	case Q_NIC_DROPPED:
		if (!l->nic_dropped.have)
			return -ENOENT;
		*v = (double)l->nic_dropped.v;
		return 0;
	case Q_DROPPED:
		*v = (double)l->stack_dropped + (l->nic_dropped.have ? l->nic_dropped.v : 0);
		return 0;
	case Q_RESIDUAL:
		*v = (double)l->residual;
		return 0;
	case Q_RECORDS_LOST:
		*v = (double)l->records_lost;
		return 0;
	case Q_DELIVERED:
		*v = (double)l->delivered;
		return 0;
	case Q_XDP_SEEN:
		*v = (double)l->xdp_seen;
		return 0;
	case Q_MALFORMED:
		*v = (double)l->malformed;
		return 0;
	case Q_UNATTRIBUTED:
		*v = (double)l->unattributed;
		return 0;
	case Q_REASON:
	case Q_CATEGORY:
		*v = 0;
		for (i = 0; i < l->ncauses; i++) {
			const struct dl_ledger_cause *c = &l->causes[i];
			const char *k = r->q == Q_REASON ? c->reason_name : c->category;

			if (c->category && !strcmp(c->category, "rss"))
				continue;
			if (k && !strcasecmp(k, r->name))
				*v += (double)c->count;
		}
		return 0;
	}
	return -ENOENT;
}

int dl_fail_on__eval(const struct dl_fail_on *f, unsigned int i, const struct dl_ledger *l,
		     bool *fired, double *value)
{
	const struct rule *r = &f->r[i];
	double v;
	int err;

	*fired = false;
	err = quantity(r, l, &v);
	if (err)
		return err;
	if (r->unit == U_RATE) {
		if (l->duration_s <= 0)
			return -ENOENT;
		v /= l->duration_s;
	} else if (r->unit == U_SHARE) {
		/* A share of nothing is no share: no traffic never fires. */
		if (!l->xdp_seen)
			return -ENOENT;
		v = 100.0 * v / (double)l->xdp_seen;
	}
	*value = v;
	if (r->lt)
		*fired = r->ge ? v <= r->thr : v < r->thr;
	else
		*fired = r->ge ? v >= r->thr : v > r->thr;
	return 0;
}

int dl_fail_on__check(const struct dl_fail_on *f, const struct dl_ledger *l,
		      char *why, size_t why_len)
{
	unsigned int i;
	double v;
	bool fired;

	for (i = 0; f && i < f->n; i++) {
		if (dl_fail_on__eval(f, i, l, &fired, &v) || !fired)
			continue;
		snprintf(why, why_len, "%s: %s (measured %.6g%s)", l->ifname, f->r[i].text, v,
			 f->r[i].unit == U_RATE ? "/s" : f->r[i].unit == U_SHARE ? "%" : "");
		return (int)i;
	}
	return -1;
}
