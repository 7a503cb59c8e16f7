/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small text helpers shared by the counter parsers: read a whole file (procfs
 * and sysfs files report size 0, so we read to EOF), walk lines with their
 * numbers for error messages, split on blanks, and parse whole tokens as
 * unsigned numbers. Buffers are (pointer, length): input may hold NUL bytes.
 */
#ifndef DL_TEXT_PARSE_H
#define DL_TEXT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest file dl_text__read_file() accepts; counter files are far smaller. */
#define DL_TEXT_MAX_FILE (16u << 20)

/*
 * Read @path into a NUL-terminated malloc'ed buffer. Returns 0, -errno from
 * open/read (-ENOENT for a missing file), or -EFBIG above DL_TEXT_MAX_FILE.
 */
int dl_text__read_file(const char *path, char **buf, size_t *len);

/*
 * Read @path and hand its text to @parse with @path as the origin for
 * messages: -errno from dl_text__read_file(), else what @parse returns.
 */
int dl_text__parse_file(const char *path,
			int (*parse)(const char *buf, size_t len, const char *origin, void *arg),
			void *arg);

/* Line iterator: lines end at '\n'; a final line without one still counts. */
struct dl_lines {
	const char *p;
	const char *end;
	unsigned int lineno;	/* number of the line last returned, from 1 */
};

void dl_lines__init(struct dl_lines *it, const char *buf, size_t len);
/* Next line without its '\n' (and without a trailing '\r'). */
bool dl_lines__next(struct dl_lines *it, const char **line, size_t *len);

/* Next blank-separated token of [*p, end); false at the end. */
bool dl_text__token(const char **p, const char *end, const char **tok, size_t *len);

/* True if [s, s+len) holds only blanks. */
bool dl_text__blank(const char *s, size_t len);

/*
 * Parse a whole token as an unsigned number in @base (10 or 16), no sign,
 * no "0x", no blanks. Returns 0, or -EBADMSG for anything else, including
 * overflow of 64 bits.
 */
int dl_text__u64(const char *s, size_t len, int base, uint64_t *val);

/* Copy [s, s+len) into a new NUL-terminated string; NULL + errno on failure. */
char *dl_text__strndup(const char *s, size_t len);

#endif
