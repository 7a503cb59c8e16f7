/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one JSON line builder of every command: the envelope (schema, tool,
 * version, command, time, host, boot_id, seq) in front of a command's body,
 * compact by default, kept under journald's line limit by truncating flow
 * lists with a counted "flows_truncated" field. Schema: config/report.schema.json.
 */
#ifndef DL_JSON_H
#define DL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Bumped when a field changes meaning or goes away; additions keep it. */
#define DL_JSON_SCHEMA 1
/* journald's LineMax default (journald.conf(5)): longer lines are split. */
#define DL_JSON_LINE_MAX (48 * 1024)

enum {
	DL_JSON_PRETTY = 1 << 0,	/* indented, several lines (people, not logs) */
};

/* A counter as a JSON integer (clamped to INT64_MAX, never negative). */
json_t *dl_json__u64(uint64_t v);
/* A counter that may not exist: null when !@have, never a fake 0. */
json_t *dl_json__opt_u64(bool have, uint64_t v);

/* A field for dl_json__fill(). */
struct dl_json_field {
	const char *key;
	json_t *val;		/* consumed */
	bool optional;		/* NULL leaves the key out instead of failing */
};

/*
 * @root with the @n fields of @f set in order, every value consumed:
 * @root, or NULL with errno ENOMEM when @root or a value not optional is
 * NULL (then all are released). For report roots built from parts.
 */
json_t *dl_json__fill(json_t *root, const struct dl_json_field *f, size_t n);

/*
 * A new object: the envelope fields for @command, then every field of @body
 * in its order. @body is not consumed. seq is the line's number in this
 * process (1, 2, ...), counted here.
 */
json_t *dl_json__envelope(const char *command, json_t *body);

/* How every JSON line is encoded (keys in order, reals to 6 digits). */
#define DL_JSON_ENCODING (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))

/*
 * @root serialised as one line without the newline (malloc'd), at most
 * @max bytes with the newline: the largest flow lists of @root (flows,
 * top_flows, per_flow, mismatches) are halved until it fits and the number
 * of entries removed is set as "flows_truncated" in @root. NULL and errno
 * (EMSGSIZE: does not fit even without flows, ENOMEM).
 */
char *dl_json__line(json_t *root, unsigned int flags, size_t max);

/* RFC 3339 UTC with microseconds, e.g. 2026-12-02T18:16:31.123456Z. */
int dl_json__time_now(char *buf, size_t len);

#endif
