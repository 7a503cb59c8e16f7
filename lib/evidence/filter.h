/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcap-filter expressions ('udp and port 53'), compiled by libpcap for
 * Ethernet and run in userspace on the captured headers of each dropped
 * frame (pcap_offline_filter: the classic BPF interpreter).
 */
#ifndef DL_FILTER_H
#define DL_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dl_pkt_filter;

/*
 * Compile @expr for DLT_EN10MB. NULL with errno EINVAL and libpcap's own
 * message in @err when it does not compile.
 */
struct dl_pkt_filter *dl_pkt_filter__compile(const char *expr, char *err, size_t err_len);
void dl_pkt_filter__free(struct dl_pkt_filter *f);
const char *dl_pkt_filter__expr(const struct dl_pkt_filter *f);

/* Does the frame (@caplen of @len bytes, from its MAC header) match? */
bool dl_pkt_filter__match(const struct dl_pkt_filter *f, const void *data,
			  uint32_t caplen, uint32_t len);

#endif
