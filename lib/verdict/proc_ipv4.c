// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsers of /proc/net/igmp, /proc/net/route and /proc/net/arp; see
 * proc_ipv4.h. The kernel prints IPv4 addresses in igmp and route as the
 * in-memory __be32 read as a host integer ("%08X"), so the number parsed
 * back is already the s_addr of the address, on either byte order.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "verdict/proc_ipv4.h"
#include "util/text_parse.h"

/* Room for one more element in a growing array; NULL on ENOMEM. */
static void *grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (n < *cap)
		return (char *)*arr + n * elem;
	*cap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, *cap * elem);
	if (!p)
		return NULL;
	*arr = p;
	return (char *)p + n * elem;
}

/* A token of up to 8 hex digits as an address (see the file header). */
static int hex_addr(const char *s, size_t len, struct in_addr *a)
{
	uint64_t v;

	if (len > 8 || dl_text__u64(s, len, 16, &v))
		return -EBADMSG;
	a->s_addr = (uint32_t)v;
	return 0;
}

/* A "0x..." token as a number. */
static int hex_prefixed(const char *s, size_t len, unsigned int *out)
{
	uint64_t v;

	if (len < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') ||
	    dl_text__u64(s + 2, len - 2, 16, &v) || v > UINT32_MAX)
		return -EBADMSG;
	*out = (unsigned int)v;
	return 0;
}

static int dec_uint(const char *s, size_t len, unsigned int *out)
{
	uint64_t v;

	if (dl_text__u64(s, len, 10, &v) || v > UINT32_MAX)
		return -EBADMSG;
	*out = (unsigned int)v;
	return 0;
}

static void copy_name(char *dst, size_t dlen, const char *s, size_t len)
{
	if (len >= dlen)
		len = dlen - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static int starts_with(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(line, prefix, n);
}

/*
 * "2\tv0b       : 1 V3": index, then the name up to ':' (a name of ten or
 * more characters touches the colon; names never contain one).
 */
static int igmp_device(const char *line, size_t len, int *ifindex, char *name)
{
	const char *p = line, *end = line + len, *tok, *n0;
	unsigned int idx;
	size_t tl;

	if (!dl_text__token(&p, end, &tok, &tl) || dec_uint(tok, tl, &idx) ||
	    idx > INT32_MAX)
		return -EBADMSG;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	n0 = p;
	while (p < end && *p != ':' && *p != ' ' && *p != '\t')
		p++;
	if (p == n0)
		return -EBADMSG;
	copy_name(name, IF_NAMESIZE, n0, p - n0);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p != ':')
		return -EBADMSG;
	*ifindex = (int)idx;
	return 0;
}

int dl_igmp__parse(const char *text, size_t len, struct dl_igmp_group **groups,
		   size_t *n, unsigned int *malformed)
{
	struct dl_igmp_group *arr = NULL;
	char dev[IF_NAMESIZE] = "";
	size_t cap = 0, cnt = 0;
	unsigned int bad = 0;
	struct dl_lines it;
	const char *line;
	int ifindex = -1;
	size_t ll;

	if (!text || !groups || !n || !malformed)
		return -EINVAL;
	dl_lines__init(&it, text, len);
	while (dl_lines__next(&it, &line, &ll)) {
		const char *p = line, *end = line + ll, *tok;
		struct dl_igmp_group *g;
		struct in_addr a;
		unsigned int users;
		size_t tl;

		if (dl_text__blank(line, ll) || starts_with(line, ll, "Idx"))
			continue;
		if (line[0] != ' ' && line[0] != '\t') {
			/* A device header; its groups follow on indented lines. */
			if (igmp_device(line, ll, &ifindex, dev)) {
				bad++;
				ifindex = -1;
			}
			continue;
		}
		if (ifindex < 0 || !dl_text__token(&p, end, &tok, &tl) ||
		    hex_addr(tok, tl, &a) || !dl_text__token(&p, end, &tok, &tl) ||
		    dec_uint(tok, tl, &users)) {
			bad++;
			continue;
		}
		g = grow((void **)&arr, &cap, cnt, sizeof(*arr));
		if (!g) {
			free(arr);
			return -ENOMEM;
		}
		g->ifindex = ifindex;
		memcpy(g->ifname, dev, sizeof(g->ifname));
		g->group = a;
		g->users = users;
		cnt++;
	}
	*groups = arr;
	*n = cnt;
	*malformed = bad;
	return 0;
}

/*
 * The table loop of route, arp and the socket tables: @row fills @elem from
 * one line and returns 1 (a row), 0 (a header or blank line) or -EBADMSG
 * (counted in @malformed and skipped). Conventions of dl_igmp__parse().
 */
static int parse_rows(const char *text, size_t len, size_t elem, void **out, size_t *n,
		      unsigned int *malformed, int (*row)(const char *line, size_t ll, void *e))
{
	_Alignas(max_align_t) char tmp[64];
	char *arr = NULL;
	size_t cap = 0, cnt = 0;
	unsigned int bad = 0;
	struct dl_lines it;
	const char *line;
	size_t ll;

	if (!text || !out || !n || !malformed || elem > sizeof(tmp))
		return -EINVAL;
	dl_lines__init(&it, text, len);
	while (dl_lines__next(&it, &line, &ll)) {
		void *slot;
		int r;

		memset(tmp, 0, elem);
		r = row(line, ll, tmp);
		if (r < 0)
			bad++;
		if (r <= 0)
			continue;
		slot = grow((void **)&arr, &cap, cnt, elem);
		if (!slot) {
			free(arr);
			return -ENOMEM;
		}
		memcpy(slot, tmp, elem);
		cnt++;
	}
	*out = arr;
	*n = cnt;
	*malformed = bad;
	return 0;
}

