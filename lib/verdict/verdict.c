// SPDX-License-Identifier: GPL-2.0-only
/*
 * dl_verdict__explain(): pick the row that explains a drop (verdict.h).
 * Order: background every host drops (expected.tsv), the state-based
 * verdicts of verdict_refine.c, the reason's meaning at the dropping site
 * (reason_sites.tsv), the dropping function (functions.tsv), the reason.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "counters/sysfs_stats.h"
#include "fastpath/flow.h"
#include "util/text_parse.h"
#include "verdict/advice_rules.h"
#include "verdict/verdict.h"

/* First line of a file under @fmt (with @iface), trimmed; -1 if unreadable. */
static int read_value(const char *fmt, const char *a, const char *b, char *out,
		      size_t len)
{
	char path[256], *buf = NULL;
	size_t n;

	snprintf(path, sizeof(path), fmt, a, b);
	if (dl_text__read_file(path, &buf, &n))
		return -1;
	snprintf(out, len, "%.*s", (int)strcspn(buf, "\n"), buf);
	free(buf);
	return 0;
}

/* Does @v (length @n) appear in the comma-separated @list? */
static bool in_csv(const char *list, size_t llen, const char *v)
{
	size_t vl = strlen(v);
	const char *p = list, *end = list + llen;

	while (p < end) {
		const char *q = memchr(p, ',', end - p);
		size_t k = (q ? q : end) - p;

		if (k == vl && !strncmp(p, v, k))
			return true;
		p = q ? q + 1 : end;
	}
	return false;
}

static bool flow_v4(const struct dl_flow *f)
{
	return ntohs(f->l3proto) == 0x0800;
}

static bool flow_v6(const struct dl_flow *f)
{
	return ntohs(f->l3proto) == 0x86dd;
}

static bool is_local(const struct dl_vctx *v, __u32 a)
{
	size_t i;

	for (i = 0; v && i < v->naddrs; i++)
		if (v->addrs[i].addr.s_addr == a)
			return true;
	return false;
}

/* Subnet-directed broadcast of one of our IPv4 addresses. */
static bool is_bcast(const struct dl_vctx *v, __u32 a)
{
	size_t i;

	if (a == 0xffffffffu)
		return true;
	for (i = 0; v && i < v->naddrs; i++) {
		unsigned int p = v->addrs[i].plen;
		__u32 m = p ? htonl(~0u << (32 - p)) : 0;

		if (p < 31 && (a & m) == (v->addrs[i].addr.s_addr & m) && (a | m) == 0xffffffffu)
			return true;
	}
	return false;
}

/* One class or address of dst=...: 1, 0, or -1 (cannot tell). */
static int dst_is(const char *cls, size_t k, const struct dl_flow *f,
		  const struct dl_vctx *v)
{
	__u32 a = f->daddr[0];
	const unsigned char *b = (const void *)f->daddr;
	char s[64];

#define IS(x) (k == strlen(x) && !strncmp(cls, x, k))
	if (!flow_v4(f) && !flow_v6(f))
		return 0;
	if (IS("mcast"))
		return flow_v4(f) && (ntohl(a) >> 28) == 0xe;
	if (IS("v6mcast"))
		return flow_v6(f) && b[0] == 0xff;
	if (IS("llmcast"))
		return (flow_v4(f) && (ntohl(a) >> 8) == 0xe00000) ||
		       (flow_v6(f) && b[0] == 0xff && (b[1] & 0xf) == 2);
	if (IS("bcast"))
		return flow_v4(f) && (v || a == 0xffffffffu) ? is_bcast(v, a) : -1;
	if (IS("local"))
		return flow_v4(f) && v ? is_local(v, a) : -1;
	if (IS("unicast")) {
		if (flow_v6(f))
			return b[0] != 0xff;
		if ((ntohl(a) >> 28) == 0xe)
			return 0;
		return v ? !is_bcast(v, a) : -1;
	}
#undef IS
	dl_flow__addr_str(f, false, s, sizeof(s));
	return strlen(s) == k && !strncmp(cls, s, k);
}

