// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_vctx__refine(): the verdicts that need host state (verdict_context.h).
 * Each rule recognises its incident from the reason, the dropping function
 * and the top flow, then names the state that explains it: the interface a
 * group is joined on, the rp_filter values, a route, a neighbour entry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fastpath/flow.h"
#include "verdict/verdict_refine.h"
#include "verdict/verdict_context.h"

#define ATF_COM_FLAG 0x2	/* <net/if_arp.h> ATF_COM: entry resolved */

struct out {
	char *s, *a;
	size_t slen, alen;
};

static void put(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* @function is @name, maybe followed by "+0xoff" or a ".constprop.0" suffix. */
static bool fn_is(const char *function, const char *name)
{
	size_t n = strlen(name);

	return function && !strncmp(function, name, n) &&
	       (function[n] == '\0' || function[n] == '+' || function[n] == '.');
}

static bool fn_prefix(const char *function, const char *prefix)
{
	return function && !strncmp(function, prefix, strlen(prefix));
}

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
		put(buf, len, "?");
}

static const char *ifname_of(const struct dl_vctx *ctx)
{
	return ctx && ctx->ifname[0] ? ctx->ifname : "the interface";
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
	char dst[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN], pfx[24];

	ntop(r->dst, dst, sizeof(dst));
	ntop(r->gw, gw, sizeof(gw));
	if (r->plen)
		put(pfx, sizeof(pfx), "%s/%u", dst, r->plen);
	else
		put(pfx, sizeof(pfx), "default");
	if (r->gw.s_addr)
		put(buf, len, "%s via %s dev %s", pfx, gw, r->ifname);
	else
		put(buf, len, "%s dev %s", pfx, r->ifname);
}

/*
 * Multicast for a group not joined on the receiving interface (seed 000):
 * the input route lookup (ip_route_input_rcu -> ip_check_mc_rcu) finds no
 * membership on the device and the packet dies in ip_rcv_finish_core, on
 * 6.18 with NOT_SPECIFIED and no SNMP counter at all.
 */
static bool mcast_match(const char *reason, const char *fn, const struct dl_flow *f)
{
	static const char *const reasons[] = {
		"NOT_SPECIFIED", "IP_INNOROUTES", "IP_INVALID_DEST",
		"IP_INADDRERRORS", NULL,
	};
	const char *const *r;

	if (!is_ipv4(f) || (ntohl(f->daddr[0]) >> 28) != 0xe)
		return false;
	if (!fn_prefix(fn, "ip_rcv") && !fn_prefix(fn, "ip_route_input") &&
	    !fn_prefix(fn, "ip_list_rcv") && !fn_prefix(fn, "ip_sublist_rcv") &&
	    !fn_prefix(fn, "ip_mc_"))
		return false;
	for (r = reasons; *r; r++)
		if (!strcmp(reason, *r))
			return true;
	return false;
}

static int refine_mcast(const struct dl_vctx *ctx, const struct dl_flow *f,
			struct out *o)
{
	char grp[INET_ADDRSTRLEN], src[INET_ADDRSTRLEN], flow[128], others[80] = "",
	     mine[INET_ADDRSTRLEN + 4] = "", why[200], rt[96];
	const struct dl_vctx_addr *a;
	const struct dl_route4 *r;
	struct in_addr g = v4(f->daddr);
	bool here = false;
	size_t i, used = 0;

