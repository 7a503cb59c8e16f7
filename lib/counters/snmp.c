// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parser for the kernel's MIB counter files; see snmp.h. A group's header and
 * value lines are checked against each other, so a file cut between them or
 * in the middle of a value line is refused instead of misread.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "counters/snmp.h"
#include "util/text_parse.h"

struct snmp_entry {
	char *group;
	char *name;
	uint64_t value;
};

struct dl_snmp {
	size_t n, cap;
	struct snmp_entry *e;
};

/* Most groups have < 150 counters; TcpExt is the biggest. */
#define MAX_TOKENS 1024

int dl_snmp__new(struct dl_snmp **out)
{
	if (!out)
		return -EINVAL;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

void dl_snmp__free(struct dl_snmp *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].group);
		free(t->e[i].name);
	}
	free(t->e);
	free(t);
}

static struct snmp_entry *find(const struct dl_snmp *t, const char *group,
			       size_t glen, const char *name, size_t nlen)
{
	for (size_t i = 0; i < t->n; i++) {
		struct snmp_entry *e = &t->e[i];

		if (strlen(e->name) != nlen || memcmp(e->name, name, nlen))
			continue;
		if (group && (strlen(e->group) != glen || memcmp(e->group, group, glen)))
			continue;
		return e;
	}
	return NULL;
}

