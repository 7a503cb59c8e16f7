// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethtool statistics: live via SIOCETHTOOL, or from `ethtool -S` text; see
 * ethtool_stats.h. The ioctl path follows ethtool(8): count, names, values.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "counters/ethtool_stats.h"
#include "util/log.h"
#include "util/text_parse.h"

struct dl_ethtool_stats {
	char driver[32];
	size_t n, cap;
	char **names;
	uint64_t *vals;
};

/* Nesting depth of vmxnet3-style blocks we follow; deeper is flattened. */
#define MAX_DEPTH 8
#define MAX_NAME 256

static struct dl_ethtool_stats *stats_new(const char *driver)
{
	struct dl_ethtool_stats *s = calloc(1, sizeof(*s));

	if (s && driver)
		snprintf(s->driver, sizeof(s->driver), "%s", driver);
	return s;
}

void dl_ethtool_stats__free(struct dl_ethtool_stats *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->names[i]);
	free(s->names);
	free(s->vals);
	free(s);
}

static int stats_add(struct dl_ethtool_stats *s, const char *name, size_t nlen,
		     uint64_t v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **nn = realloc(s->names, cap * sizeof(*nn));
		uint64_t *nv;

		if (!nn)
			return -ENOMEM;
		s->names = nn;
		nv = realloc(s->vals, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->vals = nv;
		s->cap = cap;
	}
	s->names[s->n] = dl_text__strndup(name, nlen);
	if (!s->names[s->n])
		return -ENOMEM;
	s->vals[s->n++] = v;
	return 0;
}

/* ---- ioctl ---- */

static int open_ctl_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	/* No IPv4 in this kernel: any socket reaches dev_ioctl(). */
	if (fd < 0)
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

static int ethtool_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static bool bad_ifname(const char *ifname)
{
	return !ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE;
}

static int get_driver(int fd, const char *ifname, char *buf, size_t size)
{
	struct ethtool_drvinfo di;
	int err;

	memset(&di, 0, sizeof(di));
	di.cmd = ETHTOOL_GDRVINFO;
	err = ethtool_ioctl(fd, ifname, &di);
	if (err)
		return err;
	di.driver[sizeof(di.driver) - 1] = '\0';
	snprintf(buf, size, "%s", di.driver);
	return 0;
}

int dl_ethtool__driver(const char *ifname, char *buf, size_t size)
{
	int fd, err;

	if (bad_ifname(ifname) || !buf || !size)
		return -EINVAL;
	fd = open_ctl_socket();
	if (fd < 0)
		return fd;
	err = get_driver(fd, ifname, buf, size);
	close(fd);
	return err;
}

static int get_count(int fd, const char *ifname, unsigned int *n)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 buf[1];
	} ss;
	int err;

	memset(&ss, 0, sizeof(ss));
	ss.hdr.cmd = ETHTOOL_GSSET_INFO;
	ss.hdr.sset_mask = 1ULL << ETH_SS_STATS;
	err = ethtool_ioctl(fd, ifname, &ss);
	if (err)
		return err;
	*n = (ss.hdr.sset_mask & (1ULL << ETH_SS_STATS)) ? ss.hdr.data[0] : 0;
	return 0;
}

/*
 * One attempt at names + values for @n counters. The kernel writes as many
 * entries as the driver has NOW, ignoring our length, so the buffers get
 * slack; a count that changed between the calls returns -EAGAIN.
 */
static int read_once(int fd, const char *ifname, unsigned int n,
		     struct dl_ethtool_stats *s)
{
	size_t room = (size_t)n + n / 2 + 64;
	struct ethtool_gstrings *gs = NULL;
	struct ethtool_stats *st = NULL;
	int err;

	gs = calloc(1, sizeof(*gs) + room * ETH_GSTRING_LEN);
	st = calloc(1, sizeof(*st) + room * sizeof(__u64));
	if (!gs || !st) {
		err = -ENOMEM;
		goto out;
	}
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_STATS;
	gs->len = n;
	err = ethtool_ioctl(fd, ifname, gs);
	if (err)
		goto out;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = n;
	err = ethtool_ioctl(fd, ifname, st);
	if (err)
		goto out;
	if (gs->len != n || st->n_stats != n) {
		err = -EAGAIN;
		goto out;
	}
	for (unsigned int i = 0; i < n; i++) {
		const char *name = (const char *)gs->data + (size_t)i * ETH_GSTRING_LEN;

		err = stats_add(s, name, strnlen(name, ETH_GSTRING_LEN), st->data[i]);
		if (err)
			goto out;
	}
out:
	free(gs);
	free(st);
	return err;
}

int dl_ethtool_stats__read(const char *ifname, struct dl_ethtool_stats **out)
{
	struct dl_ethtool_stats *s = NULL;
	unsigned int n;
	int fd, err;

	if (bad_ifname(ifname) || !out)
		return -EINVAL;
	fd = open_ctl_socket();
	if (fd < 0)
		return fd;
	for (int attempt = 0; attempt < 3; attempt++) {
		dl_ethtool_stats__free(s);
		s = stats_new(NULL);
		if (!s) {
			err = -ENOMEM;
			goto out;
		}
		err = get_driver(fd, ifname, s->driver, sizeof(s->driver));
		if (err && err != -EOPNOTSUPP)
			goto out;
		err = get_count(fd, ifname, &n);
		if (err)
			goto out;
		if (!n) {
			err = -EOPNOTSUPP;
			goto out;
		}
		err = read_once(fd, ifname, n, s);
		if (err != -EAGAIN)
			break;
		pr_debug("%s: ethtool counter set changed while reading, retrying\n", ifname);
	}
out:
	close(fd);
	if (err) {
		dl_ethtool_stats__free(s);
		return err;
	}
	*out = s;
	return 0;
}

