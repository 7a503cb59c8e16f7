// SPDX-License-Identifier: GPL-2.0-only
/* CPU list parsing and validation, see cpulist.h. */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cpulist.h"
#include "util/log.h"

static int parse_num(const char **p, long *v)
{
	char *end;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	errno = 0;
	*v = strtol(*p, &end, 10);
	if (errno)
		return -ERANGE;
	*p = end;
	return 0;
}

int dl_cpulist__parse(const char *s, int **cpus, int *n)
{
	unsigned char seen[DL_CPULIST_MAX] = {};
	const char *p, *start;
	char buf[512];
	size_t len;
	int i, cnt = 0, *out;

	if (!s || !cpus || !n)
		return -EINVAL;
	len = strlen(s);
	if (len >= sizeof(buf)) {
		pr_warn("CPU list too long (%zu characters)\n", len);
		return -EINVAL;
	}
	/* sysfs lists end in a newline. */
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	memcpy(buf, s, len);
	buf[len] = 0;
	for (p = buf;;) {
		long a, b;

		start = p;
		if (parse_num(&p, &a))
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (parse_num(&p, &b) || b < a)
				goto bad;
		}
		if (b >= DL_CPULIST_MAX) {
			pr_warn("CPU list '%s': CPU %ld is beyond the %d supported\n",
				buf, b, DL_CPULIST_MAX);
			return -ERANGE;
		}
		for (; a <= b; a++)
			seen[a] = 1;
		if (*p == ',') {
			p++;
			continue;
		}
		if (!*p)
			break;
		goto bad;
	}
	for (i = 0; i < DL_CPULIST_MAX; i++)
		cnt += seen[i];
	out = malloc(sizeof(int) * (size_t)cnt);
	if (!out)
		return -ENOMEM;
	*n = 0;
	for (i = 0; i < DL_CPULIST_MAX; i++)
		if (seen[i])
			out[(*n)++] = i;
	*cpus = out;
	return 0;
bad:
	pr_warn("CPU list '%s': cannot parse '%s' (want e.g. 0-3,6)\n", buf,
		start);
	return -EINVAL;
}

static int read_online(unsigned char *online)
{
	char buf[4096];
	int *cpus, n, i, err;
	FILE *f;

	f = fopen("/sys/devices/system/cpu/online", "r");
	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	err = dl_cpulist__parse(buf, &cpus, &n);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		online[cpus[i]] = 1;
	free(cpus);
	return 0;
}

int dl_cpulist__parse_usable(const char *s, int **cpus, int *n)
{
	unsigned char online[DL_CPULIST_MAX] = {};
	char bad[256] = "";
	size_t used = 0;
	cpu_set_t allowed;
	int i, err, nbad = 0;

	err = dl_cpulist__parse(s, cpus, n);
	if (err)
		return err;
	err = read_online(online);
	if (err) {
		pr_warn("cannot read /sys/devices/system/cpu/online: %s\n",
			strerror(-err));
		goto fail;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		err = -errno;
		goto fail;
	}
	for (i = 0; i < *n; i++) {
		int c = (*cpus)[i];

		if (online[c] && CPU_ISSET(c, &allowed))
			continue;
		nbad++;
		if (used < sizeof(bad) - 16)
			used += (size_t)snprintf(bad + used, sizeof(bad) - used,
						 "%s%d%s", nbad > 1 ? "," : "", c,
						 online[c] ? " (not allowed)" : "");
	}
	if (nbad) {
		pr_warn("--cores %s: CPU %s not online on this machine "
			"(see /sys/devices/system/cpu/online)\n", s, bad);
		err = -ENODEV;
		goto fail;
	}
	return 0;
fail:
	free(*cpus);
	*cpus = NULL;
	*n = 0;
	return err;
}

int dl_cpulist__usable(int **cpus, int *n)
{
	unsigned char online[DL_CPULIST_MAX] = {};
	cpu_set_t allowed;
	int c, k = 0, err;

	err = read_online(online);
	if (err)
		return err;
	if (sched_getaffinity(0, sizeof(allowed), &allowed))
		return -errno;
	*cpus = calloc(DL_CPULIST_MAX, sizeof(**cpus));
	if (!*cpus)
		return -ENOMEM;
	for (c = 0; c < DL_CPULIST_MAX; c++)
		if (online[c] && CPU_ISSET(c, &allowed))
			(*cpus)[k++] = c;
	*n = k;
	if (!k) {
		free(*cpus);
		*cpus = NULL;
		return -ENODEV;
	}
	return 0;
}
