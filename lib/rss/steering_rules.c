// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parser and matcher of steering rules; the grammar is in steering_rules.h.
 * Each error names the offending token, so an operator can fix a file from
 * the message alone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rss/steering_rules.h"
#include "util/tsv.h"

#define MAX_TOKENS 32
#define ETH_P_IP_BE htons(0x0800)
#define ETH_P_IPV6_BE htons(0x86DD)

struct dl_steer_rules {
	char *name;
	struct dl_steer_rule *v;
	size_t n;
	size_t cap;
	int def;		/* index of the default rule, -1 if none */
};

static const char *const proto_names[] = {
	[DL_STEER_ANY] = "any",
	[DL_STEER_IP] = "ip",
	[DL_STEER_IP6] = "ip6",
	[DL_STEER_TCP] = "tcp",
	[DL_STEER_UDP] = "udp",
	[DL_STEER_ICMP] = "icmp",
};

static int fail(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Split on blanks; "->" is a token of its own even when glued to others. */
static int tokenize(char *s, char **tok, int max)
{
	int n = 0;

	while (*s) {
		char *arrow;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n == max)
			return -1;
		if (!strncmp(s, "->", 2)) {
			tok[n++] = "->";
			s += 2;
			continue;
		}
		tok[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && strncmp(s, "->", 2))
			s++;
		arrow = !strncmp(s, "->", 2) ? s : NULL;
		if (arrow) {
			/* Terminate the word; the arrow is emitted next round. */
			if (n == max)
				return -1;
			*arrow = 0;
			tok[n++] = "->";
			s = arrow + 2;
			continue;
		}
		if (*s)
			*s++ = 0;
	}
	return n;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno || *end || *v > max)
		return -1;
	return 0;
}

static int parse_ports(const char *tok, const char *what, struct dl_steer_ports *p,
		       char *why, size_t why_len)
{
	char buf[32], *dash;
	unsigned long lo, hi;

	if (strlen(tok) >= sizeof(buf))
		return fail(why, why_len, "bad %s '%.20s...': expected N or N-M (0-65535)", what, tok);
	strcpy(buf, tok);
	dash = strchr(buf, '-');
	if (dash)
		*dash = 0;
	if (parse_uint(buf, 65535, &lo) || (dash && parse_uint(dash + 1, 65535, &hi)))
		return fail(why, why_len, "bad %s '%s': expected N or N-M (0-65535)", what, tok);
	if (!dash)
		hi = lo;
	if (lo > hi)
		return fail(why, why_len, "bad %s range '%s': %lu is above %lu", what, tok, lo, hi);
	p->set = true;
	p->lo = lo;
	p->hi = hi;
	return 0;
}

static void mask_prefix(const __u32 *addr, int words, int len, __u32 *masked)
{
	int i;

	for (i = 0; i < words; i++) {
		int bits = len - 32 * i;
		__u32 m = bits >= 32 ? 0xffffffffu : bits <= 0 ? 0 : ~0u << (32 - bits);

		masked[i] = addr[i] & htonl(m);
	}
}

static int parse_prefix(const char *tok, const char *what, struct dl_steer_prefix *p,
			char *why, size_t why_len)
{
	char buf[64], *slash, shown[64];
	unsigned long len;
	__u32 masked[4];
	int family, max;

	if (strlen(tok) >= sizeof(buf))
		return fail(why, why_len, "bad %s address '%.40s...'", what, tok);
	strcpy(buf, tok);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	max = family == AF_INET ? 32 : 128;
	memset(p, 0, sizeof(*p));
	if (inet_pton(family, buf, p->addr) != 1)
		return fail(why, why_len, "bad %s address '%s'", what, tok);
	if (slash && parse_uint(slash, max, &len))
		return fail(why, why_len, "bad %s address '%s': prefix length must be 0-%d",
			    what, tok, max);
	if (!slash)
		len = max;
	mask_prefix(p->addr, max / 32, len, masked);
	if (memcmp(masked, p->addr, max / 8)) {
		inet_ntop(family, masked, shown, sizeof(shown));
		return fail(why, why_len, "bad %s address '%s': host bits set (did you mean %s/%lu?)",
			    what, tok, shown, len);
	}
	p->family = family;
	p->len = len;
	return 0;
}

