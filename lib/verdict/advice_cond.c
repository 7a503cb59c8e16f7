// SPDX-License-Identifier: GPL-2.0-only
/*
 * The condition language of advice.tsv and its templates: named values,
 * {name|default} rendering, and a recursive-descent parser that checks a
 * condition at load and evaluates it at run time; see advice_rules.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/template.h"
#include "verdict/advice_cond.h"
#include "verdict/advice_rules.h"

void dl_advice_ctx__set(struct dl_advice_ctx *c, const char *name, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			break;
	if (i == c->n) {
		if (c->n == DL_ADVICE_MAX_VARS) {
			static bool warned;

			/* A rule reading @name would see it empty: say so once. */
			if (!warned)
				pr_warn("advice context full (%d names): '%s' and later names are left out\n",
					DL_ADVICE_MAX_VARS, name);
			warned = true;
			return;
		}
		snprintf(c->v[i].name, sizeof(c->v[i].name), "%s", name);
		c->n++;
	}
	va_start(ap, fmt);
	vsnprintf(c->v[i].val, sizeof(c->v[i].val), fmt, ap);
	va_end(ap);
}

const char *dl_advice_ctx__get(const struct dl_advice_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; c && i < c->n; i++)
		if (!strcmp(c->v[i].name, name))
			return c->v[i].val;
	return NULL;
}

static const char *getn(const struct dl_advice_ctx *c, const char *name, size_t len)
{
	char n[32];

	snprintf(n, sizeof(n), "%.*s", (int)(len < 31 ? len : 31), name);
	return c ? dl_advice_ctx__get(c, n) : NULL;
}

/* Every name is known here: unset ones print their default or nothing. */
static int advice_lookup(const char *name, size_t len, const void *ctx, const char **v)
{
	*v = getn(ctx, name, len);
	return 0;
}

void dl_advice__render(const char *tmpl, const struct dl_advice_ctx *ctx,
		       char *buf, size_t len)
{
	dl_tmpl__render(tmpl, advice_lookup, ctx, "", buf, len);
}

/*
 * The condition parser: with a NULL context it only checks the syntax and
 * the names (@known); with one it evaluates. Recursive descent over the
 * text, so a row's condition is checked at load exactly as it is run.
 */
struct cp {
	const char *p;
	const struct dl_advice_ctx *ctx;
	dl_advice_known_fn known;
	void *arg;
	char *err;
	size_t err_len;
	int bad;
};

static void skip(struct cp *c)
{
	while (*c->p == ' ')
		c->p++;
}

/* @fmt has one %.*s: the token at @at (@len bytes, 0: up to a space or operator). */
static int fail_n(struct cp *c, const char *fmt, const char *at, size_t len)
{
	if (!c->bad)
		snprintf(c->err, c->err_len, fmt, (int)(len ? len : strcspn(at, " )&|")), at);
	c->bad = 1;
	return 0;
}

static int fail(struct cp *c, const char *fmt, const char *at)
{
	return fail_n(c, fmt, at, 0);
}

static size_t word(const char *p, const char *stop)
{
	return strcspn(p, stop);
}

bool dl_advice_cond__is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static bool number(const char *s, double *out)
{
	char *end;

	if (!s || !*s)
		return false;
	*out = strtod(s, &end);
	return !*end;
}

bool dl_advice_cond__in_list(const char *v, const char *list, size_t len)
{
	const char *p = list, *end = list + len;

	while (p <= end) {
		const char *c = memchr(p, ',', end - p);
		size_t k = (c ? c : end) - p;

		if (strlen(v) == k && !strncmp(v, p, k))
			return true;
		if (!c)
			break;
		p = c + 1;
	}
	return false;
}

static int or_expr(struct cp *c);