static int route_row(const char *line, size_t ll, void *e)
{
	const char *p = line, *end = line + ll, *tok[8];
	struct dl_route4 *r = e;
	unsigned int refcnt, use;
	uint64_t flags;
	size_t tl[8];
	int i;

	if (dl_text__blank(line, ll) || starts_with(line, ll, "Iface"))
		return 0;
	for (i = 0; i < 8; i++)
		if (!dl_text__token(&p, end, &tok[i], &tl[i]))
			break;
	/* Iface Destination Gateway Flags RefCnt Use Metric Mask ... */
	if (i < 8 || hex_addr(tok[1], tl[1], &r->dst) ||
	    hex_addr(tok[2], tl[2], &r->gw) ||
	    dl_text__u64(tok[3], tl[3], 16, &flags) || flags > UINT32_MAX ||
	    dec_uint(tok[4], tl[4], &refcnt) || dec_uint(tok[5], tl[5], &use) ||
	    dec_uint(tok[6], tl[6], &r->metric) ||
	    hex_addr(tok[7], tl[7], &r->mask))
		return -EBADMSG;
	copy_name(r->ifname, sizeof(r->ifname), tok[0], tl[0]);
	r->flags = (unsigned int)flags;
	r->plen = __builtin_popcount(r->mask.s_addr);
	return 1;
}

int dl_route4__parse(const char *text, size_t len, struct dl_route4 **routes,
		     size_t *n, unsigned int *malformed)
{
	return parse_rows(text, len, sizeof(**routes), (void **)routes, n, malformed,
			  route_row);
}

const struct dl_route4 *dl_route4__lookup(const struct dl_route4 *routes,
					  size_t n, struct in_addr addr)
{
	const struct dl_route4 *best = NULL;
	size_t i;

	for (i = 0; routes && i < n; i++) {
		const struct dl_route4 *r = &routes[i];

		if (!(r->flags & 0x1) ||	/* RTF_UP */
		    (addr.s_addr & r->mask.s_addr) != r->dst.s_addr)
			continue;
		if (!best || r->plen > best->plen ||
		    (r->plen == best->plen && r->metric < best->metric))
			best = r;
	}
	return best;
}

static int arp_row(const char *line, size_t ll, void *e)
{
	const char *p = line, *end = line + ll, *tok[6];
	struct dl_arp_entry *a = e;
	char ip[INET_ADDRSTRLEN];
	unsigned int hwtype;
	size_t tl[6];
	int i;

	if (dl_text__blank(line, ll) || starts_with(line, ll, "IP address"))
		return 0;
	for (i = 0; i < 6; i++)
		if (!dl_text__token(&p, end, &tok[i], &tl[i]))
			break;
	/* IP address, HW type, Flags, HW address, Mask, Device */
	if (i < 6 || tl[0] >= sizeof(ip) || tl[3] >= sizeof(a->lladdr) ||
	    hex_prefixed(tok[1], tl[1], &hwtype) || hex_prefixed(tok[2], tl[2], &a->flags))
		return -EBADMSG;
	copy_name(ip, sizeof(ip), tok[0], tl[0]);
	if (inet_pton(AF_INET, ip, &a->addr) != 1)
		return -EBADMSG;
	copy_name(a->lladdr, sizeof(a->lladdr), tok[3], tl[3]);
	copy_name(a->ifname, sizeof(a->ifname), tok[5], tl[5]);
	return 1;
}

int dl_arp__parse(const char *text, size_t len, struct dl_arp_entry **entries,
		  size_t *n, unsigned int *malformed)
{
	return parse_rows(text, len, sizeof(**entries), (void **)entries, n, malformed,
			  arp_row);
}

/* "0100007F:2328": the address as the kernel prints a __be32, then the port. */
static int sock_local(const char *s, size_t len, struct dl_sock4 *k)
{
	const char *colon = memchr(s, ':', len);
	uint64_t port;

	size_t i;

	if (!colon)
		return -EBADMSG;
	if (colon - s == 32) {
		/* IPv6: only "some v6 address" matters to the verdict. */
		for (i = 0; i < 32; i++)
			if (!isxdigit((unsigned char)s[i]))
				return -EBADMSG;
		k->v6 = true;
	} else if (hex_addr(s, colon - s, &k->addr)) {
		return -EBADMSG;
	}
	if (dl_text__u64(colon + 1, len - (colon + 1 - s), 16, &port) || port > 0xffff)
		return -EBADMSG;
	k->port = (unsigned int)port;
	return 0;
}

static int sock_row(const char *line, size_t ll, void *e)
{
	const char *p = line, *end = line + ll, *tok[4];
	struct dl_sock4 *k = e;
	size_t tl[4];
	uint64_t st;
	int i;

	if (dl_text__blank(line, ll))
		return 0;
	for (i = 0; i < 4; i++)
		if (!dl_text__token(&p, end, &tok[i], &tl[i]))
			break;
	/* sl, local_address, rem_address, st; the header says "sl". */
	if (i == 4 && tl[0] == 2 && !memcmp(tok[0], "sl", 2))
		return 0;
	if (i < 4 || sock_local(tok[1], tl[1], k) ||
	    dl_text__u64(tok[3], tl[3], 16, &st) || st > 0xff)
		return -EBADMSG;
	k->state = (unsigned int)st;
	return 1;
}

int dl_sock4__parse(const char *text, size_t len, struct dl_sock4 **socks,
		    size_t *n, unsigned int *malformed)
{
	return parse_rows(text, len, sizeof(**socks), (void **)socks, n, malformed,
			  sock_row);
}