static int parse_queue_list(const char *tok, __u64 *queues, char *why, size_t why_len)
{
	char buf[DL_STEER_LINE_MAX], *item, *save = NULL;
	unsigned long lo, hi, q;

	if (strlen(tok) >= sizeof(buf))
		return fail(why, why_len, "bad queue list");
	strcpy(buf, tok);
	*queues = 0;
	if (!*buf || buf[strlen(buf) - 1] == ',' || *buf == ',' || strstr(buf, ",,"))
		return fail(why, why_len, "bad queue list '%s': expected N, N-M or N,M,...", tok);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(item, '-');

		if (dash)
			*dash = 0;
		if (parse_uint(item, 0xffffffff, &lo) ||
		    (dash && parse_uint(dash + 1, 0xffffffff, &hi)))
			return fail(why, why_len, "bad queue list '%s': expected N, N-M or N,M,...", tok);
		if (!dash)
			hi = lo;
		if (lo > hi)
			return fail(why, why_len, "bad queue list '%s': range %lu-%lu runs backwards",
				    tok, lo, hi);
		if (hi >= DL_STEER_QUEUES)
			return fail(why, why_len, "bad queue list '%s': queue %lu out of range (0-%d)",
				    tok, hi, DL_STEER_QUEUES - 1);
		for (q = lo; q <= hi; q++)
			*queues |= 1ull << q;
	}
	return 0;
}

static int parse_action(char **tok, int n, struct dl_steer_rule *r, char *why, size_t why_len)
{
	unsigned long q;
	int used;

	if (!n)
		return fail(why, why_len, "missing action after '->' (expected 'queue N' or 'queues LIST')");
	if (!strcmp(tok[0], "queue")) {
		if (n < 2)
			return fail(why, why_len, "missing queue number after 'queue'");
		if (parse_uint(tok[1], 0xffffffff, &q))
			return fail(why, why_len, "bad queue '%s': expected a number (0-%d)",
				    tok[1], DL_STEER_QUEUES - 1);
		if (q >= DL_STEER_QUEUES)
			return fail(why, why_len, "queue %lu out of range (0-%d)", q,
				    DL_STEER_QUEUES - 1);
		r->queues = 1ull << q;
		if (n > 2 && !strcmp(tok[2], "even"))
			return fail(why, why_len, "'even' needs 'queues LIST', not a single queue");
		used = 2;
	} else if (!strcmp(tok[0], "queues")) {
		if (n < 2)
			return fail(why, why_len, "missing queue list after 'queues'");
		if (parse_queue_list(tok[1], &r->queues, why, why_len))
			return -EINVAL;
		used = 2;
		if (n > 2 && !strcmp(tok[2], "even")) {
			r->even = true;
			used = 3;
		}
	} else {
		return fail(why, why_len, "unknown action '%s' (expected 'queue N' or 'queues LIST')",
			    tok[0]);
	}
	if (n > used)
		return fail(why, why_len, "trailing '%s' after the action", tok[used]);
	return 0;
}

static int set_family(struct dl_steer_rule *r, int family, const char *tok,
		      char *why, size_t why_len)
{
	if (r->family && r->family != family)
		return fail(why, why_len, "address '%s' is IPv%d but the rule is IPv%d",
			    tok, family == AF_INET ? 4 : 6, r->family == AF_INET ? 4 : 6);
	r->family = family;
	return 0;
}

