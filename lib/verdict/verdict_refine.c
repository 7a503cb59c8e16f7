// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_vctx__refine(): the verdicts that need host state (verdict_context.h).
 * This file only gathers: it names the host state a verdict may need (the
 * interface a group is joined on, the rp_filter values, the route back, the
 * next hop's neighbour entry, whether the flow is local) as context values;
 * which variant applies and its text are rows of config/advice.tsv
 * (advice_rules.h).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fastpath/flow.h"
#include "util/text_parse.h"
#include "verdict/proc_ipv4.h"
#include "verdict/advice_rules.h"
#include "verdict/tc_state.h"
#include "verdict/verdict_refine.h"
#include "verdict/verdict_context.h"

#define ATF_COM_FLAG 0x2	/* <net/if_arp.h> ATF_COM: entry resolved */

static bool is_ipv4(const struct dl_flow *f)
{
	return f && ntohs(f->l3proto) == 0x0800 && f->l4proto != 0xff;
}

static struct in_addr v4(const __u32 *a)
{
	return (struct in_addr){ .s_addr = a[0] };
}

static void ntop(struct in_addr a, char *buf, size_t len)
{
	if (!inet_ntop(AF_INET, &a, buf, len))
		snprintf(buf, len, "?");
}

/* First IPv4 address of @ifname, or NULL. */
static const struct dl_vctx_addr *if_addr(const struct dl_vctx *ctx, const char *ifname)
{
	size_t i;

	for (i = 0; i < ctx->naddrs; i++)
		if (!strcmp(ctx->addrs[i].ifname, ifname))
			return &ctx->addrs[i];
	return NULL;
}

static uint32_t mask_of(unsigned int plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

/* The address of @ifname whose subnet holds @a, or NULL. */
static const struct dl_vctx_addr *subnet_of(const struct dl_vctx *ctx,
					    const char *ifname, struct in_addr a)
{
	size_t i;

	for (i = 0; i < ctx->naddrs; i++) {
		const struct dl_vctx_addr *x = &ctx->addrs[i];
		uint32_t m = mask_of(x->plen);

		if (!strcmp(x->ifname, ifname) &&
		    (x->addr.s_addr & m) == (a.s_addr & m))
			return x;
	}
	return NULL;
}

static bool is_local(const struct dl_vctx *ctx, struct in_addr a)
{
	size_t i;

	for (i = 0; i < ctx->naddrs; i++)
		if (ctx->addrs[i].addr.s_addr == a.s_addr)
			return true;
	return false;
}

static const struct dl_route4 *route_to(const struct dl_vctx *ctx, struct in_addr a)
{
	return ctx->have_routes ? dl_route4__lookup(ctx->routes, ctx->nroutes, a) : NULL;
}

/* "default via 198.18.1.1 dev v1b", "198.18.0.0/24 dev v0a". */
static void route_str(const struct dl_route4 *r, char *buf, size_t len)
{
	char dst[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], pfx[40];

	ntop(r->dst, dst, sizeof(dst));
	ntop(r->gw, gw, sizeof(gw));
	if (r->plen)
		snprintf(pfx, sizeof(pfx), "%s/%u", dst, r->plen);
	else
		snprintf(pfx, sizeof(pfx), "default");
	if (r->gw.s_addr)
		snprintf(buf, len, "%s via %s dev %s", pfx, gw, r->ifname);
	else
		snprintf(buf, len, "%s dev %s", pfx, r->ifname);
}

/* The interfaces other than the receiving one that joined group @g. */
static bool mcast_groups(const struct dl_vctx *ctx, struct in_addr g, char *others,
			 size_t len)
{
	bool here = false;
	size_t i, used = 0;

	others[0] = '\0';
	for (i = 0; i < ctx->ngroups; i++) {
		const struct dl_igmp_group *m = &ctx->groups[i];

		if (m->group.s_addr != g.s_addr)
			continue;
		if (!strcmp(m->ifname, ctx->ifname) ||
		    (ctx->ifindex > 0 && m->ifindex == ctx->ifindex)) {
			here = true;
			continue;
		}
		if (used < len - 1) {
			int n = snprintf(others + used, len - used, "%s%s",
					 used ? ", " : "", m->ifname);

			used += n > 0 ? (size_t)n : 0;
		}
	}
	return here;
}

static void set_addr(struct dl_advice_ctx *c, const char *name, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];

	ntop(a, buf, sizeof(buf));
	dl_advice_ctx__set(c, name, "%s", buf);
}

static void set_route(struct dl_advice_ctx *c, const char *name, const struct dl_route4 *r)
{
	char rt[96];

	if (!r)
		return;
	route_str(r, rt, sizeof(rt));
	dl_advice_ctx__set(c, name, "%s", rt);
}

/* The next hop towards the destination, its subnet and its neighbour entry. */
static void gather_neigh(struct dl_advice_ctx *c, const struct dl_vctx *ctx,
			 const struct dl_flow *f)
{
	struct in_addr d = v4(f->daddr), hop;
	const struct dl_route4 *r = route_to(ctx, d);
	const struct dl_vctx_addr *sub;
	const char *oif;
	size_t i;

	hop = r && r->gw.s_addr ? r->gw : d;
	oif = r ? r->ifname : ctx->ifname;
	set_addr(c, "nh", hop);
	dl_advice_ctx__set(c, "oif", "%s", oif);
	sub = subnet_of(ctx, oif, hop);
	if (sub) {
		set_addr(c, "self", sub->addr);
		dl_advice_ctx__set(c, "plen", "%u", sub->plen);
	}
	/* The last entry for the hop wins, as /proc/net/arp lists it. */
	for (i = 0; ctx->have_neigh && i < ctx->nneigh; i++) {
		const struct dl_arp_entry *e = &ctx->neigh[i];

		if (e->addr.s_addr != hop.s_addr || strcmp(e->ifname, oif))
			continue;
		dl_advice_ctx__set(c, "neigh_state", "%s",
				   e->flags & ATF_COM_FLAG ? "resolved" : "unresolved");
		dl_advice_ctx__set(c, "lladdr", "%s", e->lladdr);
	}
	dl_advice_ctx__set(c, "unres_qlen_bytes", "%ld", ctx->unres_qlen_bytes);
}

/*
 * No socket for a port: whether sockets do hold it, bound elsewhere (the
 * service listening on 127.0.0.1 only), on the wildcard (then tied to a
 * device or VRF), or connected to another peer (UDP). This namespace's
 * /proc/net/udp or tcp: the verdict pass runs in the watched namespace.
 */
/* Sockets of one table that hold @port: bound addresses, wildcard, connected, v6. */
struct port_holders {
	char bound[96];
	size_t o;
	bool any, connected, v6;
};

static void scan_port(const char *path, bool tcp, unsigned int port, struct port_holders *h)
{
	char *buf = NULL, a[INET_ADDRSTRLEN];
	struct dl_sock4 *k = NULL;
	unsigned int bad;
	size_t len, n = 0, i;

	if (dl_text__read_file(path, &buf, &len))
		return;
	if (dl_sock4__parse(buf, len, &k, &n, &bad))
		n = 0;
	for (i = 0; i < n; i++) {
		if (k[i].port != port)
			continue;
		if (tcp ? k[i].state != 0x0A : k[i].state != 0x07) {
			h->connected |= !tcp && k[i].state == 0x01;
			continue;
		}
		if (k[i].v6) {
			h->v6 = true;
			continue;
		}
		if (!k[i].addr.s_addr) {
			h->any = true;
			continue;
		}
		ntop(k[i].addr, a, sizeof(a));
		if (!strstr(h->bound, a) && h->o + strlen(a) + 3 < sizeof(h->bound))
			h->o += snprintf(h->bound + h->o, sizeof(h->bound) - h->o, "%s%s",
					 h->o ? ", " : "", a);
	}
	free(k);
	free(buf);
}

/*
 * No socket for a port: whether sockets do hold it, bound elsewhere (the
 * service listening on 127.0.0.1 only), on the wildcard (then tied to a
 * device or VRF), IPv6 only (a [::] socket that took IPv4 too would have
 * got the packet), or connected to another peer (UDP). This namespace's
 * /proc/net tables: the verdict pass runs in the watched namespace.
 */
static void gather_port(struct dl_advice_ctx *c, const struct dl_flow *f)
{
	unsigned int port = dl_flow__dport(f);
	bool tcp = f->l4proto == 6;
	struct port_holders h = { 0 };

	scan_port(tcp ? "/proc/net/tcp" : "/proc/net/udp", tcp, port, &h);
	scan_port(tcp ? "/proc/net/tcp6" : "/proc/net/udp6", tcp, port, &h);
	dl_advice_ctx__set(c, "dport", "%u", port);
	dl_advice_ctx__set(c, "port_bound", "%s", h.bound);
	dl_advice_ctx__set(c, "port_any", "%d", h.any);
	dl_advice_ctx__set(c, "port_connected", "%d", h.connected);
	dl_advice_ctx__set(c, "port_v6only", "%d", h.v6 && !h.any && !h.bound[0]);
}

/* First line of /sys/class/net/@dev/@attr, or "" (the caller's namespace). */
static void sysfs_line(const char *dev, const char *attr, char *out, size_t len)
{
	char path[160], *buf = NULL;
	size_t n;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/net/%.16s/%.100s", dev, attr);
	if (dl_text__read_file(path, &buf, &n))
		return;
	snprintf(out, len, "%.*s", (int)strcspn(buf, "\n"), buf);
	free(buf);
}

/* The other ports of @br that take no flooded unicast (flood off), and those
 * of them that do not learn either (only a static fdb entry reaches them). */
static void gather_noflood(struct dl_advice_ctx *c, const char *br, const char *ifname)
{
	char path[160], attr[96], v[16], noflood[DL_ADVICE_VAL_LEN] = "",
	     nolearn[DL_ADVICE_VAL_LEN] = "";
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/class/net/%.16s/brif", br);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, ifname))
			continue;
		snprintf(attr, sizeof(attr), "brif/%.16s/unicast_flood", e->d_name);
		sysfs_line(br, attr, v, sizeof(v));
		if (strcmp(v, "0"))
			continue;
		snprintf(noflood + strlen(noflood), sizeof(noflood) - strlen(noflood), "%s%.16s",
			 noflood[0] ? ", " : "", e->d_name);
		snprintf(attr, sizeof(attr), "brif/%.16s/learning", e->d_name);
		sysfs_line(br, attr, v, sizeof(v));
		if (!strcmp(v, "0"))
			snprintf(nolearn + strlen(nolearn), sizeof(nolearn) - strlen(nolearn),
				 "%s%.16s", nolearn[0] ? ", " : "", e->d_name);
	}
	closedir(d);
	dl_advice_ctx__set(c, "br_noflood", "%s", noflood);
	dl_advice_ctx__set(c, "br_nolearn", "%s", nolearn);
}