/* One term of a condition; see dl_verdict__cond(). */
static int term(const char *t, size_t len, const char *iface,
		const struct dl_flow *f, const struct dl_vctx *v)
{
	const char *eq = memchr(t, '=', len), *val;
	size_t klen, vlen;
	char buf[64], path[160];

	if (!eq)
		return -EINVAL;
	klen = eq - t;
	val = eq + 1;
	vlen = len - klen - 1;
#define KEY(x) (klen == strlen(x) && !strncmp(t, x, klen))
	if (klen > 7 && !strncmp(t, "sysctl:", 7)) {
		const char *p = t + 7, *ifp;

		/* The path with {iface} substituted. */
		snprintf(path, sizeof(path), "%.*s", (int)(klen - 7), p);
		ifp = strstr(path, "{iface}");
		if (ifp) {
			char tail[160];

			snprintf(tail, sizeof(tail), "%s", ifp + 7);
			snprintf(path + (ifp - path), sizeof(path) - (ifp - path), "%s%s",
				 iface ? iface : "?", tail);
		}
		if (read_value("/proc/sys/%s%s", path, "", buf, sizeof(buf)))
			return -1;
		return in_csv(val, vlen, buf);
	}
	if (KEY("carrier")) {
		if (!iface || read_value("/sys/class/net/%s/carrier%s", iface, "", buf,
					 sizeof(buf)))
			return -1;
		return in_csv(val, vlen, buf);
	}
	if (KEY("brport")) {
		/* A port of a bridge: sysfs has its brport directory. */
		if (!iface)
			return -1;
		snprintf(path, sizeof(path), "/sys/class/net/%s/brport", iface);
		return in_csv(val, vlen, access(path, F_OK) ? "0" : "1");
	}
	if (KEY("promisc")) {
		unsigned long flags;

		/* IFF_PROMISC in the device flags (a bridge port, tcpdump, a VM tap). */
		if (!iface || dl_sysfs__if_flags(iface, &flags))
			return -1;
		return in_csv(val, vlen, flags & 0x100 ? "1" : "0");
	}
	if (KEY("route")) {
		const struct dl_route4 *r;
		bool none;

		if (!f || !flow_v4(f) || !v || !v->have_routes)
			return -1;
		r = dl_route4__lookup(v->routes, v->nroutes,
				      (struct in_addr){ .s_addr = f->daddr[0] });
		none = !r;
		return in_csv(val, vlen, none ? "none" : "present");
	}
	if (!f)
		return -1;
	if (KEY("dport")) {
		snprintf(buf, sizeof(buf), "%u", dl_flow__dport(f));
		return f->l4proto == 6 || f->l4proto == 17 ? in_csv(val, vlen, buf) : 0;
	}
	if (KEY("proto"))
		return in_csv(val, vlen, dl_flow__proto_name(f, buf, sizeof(buf)));
	if (KEY("ethertype")) {
		unsigned int et = ntohs(f->l3proto);

		snprintf(buf, sizeof(buf), "0x%04x", et);
		return in_csv(val, vlen, buf) || (et < 0x600 && in_csv(val, vlen, "llc"));
	}
	if (KEY("dst")) {
		const char *p = val, *end = val + vlen;
		int any = 0;

		while (p < end) {
			const char *q = memchr(p, ',', end - p);
			int r = dst_is(p, (q ? q : end) - p, f, v);

			if (r == 1)
				return 1;
			if (r < 0)
				any = -1;
			p = q ? q + 1 : end;
		}
		return any;
	}
#undef KEY
	return -EINVAL;
}

int dl_verdict__cond(const char *when, const char *iface,
		     const struct dl_flow *flow, const struct dl_vctx *vctx)
{
	const char *p = when;
	int res = 1;

	if (!when || !strcmp(when, "-"))
		return 1;
	while (*p) {
		size_t len = strcspn(p, "&");
		int r = term(p, len, iface, flow, vctx);

		if (r == -EINVAL)
			return r;
		if (r == 0)
			return 0;
		if (r < 0)
			res = -1;
		p += len;
		if (*p == '&')
			p++;
	}
	return res;
}