static int parse_match(char **tok, int n, struct dl_steer_rule *r, char *why, size_t why_len)
{
	int i, p;

	for (p = 0; p <= DL_STEER_ICMP; p++)
		if (!strcmp(tok[0], proto_names[p]))
			break;
	if (p > DL_STEER_ICMP)
		return fail(why, why_len,
			    "unknown protocol '%s' (expected tcp, udp, icmp, ip, ip6, any or default)",
			    tok[0]);
	r->proto = p;
	if (p == DL_STEER_IP)
		r->family = AF_INET;
	else if (p == DL_STEER_IP6)
		r->family = AF_INET6;

	for (i = 1; i < n; i += 2) {
		const char *kw = tok[i];
		bool is_src = !strcmp(kw, "src"), is_dst = !strcmp(kw, "dst");
		bool is_sport = !strcmp(kw, "sport"), is_dport = !strcmp(kw, "dport");
		struct dl_steer_prefix *pf = is_src ? &r->src : &r->dst;
		struct dl_steer_ports *pp = is_sport ? &r->sport : &r->dport;

		if (!is_src && !is_dst && !is_sport && !is_dport)
			return fail(why, why_len,
				    "unknown keyword '%s' (expected src, dst, sport, dport or ->)", kw);
		if (i + 1 >= n)
			return fail(why, why_len, "missing value after '%s'", kw);
		if (is_src || is_dst) {
			if (pf->family)
				return fail(why, why_len, "'%s' given twice", kw);
			if (parse_prefix(tok[i + 1], kw, pf, why, why_len) ||
			    set_family(r, pf->family, tok[i + 1], why, why_len))
				return -EINVAL;
			continue;
		}
		if (p != DL_STEER_TCP && p != DL_STEER_UDP)
			return fail(why, why_len, "'%s' needs tcp or udp, not %s", kw,
				    proto_names[p]);
		if (pp->set)
			return fail(why, why_len, "'%s' given twice", kw);
		if (parse_ports(tok[i + 1], kw, pp, why, why_len))
			return -EINVAL;
	}
	return 0;
}

int dl_steer_rule__parse(const char *text, struct dl_steer_rule *r, char *why, size_t why_len)
{
	char buf[DL_STEER_LINE_MAX], *tok[MAX_TOKENS];
	int n, arrow;

	memset(r, 0, sizeof(*r));
	if (strlen(text) >= sizeof(buf))
		return fail(why, why_len, "line too long (max %d characters)",
			    DL_STEER_LINE_MAX - 1);
	strcpy(buf, text);
	n = tokenize(buf, tok, MAX_TOKENS);
	if (n < 0)
		return fail(why, why_len, "too many words (max %d)", MAX_TOKENS);
	if (!n)
		return -ENODATA;
	for (arrow = 0; arrow < n && strcmp(tok[arrow], "->"); arrow++)
		;
	if (arrow == n)
		return fail(why, why_len, "missing '->' between match and action");
	if (!arrow)
		return fail(why, why_len, "missing match before '->'");
	if (!strcmp(tok[0], "default")) {
		if (arrow > 1)
			return fail(why, why_len, "'default' takes no match fields, found '%s'",
				    tok[1]);
		r->is_default = true;
	} else if (parse_match(tok, arrow, r, why, why_len)) {
		return -EINVAL;
	}
	return parse_action(tok + arrow + 1, n - arrow - 1, r, why, why_len);
}

struct dl_steer_rules *dl_steer_rules__new(const char *name)
{
	struct dl_steer_rules *rs = calloc(1, sizeof(*rs));

	if (!rs)
		return NULL;
	rs->name = strdup(name ? name : "rules");
	if (!rs->name) {
		free(rs);
		errno = ENOMEM;
		return NULL;
	}
	rs->def = -1;
	return rs;
}

void dl_steer_rules__free(struct dl_steer_rules *rs)
{
	if (!rs)
		return;
	free(rs->v);
	free(rs->name);
	free(rs);
}

int dl_steer_rules__add(struct dl_steer_rules *rs, const struct dl_steer_rule *r)
{
	if (r->is_default && rs->def >= 0)
		return -EEXIST;
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 16;
		struct dl_steer_rule *v = realloc(rs->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n] = *r;
	rs->v[rs->n].index = rs->n + 1;
	if (r->is_default)
		rs->def = rs->n;
	rs->n++;
	return 0;
}

