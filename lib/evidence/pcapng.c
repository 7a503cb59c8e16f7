// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcapng writer (see pcapng.h). Layout per the pcapng specification
 * (draft-ietf-opsawg-pcapng): blocks and options padded to 32 bits, the
 * total length repeated at the end of every block, host byte order with
 * the byte-order magic telling readers which.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence/pcapng.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define OPT_END 0
#define OPT_COMMENT 1
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define FLUSH_AT 65536
#define OPT_MAX 65535	/* option length is 16 bits */

struct dl_pcapng {
	int fd;
	int err;		/* first write error: sticky */
	unsigned int nifs;
	unsigned char *buf;
	size_t len, cap;
	uint64_t written;
};

static int reserve(struct dl_pcapng *w, size_t more)
{
	unsigned char *nb;
	size_t cap;

	if (w->len + more <= w->cap)
		return 0;
	cap = w->cap ? w->cap : FLUSH_AT * 2;
	while (cap < w->len + more)
		cap *= 2;
	nb = realloc(w->buf, cap);
	if (!nb)
		return -ENOMEM;
	w->buf = nb;
	w->cap = cap;
	return 0;
}

static void put(struct dl_pcapng *w, const void *p, size_t n)
{
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put32(struct dl_pcapng *w, uint32_t v)
{
	put(w, &v, 4);
}

static void put16(struct dl_pcapng *w, uint16_t v)
{
	put(w, &v, 2);
}

static void pad4(struct dl_pcapng *w, size_t n)
{
	static const unsigned char zero[4];

	put(w, zero, (4 - (n & 3)) & 3);
}

static size_t opt_size(size_t n)
{
	return 4 + ((n + 3) & ~(size_t)3);
}

static size_t str_len(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > OPT_MAX ? OPT_MAX : n;
}

static void put_opt(struct dl_pcapng *w, uint16_t code, const void *v, size_t n)
{
	put16(w, code);
	put16(w, (uint16_t)n);
	put(w, v, n);
	pad4(w, n);
}

/* Close a block begun at @start: patch and append its total length. */
static void end_block(struct dl_pcapng *w, size_t start)
{
	uint32_t total = (uint32_t)(w->len - start + 4);

	put32(w, total);
	memcpy(w->buf + start + 4, &total, 4);
}

struct dl_pcapng *dl_pcapng__new(int fd, const char *appl)
{
	struct dl_pcapng *w = calloc(1, sizeof(*w));
	size_t start, an = str_len(appl);
	int64_t section_len = -1;	/* unknown: we stream */

	if (!w)
		return NULL;
	w->fd = fd;
	if (reserve(w, 32 + opt_size(an))) {
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	start = w->len;
	put32(w, BT_SHB);
	put32(w, 0);
	put32(w, 0x1A2B3C4Du);
	put16(w, 1);
	put16(w, 0);
	put(w, &section_len, 8);
	if (an)
		put_opt(w, SHB_USERAPPL, appl, an);
	put32(w, OPT_END);
	end_block(w, start);
	return w;
}

int dl_pcapng__add_if(struct dl_pcapng *w, const char *name, const char *descr,
		      uint16_t linktype, uint32_t snaplen)
{
	size_t nn = str_len(name), dn = str_len(descr), start;
	uint8_t tsresol = 9;	/* nanoseconds */

	if (w->err)
		return w->err;
	if (reserve(w, 32 + opt_size(nn) + opt_size(dn) + opt_size(1)))
		return -ENOMEM;
	start = w->len;
	put32(w, BT_IDB);
	put32(w, 0);
	put16(w, linktype);
	put16(w, 0);
	put32(w, snaplen);
	if (nn)
		put_opt(w, IF_NAME, name, nn);
	if (dn)
		put_opt(w, IF_DESCRIPTION, descr, dn);
	put_opt(w, IF_TSRESOL, &tsresol, 1);
	put32(w, OPT_END);
	end_block(w, start);
	return (int)w->nifs++;
}

int dl_pcapng__packet(struct dl_pcapng *w, uint32_t if_id, uint64_t ts_ns,
		      const void *data, uint32_t caplen, uint32_t len,
		      const char *comment)
{
	size_t cn = str_len(comment), start;
	int err;

	if (w->err)
		return w->err;
	if (if_id >= w->nifs)
		return -EINVAL;
	if (reserve(w, 40 + caplen + 3 + opt_size(cn)))
		return -ENOMEM;
	start = w->len;
	put32(w, BT_EPB);
	put32(w, 0);
	put32(w, if_id);
	put32(w, (uint32_t)(ts_ns >> 32));
	put32(w, (uint32_t)ts_ns);
	put32(w, caplen);
	put32(w, len);
	put(w, data, caplen);
	pad4(w, caplen);
	if (cn) {
		put_opt(w, OPT_COMMENT, comment, cn);
		put32(w, OPT_END);
	}
	end_block(w, start);
	if (w->len >= FLUSH_AT) {
		err = dl_pcapng__flush(w);
		if (err)
			return err;
	}
	return 0;
}

int dl_pcapng__flush(struct dl_pcapng *w)
{
	size_t off = 0;
	ssize_t n;

	if (w->err)
		return w->err;
	while (off < w->len) {
		n = write(w->fd, w->buf + off, w->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			w->err = n < 0 ? -errno : -ENOSPC;
			return w->err;
		}
		off += (size_t)n;
		w->written += (uint64_t)n;
	}
	w->len = 0;
	return 0;
}

uint64_t dl_pcapng__bytes(const struct dl_pcapng *w)
{
	return w->written;
}

int dl_pcapng__close(struct dl_pcapng *w)
{
	int err;

	if (!w)
		return 0;
	err = dl_pcapng__flush(w);
	free(w->buf);
	free(w);
	return err;
}