static int unary(struct cp *c)
{
	const char *name, *op;
	size_t nlen, olen, vlen;
	char rhs[DL_ADVICE_VAL_LEN], tmp[DL_ADVICE_VAL_LEN];
	const char *lhs;
	double a, b;
	int r;

	skip(c);
	if (*c->p == '!' && c->p[1] != '=') {
		c->p++;
		return !unary(c);
	}
	if (*c->p == '(') {
		c->p++;
		r = or_expr(c);
		skip(c);
		if (*c->p != ')')
			return fail(c, "missing ')' at '%.*s'", c->p);
		c->p++;
		return r;
	}
	name = c->p;
	for (nlen = 0; dl_advice_cond__is_name_char(name[nlen]); nlen++)
		;
	if (!nlen)
		return fail(c, "expected a name at '%.*s'", c->p);
	if (!c->ctx && !c->known(name, nlen, c->arg))
		return fail_n(c, "unknown name '%.*s'", name, nlen);
	c->p += nlen;
	lhs = getn(c->ctx, name, nlen);
	if (!lhs)
		lhs = "";
	skip(c);
	op = c->p;
	olen = strspn(op, "=!<>");
	if (!olen)
		return lhs[0] && strcmp(lhs, "0");
	if (!(olen == 1 && (*op == '=' || *op == '<' || *op == '>')) &&
	    !(olen == 2 && op[1] == '=' && *op != '='))
		return fail_n(c, "unknown operator '%.*s'", op, olen);
	c->p += olen;
	skip(c);
	vlen = word(c->p, " )&|");
	if (!vlen)
		return fail(c, "missing value after '%.*s'", op);
	if (*c->p == '{') {
		const char *end = memchr(c->p, '}', vlen);

		if (!end || end != c->p + vlen - 1)
			return fail(c, "bad {name} at '%.*s'", c->p);
		if (!c->ctx && !c->known(c->p + 1, vlen - 2, c->arg))
			return fail(c, "unknown name in '%.*s'", c->p);
		snprintf(tmp, sizeof(tmp), "%.*s", (int)vlen, c->p);
		dl_advice__render(tmp, c->ctx, rhs, sizeof(rhs));
	} else {
		snprintf(rhs, sizeof(rhs), "%.*s", (int)vlen, c->p);
	}
	if (*op != '=' && *op != '!' && !c->ctx && *c->p != '{' && !number(rhs, &a))
		return fail(c, "'%.*s' compares numbers", op);
	c->p += vlen;
	if (!c->ctx)
		return 1;
	if (*op == '=')
		return dl_advice_cond__in_list(lhs, rhs, strlen(rhs));
	if (*op == '!')
		return !dl_advice_cond__in_list(lhs, rhs, strlen(rhs));
	if (!number(lhs, &a) || !number(rhs, &b))
		return 0;
	if (*op == '<')
		return olen == 2 ? a <= b : a < b;
	return olen == 2 ? a >= b : a > b;
}

static int and_expr(struct cp *c)
{
	int r = unary(c);

	for (;;) {
		skip(c);
		if (c->p[0] != '&' || c->p[1] != '&')
			return r;
		c->p += 2;
		r = unary(c) && r;
	}
}

static int or_expr(struct cp *c)
{
	int r = and_expr(c);

	for (;;) {
		skip(c);
		if (c->p[0] != '|' || c->p[1] != '|')
			return r;
		c->p += 2;
		r = and_expr(c) || r;
	}
}

static int run(struct cp *c, const char *when)
{
	int r;

	if (!strcmp(when, "-"))
		return 1;
	c->p = when;
	r = or_expr(c);
	skip(c);
	if (!c->bad && *c->p)
		fail(c, "unexpected '%.*s'", c->p);
	return c->bad ? -EINVAL : r;
}

static bool any_name(const char *name, size_t len, void *arg)
{
	(void)name;
	(void)len;
	(void)arg;
	return true;
}

int dl_advice__eval(const char *when, const struct dl_advice_ctx *ctx,
		    char *err, size_t err_len)
{
	static const struct dl_advice_ctx empty;
	struct cp c = { .ctx = ctx ? ctx : &empty, .known = any_name,
			.err = err, .err_len = err_len };

	if (!when)
		return -EINVAL;
	return run(&c, when);
}

int dl_advice_cond__check(const char *when, dl_advice_known_fn known, void *arg,
			  char *err, size_t err_len)
{
	struct cp c = { .ctx = NULL, .known = known, .arg = arg,
			.err = err, .err_len = err_len };

	if (!when)
		return -EINVAL;
	return run(&c, when) < 0 ? -EINVAL : 0;
}