/* One row: NUL refused, length checked, comment stripped, rule added. */
static int parse_row(struct dl_steer_rules *rs, const struct dl_tsv *t, char *why,
		     size_t why_len)
{
	char line[DL_STEER_LINE_MAX], msg[256];
	struct dl_steer_rule r;
	char *hash;
	int ret;

	/* A NUL inside a line would hide the rest of it: refuse. */
	if (memchr(t->line, 0, t->line_len))
		return dl_tsv__fail(t, why, why_len, "NUL byte in line");
	if (t->line_len >= DL_STEER_LINE_MAX)
		return dl_tsv__fail(t, why, why_len, "line too long (max %d characters)",
				    DL_STEER_LINE_MAX - 1);
	memcpy(line, t->line, t->line_len);
	line[t->line_len] = 0;
	hash = strchr(line, '#');
	if (hash)
		*hash = 0;
	line[strcspn(line, "\r\n")] = 0;
	ret = dl_steer_rule__parse(line, &r, msg, sizeof(msg));
	if (ret == -ENODATA)
		return 0;
	if (ret)
		return dl_tsv__fail(t, why, why_len, "%s", msg);
	r.line = t->lineno;
	ret = dl_steer_rules__add(rs, &r);
	if (ret == -EEXIST)
		return dl_tsv__fail(t, why, why_len, "duplicate default (first on line %u)",
				    rs->v[rs->def].line);
	if (ret)
		dl_tsv__fail(t, why, why_len, "%s", strerror(-ret));
	return ret;
}

/* The rules of @buf (@len bytes) as *@out, named @name in messages. */
static int parse_buf(const char *name, const char *buf, size_t len,
		     struct dl_steer_rules **out, char *why, size_t why_len)
{
	struct dl_steer_rules *rs;
	struct dl_tsv t;
	int ret = 0;

	*out = NULL;
	rs = dl_steer_rules__new(name);
	if (!rs)
		return -ENOMEM;
	dl_tsv__init(&t, buf, len, rs->name);
	while (!ret && dl_tsv__next(&t))
		ret = parse_row(rs, &t, why, why_len);
	if (ret) {
		dl_steer_rules__free(rs);
		return ret;
	}
	*out = rs;
	return 0;
}

int dl_steer_rules__parse_string(const char *name, const char *text,
				 struct dl_steer_rules **out, char *why, size_t why_len)
{
	return parse_buf(name, text, strlen(text), out, why, why_len);
}

int dl_steer_rules__parse_file(const char *path, struct dl_steer_rules **out,
			       char *why, size_t why_len)
{
	size_t len;
	char *buf;
	int ret;

	*out = NULL;
	ret = dl_tsv__read_file(path, &buf, &len, why, why_len);
	if (ret)
		return ret;
	ret = parse_buf(path, buf, len, out, why, why_len);
	free(buf);
	return ret;
}

const char *dl_steer_rules__name(const struct dl_steer_rules *rs)
{
	return rs->name;
}

size_t dl_steer_rules__count(const struct dl_steer_rules *rs)
{
	return rs->n;
}

const struct dl_steer_rule *dl_steer_rules__get(const struct dl_steer_rules *rs, size_t i)
{
	return i < rs->n ? &rs->v[i] : NULL;
}

const struct dl_steer_rule *dl_steer_rules__default(const struct dl_steer_rules *rs)
{
	return rs->def >= 0 ? &rs->v[rs->def] : NULL;
}

static bool prefix_match(const struct dl_steer_prefix *p, const __u32 *addr)
{
	__u32 masked[4];
	int words = p->family == AF_INET ? 1 : 4;

	mask_prefix(addr, words, p->len, masked);
	return !memcmp(masked, p->addr, words * 4);
}

static bool ports_match(const struct dl_steer_ports *p, __u16 port_be)
{
	__u16 port = ntohs(port_be);

	return !p->set || (port >= p->lo && port <= p->hi);
}

