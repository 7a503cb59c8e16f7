// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text helpers for the counter parsers; see text_parse.h. Everything works
 * on explicit lengths so that a garbage file with NUL bytes is just garbage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/text_parse.h"

int dl_text__read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = NULL, *nb;
	ssize_t r;
	int fd, err;

	if (!path || !buf || !len)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	b = malloc(cap);
	if (!b) {
		err = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		if (cap - n < 2) {
			if (cap >= DL_TEXT_MAX_FILE) {
				err = -EFBIG;
				goto out_free;
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				goto out_free;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out_free;
		}
		if (r == 0)
			break;
		n += r;
	}
	b[n] = '\0';
	close(fd);
	*buf = b;
	*len = n;
	return 0;

out_free:
	free(b);
out_close:
	close(fd);
	return err;
}

int dl_text__parse_file(const char *path,
			int (*parse)(const char *buf, size_t len, const char *origin, void *arg),
			void *arg)
{
	size_t len;
	char *buf;
	int err;

	err = dl_text__read_file(path, &buf, &len);
	if (err)
		return err;
	err = parse(buf, len, path, arg);
	free(buf);
	return err;
}

void dl_lines__init(struct dl_lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->lineno = 0;
}

bool dl_lines__next(struct dl_lines *it, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', it->end - it->p);
	n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	*line = it->p;
	if (n && it->p[n - 1] == '\r')
		n--;
	*len = n;
	it->p = nl ? nl + 1 : it->end;
	it->lineno++;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool dl_text__token(const char **p, const char *end, const char **tok, size_t *len)
{
	const char *s = *p;

	while (s < end && is_blank(*s))
		s++;
	if (s >= end) {
		*p = s;
		return false;
	}
	*tok = s;
	while (s < end && !is_blank(*s))
		s++;
	*len = s - *tok;
	*p = s;
	return true;
}

bool dl_text__blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!is_blank(s[i]))
			return false;
	return true;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int dl_text__u64(const char *s, size_t len, int base, uint64_t *val)
{
	uint64_t v = 0;

	if (!len || (base != 10 && base != 16))
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		int d = digit_value(s[i]);

		if (d >= base)
			return -EBADMSG;
		if (v > (UINT64_MAX - d) / base)
			return -EBADMSG;
		v = v * base + d;
	}
	*val = v;
	return 0;
}

char *dl_text__strndup(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (!d)
		return NULL;
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}
