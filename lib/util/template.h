/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text with {name} and {name|default} placeholders, as the data files
 * (causes.tsv, reason_sites.tsv, advice.tsv) write their summaries.
 */
#ifndef DL_UTIL_TEMPLATE_H
#define DL_UTIL_TEMPLATE_H

#include <stddef.h>

/*
 * The value of placeholder @name (@len bytes, not terminated): 0 with *@v
 * set (NULL or "": unset), or -ENOENT for a name the caller does not know
 * (the placeholder is then copied as written).
 */
typedef int (*dl_tmpl_lookup)(const char *name, size_t len, const void *ctx,
			      const char **v);

/*
 * Render @tmpl into @buf (always terminated, cut at @len). An unset value
 * prints its default, or @unset when the placeholder has none.
 */
void dl_tmpl__render(const char *tmpl, dl_tmpl_lookup lookup, const void *ctx,
		     const char *unset, char *buf, size_t len);

#endif