/* ---- text ---- */

struct nest {
	size_t indent;
	size_t name_len;	/* length of the joined name up to this level */
};

/* "name: 123" -> name and value; false if the line is not a counter. */
static bool split_counter(const char *s, size_t len, size_t *nlen, uint64_t *v)
{
	const char *colon = NULL, *p;
	size_t vlen;

	for (p = s + len; p > s; p--)
		if (p[-1] == ':') {
			colon = p - 1;
			break;
		}
	if (!colon || colon == s)
		return false;
	p = colon + 1;
	while (p < s + len && (*p == ' ' || *p == '\t'))
		p++;
	vlen = s + len - p;
	while (vlen && (p[vlen - 1] == ' ' || p[vlen - 1] == '\t'))
		vlen--;
	if (p == colon + 1 || dl_text__u64(p, vlen, 10, v))
		return false;
	*nlen = colon - s;
	while (*nlen && (s[*nlen - 1] == ' ' || s[*nlen - 1] == '\t'))
		(*nlen)--;
	/* Driver strings are printable ASCII; anything else is not ethtool output. */
	for (size_t i = 0; i < *nlen; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return *nlen > 0;
}

/* Lines allowed before the first counter: an echoed command or a comment. */
static bool preamble(const char *s, size_t len)
{
	return (len && (s[0] == '$' || s[0] == '#')) ||
	       (len >= 5 && !memcmp(s, "sudo ", 5)) ||
	       memmem(s, len, "ethtool ", 8) != NULL;
}

int dl_ethtool_stats__parse_text(const char *buf, size_t len, const char *driver,
				 const char *origin, struct dl_ethtool_stats **out)
{
	struct nest stack[MAX_DEPTH];
	char name[MAX_NAME];
	unsigned int depth = 0;
	struct dl_ethtool_stats *s;
	struct dl_lines it;
	const char *line;
	size_t llen;
	int err = 0;

	if (!buf || !out)
		return -EINVAL;
	if (!origin)
		origin = "ethtool -S";
	s = stats_new(driver);
	if (!s)
		return -ENOMEM;
	dl_lines__init(&it, buf, len);
	while (dl_lines__next(&it, &line, &llen)) {
		size_t indent = 0, nlen, base;
		uint64_t v;

		while (indent < llen && (line[indent] == ' ' || line[indent] == '\t'))
			indent++;
		line += indent;
		llen -= indent;
		if (!llen)
			continue;
		if (llen == 15 && !memcmp(line, "NIC statistics:", 15))
			continue;
		if (!split_counter(line, llen, &nlen, &v)) {
			if (!s->n && preamble(line, llen))
				continue;
			pr_warn("%s:%u: not a 'name: value' counter line\n", origin, it.lineno);
			err = -EBADMSG;
			goto err;
		}
		/* Leave the blocks this line is not nested in. */
		while (depth && stack[depth - 1].indent >= indent)
			depth--;
		base = depth ? stack[depth - 1].name_len : 0;
		if (base + 1 + nlen + 24 >= sizeof(name)) {
			pr_warn("%s:%u: counter name too long\n", origin, it.lineno);
			err = -EBADMSG;
			goto err;
		}
		if (base)
			name[base++] = '.';
		memcpy(name + base, line, nlen);
		nlen += base;
		/* "Rx Queue#: 1" opens queue block 1; it is not a counter. */
		if (name[nlen - 1] == '#') {
			nlen += snprintf(name + nlen, sizeof(name) - nlen, "%llu",
					 (unsigned long long)v);
		} else {
			err = stats_add(s, name, nlen, v);
			if (err)
				goto err;
		}
		/* Any line may be the parent of deeper-indented ones that follow. */
		if (depth < MAX_DEPTH)
			stack[depth++] = (struct nest){ .indent = indent, .name_len = nlen };
	}
	if (!s->n) {
		pr_warn("%s: no counters\n", origin);
		err = -EBADMSG;
		goto err;
	}
	*out = s;
	return 0;
err:
	dl_ethtool_stats__free(s);
	return err;
}

const char *dl_ethtool_stats__driver(const struct dl_ethtool_stats *s)
{
	return s ? s->driver : "";
}

size_t dl_ethtool_stats__count(const struct dl_ethtool_stats *s)
{
	return s ? s->n : 0;
}

const char *dl_ethtool_stats__name(const struct dl_ethtool_stats *s, size_t i)
{
	return s && i < s->n ? s->names[i] : NULL;
}

uint64_t dl_ethtool_stats__value(const struct dl_ethtool_stats *s, size_t i)
{
	return s && i < s->n ? s->vals[i] : 0;
}

int dl_ethtool_stats__get(const struct dl_ethtool_stats *s, const char *name,
			  uint64_t *val)
{
	if (!s || !name || !val)
		return -EINVAL;
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->names[i], name)) {
			*val = s->vals[i];
			return 0;
		}
	return -ENOENT;
}