/*
 * The bridge the interface is a port of, the port's STP state (by name, as
 * bridge link show prints it), the bridge's STP mode and forward delay.
 */
static void gather_bridge(struct dl_advice_ctx *c, const char *ifname)
{
	static const char *const states[] = { "disabled", "listening", "learning",
					      "forwarding", "blocking" };
	char path[160], link[PATH_MAX], v[32];
	const char *br;
	ssize_t n;
	long s;

	snprintf(path, sizeof(path), "/sys/class/net/%s/brport/bridge", ifname);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	br = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	dl_advice_ctx__set(c, "br", "%s", br);
	sysfs_line(ifname, "brport/state", v, sizeof(v));
	s = v[0] ? strtol(v, NULL, 10) : -1;
	if (s >= 0 && s < 5)
		dl_advice_ctx__set(c, "br_state", "%s", states[s]);
	sysfs_line(br, "bridge/stp_state", v, sizeof(v));
	dl_advice_ctx__set(c, "br_stp", "%s", v);
	/* Clock ticks of USER_HZ (100): centiseconds. */
	sysfs_line(br, "bridge/forward_delay", v, sizeof(v));
	if (v[0])
		dl_advice_ctx__set(c, "br_fd", "%ld", strtol(v, NULL, 10) / 100);
	gather_noflood(c, br, ifname);
}

