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

const char *dl_hook__name(enum dl_hook h)
{
	return h == DL_HOOK_TC ? "tc" : "xdp";
}

int dl_hook__parse_line(const char *line, char *driver, size_t dlen,
			struct dl_hook_choice *c)
{
	char buf[512], *f[4], *save = NULL, *p;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "\r\n")] = '\0';
	p = buf + strspn(buf, " \t");
	if (!*p || *p == '#')
		return 0;
	for (p = strtok_r(buf, "\t", &save); p && n < 4; p = strtok_r(NULL, "\t", &save))
		f[n++] = p;
	if (n < 3)
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	if (!strcmp(f[1], "tc"))
		c->hook = DL_HOOK_TC;
	else if (!strcmp(f[1], "xdp"))
		c->hook = DL_HOOK_XDP;
	else
		return -EINVAL;
	if (!strcmp(f[2], "txq"))
		c->tc_qm_raw = true;
	else if (strcmp(f[2], "recorded"))
		return -EINVAL;
	snprintf(driver, dlen, "%s", f[0]);
	snprintf(c->why, sizeof(c->why), "%s", n > 3 ? f[3] : "");
	c->from_table = true;
	return 1;
}

int dl_hook__lookup(const char *path, const char *driver,
		    struct dl_hook_choice *c, char *err, size_t elen)
{
	struct dl_hook_choice row, star = { .hook = DL_HOOK_XDP };
	char line[512], drv[64];
	bool have_star = false, found = false;
	int ln = 0, r;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		snprintf(err, elen, "%s: %s", path, strerror(errno));
		return r;
	}
	while (!found && fgets(line, sizeof(line), f)) {
		ln++;
		r = dl_hook__parse_line(line, drv, sizeof(drv), &row);
		if (r < 0) {
			snprintf(err, elen, "%s:%d: want driver<TAB>xdp|tc<TAB>txq|recorded<TAB>why",
				 path, ln);
			fclose(f);
			return r;
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
	fclose(f);
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
	char drv[32] = "", path[PATH_MAX], err[PATH_MAX + 64];
	int r;

	if (dl_ethtool__driver(ifname, drv, sizeof(drv)) || !drv[0])
		sysfs_driver(ifname, drv, sizeof(drv));
	r = dl_config__path("hooks.tsv", path, sizeof(path));
	if (!r)
		r = dl_hook__lookup(path, drv, c, err, sizeof(err));
	if (r) {
		memset(c, 0, sizeof(*c));
		c->hook = DL_HOOK_XDP;
		snprintf(c->driver, sizeof(c->driver), "%s", drv);
		snprintf(c->why, sizeof(c->why), "hook table unreadable (%s): native XDP",
			 strerror(-r));
	}
	return 0;
}
