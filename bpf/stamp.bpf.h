/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Generator stamp lookup for XDP programs (dl_ingress tap mirroring and
 * dl_capture): the struct dl_stamp at the start of a UDP payload. IPv6
 * extension headers are not walked: the generator never sends them.
 */
#ifndef DL_STAMP_BPF_H
#define DL_STAMP_BPF_H

#include "dropledger_shared.h"
#include "parse.bpf.h"

static __always_inline void dl_read_stamp(struct dl_pkt *pkt, struct dl_flow *f,
					  int vlans, struct dl_pkt_rec *rec)
{
	__u32 off = 14 + vlans * 4;
	struct dl_stamp st;
	__u8 vihl;

	if (f->l4proto != 17 || f->frag)
		return;
	if (f->l3proto == bpf_htons(DL_ETH_P_IP)) {
		if (dl_load(pkt, off, &vihl, 1))
			return;
		off += (vihl & 0xf) * 4;
	} else {
		off += 40;
	}
	if (dl_load(pkt, off + 8, &st, sizeof(st)))
		return;
	if (st.magic != bpf_htonl(DL_STAMP_MAGIC))
		return;
	rec->stamp_flow = bpf_ntohl(st.flow_id);
	rec->seq = bpf_be64_to_cpu(st.seq);
	rec->flags |= DL_REC_STAMPED;
}

#endif