	if (!ctx || !ctx->have_groups)
		return 0;
	ntop(g, grp, sizeof(grp));
	ntop(v4(f->saddr), src, sizeof(src));
	dl_flow__str(f, flow, sizeof(flow));
	for (i = 0; i < ctx->ngroups; i++) {
		const struct dl_igmp_group *m = &ctx->groups[i];

		if (m->group.s_addr != g.s_addr)
			continue;
		if (!strcmp(m->ifname, ctx->ifname) ||
		    (ctx->ifindex > 0 && m->ifindex == ctx->ifindex)) {
			here = true;
			continue;
		}
		if (used < sizeof(others) - 1) {
			int n = snprintf(others + used, sizeof(others) - used, "%s%s",
					 used ? ", " : "", m->ifname);

			used += n > 0 ? (size_t)n : 0;
		}
	}
	a = if_addr(ctx, ctx->ifname);
	if (a)
		ntop(a->addr, mine, sizeof(mine));
	if (here) {
		put(o->s, o->slen,
		    "multicast %s is joined on %s, yet the input route lookup dropped it (%s): a source filter (IP_BLOCK_SOURCE, IP_ADD_SOURCE_MEMBERSHIP) excludes %s",
		    grp, ctx->ifname, flow, src);
		put(o->a, o->alen,
		    "check the receiver's source list for %s (/proc/net/mcfilter on %s) and whether %s should be allowed",
		    grp, ctx->ifname, src);
		return 1;
	}
	if (!others[0]) {
		put(o->s, o->slen,
		    "multicast %s arrived on %s but no socket on this host joined the group (not in /proc/net/igmp): the input route lookup drops it (%s)",
		    grp, ctx->ifname, flow);
		put(o->a, o->alen,
		    "start the receiver, or have it join %s on %s (IP_ADD_MEMBERSHIP with imr_interface=%s); if this host should not get the stream, let the switch prune it (IGMP snooping)",
		    grp, ctx->ifname, mine[0] ? mine : "its address");
		return 1;
	}
	r = route_to(ctx, g);
	if (r && r->plen) {
		route_str(r, rt, sizeof(rt));
		put(why, sizeof(why),
		    "IP_ADD_MEMBERSHIP with imr_interface=INADDR_ANY picks the interface of the route to %s: %s",
		    grp, rt);
	} else {
		put(why, sizeof(why),
		    "IP_ADD_MEMBERSHIP with imr_interface=INADDR_ANY picks the default-route interface");
	}
	put(o->s, o->slen, "multicast %s arrived on %s but the group is joined on %s (%s); %s",
	    grp, ctx->ifname, others, why, flow);
	if (mine[0])
		snprintf(mine + strlen(mine), sizeof(mine) - strlen(mine), ", ");
	put(o->a, o->alen,
	    "join on the receiving interface: set imr_interface / imr_ifindex to %s's address (%sindex %d) in IP_ADD_MEMBERSHIP; check with ip maddr show dev %s or netstat -gn; the kernel drops these in the input route lookup (ip_rcv_finish) without counting them anywhere (seed 000)",
	    ctx->ifname, mine, ctx->ifindex, ctx->ifname);
	return 1;
}

/* "rp_filter=1 (strict) on v0b via net.ipv4.conf.all.rp_filter=1 ...". */
static int rpf_str(const struct dl_vctx *ctx, char *buf, size_t len)
{
	int all = ctx->rp_filter_all, dev = ctx->rp_filter_dev;
	int eff = all > dev ? all : dev;
	const char *mode = eff == 1 ? "strict" : eff == 2 ? "loose" : "off";
	const char *in = ctx->ifname;

	if (all < 0 && dev < 0) {
		put(buf, len, "rp_filter on %s (values unreadable)", in);
		return -1;
	}
	if (all == dev)
		put(buf, len,
		    "rp_filter=%d (%s) on %s via net.ipv4.conf.all.rp_filter=%d and net.ipv4.conf.%s.rp_filter=%d",
		    eff, mode, in, all, in, dev);
	else if (all > dev)
		put(buf, len,
		    "rp_filter=%d (%s) on %s via net.ipv4.conf.all.rp_filter=%d (conf.%s.rp_filter=%d; the larger applies)",
		    eff, mode, in, all, in, dev);
	else
		put(buf, len,
		    "rp_filter=%d (%s) on %s via net.ipv4.conf.%s.rp_filter=%d (conf.all.rp_filter=%d; the larger applies)",
		    eff, mode, in, in, dev, all);
	return eff;
}

