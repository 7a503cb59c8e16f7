/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A device's traffic control, for verdicts that must name it: the root
 * qdisc (kind, limit, rate, drops) and the filters of the clsact/ingress
 * hooks, read over rtnetlink in the caller's network namespace. The
 * parsers take one RTM_NEWQDISC / RTM_NEWTFILTER message, so a test can
 * build one by hand (tests/unit/test_tc_state.c).
 */
#ifndef DL_VERDICT_TC_STATE_H
#define DL_VERDICT_TC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nlmsghdr;

struct dl_qdisc {
	char kind[16];		/* "tbf", "pfifo", "fq_codel", ... */
	uint32_t parent;	/* TC_H_ROOT for the root qdisc */
	long long limit;	/* -1: a kind whose limit is not read here */
	bool limit_bytes;	/* bfifo, tbf: bytes; pfifo: packets */
	unsigned long long rate;	/* bytes/s (tbf), 0: no rate */
	unsigned long long drops;	/* what tc -s qdisc shows as dropped */
};

struct dl_tc_filter {
	char kind[16];		/* "bpf", "u32", ... */
	char name[64];		/* bpf: the program as tc names it, else "" */
	uint32_t pref;
	uint32_t prog_id;	/* bpf: the program's id, 0 if unknown */
	bool direct_action;	/* bpf da: the program's return is the verdict */
};

/* One RTM_NEWQDISC message: 0, or -EINVAL when it is not one. */
int dl_qdisc__parse(const struct nlmsghdr *nlh, struct dl_qdisc *q);

/* One RTM_NEWTFILTER message: 0, -ENOENT for a chain or hash-table head
 * without a kind or options, -EINVAL when it is not one. */
int dl_tc_filter__parse(const struct nlmsghdr *nlh, struct dl_tc_filter *f);

/* The root qdisc of @ifindex: 0, -ENOENT when it has none, or -errno. */
int dl_qdisc__root(int ifindex, struct dl_qdisc *q);

/*
 * The filters on the ingress (@egress false) or egress hook of @ifindex,
 * up to @max in @out (one per preference and kind); *@n their number.
 * 0 or -errno.
 */
int dl_tc_filter__list(int ifindex, bool egress, struct dl_tc_filter *out, size_t max,
		       size_t *n);

/* "pref 49152 bpf prog.o:[tc] direct-action id 42; pref 2 u32" into @buf. */
void dl_tc_filter__str(const struct dl_tc_filter *f, size_t n, char *buf, size_t len);

/* A rate in bytes/s as tc prints it in bits: "1Kbit", "10Mbit", "1500bit". */
void dl_tc_rate__str(unsigned long long bytes_per_s, char *buf, size_t len);

#endif