/* The root qdisc of the interface (kind, limit, rate, drops) and its queue length. */
static void gather_qdisc(struct dl_advice_ctx *c, const struct dl_vctx *ctx)
{
	struct dl_qdisc q;
	char v[32];

	sysfs_line(ctx->ifname, "carrier", v, sizeof(v));
	dl_advice_ctx__set(c, "carrier", "%s", v);
	sysfs_line(ctx->ifname, "tx_queue_len", v, sizeof(v));
	dl_advice_ctx__set(c, "txqueuelen", "%s", v);
	if (dl_qdisc__root(ctx->ifindex, &q))
		return;
	dl_advice_ctx__set(c, "qdisc", "%s", q.kind);
	dl_advice_ctx__set(c, "qdisc_drops", "%llu", q.drops);
	if (q.limit >= 0) {
		dl_advice_ctx__set(c, "qdisc_limit", "%lld", q.limit);
		dl_advice_ctx__set(c, "qdisc_unit", "%s", q.limit_bytes ? "bytes" : "packets");
	}
	if (q.rate) {
		dl_tc_rate__str(q.rate, v, sizeof(v));
		dl_advice_ctx__set(c, "qdisc_rate", "%s", v);
	}
}

/* The filters on the hook that dropped: their preference, kind and program. */
static void gather_filters(struct dl_advice_ctx *c, const struct dl_vctx *ctx, bool egress)
{
	struct dl_tc_filter f[8];
	char s[DL_ADVICE_VAL_LEN];
	size_t n;

	dl_advice_ctx__set(c, "tc_hook", "%s", egress ? "egress" : "ingress");
	if (dl_tc_filter__list(ctx->ifindex, egress, f, 8, &n) || !n)
		return;
	dl_tc_filter__str(f, n, s, sizeof(s));
	dl_advice_ctx__set(c, "tc_filters", "%s", s);
	dl_advice_ctx__set(c, "tc_pref", "%u", f[0].pref);
	if (f[0].prog_id)
		dl_advice_ctx__set(c, "tc_prog", "%u", f[0].prog_id);
}