static int refine_rpfilter(const struct dl_vctx *ctx, const struct dl_flow *f,
			   struct out *o)
{
	char flow[128], src[INET_ADDRSTRLEN], rpf[200], rt[96], both[96] = "";
	const struct dl_route4 *r;
	const char *in;
	int eff;

	if (!ctx || !is_ipv4(f))
		return 0;
	in = ctx->ifname;
	dl_flow__str(f, flow, sizeof(flow));
	ntop(v4(f->saddr), src, sizeof(src));
	eff = rpf_str(ctx, rpf, sizeof(rpf));
	if (ctx->rp_filter_all > 0)
		put(both, sizeof(both),
		    " (0 needs both net.ipv4.conf.all and conf.%s at 0)", in);
	r = route_to(ctx, v4(f->saddr));
	if (!ctx->have_routes) {
		put(o->s, o->slen, "reverse-path filter dropped %s: %s", flow, rpf);
		put(o->a, o->alen,
		    "make the route back to %s leave via %s, or set net.ipv4.conf.%s.rp_filter=2 (loose)%s; netstat -s: IPReversePathFilter",
		    src, in, in, both);
		return 1;
	}
	if (!r) {
		put(o->s, o->slen,
		    "reverse-path filter dropped %s: %s, and there is no route back to %s",
		    flow, rpf, src);
		put(o->a, o->alen,
		    "add a route to %s (via %s for strict mode; any route, even a default route, satisfies loose mode), or set rp_filter to 0%s; netstat -s: IPReversePathFilter",
		    src, in, both);
		return 1;
	}
	route_str(r, rt, sizeof(rt));
	if (strcmp(r->ifname, in)) {
		put(o->s, o->slen,
		    "reverse-path filter dropped %s: %s; the route back to %s leaves via %s (%s)",
		    flow, rpf, src, r->ifname, rt);
		put(o->a, o->alen,
		    "the path is asymmetric: if that is intended (multihoming, LVS/DR, anycast) set net.ipv4.conf.%s.rp_filter=2 (loose; the kernel applies the larger of conf.all and conf.%s)%s, else route %s via %s; LVS/DR also needs accept_local=1; netstat -s: IPReversePathFilter counts these",
		    in, in, both, src, in);
		return 1;
	}
	put(o->s, o->slen,
	    "reverse-path filter dropped %s: %s, although the main table routes %s via %s (%s): policy routing or a multipath route disagrees",
	    flow, rpf, src, in, rt);
	put(o->a, o->alen,
	    "check ip rule and the tables it selects for %s, and multipath routes; or set net.ipv4.conf.%s.rp_filter=2 (loose)%s",
	    src, in, eff == 2 ? "" : both);
	return 1;
}

static bool neigh_match(const char *reason, const char *fn)
{
	return !strcmp(reason, "NEIGH_FAILED") || !strcmp(reason, "NEIGH_QUEUEFULL") ||
	       !strcmp(reason, "NEIGH_DEAD") ||
	       (!strcmp(reason, "NOT_SPECIFIED") &&
		(fn_prefix(fn, "neigh_") || fn_prefix(fn, "__neigh_") ||
		 fn_is(fn, "arp_error_report")));
}

