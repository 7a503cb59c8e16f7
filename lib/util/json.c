// SPDX-License-Identifier: GPL-2.0-only
/*
 * JSON envelope and line serialisation for every command; see json.h. The
 * host and boot id are read once per process: they do not change under us.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dl_config.h"
#include "util/json.h"

#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"

static atomic_ulong line_seq;

json_t *dl_json__u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

json_t *dl_json__opt_u64(bool have, uint64_t v)
{
	return have ? dl_json__u64(v) : json_null();
}

json_t *dl_json__fill(json_t *root, const struct dl_json_field *f, size_t n)
{
	bool ok = root;
	size_t i;

	for (i = 0; i < n; i++)
		ok = ok && (f[i].val || f[i].optional);
	for (i = 0; i < n; i++) {
		if (ok && f[i].val)
			json_object_set_new(root, f[i].key, f[i].val);
		else
			json_decref(f[i].val);
	}
	if (ok)
		return root;
	json_decref(root);
	errno = ENOMEM;
	return NULL;
}

int dl_json__time_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char sec[32];

	if (clock_gettime(CLOCK_REALTIME, &ts) || !gmtime_r(&ts.tv_sec, &tm) ||
	    !strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm))
		return -EINVAL;
	if ((size_t)snprintf(buf, len, "%s.%06ldZ", sec, ts.tv_nsec / 1000) >= len)
		return -ENOSPC;
	return 0;
}

/* Absent (null) rather than invented when the kernel does not say. */
static json_t *boot_id(void)
{
	static char id[40];
	static int state;	/* 0 unread, 1 read, -1 unreadable */
	FILE *f;

	if (!state) {
		state = -1;
		f = fopen(BOOT_ID_PATH, "re");
		if (f) {
			if (fgets(id, sizeof(id), f)) {
				id[strcspn(id, "\n")] = '\0';
				state = id[0] ? 1 : -1;
			}
			fclose(f);
		}
	}
	return state > 0 ? json_string(id) : json_null();
}

static json_t *host(void)
{
	char name[256];

	if (gethostname(name, sizeof(name)))
		return json_null();
	name[sizeof(name) - 1] = '\0';
	/* A hostname is bytes to the kernel; jansson wants UTF-8. */
	return json_string(name) ?: json_null();
}

json_t *dl_json__envelope(const char *command, json_t *body)
{
	json_t *o = json_object();
	char now[48];

	if (!o)
		return NULL;
	json_object_set_new(o, "schema", json_integer(DL_JSON_SCHEMA));
	json_object_set_new(o, "tool", json_string("dropledger"));
	json_object_set_new(o, "version", json_string(DL_VERSION));
	json_object_set_new(o, "command", json_string(command));
	json_object_set_new(o, "time", dl_json__time_now(now, sizeof(now)) ?
			    json_null() : json_string(now));
	json_object_set_new(o, "host", host());
	json_object_set_new(o, "boot_id", boot_id());
	json_object_set_new(o, "seq", dl_json__u64(atomic_fetch_add(&line_seq, 1) + 1));
	if (body && json_object_update(o, body)) {
		json_decref(o);
		errno = ENOMEM;
		return NULL;
	}
	return o;
}

static bool truncatable(const char *key)
{
	static const char *const keys[] = {
		"flows", "top_flows", "per_flow", "mismatches",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			return true;
	return false;
}

/* The longest non-empty flow list anywhere under @j. */
static json_t *largest_list(json_t *j, json_t *best)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach(j, key, v) {
			if (json_is_array(v) && truncatable(key) && json_array_size(v) &&
			    (!best || json_array_size(v) > json_array_size(best)))
				best = v;
			best = largest_list(v, best);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			best = largest_list(v, best);
	}
	return best;
}

char *dl_json__line(json_t *root, unsigned int flags, size_t max)
{
	size_t jf = DL_JSON_ENCODING;
	json_int_t cut = 0;
	char *s;

	jf |= flags & DL_JSON_PRETTY ? JSON_INDENT(2) : JSON_COMPACT;
	for (;;) {
		json_t *list;
		size_t n, keep;

		s = json_dumps(root, jf);
		if (!s) {
			errno = ENOMEM;
			return NULL;
		}
		if (strlen(s) + 1 <= max)
			return s;
		free(s);
		list = largest_list(root, NULL);
		if (!list) {
			errno = EMSGSIZE;
			return NULL;
		}
		/* Halving keeps the biggest (first: lists are sorted) entries. */
		n = json_array_size(list);
		keep = n / 2;
		cut += (json_int_t)(n - keep);
		while (json_array_size(list) > keep)
			json_array_remove(list, json_array_size(list) - 1);
		json_object_set_new(root, "flows_truncated", json_integer(cut));
	}
}
