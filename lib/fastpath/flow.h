/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flows in userspace: the same parser and hash the BPF programs run
 * (bpf/parse.bpf.h, dl_flow_hash), so a hash seen in a kernel map can be
 * recomputed from a frame here, plus printing helpers.
 */
#ifndef DL_FLOW_H
#define DL_FLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "dropledger_shared.h"

/*
 * Parse an Ethernet frame exactly as dl_ingress does.
 * Returns 0 and fills @f (and @vlans, if non-NULL), or -EBADMSG for a frame
 * the XDP program counts as malformed.
 */
int dl_flow__parse_frame(const void *frame, size_t len, struct dl_flow *f,
			 int *vlans);

/* The flow hash shared with the BPF programs. */
unsigned int dl_flow__hash(const struct dl_flow *f);

/* "udp", "tcp", "icmp", "lldp", "0x88cc" ... for JSON and text. */
const char *dl_flow__proto_name(const struct dl_flow *f, char *buf, size_t len);

/* Source / destination address as text ("" for non-IP flows). */
void dl_flow__addr_str(const struct dl_flow *f, bool src, char *buf, size_t len);

/* Ports in host byte order (ICMP: type and code). */
unsigned int dl_flow__sport(const struct dl_flow *f);
unsigned int dl_flow__dport(const struct dl_flow *f);

/* "udp 198.18.0.1:5000 -> 198.18.0.2:9000" */
void dl_flow__str(const struct dl_flow *f, char *buf, size_t len);

/* A flow's words for cause rules and messages. */
struct dl_flow_text {
	char flow[128];		/* dl_flow__str() */
	char proto[16];		/* dl_flow__proto_name() */
	char dport[16];
	char src[64];		/* "" for non-IP flows */
	char dst[64];
};

/* @t for @f; NULL @f: "?" for flow, proto and dport, empty addresses. */
void dl_flow__text(const struct dl_flow *f, struct dl_flow_text *t);

#endif