static int refine_neigh(const struct dl_vctx *ctx, const char *reason,
			const struct dl_flow *f, struct out *o)
{
	char flow[128], nh[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN], self[INET_ADDRSTRLEN],
	     link[160], state[64] = "", gwof[180] = "", rt[96];
	const struct dl_vctx_addr *sub;
	const struct dl_route4 *r;
	struct in_addr d, hop;
	const char *oif;
	size_t i;

	if (!ctx || !is_ipv4(f))
		return 0;
	d = v4(f->daddr);
	r = route_to(ctx, d);
	hop = r && r->gw.s_addr ? r->gw : d;
	oif = r ? r->ifname : ctx->ifname;
	dl_flow__str(f, flow, sizeof(flow));
	ntop(hop, nh, sizeof(nh));
	ntop(d, dst, sizeof(dst));
	if (hop.s_addr != d.s_addr) {
		route_str(r, rt, sizeof(rt));
		put(gwof, sizeof(gwof), ", the gateway for %s (%s)", dst, rt);
	}
	sub = subnet_of(ctx, oif, hop);
	if (sub) {
		ntop(sub->addr, self, sizeof(self));
		put(link, sizeof(link), "on-link: %s has %s/%u", oif, self, sub->plen);
	} else {
		put(link, sizeof(link), "%s has no address in its subnet", oif);
	}
	for (i = 0; ctx->have_neigh && i < ctx->nneigh; i++) {
		const struct dl_arp_entry *e = &ctx->neigh[i];

		if (e->addr.s_addr != hop.s_addr || strcmp(e->ifname, oif))
			continue;
		if (e->flags & ATF_COM_FLAG)
			put(state, sizeof(state), "; resolved since, to %s", e->lladdr);
		else
			put(state, sizeof(state), "; neighbour entry unresolved");
	}
	if (!strcmp(reason, "NEIGH_QUEUEFULL")) {
		char q[48] = "unres_qlen_bytes";

		if (ctx->unres_qlen_bytes >= 0)
			put(q, sizeof(q), "unres_qlen_bytes=%ld", ctx->unres_qlen_bytes);
		put(o->s, o->slen,
		    "while ARP for next hop %s%s on %s was pending, more than %s were queued for it: the oldest packets were dropped (%s%s; %s)",
		    nh, gwof, oif, q, link, state, flow);
		put(o->a, o->alen,
		    "find why %s does not answer (arping -I %s %s; ip neigh show dev %s); a larger net.ipv4.neigh.%s.unres_qlen_bytes only helps short bursts; /proc/net/stat/arp_cache unresolved_discards (global, root namespace)",
		    nh, oif, nh, oif, oif);
		return 1;
	}
	put(o->s, o->slen,
	    "ARP for next hop %s%s on %s got no answer (%s%s): the packets queued for it were dropped (%s)",
	    nh, gwof, oif, link, state, flow);
	put(o->a, o->alen,
	    "check that %s exists and is up on %s's link (arping -I %s %s; ip neigh show dev %s); if nothing should answer there, fix the sender's destination or the route that points at it; /proc/net/stat/arp_cache res_failed (global, root namespace)",
	    nh, oif, oif, nh, oif);
	return 1;
}

static bool nf_match(const char *reason, const char *fn)
{
	return !strcmp(reason, "NETFILTER_DROP") ||
	       (!strcmp(reason, "NOT_SPECIFIED") &&
		(fn_is(fn, "nf_hook_slow") || fn_prefix(fn, "nft_") ||
		 fn_is(fn, "ipt_do_table")));
}

static int refine_netfilter(const struct dl_vctx *ctx, const char *fn,
			    const struct dl_flow *f, struct out *o)
{
	const char *engine, *path, *list;
	char flow[128], match[64];
	bool nft = fn_prefix(fn, "nft_");

	if (!ctx || !f || f->l4proto == 0xff || !f->l3proto)
		return 0;
	if (nft) {
		engine = "nftables (nft or iptables-nft)";
	} else if (fn_is(fn, "ipt_do_table")) {
		engine = "iptables-legacy";
	} else if (fn_is(fn, "nf_hook_slow")) {
		engine = "a hook verdict (iptables-legacy tables, or a module's hook)";
	} else {
		engine = "netfilter";
	}
	if (is_ipv4(f) && is_local(ctx, v4(f->daddr))) {
		path = "for a local address: the prerouting or input hook (iptables INPUT)";
		list = "INPUT";
	} else if (is_ipv4(f) && is_local(ctx, v4(f->saddr))) {
		path = "sent by this host: the output or postrouting hook (iptables OUTPUT)";
		list = "OUTPUT";
	} else {
		path = "not for this host: the prerouting or forward hook (iptables FORWARD)";
		list = "FORWARD";
	}
	dl_flow__str(f, flow, sizeof(flow));
	if (f->l4proto == 6 || f->l4proto == 17 || f->l4proto == 132)
		put(match, sizeof(match), "%s port %u", f->l4proto == 6 ? "tcp" :
		    f->l4proto == 17 ? "udp" : "sctp", dl_flow__dport(f));
	else
		dl_flow__proto_name(f, match, sizeof(match));
	put(o->s, o->slen, "a netfilter rule dropped %s on %s, %s; engine: %s (%s)",
	    flow, ctx->ifname, path, engine, fn ? fn : "?");
	if (nft)
		put(o->a, o->alen,
		    "find the DROP rule matching %s: nft -a list ruleset, or iptables -L %s -v -n -x --line-numbers; its packet counter grows with these drops; delete or narrow it if this traffic is wanted",
		    match, list);
	else
		put(o->a, o->alen,
		    "find the DROP rule matching %s: iptables-legacy -L %s -v -n -x --line-numbers (or the module owning the hook); its packet counter grows with these drops; delete or narrow it if this traffic is wanted",
		    match, list);
	return 1;
}