/* Everything a row of advice.tsv may read about this drop and this host. */
static void gather(struct dl_advice_ctx *c, const struct dl_vctx *ctx, const char *reason,
		   const char *function, const struct dl_flow *f)
{
	char flow[128], others[80];
	const struct dl_vctx_addr *a;
	bool v4f = is_ipv4(f);

	/* The function as traced, offset and all: the netfilter verdict shows it. */
	if (function)
		dl_advice_ctx__set(c, "function", "%s", function);
	if (f) {
		dl_flow__str(f, flow, sizeof(flow));
		dl_advice_ctx__set(c, "flow", "%s", flow);
		dl_advice_ctx__set(c, "llc", "%d", ntohs(f->l3proto) < 0x0600);
		dl_advice_ctx__set(c, "l4", "%d", f->l4proto != 0xff && f->l3proto);
		if (f->l4proto == 6 || f->l4proto == 17 || f->l4proto == 132)
			dl_advice_ctx__set(c, "match", "%s port %u", f->l4proto == 6 ? "tcp" :
					   f->l4proto == 17 ? "udp" : "sctp",
					   dl_flow__dport(f));
		else
			dl_advice_ctx__set(c, "match", "%s",
					   dl_flow__proto_name(f, flow, sizeof(flow)));
	}
	dl_advice_ctx__set(c, "ipv4", "%d", v4f);
	if (v4f) {
		set_addr(c, "src", v4(f->saddr));
		set_addr(c, "dst", v4(f->daddr));
		dl_advice_ctx__set(c, "mcast", "%d", (ntohl(f->daddr[0]) >> 28) == 0xe);
		if (ctx && !strcmp(reason, "NO_SOCKET") && (f->l4proto == 6 || f->l4proto == 17))
			gather_port(c, f);
	}
	if (!ctx)
		return;
	dl_advice_ctx__set(c, "have_ctx", "1");
	dl_advice_ctx__set(c, "iface", "%s", ctx->ifname);
	dl_advice_ctx__set(c, "ifindex", "%d", ctx->ifindex);
	/* Device state read only for the causes that name it (netlink, sysfs). */
	if (!strncmp(reason, "BRIDGE_", 7) || !strncmp(reason, "MAC_", 4) ||
	    !strcmp(reason, "NO_TX_TARGET"))
		gather_bridge(c, ctx->ifname);
	if (!strncmp(reason, "QDISC_", 6))
		gather_qdisc(c, ctx);
	if (!strcmp(reason, "TC_INGRESS") || !strcmp(reason, "TC_EGRESS"))
		gather_filters(c, ctx, !strcmp(reason, "TC_EGRESS"));
	dl_advice_ctx__set(c, "all", "%d", ctx->rp_filter_all);
	dl_advice_ctx__set(c, "dev", "%d", ctx->rp_filter_dev);
	/* The kernel applies the larger of conf.all and conf.<dev>. */
	dl_advice_ctx__set(c, "eff", "%d", ctx->rp_filter_all > ctx->rp_filter_dev ?
			   ctx->rp_filter_all : ctx->rp_filter_dev);
	dl_advice_ctx__set(c, "have_routes", "%d", ctx->have_routes);
	dl_advice_ctx__set(c, "have_groups", "%d", ctx->have_groups);
	a = if_addr(ctx, ctx->ifname);
	if (a)
		set_addr(c, "mine", a->addr);
	if (!v4f)
		return;
	dl_advice_ctx__set(c, "dst_local", "%d", is_local(ctx, v4(f->daddr)));
	dl_advice_ctx__set(c, "src_local", "%d", is_local(ctx, v4(f->saddr)));
	{
		const struct dl_route4 *rd = route_to(ctx, v4(f->daddr));
		const struct dl_route4 *rs = route_to(ctx, v4(f->saddr));

		set_route(c, "rt_dst", rd);
		if (rd)
			dl_advice_ctx__set(c, "rt_dst_plen", "%u", rd->plen);
		set_route(c, "rt_src", rs);
		if (rs)
			dl_advice_ctx__set(c, "route_back", "%s", rs->ifname);
	}
	if (ctx->have_groups) {
		bool here = mcast_groups(ctx, v4(f->daddr), others, sizeof(others));

		dl_advice_ctx__set(c, "joined_here", "%d", here);
		dl_advice_ctx__set(c, "others", "%s", others);
	}
	gather_neigh(c, ctx, f);
}

int dl_vctx__refine(const struct dl_vctx *ctx, const char *reason,
		    const char *function, const struct dl_flow *top_flow,
		    char *summary, size_t slen, char *advice, size_t alen)
{
	const struct dl_advice *rules = dl_advice__shipped();
	struct dl_advice_ctx c = { 0 };
	int n;

	if (!reason || !summary || !advice || !slen || !alen)
		return -EINVAL;
	if (!rules)
		return 0;
	gather(&c, ctx, reason, function, top_flow);
	n = dl_advice__apply(rules, reason, function, &c, false, summary, slen,
			     advice, alen);
	return n > 0 ? 1 : 0;
}
