/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The audit of the kernel's discard counters (config/mib_discards.tsv): for
 * each MIB, softnet or device counter that counts discarded packets, whether
 * the packet reaches kfree_skb with a reason on 6.18 (the tracer sees it) or
 * is freed as consumed (untraced), which counter also counts it, its scope,
 * and for untraced rows the cause the ledger reports in the tracer's place.
 */
#ifndef DL_MIB_DISCARDS_H
#define DL_MIB_DISCARDS_H

#include <stdbool.h>
#include <stddef.h>

enum dl_mib_kind {
	DL_MIB_TRACED,		/* kfree_skb with a reason */
	DL_MIB_UNTRACED,	/* consumed or never a packet: no drop event */
	DL_MIB_NIC,		/* dropped by the device before XDP */
	DL_MIB_NOT_DISCARD,	/* named like a discard, counts something else */
};

struct dl_mib_row {
	const char *source;	/* snmp, netstat, snmp6, softnet, sysfs */
	const char *group;	/* "TcpExt" */
	const char *name;	/* "ListenDrops" */
	const char *label;	/* "TcpExt ListenDrops" */
	enum dl_mib_kind kind;
	const char *dir;	/* rx, tx, - */
	const char *within;	/* label of the counter that includes this one, or NULL */
	int parent;		/* row index of within, or -1 */
	const char *traced_as;	/* "REASON[@fn],...", or NULL */
	const char *scope;	/* netns, device, host */
	const char *counts;
	const char *site;
	/* The cause of an untraced rx row; all NULL: in its parent's cause. */
	const char *reason;
	const char *cause_group;
	const char *function;
	const char *summary;	/* {count}, {counter} */
	const char *advice;
	unsigned int lineno;
};

struct dl_mib_discards {
	char *origin;
	char *text;		/* the file; rows point into it */
	struct dl_mib_row *rows;
	size_t n;
};

/*
 * Parse @len bytes of @buf (copied) named @origin in messages. Returns 0
 * with *@out set, -ENOMEM, or -EINVAL with "origin:line: what" in @why for
 * a malformed row (field count, unknown source/kind/dir/scope, duplicate
 * counter, unknown or nested `within`, an untraced rx row whose cause is
 * incomplete or whose summary lacks {count}, cause fields on other rows).
 */
int dl_mib_discards__parse(const char *buf, size_t len, const char *origin,
			   struct dl_mib_discards **out, char *why, size_t why_len);
/* Read @path (NULL: mib_discards.tsv in the config search path). */
int dl_mib_discards__load(const char *path, struct dl_mib_discards **out,
			  char *why, size_t why_len);
void dl_mib_discards__free(struct dl_mib_discards *t);

/* The row of (@group, @name), or NULL. */
const struct dl_mib_row *dl_mib_discards__find(const struct dl_mib_discards *t,
					       const char *group, const char *name);

/*
 * The installed table, loaded once per process (thread-safe); NULL when it
 * cannot be read or is malformed (logged once, with file:line).
 */
const struct dl_mib_discards *dl_mib_discards__default(void);

#endif