/*
 * STP BPDUs are 802.3 frames with LLC DSAP 0x42; a port that is not in an
 * STP bridge frees them in stp_pdu_rcv (or llc_rcv, br_stp_rcv), or, when
 * no LLC layer is there, as UNHANDLED_PROTO. The switch sends them anyway.
 */
static int refine_stp(const struct dl_vctx *ctx, const char *reason, const char *fn,
		      const struct dl_flow *f, struct out *o)
{
	const char *in = ifname_of(ctx);
	static const char adv[] =
		"nothing to fix: switches send spanning-tree BPDUs to their ports every 2 s; if the count disturbs monitoring, filter BPDUs on the switch's edge port (BPDU filter / portfast) (seed 003: rx_dropped rising on a quiet link)";

	if (fn_is(fn, "stp_pdu_rcv")) {
		put(o->s, o->slen,
		    "STP BPDUs (802.3 frames, LLC DSAP 0x42) arriving on %s were freed by the STP/LLC path (stp_pdu_rcv): %s is not a port of a bridge running STP, so nothing consumes them; not a fault",
		    in, in);
	} else if (fn_is(fn, "br_stp_rcv")) {
		put(o->s, o->slen,
		    "STP BPDUs arriving on %s were freed by the bridge (br_stp_rcv): its bridge does not run STP or the port is disabled; not a fault",
		    in);
	} else if (fn_is(fn, "llc_rcv")) {
		put(o->s, o->slen,
		    "802.3/LLC frames arriving on %s were freed by the LLC layer (llc_rcv): no local service for their SAP (STP BPDUs use DSAP 0x42); not a fault",
		    in);
	} else if (!strcmp(reason, "UNHANDLED_PROTO") && f && ntohs(f->l3proto) < 0x0600) {
		put(o->s, o->slen,
		    "802.3/LLC frames (STP BPDUs with LLC DSAP 0x42, or other LLC) arriving on %s have no protocol handler: the core counts them in rx_dropped; not a fault",
		    in);
	} else {
		return 0;
	}
	put(o->a, o->alen, "%s", adv);
	return 1;
}

int dl_vctx__refine(const struct dl_vctx *ctx, const char *reason,
		    const char *function, const struct dl_flow *top_flow,
		    char *summary, size_t slen, char *advice, size_t alen)
{
	struct out o = { .s = summary, .a = advice, .slen = slen, .alen = alen };

	if (!reason || !summary || !advice || !slen || !alen)
		return -EINVAL;
	if (refine_stp(ctx, reason, function, top_flow, &o))
		return 1;
	if (mcast_match(reason, function, top_flow))
		return refine_mcast(ctx, top_flow, &o);
	if (!strcmp(reason, "IP_RPFILTER"))
		return refine_rpfilter(ctx, top_flow, &o);
	if (neigh_match(reason, function))
		return refine_neigh(ctx, reason, top_flow, &o);
	if (nf_match(reason, function))
		return refine_netfilter(ctx, function, top_flow, &o);
	return 0;
}