/* Group of a catalogued function without a usual reason, from its name. */
static const char *fn_group(const char *fn)
{
	static const struct { const char *prefix, *group; } map[] = {
		{ "tcp", "tcp" }, { "inet_csk", "tcp" }, { "udp", "socket" },
		{ "__udp", "socket" }, { "sk_", "socket" }, { "sock", "socket" },
		{ "raw", "socket" }, { "packet", "socket" }, { "tpacket", "socket" },
		{ "unix", "socket" }, { "neigh", "neighbour" }, { "arp", "neighbour" },
		{ "parp", "neighbour" }, { "ndisc", "neighbour" }, { "nf_", "netfilter" },
		{ "nft", "netfilter" }, { "ipt", "netfilter" }, { "ip6t", "netfilter" },
		{ "__nf", "netfilter" }, { "xfrm", "netfilter" }, { "tcf", "netfilter" },
		{ "sch_", "netfilter" }, { "qdisc", "qdisc" }, { "__dev_", "qdisc" },
		{ "dev_", "qdisc" }, { "noop", "qdisc" }, { "ip", "ip-route" },
		{ "icmp", "ip-route" }, { "igmp", "ip-route" }, { "dst_", "ip-route" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strncmp(fn, map[i].prefix, strlen(map[i].prefix)))
			return map[i].group;
	return "l2";
}

static bool site_matches(const struct dl_cause_site *s, const char *reason,
			 const char *function)
{
	return (!strcmp(s->reason, "*") || !strcmp(s->reason, reason)) &&
	       (!strcmp(s->function, "*") || dl_causes__fn_is(function, s->function));
}

/*
 * A generic drop in a function of functions.tsv: what the function decides
 * and what to gather, through the "catalogued" row of advice.tsv.
 */
static void catalogued(const struct dl_cause_fn *fn, const struct dl_cause_ctx *cctx,
		       char *summary, size_t slen, char *advice, size_t alen)
{
	const struct dl_advice *rules = dl_advice__shipped();
	struct dl_advice_ctx a = { 0 };

	if (!rules)
		return;
	dl_advice_ctx__set(&a, "function", "%s", fn->function);
	dl_advice_ctx__set(&a, "iface", "%s", cctx->iface ? cctx->iface : "?");
	dl_advice_ctx__set(&a, "flow", "%s", cctx->flow ? cctx->flow : "?");
	dl_advice_ctx__set(&a, "fn_meaning", "%s", fn->meaning);
	dl_advice_ctx__set(&a, "fn_gather", "%s", fn->gather);
	dl_advice__apply(rules, "catalogued", fn->function, &a, false, summary, slen,
			 advice, alen);
}

/* Append the meanings of @reason's sites in @mask to the summary. */
static void list_meanings(const struct dl_causes *c, const char *reason,
			  const char *function, const bool *mask, size_t n,
			  const struct dl_cause_ctx *cctx, char *summary, size_t slen)
{
	size_t i, o = strlen(summary), k = 0;
	char m[512];

	for (i = 0; i < n; i++)
		k += mask[i];
	if (!k || o + 1 >= slen)
		return;
	o += snprintf(summary + o, slen - o,
		      "; %s has %zu meanings here and the state read cannot tell them apart%s%s:",
		      reason, k, function ? " at " : "", function ? function : "");
	for (i = 0, k = 0; i < n && o < slen; i++) {
		const struct dl_cause_site *s = dl_causes__site(c, i);

		if (!mask[i])
			continue;
		dl_causes__render(s->summary, cctx, m, sizeof(m));
		o += snprintf(summary + o, slen - o, " (%zu) [%s] %s", ++k,
			      strcmp(s->function, "*") ? s->function : "any site", m);
	}
}

int dl_verdict__explain(const struct dl_causes *c, const struct dl_vctx *vctx,
			const char *reason, const char *function,
			const struct dl_flow *flow, const struct dl_cause_ctx *cctx,
			struct dl_cause_rule *rule, char *summary, size_t slen,
			char *advice, size_t alen)
{
	const struct dl_cause_fn *fn = dl_causes__fn_find(c, function);
	bool generic = !strcmp(reason, "NOT_SPECIFIED");
	size_t i, n = dl_causes__site_count(c);
	bool *unsure = n ? calloc(n, sizeof(bool)) : NULL;
	bool fn_sites = false;
	const char *iface = cctx->iface;
	int ret = 1;

	if (generic && fn && strcmp(fn->reason, "-") && strcmp(fn->reason, "NOT_SPECIFIED"))
		dl_causes__lookup(c, fn->reason, rule);
	else
		dl_causes__lookup(c, reason, rule);
	dl_causes__render(rule->summary, cctx, summary, slen);
	dl_causes__render(rule->advice, cctx, advice, alen);

	/* Background every host receives comes first: it is not a fault. */
	for (i = 0; i < n; i++) {
		const struct dl_cause_site *s = dl_causes__site(c, i);

		if (s->expected && site_matches(s, reason, function) &&
		    dl_verdict__cond(s->when, iface, flow, vctx) == 1) {
			rule->category = "expected";
			dl_causes__render(s->summary, cctx, summary, slen);
			dl_causes__render(s->advice, cctx, advice, alen);
			goto out;
		}
	}
	if (dl_vctx__refine(vctx, reason, function, flow, summary, slen, advice, alen) == 1)
		goto out;
	for (i = 0; i < n; i++) {
		const struct dl_cause_site *s = dl_causes__site(c, i);
		int r;

		if (s->expected || !site_matches(s, reason, function))
			continue;
		r = dl_verdict__cond(s->when, iface, flow, vctx);
		if (r == 1) {
			dl_causes__render(s->summary, cctx, summary, slen);
			dl_causes__render(s->advice, cctx, advice, alen);
			goto out;
		}
		fn_sites = true;
		if (r < 0 && unsure)
			unsure[i] = true;
	}
	/* No specific reason: the catalogue says what the function decides. */
	if (generic && fn) {
		if (!strcmp(fn->reason, "-") || !strcmp(fn->reason, "NOT_SPECIFIED")) {
			rule->group = fn_group(fn->function);
			catalogued(fn, cctx, summary, slen, advice, alen);
		}
		goto out;
	}
	/* The function has no site row: every meaning of the reason remains. */
	if (!fn_sites && unsure) {
		for (i = 0; i < n; i++) {
			const struct dl_cause_site *s = dl_causes__site(c, i);

			unsure[i] = !s->expected && !strcmp(s->reason, reason);
		}
	}
	if (unsure) {
		size_t k = 0;

		for (i = 0; i < n; i++)
			k += unsure[i];
		if (k > 1)
			list_meanings(c, reason, function, unsure, n, cctx, summary, slen);
	}
	ret = 0;
out:
	free(unsure);
	return ret;
}
