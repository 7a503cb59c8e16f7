// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/template.h"

void dl_tmpl__render(const char *tmpl, dl_tmpl_lookup lookup, const void *ctx,
		     const char *unset, char *buf, size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	while (*tmpl && o + 1 < len) {
		const char *end, *bar, *v = NULL;

		if (*tmpl == '{' && (end = strchr(tmpl, '}'))) {
			bar = memchr(tmpl, '|', end - tmpl);
			if (!lookup(tmpl + 1, (bar ? bar : end) - tmpl - 1, ctx, &v)) {
				if (v && v[0])
					o += snprintf(buf + o, len - o, "%s", v);
				else if (bar)
					o += snprintf(buf + o, len - o, "%.*s",
						      (int)(end - bar - 1), bar + 1);
				else
					o += snprintf(buf + o, len - o, "%s", unset);
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