static int add(struct dl_snmp *t, const char *g, size_t glen, const char *n,
	       size_t nlen, uint64_t v)
{
	struct snmp_entry *e = find(t, g, glen, n, nlen);

	/* A later file printing the same counter replaces it (re-reads). */
	if (e) {
		e->value = v;
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct snmp_entry *ne = realloc(t->e, cap * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		t->e = ne;
		t->cap = cap;
	}
	e = &t->e[t->n];
	e->group = dl_text__strndup(g, glen);
	e->name = dl_text__strndup(n, nlen);
	if (!e->group || !e->name) {
		free(e->group);
		free(e->name);
		return -ENOMEM;
	}
	e->value = v;
	t->n++;
	return 0;
}

/* A decimal value, possibly negative (Tcp MaxConn -1). */
static int parse_value(const char *s, size_t len, uint64_t *v)
{
	if (len > 1 && s[0] == '-') {
		int err = dl_text__u64(s + 1, len - 1, 10, v);

		if (!err)
			*v = -*v;
		return err;
	}
	return dl_text__u64(s, len, 10, v);
}

static bool is_name(const char *s, size_t len)
{
	uint64_t v;

	return len && parse_value(s, len, &v) != 0;
}

struct tokens {
	unsigned int n;
	const char *s[MAX_TOKENS];
	size_t len[MAX_TOKENS];
};

static int split(const char *line, size_t len, struct tokens *tk)
{
	const char *p = line;

	tk->n = 0;
	while (dl_text__token(&p, line + len, &tk->s[tk->n], &tk->len[tk->n]))
		if (++tk->n == MAX_TOKENS)
			return -EBADMSG;
	return 0;
}

/* Group of an snmp6 name: up to and including the first '6' ("Udp6", "Ip6"). */
static size_t snmp6_group_len(const char *s, size_t len)
{
	const char *six = memchr(s, '6', len);

	return six ? (size_t)(six - s) + 1 : 0;
}

static int parse_pair(struct dl_snmp *t, const struct tokens *hdr,
		      const struct tokens *val, const char *origin, unsigned int lineno)
{
	size_t glen = hdr->len[0] - 1;
	uint64_t v;
	int err;

	if (val->len[0] != hdr->len[0] || memcmp(val->s[0], hdr->s[0], hdr->len[0])) {
		pr_warn("%s:%u: expected the values of group '%.*s'\n", origin, lineno,
			(int)glen, hdr->s[0]);
		return -EBADMSG;
	}
	if (val->n != hdr->n) {
		pr_warn("%s:%u: group '%.*s' has %u names but %u values\n", origin, lineno,
			(int)glen, hdr->s[0], hdr->n - 1, val->n - 1);
		return -EBADMSG;
	}
	for (unsigned int i = 1; i < hdr->n; i++) {
		if (!is_name(hdr->s[i], hdr->len[i])) {
			pr_warn("%s:%u: '%.*s' is not a counter name\n", origin, lineno - 1,
				(int)hdr->len[i], hdr->s[i]);
			return -EBADMSG;
		}
		if (parse_value(val->s[i], val->len[i], &v)) {
			pr_warn("%s:%u: value %u of '%.*s' is not a number\n", origin, lineno,
				i, (int)glen, hdr->s[0]);
			return -EBADMSG;
		}
	}
	for (unsigned int i = 1; i < hdr->n; i++) {
		parse_value(val->s[i], val->len[i], &v);
		err = add(t, hdr->s[0], glen, hdr->s[i], hdr->len[i], v);
		if (err)
			return err;
	}
	return 0;
}

int dl_snmp__parse(struct dl_snmp *t, const char *buf, size_t len, const char *origin)
{
	struct tokens *hdr, *val;
	struct dl_lines it;
	const char *line;
	size_t llen, before;
	unsigned int found = 0;
	uint64_t v;
	int err = 0;

	if (!t || !buf)
		return -EINVAL;
	if (!origin)
		origin = "snmp";
	hdr = malloc(sizeof(*hdr));
	val = malloc(sizeof(*val));
	if (!hdr || !val) {
		err = -ENOMEM;
		goto out;
	}
	before = t->n;
	dl_lines__init(&it, buf, len);
	while (dl_lines__next(&it, &line, &llen)) {
		if (dl_text__blank(line, llen))
			continue;
		if (split(line, llen, hdr)) {
			pr_warn("%s:%u: more than %d fields\n", origin, it.lineno, MAX_TOKENS);
			err = -EBADMSG;
			goto undo;
		}
		if (hdr->len[0] > 1 && hdr->s[0][hdr->len[0] - 1] == ':') {
			/* snmp/netstat: this is a header, its values come next. */
			if (!dl_lines__next(&it, &line, &llen)) {
				pr_warn("%s:%u: group '%.*s' has no value line\n", origin,
					it.lineno, (int)hdr->len[0] - 1, hdr->s[0]);
				err = -EBADMSG;
				goto undo;
			}
			if (split(line, llen, val) || !val->n) {
				pr_warn("%s:%u: bad value line\n", origin, it.lineno);
				err = -EBADMSG;
				goto undo;
			}
			err = parse_pair(t, hdr, val, origin, it.lineno);
			if (err)
				goto undo;
			found += hdr->n - 1;
			continue;
		}
		/* snmp6: "Ip6InReceives  1234" */
		if (hdr->n == 2 && is_name(hdr->s[0], hdr->len[0]) &&
		    !parse_value(hdr->s[1], hdr->len[1], &v)) {
			size_t gl = snmp6_group_len(hdr->s[0], hdr->len[0]);

			err = add(t, hdr->s[0], gl, hdr->s[0] + gl, hdr->len[0] - gl, v);
			if (err)
				goto undo;
			found++;
			continue;
		}
		pr_warn("%s:%u: neither 'Group: names' nor 'name value'\n", origin, it.lineno);
		err = -EBADMSG;
		goto undo;
	}
	if (!found) {
		pr_warn("%s: no counters\n", origin);
		err = -EBADMSG;
	}
	goto out;
undo:
	/* Drop what this call added: a half-read file is worse than none. */
	while (t->n > before) {
		t->n--;
		free(t->e[t->n].group);
		free(t->e[t->n].name);
	}
out:
	free(hdr);
	free(val);
	return err;
}

static int parse_cb(const char *buf, size_t len, const char *origin, void *t)
{
	return dl_snmp__parse(t, buf, len, origin);
}

int dl_snmp__load(struct dl_snmp *t, const char *path)
{
	if (!t || !path)
		return -EINVAL;
	return dl_text__parse_file(path, parse_cb, t);
}

int dl_snmp__read_proc(struct dl_snmp **out)
{
	struct dl_snmp *t;
	int err;

	err = dl_snmp__new(&t);
	if (err)
		return err;
	err = dl_snmp__load(t, "/proc/net/snmp");
	if (!err)
		err = dl_snmp__load(t, "/proc/net/netstat");
	if (!err) {
		err = dl_snmp__load(t, "/proc/net/snmp6");
		/* No IPv6 (ipv6.disable=1): the v6 groups are simply absent. */
		if (err == -ENOENT)
			err = 0;
	}
	if (err) {
		dl_snmp__free(t);
		return err;
	}
	*out = t;
	return 0;
}

int dl_snmp__get(const struct dl_snmp *t, const char *group, const char *name,
		 uint64_t *val)
{
	struct snmp_entry *e;

	if (!t || !name || !val)
		return -EINVAL;
	e = find(t, group, group ? strlen(group) : 0, name, strlen(name));
	if (!e)
		return -ENOENT;
	*val = e->value;
	return 0;
}

size_t dl_snmp__count(const struct dl_snmp *t)
{
	return t ? t->n : 0;
}

int dl_snmp__entry(const struct dl_snmp *t, size_t i, const char **group,
		   const char **name, uint64_t *val)
{
	if (!t)
		return -EINVAL;
	if (i >= t->n)
		return -ENOENT;
	if (group)
		*group = t->e[i].group;
	if (name)
		*name = t->e[i].name;
	if (val)
		*val = t->e[i].value;
	return 0;
}
