// SPDX-License-Identifier: GPL-2.0-only
/*
 * SIOCETHTOOL readers for the RSS setup; see rss_config.h. Every query
 * treats EOPNOTSUPP as "the driver does not say", because most virtual
 * and many older drivers implement only part of the RSS ops.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/sockios.h>

#include "util/log.h"
#include "rss/rss_config.h"

#define MAX_INDIR 65536		/* sanity bounds on what a driver reports */
#define MAX_KEY 1024
#define MAX_NTUPLE 65536

struct sys_ctx {
	int fd;
};

static int sys_ethtool(void *priv, const char *ifname, void *cmd)
{
	struct sys_ctx *ctx = priv;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	return ioctl(ctx->fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static bool absent(int err)
{
	return err == -EOPNOTSUPP || err == -ENOTSUP;
}

static int unsupported(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int unsupported(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -EOPNOTSUPP;
}

/* Mask with contiguous leading ones -> prefix length; else -1. */
static int mask_len(const __be32 *mask, int words)
{
	int i, len = 0;
	bool ended = false;

	for (i = 0; i < words; i++) {
		__u32 m = ntohl(mask[i]);
		int b;

		for (b = 31; b >= 0; b--) {
			if (m >> b & 1) {
				if (ended)
					return -1;
				len++;
			} else {
				ended = true;
			}
		}
	}
	return len;
}

static int set_prefix(struct dl_steer_prefix *p, int family, const __be32 *val,
		      const __be32 *mask, const char *what, char *why, size_t why_len)
{
	int words = family == AF_INET ? 1 : 4, len = mask_len(mask, words), i;

	if (len < 0)
		return unsupported(why, why_len, "%s address mask is not a prefix", what);
	if (!len)
		return 0;
	p->family = family;
	p->len = len;
	/* Drivers keep the value bits under a zero mask; we do not. */
	for (i = 0; i < words; i++)
		p->addr[i] = val[i] & mask[i];
	return 0;
}

static int set_ports(struct dl_steer_ports *p, __be16 val, __be16 mask,
		     const char *what, char *why, size_t why_len)
{
	__u16 v = ntohs(val), m = ntohs(mask);

	if (!m)
		return 0;
	/* Leading ones then zeros is an aligned range: 0xfff0 -> 16 ports. */
	if ((__u16)(~m & (__u16)(~m + 1)) != 0)
		return unsupported(why, why_len, "%s mask 0x%04x is not a range", what, m);
	p->set = true;
	p->lo = v & m;
	p->hi = (v & m) | (__u16)~m;
	return 0;
}

static int set_l4(struct dl_steer_rule *r, __u8 proto, const char *wfmt, char *why,
		  size_t why_len)
{
	switch (proto) {
	case IPPROTO_TCP:
		r->proto = DL_STEER_TCP;
		return 0;
	case IPPROTO_UDP:
		r->proto = DL_STEER_UDP;
		return 0;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		r->proto = DL_STEER_ICMP;
		return 0;
	default:
		return unsupported(why, why_len, wfmt, proto);
	}
}

int dl_rss_config__rule_from_spec(const struct ethtool_rx_flow_spec *fs,
				  struct dl_steer_rule *r, char *why, size_t why_len)
{
	__u32 type = fs->flow_type & ~(FLOW_EXT | FLOW_MAC_EXT | FLOW_RSS);
	const union ethtool_flow_union *h = &fs->h_u, *m = &fs->m_u;
	__u64 ring;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->line = fs->location;
	if (fs->ring_cookie == RX_CLS_FLOW_DISC)
		return unsupported(why, why_len, "action drop");
	if (fs->ring_cookie == RX_CLS_FLOW_WAKE)
		return unsupported(why, why_len, "action wake-on-lan");
	if (fs->flow_type & FLOW_RSS)
		return unsupported(why, why_len, "action is an RSS context");
	if (ethtool_get_flow_spec_ring_vf(fs->ring_cookie))
		return unsupported(why, why_len, "action targets VF %llu",
			   (unsigned long long)ethtool_get_flow_spec_ring_vf(fs->ring_cookie));
	ring = ethtool_get_flow_spec_ring(fs->ring_cookie);
	if (ring >= DL_STEER_QUEUES)
		return unsupported(why, why_len, "queue %llu beyond the %d tracked",
			   (unsigned long long)ring, DL_STEER_QUEUES);
	if (fs->flow_type & FLOW_EXT &&
	    (fs->m_ext.vlan_etype || fs->m_ext.vlan_tci || fs->m_ext.data[0] || fs->m_ext.data[1]))
		return unsupported(why, why_len, "matches VLAN or user data");
	if (fs->flow_type & FLOW_MAC_EXT) {
		static const unsigned char zero[ETH_ALEN];

		if (memcmp(fs->m_ext.h_dest, zero, ETH_ALEN))
			return unsupported(why, why_len, "matches destination MAC");
	}

	switch (type) {
	case TCP_V4_FLOW:
	case UDP_V4_FLOW:
		r->proto = type == TCP_V4_FLOW ? DL_STEER_TCP : DL_STEER_UDP;
		r->family = AF_INET;
		if (m->tcp_ip4_spec.tos)
			return unsupported(why, why_len, "matches TOS");
		err = set_prefix(&r->src, AF_INET, &h->tcp_ip4_spec.ip4src,
				 &m->tcp_ip4_spec.ip4src, "src", why, why_len) ?:
		      set_prefix(&r->dst, AF_INET, &h->tcp_ip4_spec.ip4dst,
				 &m->tcp_ip4_spec.ip4dst, "dst", why, why_len) ?:
		      set_ports(&r->sport, h->tcp_ip4_spec.psrc, m->tcp_ip4_spec.psrc,
				"src port", why, why_len) ?:
		      set_ports(&r->dport, h->tcp_ip4_spec.pdst, m->tcp_ip4_spec.pdst,
				"dst port", why, why_len);
		break;
	case TCP_V6_FLOW:
	case UDP_V6_FLOW:
		r->proto = type == TCP_V6_FLOW ? DL_STEER_TCP : DL_STEER_UDP;
		r->family = AF_INET6;
		if (m->tcp_ip6_spec.tclass)
			return unsupported(why, why_len, "matches traffic class");
		err = set_prefix(&r->src, AF_INET6, h->tcp_ip6_spec.ip6src,
				 m->tcp_ip6_spec.ip6src, "src", why, why_len) ?:
		      set_prefix(&r->dst, AF_INET6, h->tcp_ip6_spec.ip6dst,
				 m->tcp_ip6_spec.ip6dst, "dst", why, why_len) ?:
		      set_ports(&r->sport, h->tcp_ip6_spec.psrc, m->tcp_ip6_spec.psrc,
				"src port", why, why_len) ?:
		      set_ports(&r->dport, h->tcp_ip6_spec.pdst, m->tcp_ip6_spec.pdst,
				"dst port", why, why_len);
		break;
	case IPV4_USER_FLOW:
		r->proto = DL_STEER_IP;
		r->family = AF_INET;
		if (m->usr_ip4_spec.tos)
			return unsupported(why, why_len, "matches TOS");
		if (m->usr_ip4_spec.proto)
			err = set_l4(r, h->usr_ip4_spec.proto, "matches IP protocol %u",
				     why, why_len);
		if (!err && m->usr_ip4_spec.l4_4_bytes)
			return unsupported(why, why_len, "matches raw L4 bytes");
		err = err ?: set_prefix(&r->src, AF_INET, &h->usr_ip4_spec.ip4src,
					&m->usr_ip4_spec.ip4src, "src", why, why_len) ?:
			     set_prefix(&r->dst, AF_INET, &h->usr_ip4_spec.ip4dst,
					&m->usr_ip4_spec.ip4dst, "dst", why, why_len);
		break;
	case IPV6_USER_FLOW:
		r->proto = DL_STEER_IP6;
		r->family = AF_INET6;
		if (m->usr_ip6_spec.tclass)
			return unsupported(why, why_len, "matches traffic class");
		if (m->usr_ip6_spec.l4_proto)
			err = set_l4(r, h->usr_ip6_spec.l4_proto, "matches next header %u",
				     why, why_len);
		if (!err && m->usr_ip6_spec.l4_4_bytes)
			return unsupported(why, why_len, "matches raw L4 bytes");
		err = err ?: set_prefix(&r->src, AF_INET6, h->usr_ip6_spec.ip6src,
					m->usr_ip6_spec.ip6src, "src", why, why_len) ?:
			     set_prefix(&r->dst, AF_INET6, h->usr_ip6_spec.ip6dst,
					m->usr_ip6_spec.ip6dst, "dst", why, why_len);
		break;
	default:
		return unsupported(why, why_len,
				   "flow type 0x%x (not tcp, udp or ip over IPv4/IPv6)", type);
	}
	if (err)
		return err;
	r->queues = 1ull << ring;
	return 0;
}

static int read_rings(struct dl_rss_config *c, dl_ethtool_fn fn, void *priv)
{
	struct ethtool_rxnfc nfc = { .cmd = ETHTOOL_GRXRINGS };
	int err = fn(priv, c->ifname, &nfc);

	if (absent(err))
		return 0;
	if (err)
		return err;
	c->has_rings = true;
	c->rx_rings = nfc.data;
	return 0;
}

static int read_rxfh(struct dl_rss_config *c, dl_ethtool_fn fn, void *priv)
{
	struct ethtool_rxfh head = { .cmd = ETHTOOL_GRSSH }, *rxfh;
	int err = fn(priv, c->ifname, &head);
	size_t sz;

	if (absent(err))
		return 1;	/* try the older GRXFHINDIR */
	if (err)
		return err;
	if (head.indir_size > MAX_INDIR || head.key_size > MAX_KEY) {
		pr_warn("%s: driver reports an RSS table of %u entries and a key of %u bytes, ignored\n",
			c->ifname, head.indir_size, head.key_size);
		return 0;
	}
	sz = sizeof(*rxfh) + head.indir_size * sizeof(__u32) + head.key_size;
	rxfh = calloc(1, sz);
	if (!rxfh)
		return -ENOMEM;
	rxfh->cmd = ETHTOOL_GRSSH;
	rxfh->indir_size = head.indir_size;
	rxfh->key_size = head.key_size;
	err = fn(priv, c->ifname, rxfh);
	if (err)
		goto out;
	c->has_hfunc = true;
	c->hfunc = rxfh->hfunc;
	/* Linux 6.8 put input_xfrm in the first reserved byte. */
	c->input_xfrm = rxfh->rsvd8[0];
	if (rxfh->indir_size) {
		c->indir = malloc(rxfh->indir_size * sizeof(__u32));
		if (!c->indir) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(c->indir, rxfh->rss_config, rxfh->indir_size * sizeof(__u32));
		c->indir_size = rxfh->indir_size;
		c->has_indir = true;
	}
	if (rxfh->key_size) {
		c->key = malloc(rxfh->key_size);
		if (!c->key) {
			err = -ENOMEM;
			goto out;
		}
		memcpy(c->key, (__u8 *)(rxfh->rss_config + rxfh->indir_size), rxfh->key_size);
		c->key_size = rxfh->key_size;
		c->has_key = true;
	}
out:
	free(rxfh);
	return err;
}

static int read_indir(struct dl_rss_config *c, dl_ethtool_fn fn, void *priv)
{
	struct ethtool_rxfh_indir head = { .cmd = ETHTOOL_GRXFHINDIR }, *ind;
	int err = fn(priv, c->ifname, &head);

	if (absent(err))
		return 0;
	if (err)
		return err;
	if (!head.size || head.size > MAX_INDIR)
		return 0;
	ind = calloc(1, sizeof(*ind) + head.size * sizeof(__u32));
	if (!ind)
		return -ENOMEM;
	ind->cmd = ETHTOOL_GRXFHINDIR;
	ind->size = head.size;
	err = fn(priv, c->ifname, ind);
	if (!err) {
		c->indir = malloc(ind->size * sizeof(__u32));
		if (c->indir) {
			memcpy(c->indir, ind->ring_index, ind->size * sizeof(__u32));
			c->indir_size = ind->size;
			c->has_indir = true;
		} else {
			err = -ENOMEM;
		}
	}
	free(ind);
	return err;
}

static int read_hash_fields(struct dl_rss_config *c, dl_ethtool_fn fn, void *priv)
{
	struct ethtool_rxnfc tcp = { .cmd = ETHTOOL_GRXFH, .flow_type = TCP_V4_FLOW };
	struct ethtool_rxnfc udp = { .cmd = ETHTOOL_GRXFH, .flow_type = UDP_V4_FLOW };
	int err = fn(priv, c->ifname, &tcp);

	/* Some drivers answer EINVAL for flow types they do not hash. */
	if (absent(err) || err == -EINVAL)
		return 0;
	if (err)
		return err;
	err = fn(priv, c->ifname, &udp);
	if (absent(err) || err == -EINVAL)
		return 0;
	if (err)
		return err;
	c->has_hash_fields = true;
	c->ports_tcp = (tcp.data & (RXH_L4_B_0_1 | RXH_L4_B_2_3)) == (RXH_L4_B_0_1 | RXH_L4_B_2_3);
	c->ports_udp = (udp.data & (RXH_L4_B_0_1 | RXH_L4_B_2_3)) == (RXH_L4_B_0_1 | RXH_L4_B_2_3);
	return 0;
}

static void note(struct dl_rss_config *c, __u32 loc, const char *text)
{
	size_t off = strlen(c->ntuple_notes);

	if (off < sizeof(c->ntuple_notes))
		snprintf(c->ntuple_notes + off, sizeof(c->ntuple_notes) - off, "%srule %u: %s",
			 off ? "; " : "", loc, text);
}

static int read_ntuple(struct dl_rss_config *c, dl_ethtool_fn fn, void *priv)
{
	struct ethtool_rxnfc cnt = { .cmd = ETHTOOL_GRXCLSRLCNT }, *all = NULL;
	__u32 i;
	int err = fn(priv, c->ifname, &cnt);

	if (absent(err))
		return 0;
	if (err)
		return err;
	c->ntuple = dl_steer_rules__new(c->ifname);
	if (!c->ntuple)
		return -ENOMEM;
	c->has_ntuple = true;
	if (!cnt.rule_cnt)
		return 0;
	if (cnt.rule_cnt > MAX_NTUPLE)
		return -E2BIG;
	all = calloc(1, sizeof(*all) + cnt.rule_cnt * sizeof(__u32));
	if (!all)
		return -ENOMEM;
	all->cmd = ETHTOOL_GRXCLSRLALL;
	all->rule_cnt = cnt.rule_cnt;
	all->data = cnt.data;
	err = fn(priv, c->ifname, all);
	if (err)
		goto out;
	for (i = 0; i < all->rule_cnt && i < cnt.rule_cnt; i++) {
		struct ethtool_rxnfc one = { .cmd = ETHTOOL_GRXCLSRULE };
		struct dl_steer_rule r;
		char reason[128];

		one.fs.location = all->rule_locs[i];
		err = fn(priv, c->ifname, &one);
		/* A rule deleted between the list and the read is just gone. */
		if (err == -ENOENT)
			continue;
		if (err)
			goto out;
		c->ntuple_total++;
		if (dl_rss_config__rule_from_spec(&one.fs, &r, reason, sizeof(reason))) {
			c->ntuple_skipped++;
			note(c, one.fs.location, reason);
			pr_debug("%s: ntuple rule %u skipped: %s\n", c->ifname, one.fs.location,
				 reason);
			continue;
		}
		err = dl_steer_rules__add(c->ntuple, &r);
		if (err)
			goto out;
	}
	err = 0;
out:
	free(all);
	return err;
}

void dl_rss_config__free(struct dl_rss_config *c)
{
	if (!c)
		return;
	free(c->indir);
	free(c->key);
	dl_steer_rules__free(c->ntuple);
	free(c);
}

int dl_rss_config__read_with(const char *ifname, dl_ethtool_fn fn, void *priv,
			     struct dl_rss_config **out)
{
	struct dl_rss_config *c;
	int err;

	*out = NULL;
	if (!ifname || strlen(ifname) >= IF_NAMESIZE)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->ifname, sizeof(c->ifname), "%s", ifname);
	err = read_rings(c, fn, priv);
	if (!err) {
		err = read_rxfh(c, fn, priv);
		if (err == 1)
			err = read_indir(c, fn, priv);
	}
	if (!err)
		err = read_hash_fields(c, fn, priv);
	if (!err)
		err = read_ntuple(c, fn, priv);
	if (err) {
		pr_debug("%s: reading RSS configuration: %s\n", ifname, strerror(-err));
		dl_rss_config__free(c);
		return err;
	}
	*out = c;
	return 0;
}

int dl_rss_config__read(const char *ifname, struct dl_rss_config **out)
{
	struct sys_ctx ctx;
	int err;

	ctx.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctx.fd < 0)
		return -errno;
	err = dl_rss_config__read_with(ifname, sys_ethtool, &ctx, out);
	close(ctx.fd);
	return err;
}

bool dl_rss_config__exposed(const struct dl_rss_config *c)
{
	return c->has_rings || c->has_indir || c->has_key || c->has_ntuple;
}

int dl_rss_config__table(const struct dl_rss_config *c, struct dl_rss_table *tbl)
{
	memset(tbl, 0, sizeof(*tbl));
	if (!c->has_indir || !c->has_key)
		return -ENODATA;
	/* hfunc 0: the driver did not say; Toeplitz is what nearly all use. */
	if ((c->has_hfunc && c->hfunc && c->hfunc != DL_RSS_HASH_TOP) ||
	    c->input_xfrm & DL_RSS_XFRM_SYM_XOR)
		return -EOPNOTSUPP;
	tbl->indir = c->indir;
	tbl->indir_size = c->indir_size;
	tbl->key = c->key;
	tbl->key_len = c->key_size;
	/* Without GRXFH, assume the common default: 4-tuple for TCP and UDP. */
	tbl->ports_tcp = c->has_hash_fields ? c->ports_tcp : true;
	tbl->ports_udp = c->has_hash_fields ? c->ports_udp : true;
	return 0;
}

const char *dl_rss_config__hfunc_name(__u32 hfunc, char *buf, size_t len)
{
	switch (hfunc) {
	case 0: return "unknown";
	case DL_RSS_HASH_TOP: return "toeplitz";
	case DL_RSS_HASH_XOR: return "xor";
	case DL_RSS_HASH_CRC32: return "crc32";
	default:
		snprintf(buf, len, "0x%x", hfunc);
		return buf;
	}
}

int dl_rss_config__summary(const struct dl_rss_config *c, char *buf, size_t len)
{
	size_t off;
	char hf[16];

#define ADD(...) (off += snprintf(buf + (off < len ? off : len), \
				  off < len ? len - off : 0, __VA_ARGS__))
	off = 0;
	if (len)
		buf[0] = 0;
	if (!dl_rss_config__exposed(c))
		return ADD("%s: RSS not exposed by the driver", c->ifname);
	ADD("%s:", c->ifname);
	if (c->has_rings)
		ADD(" %u RX rings", c->rx_rings);
	else
		ADD(" RX rings n/a");
	if (c->has_indir) {
		__u64 qs = 0;
		char list[DL_STEER_TEXT_MAX];
		__u32 i;

		for (i = 0; i < c->indir_size; i++)
			if (c->indir[i] < DL_STEER_QUEUES)
				qs |= 1ull << c->indir[i];
		dl_steer_queues__format(qs, list, sizeof(list));
		ADD(", indirection table %u entries over queues %s", c->indir_size, list);
	} else {
		ADD(", indirection table n/a");
	}
	if (c->has_key)
		ADD(", key %u bytes", c->key_size);
	else
		ADD(", key n/a");
	if (c->has_hfunc)
		ADD(", hash %s%s", dl_rss_config__hfunc_name(c->hfunc, hf, sizeof(hf)),
		    c->input_xfrm & DL_RSS_XFRM_SYM_XOR ? " (symmetric)" : "");
	if (c->has_ntuple)
		ADD(", %u ntuple rule%s", c->ntuple_total, c->ntuple_total == 1 ? "" : "s");
	else
		ADD(", ntuple n/a");
	if (c->ntuple_skipped)
		ADD(" (%u not expressible: %s)", c->ntuple_skipped, c->ntuple_notes);
#undef ADD
	return off;
}
