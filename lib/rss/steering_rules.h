/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The operator's steering rules: which flows should land on which RX
 * queues. One rule per line, '#' starts a comment, blank lines are ignored.
 *
 *   rule    := match '->' action | 'default' '->' action
 *   match   := proto field*
 *   proto   := 'tcp' | 'udp' | 'icmp' | 'ip' | 'ip6' | 'any'
 *   field   := 'src' PREFIX | 'dst' PREFIX | 'sport' PORTS | 'dport' PORTS
 *   PREFIX  := IPv4 or IPv6 address, optional '/len' (host bits must be 0)
 *   PORTS   := N | N-M                    (0-65535; tcp and udp only)
 *   action  := 'queue' N | 'queues' LIST ['even']
 *   LIST    := ITEM (',' ITEM)*,  ITEM := N | N-M   (queues 0-63)
 *
 * Examples:
 *   udp dport 5000 -> queue 3
 *   tcp dst 10.0.0.0/8 -> queues 0-3 even
 *   udp src 198.18.0.1 sport 1000-2000 -> queues 1,2
 *   ip6 dst 2001:db8::/32 -> queues 4-7
 *   default -> queues 0-7 even
 *
 * 'ip' is any IPv4 packet, 'ip6' any IPv6 packet, 'any' anything; tcp, udp
 * and icmp (ICMP or ICMPv6) take their family from the addresses, if any.
 * 'even' says flows should spread evenly over the queues (checked with
 * Jain's index). The first matching rule wins; flows no rule matches go to
 * 'default' (at most one, wherever it is written). Every error reads
 * "file:line: what is wrong" and the parsers return -EINVAL.
 */
#ifndef DL_STEERING_RULES_H
#define DL_STEERING_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunknown-pragmas"
#include "dropledger_shared.h"
#pragma GCC diagnostic pop

#define DL_STEER_LINE_MAX 512	/* longest accepted line, with newline */
#define DL_STEER_QUEUES DL_MAX_QUEUES	/* queues 0..63, as XDP tracks */
#define DL_STEER_TEXT_MAX 160	/* enough for any rule's canonical text */

enum dl_steer_proto {
	DL_STEER_ANY,
	DL_STEER_IP,
	DL_STEER_IP6,
	DL_STEER_TCP,
	DL_STEER_UDP,
	DL_STEER_ICMP,
};

/* An address prefix; family 0 means the field was not given. */
struct dl_steer_prefix {
	__u8 family;		/* 0, AF_INET or AF_INET6 */
	__u8 len;		/* prefix length */
	__u32 addr[4];		/* network order, IPv4 in word 0 */
};

/* A port range; set false means any port. */
struct dl_steer_ports {
	bool set;
	__u16 lo;		/* host order, inclusive */
	__u16 hi;
};

struct dl_steer_rule {
	__u32 index;		/* 1-based position in its rule set */
	__u32 line;		/* source line; for NIC rules the ntuple location */
	bool is_default;
	enum dl_steer_proto proto;
	__u8 family;		/* 0 (either), AF_INET or AF_INET6 */
	struct dl_steer_prefix src;
	struct dl_steer_prefix dst;
	struct dl_steer_ports sport;
	struct dl_steer_ports dport;
	__u64 queues;		/* bit q set: queue q allowed */
	bool even;		/* flows should spread evenly over queues */
};

struct dl_steer_rules;

/* An empty rule set named @name (the file name in messages). */
struct dl_steer_rules *dl_steer_rules__new(const char *name);
void dl_steer_rules__free(struct dl_steer_rules *rs);

/*
 * Parse the rules file at @path. On a syntax error returns -EINVAL and
 * writes "path:line: what is wrong" to @why; an unreadable file gives
 * -errno and "path: strerror". NULL @why is allowed.
 */
int dl_steer_rules__parse_file(const char *path, struct dl_steer_rules **out,
			       char *why, size_t why_len);

/* Same from a NUL-terminated buffer; @name stands for the file name. */
int dl_steer_rules__parse_string(const char *name, const char *text,
				 struct dl_steer_rules **out, char *why,
				 size_t why_len);

/*
 * Parse one rule (no comment handling, no file:line prefix in @why).
 * Returns 0, -ENODATA for an empty line, -EINVAL with a message.
 */
int dl_steer_rule__parse(const char *text, struct dl_steer_rule *r,
			 char *why, size_t why_len);

/*
 * Append a copy of @r (its index is set here). Returns 0, -ENOMEM, or
 * -EEXIST when @r is a second default.
 */
int dl_steer_rules__add(struct dl_steer_rules *rs, const struct dl_steer_rule *r);

const char *dl_steer_rules__name(const struct dl_steer_rules *rs);
/* Rules in file order, the default included. */
size_t dl_steer_rules__count(const struct dl_steer_rules *rs);
const struct dl_steer_rule *dl_steer_rules__get(const struct dl_steer_rules *rs,
						 size_t i);
/* The default rule or NULL. */
const struct dl_steer_rule *dl_steer_rules__default(const struct dl_steer_rules *rs);

/* Does @r's match part cover @flow? The default matches nothing here. */
bool dl_steer_rule__match(const struct dl_steer_rule *r, const struct dl_flow *flow);

/*
 * The rule a flow falls under: first match in order, else the default,
 * else NULL.
 */
const struct dl_steer_rule *dl_steer_rules__lookup(const struct dl_steer_rules *rs,
						    const struct dl_flow *flow);

/*
 * Canonical text of @r, e.g. "udp dport 5000 -> queue 3". Returns the
 * length snprintf would write.
 */
int dl_steer_rule__format(const struct dl_steer_rule *r, char *buf, size_t len);

/* A queue bitmap as text: "3", "0-3", "1,2", "0-3,6". */
int dl_steer_queues__format(__u64 queues, char *buf, size_t len);

#endif
