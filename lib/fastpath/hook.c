// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hook choice per driver from config/hooks.tsv; see hook.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters/ethtool_stats.h"
#include "fastpath/hook.h"
#include "util/config_path.h"
#include "util/tsv.h"

const char *dl_hook__name(enum dl_hook h)
{
	return h == DL_HOOK_TC ? "tc" : "xdp";
}

/* [f, f+len) as a C string in @buf (truncated to fit). */
static void field(const char *f, size_t len, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)len, f);
}

/*
 * One row of @t: 1 and @c set, 0 for a blank or comment row, -EINVAL.
 * Empty fields (tab runs) are skipped; a CR or NUL ends the row.
 */
static int parse_row(const struct dl_tsv *t, char *driver, size_t dlen,
		     struct dl_hook_choice *c)
{
	const char *end = t->line + t->line_len, *p, *f[4];
	size_t len[4];
	unsigned int i;
	int n = 0;

	p = memchr(t->line, '\r', t->line_len);
	end = p ? p : end;
	p = memchr(t->line, 0, (size_t)(end - t->line));
	end = p ? p : end;
	for (p = t->line; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	if (p == end || *p == '#')
		return 0;
	for (i = 0; n < 4 && i < t->nf && t->f[i] < end; i++) {
		size_t l = t->len[i];

		if (l > (size_t)(end - t->f[i]))
			l = (size_t)(end - t->f[i]);
		if (!l)
			continue;
		f[n] = t->f[i];
		len[n++] = l;
	}
	if (n < 3)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	if (len[1] == 2 && !memcmp(f[1], "tc", 2))
		c->hook = DL_HOOK_TC;
	else if (len[1] == 3 && !memcmp(f[1], "xdp", 3))
		c->hook = DL_HOOK_XDP;
	else
		return -EINVAL;
	if (len[2] == 3 && !memcmp(f[2], "txq", 3))
		c->tc_qm_raw = true;
	else if (len[2] != 8 || memcmp(f[2], "recorded", 8))
		return -EINVAL;
	field(f[0], len[0], driver, dlen);
	field(n > 3 ? f[3] : "", n > 3 ? len[3] : 0, c->why, sizeof(c->why));
	c->from_table = true;
	return 1;
}

int dl_hook__parse_line(const char *line, char *driver, size_t dlen,
			struct dl_hook_choice *c)
{
	struct dl_tsv t;

	dl_tsv__init(&t, line, strcspn(line, "\n"), NULL);
	return dl_tsv__next(&t) ? parse_row(&t, driver, dlen, c) : 0;
}

int dl_hook__lookup(const char *path, const char *driver,
		    struct dl_hook_choice *c, char *why, size_t why_len)
{
	struct dl_hook_choice row, star = { .hook = DL_HOOK_XDP };
	bool have_star = false, found = false;
	char drv[64], *buf;
	struct dl_tsv t;
	size_t len;
	int r;

	r = dl_tsv__read_file(path, &buf, &len, why, why_len);
	if (r)
		return r;
	dl_tsv__init(&t, buf, len, path);
	while (!found && dl_tsv__next(&t)) {
		r = parse_row(&t, drv, sizeof(drv), &row);
		if (r < 0) {
			free(buf);
			return dl_tsv__fail(&t, why, why_len,
					    "want driver<TAB>xdp|tc<TAB>txq|recorded<TAB>why");
		}
		if (!r)
			continue;
		if (!strcmp(drv, driver)) {
			*c = row;
			found = true;
		} else if (!strcmp(drv, "*")) {
			star = row;
			have_star = true;
		}
	}
	free(buf);
	if (!found) {
		*c = star;
		c->from_table = have_star;
	}
	snprintf(c->driver, sizeof(c->driver), "%s", driver);
	return 0;
}

static void sysfs_driver(const char *ifname, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	char *b;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/driver", ifname);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	b = strrchr(target, '/');
	b = b ? b + 1 : target;
	if (strlen(b) < len)
		memcpy(buf, b, strlen(b) + 1);
}

int dl_hook__auto(const char *ifname, struct dl_hook_choice *c)
{
	char drv[32] = "", path[PATH_MAX], why[PATH_MAX + 64];
	int r;

	if (dl_ethtool__driver(ifname, drv, sizeof(drv)) || !drv[0])
		sysfs_driver(ifname, drv, sizeof(drv));
	r = dl_config__path("hooks.tsv", path, sizeof(path));
	if (!r)
		r = dl_hook__lookup(path, drv, c, why, sizeof(why));
	if (r) {
		memset(c, 0, sizeof(*c));
		c->hook = DL_HOOK_XDP;
		snprintf(c->driver, sizeof(c->driver), "%s", drv);
		snprintf(c->why, sizeof(c->why), "hook table unreadable (%s): native XDP",
			 strerror(-r));
	}
	return 0;
}
