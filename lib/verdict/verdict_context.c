// SPDX-License-Identifier: GPL-2.0-only
/*
 * Gathering the verdict context of an interface; see verdict_context.h.
 * Everything comes from procfs and getifaddrs in the caller's namespace, so
 * running `ip netns exec NS dropledger report` reads the right host state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/text_parse.h"
#include "verdict/verdict_context.h"

/* An integer sysctl, or -1 when it cannot be read. */
static long read_sysctl(const char *fmt, const char *ifname)
{
	char path[160], *buf = NULL, *end;
	size_t len;
	long v;

	snprintf(path, sizeof(path), fmt, ifname);
	if (dl_text__read_file(path, &buf, &len))
		return -1;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf)
		v = -1;
	free(buf);
	return v;
}

static int gather_addrs(struct dl_vctx *ctx)
{
	struct ifaddrs *ifa, *i;
	size_t cap = 0;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *a = (const void *)i->ifa_addr;
		const struct sockaddr_in *m = (const void *)i->ifa_netmask;
		struct dl_vctx_addr *e;

		if (!a || a->sin_family != AF_INET)
			continue;
		if (ctx->naddrs == cap) {
			cap = cap ? cap * 2 : 16;
			e = realloc(ctx->addrs, cap * sizeof(*e));
			if (!e) {
				freeifaddrs(ifa);
				return -ENOMEM;
			}
			ctx->addrs = e;
		}
		e = &ctx->addrs[ctx->naddrs++];
		snprintf(e->ifname, sizeof(e->ifname), "%s", i->ifa_name);
		e->addr = a->sin_addr;
		e->plen = m ? __builtin_popcount(m->sin_addr.s_addr) : 32;
	}
	freeifaddrs(ifa);
	return 0;
}

/* Read @path and run @parse on it; -ENOENT etc. leave the table absent. */
static int gather_table(const char *path,
			int (*parse)(const char *, size_t, void *, size_t *,
				     unsigned int *),
			void *arr, size_t *n, bool *have)
{
	unsigned int bad = 0;
	char *buf = NULL;
	size_t len;
	int err;

	err = dl_text__read_file(path, &buf, &len);
	if (err) {
		pr_debug("verdict context: %s: %s\n", path, strerror(-err));
		return err == -ENOMEM ? err : 0;
	}
	err = parse(buf, len, arr, n, &bad);
	free(buf);
	if (err)
		return err;
	if (bad)
		pr_debug("verdict context: %s: %u malformed lines skipped\n", path, bad);
	*have = true;
	return 0;
}

/* The parsers differ only in the element type of their output array. */
static int parse_igmp(const char *t, size_t l, void *a, size_t *n, unsigned int *b)
{
	return dl_igmp__parse(t, l, a, n, b);
}

static int parse_route(const char *t, size_t l, void *a, size_t *n, unsigned int *b)
{
	return dl_route4__parse(t, l, a, n, b);
}

static int parse_arp(const char *t, size_t l, void *a, size_t *n, unsigned int *b)
{
	return dl_arp__parse(t, l, a, n, b);
}

struct dl_vctx *dl_vctx__gather(const char *ifname, int ifindex)
{
	struct dl_vctx *ctx;
	int err;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/')) {
		errno = EINVAL;
		return NULL;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	snprintf(ctx->ifname, sizeof(ctx->ifname), "%s", ifname);
	ctx->ifindex = ifindex;
	ctx->rp_filter_all = (int)read_sysctl("/proc/sys/net/ipv4/conf/%s/rp_filter", "all");
	ctx->rp_filter_dev = (int)read_sysctl("/proc/sys/net/ipv4/conf/%s/rp_filter", ifname);
	ctx->unres_qlen_bytes = read_sysctl("/proc/sys/net/ipv4/neigh/%s/unres_qlen_bytes",
					    ifname);
	err = gather_addrs(ctx);
	if (err == -ENOMEM)
		goto fail;
	if (err)
		pr_debug("verdict context: getifaddrs: %s\n", strerror(-err));
	err = gather_table("/proc/net/igmp", parse_igmp, &ctx->groups, &ctx->ngroups,
			   &ctx->have_groups);
	if (!err)
		err = gather_table("/proc/net/route", parse_route, &ctx->routes,
				   &ctx->nroutes, &ctx->have_routes);
	if (!err)
		err = gather_table("/proc/net/arp", parse_arp, &ctx->neigh, &ctx->nneigh,
				   &ctx->have_neigh);
	if (err)
		goto fail;
	return ctx;
fail:
	dl_vctx__free(ctx);
	errno = -err;
	return NULL;
}

void dl_vctx__free(struct dl_vctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->addrs);
	free(ctx->groups);
	free(ctx->routes);
	free(ctx->neigh);
	free(ctx);
}
