/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Advice rules as data (config/advice.tsv). A row is keyed by a drop reason
 * (or "rss") and the dropping function, carries a condition over named
 * context values the caller gathered (rp_filter values, the route back, the
 * RSS verdict kind...) and summary/advice templates whose {name} or
 * {name|default} placeholders are filled from the same values. Rows keyed
 * "let:NAME" define a value from other values (a fragment of text chosen by
 * its own condition), so variants need rows, not code.
 *
 * Condition grammar (no general language): "-" is always true; otherwise
 *   or   := and ("||" and)*      and := unary ("&&" unary)*
 *   unary := "!" unary | "(" or ")" | NAME | NAME OP VALUE
 *   OP := = != < <= > >=   VALUE := word, a,b,c (any of), or {name}
 * A bare NAME is true when its value is neither empty nor "0"; < <= > >=
 * compare numbers. An unset name reads as "".
 */
#ifndef DL_ADVICE_RULES_H
#define DL_ADVICE_RULES_H

#include <stdbool.h>
#include <stddef.h>

#define DL_ADVICE_MAX_VARS 80	/* gathered names + lets, with room (a full context drops new names) */
#define DL_ADVICE_VAL_LEN 256

/* Named values a rule reads; set by the caller, extended by let rows. */
struct dl_advice_ctx {
	size_t n;
	struct {
		char name[32];
		char val[DL_ADVICE_VAL_LEN];
	} v[DL_ADVICE_MAX_VARS];
};

struct dl_advice;

/* Set @name to a printf-formatted value (replacing an earlier one). */
void dl_advice_ctx__set(struct dl_advice_ctx *c, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The value of @name, or NULL when unset. */
const char *dl_advice_ctx__get(const struct dl_advice_ctx *c, const char *name);

/*
 * Parse a table from @buf (@len bytes) named @origin in messages. Every
 * condition is parsed and every name checked against dl_advice__names and
 * the table's let names; errors land in @err as "origin:line: ...".
 * Returns 0 and *@out, or -EINVAL / -ENOMEM.
 */
int dl_advice__parse(const char *buf, size_t len, const char *origin,
		     struct dl_advice **out, char *err, size_t err_len);

/* dl_advice__parse() on the file at @path (NULL: advice.tsv on the config path). */
int dl_advice__load(const char *path, struct dl_advice **out, char *err, size_t err_len);

void dl_advice__free(struct dl_advice *a);

/* The shipped table, loaded once; NULL (warned once) when it cannot be read. */
const struct dl_advice *dl_advice__shipped(void);

/* Rows of the table (let rows included), for tests and explain. */
size_t dl_advice__count(const struct dl_advice *a);

/* Key, function, condition, summary, advice and line of row @i. */
struct dl_advice_row {
	const char *key, *function, *when, *summary, *advice;
	unsigned int lineno;
};
int dl_advice__row(const struct dl_advice *a, size_t i, struct dl_advice_row *out);

/*
 * Evaluate condition @when on @ctx: 1 true, 0 false, -EINVAL malformed
 * (@err gets why).
 */
int dl_advice__eval(const char *when, const struct dl_advice_ctx *ctx,
		    char *err, size_t err_len);

/* Fill @tmpl's placeholders from @ctx into @buf (NUL-terminated, truncated). */
void dl_advice__render(const char *tmpl, const struct dl_advice_ctx *ctx,
		       char *buf, size_t len);

/*
 * Apply the let rows matching @key/@function to @ctx, then render the first
 * matching row into @summary/@advice (either may be NULL). With @all, every
 * matching row's advice is appended instead, joined by a space, and the
 * summary is the first one's. Returns the number of rows used (0: none
 * matched, buffers untouched), -EINVAL for a NULL table or context.
 */
int dl_advice__apply(const struct dl_advice *a, const char *key, const char *function,
		     struct dl_advice_ctx *ctx, bool all, char *summary, size_t slen,
		     char *advice, size_t alen);

/*
 * Define @ctx's let values, then return the index of the first main row at
 * or after @from matching @key/@function/condition; -ENOENT when none.
 */
int dl_advice__select(const struct dl_advice *a, const char *key, const char *function,
		      struct dl_advice_ctx *ctx, size_t from);

/* The context names rows may read (NULL-terminated). */
extern const char *const dl_advice__names[];

#endif