bool dl_steer_rule__match(const struct dl_steer_rule *r, const struct dl_flow *f)
{
	int family = f->l3proto == ETH_P_IP_BE ? AF_INET :
		     f->l3proto == ETH_P_IPV6_BE ? AF_INET6 : 0;

	if (r->is_default)
		return false;
	if (r->proto == DL_STEER_ANY && !r->family)
		return true;
	if (!family || (r->family && r->family != family))
		return false;
	switch (r->proto) {
	case DL_STEER_TCP:
		if (f->l4proto != IPPROTO_TCP)
			return false;
		break;
	case DL_STEER_UDP:
		if (f->l4proto != IPPROTO_UDP)
			return false;
		break;
	case DL_STEER_ICMP:
		if (f->l4proto != (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6))
			return false;
		break;
	default:
		break;
	}
	if (r->src.family && !prefix_match(&r->src, f->saddr))
		return false;
	if (r->dst.family && !prefix_match(&r->dst, f->daddr))
		return false;
	/* A later fragment carries no ports: a port rule cannot claim it. */
	if ((r->sport.set || r->dport.set) && f->frag)
		return false;
	return ports_match(&r->sport, f->sport) && ports_match(&r->dport, f->dport);
}

const struct dl_steer_rule *dl_steer_rules__lookup(const struct dl_steer_rules *rs,
						    const struct dl_flow *flow)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (dl_steer_rule__match(&rs->v[i], flow))
			return &rs->v[i];
	return dl_steer_rules__default(rs);
}

int dl_steer_queues__format(__u64 queues, char *buf, size_t len)
{
	size_t off = 0;
	int q = 0, end;

	if (len)
		buf[0] = 0;
	while (q < DL_STEER_QUEUES) {
		if (!(queues >> q & 1)) {
			q++;
			continue;
		}
		for (end = q; end + 1 < DL_STEER_QUEUES && (queues >> (end + 1) & 1); end++)
			;
		/* Runs of three or more read better as a range. */
		if (end - q >= 2)
			off += snprintf(buf + (off < len ? off : len), off < len ? len - off : 0,
					"%s%d-%d", off ? "," : "", q, end);
		else if (end == q)
			off += snprintf(buf + (off < len ? off : len), off < len ? len - off : 0,
					"%s%d", off ? "," : "", q);
		else
			off += snprintf(buf + (off < len ? off : len), off < len ? len - off : 0,
					"%s%d,%d", off ? "," : "", q, end);
		q = end + 1;
	}
	return off;
}

static size_t fmt_prefix(char *b, size_t len, const char *kw, const struct dl_steer_prefix *p)
{
	char a[INET6_ADDRSTRLEN];
	int max = p->family == AF_INET ? 32 : 128;

	inet_ntop(p->family, p->addr, a, sizeof(a));
	if (p->len == max)
		return snprintf(b, len, " %s %s", kw, a);
	return snprintf(b, len, " %s %s/%u", kw, a, p->len);
}

static size_t fmt_ports(char *b, size_t len, const char *kw, const struct dl_steer_ports *p)
{
	if (p->lo == p->hi)
		return snprintf(b, len, " %s %u", kw, p->lo);
	return snprintf(b, len, " %s %u-%u", kw, p->lo, p->hi);
}

#define REST(off) (buf + ((off) < len ? (off) : len)), ((off) < len ? len - (off) : 0)

int dl_steer_rule__format(const struct dl_steer_rule *r, char *buf, size_t len)
{
	char q[DL_STEER_TEXT_MAX];
	size_t off;

	if (len)
		buf[0] = 0;
	off = snprintf(REST(0), "%s", r->is_default ? "default" : proto_names[r->proto]);
	if (r->src.family)
		off += fmt_prefix(REST(off), "src", &r->src);
	if (r->dst.family)
		off += fmt_prefix(REST(off), "dst", &r->dst);
	if (r->sport.set)
		off += fmt_ports(REST(off), "sport", &r->sport);
	if (r->dport.set)
		off += fmt_ports(REST(off), "dport", &r->dport);
	dl_steer_queues__format(r->queues, q, sizeof(q));
	if (__builtin_popcountll(r->queues) == 1 && !r->even)
		off += snprintf(REST(off), " -> queue %s", q);
	else
		off += snprintf(REST(off), " -> queues %s%s", q, r->even ? " even" : "");
	return off;
}
