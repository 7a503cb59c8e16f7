/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The drop/consume handlers, written once and included twice by
 * drops.bpf.c: with RD() as direct BTF loads for tp_btf (one instruction
 * per field) and as BPF_CORE_READ for the classic tracepoint, whose skb is
 * a plain address. DL_H(name) gives each instance its own names.
 */

static __always_inline __u32 DL_H(skb_netns)(struct sk_buff *skb, struct net_device *dev,
				       struct sock *sk)
{
	if (dev)
		return RD(dev, nd_net.net, ns.inum);
	if (!sk)
		sk = RD(skb, sk);
	if (sk)
		return RD(sk, __sk_common.skc_net.net, ns.inum);
	return 0;
}

/*
 * Did this skb arrive on the watched interface and enter the stack there?
 * skb_iif is set by __netif_receive_skb_core; an skb freed before that
 * (veth copying the frame for XDP, a full ring) was never an arrival of the
 * stack: it is counted apart as pre-stack, never as a stack drop or delivery.
 */
static __always_inline int DL_H(skb_watched)(struct sk_buff *skb,
					      struct sock *sk, bool is_drop)
{
	struct net_device *dev = RD(skb, dev);
	__u32 iif = RD(skb, skb_iif);
	__u32 ns;

	if (!iif) {
		if (is_drop && dev && target_ifindex &&
		    RD(dev, ifindex) == target_ifindex &&
		    (!target_netns || DL_H(skb_netns)(skb, dev, sk) == target_netns))
			return W_TX;
		return W_NO;
	}
	if (target_ifindex && iif != target_ifindex)
		return W_NO;
	if (!target_netns)
		return W_YES;
	ns = DL_H(skb_netns)(skb, dev, sk);
	if (!ns)
		return W_NS_UNKNOWN;
	return ns == target_netns ? W_YES : W_NO;
}

/* Frames an skb stands for: GRO merges many into one. */
static __always_inline __u64 DL_H(skb_frames)(struct sk_buff *skb)
{
	unsigned char *head = RD(skb, head);
	struct skb_shared_info *shi;
	__u16 segs;

	/* An address computed from head: a read-only cast, plain loads. */
	shi = bpf_rdonly_cast((void *)((__u64)head + RD(skb, end)),
			      bpf_core_type_id_kernel(struct skb_shared_info));
	segs = shi->gso_segs;
	return segs > 1 ? segs : 1;
}

/*
 * The flow of a freed skb, hashing as XDP hashed the frame. IPv4 without
 * options (nearly every drop) is read with plain loads through a read-only
 * cast (a faulting load reads 0, no helper call); the rest, and anything
 * odd, through the shared parser's probe reads: same fields either way.
 */
static __always_inline void DL_H(skb_flow)(struct sk_buff *skb, struct dl_flow *f)
{
	struct dl_pkt pkt = {};
	__u16 nh = RD(skb, network_header);
	__u16 mac = RD(skb, mac_header);
	__u16 proto = RD(skb, protocol);

	pkt.head = RD(skb, head);
	pkt.tail = RD(skb, tail);
	/* Network header not set yet (0xffff): it follows the MAC header. */
	if (nh == 0xffff && mac != 0xffff)
		nh = mac + 14;
	if (nh == 0xffff)
		return;
	if (proto == bpf_htons(DL_ETH_P_IP) && nh <= DL_MAX_OFF && nh + 24 <= pkt.tail) {
		const struct iphdr *ip = bpf_rdonly_cast((void *)((__u64)pkt.head + nh),
						bpf_core_type_id_kernel(struct iphdr));
		const __u8 *b = (const void *)ip;
		__u8 l4 = ip->protocol;

		if (b[0] == 0x45 && (l4 == 6 || l4 == 17 || l4 == 132 || l4 == 136)) {
			const struct udphdr *uh;

			struct dl_l34 m = { .l3proto = proto, .l4proto = l4 };

			f->saddr[0] = ip->saddr;
			f->daddr[0] = ip->daddr;
			if (ip->frag_off & bpf_htons(0x1fff)) {
				m.frag = 1;
				dl_flow_set_l34(f, &m);
				return;
			}
			dl_flow_set_l34(f, &m);
			uh = bpf_rdonly_cast((void *)((__u64)pkt.head + nh + 20),
					     bpf_core_type_id_kernel(struct udphdr));
			dl_flow_set_ports(f, uh->source, uh->dest);
			return;
		}
	}
	if (dl_parse_l3(&pkt, nh, proto, f) != DL_PARSE_OK)
		f->l4proto = 0xff;	/* mark: headers unreadable */
}

/*
 * rx queue the frame arrived on: our own sighting at XDP first (veth puts
 * the sender's tx queue in queue_mapping, so it cannot be trusted there),
 * else what the driver recorded with skb_record_rx_queue().
 */
static __always_inline __u32 DL_H(skb_rxq)(struct sk_buff *skb, __u32 hash,
					    struct dl_drop_stats *st)
{
	__u16 qm = RD(skb, queue_mapping);
	struct dl_rxq_memo *m = NULL;
	struct dl_flow_info *fi;
	__u32 zero = 0;

	if (hash) {
		m = bpf_map_lookup_elem(&rxq_memo, &zero);
		if (m && m->hash == hash && m->uses < DL_RXQ_MEMO_USES) {
			m->uses++;
			if (m->rxq != DL_RXQ_UNKNOWN) {
				st->v[DL_DS_QUEUE_FROM_FLOW]++;
				return m->rxq;
			}
			goto no_flow;
		}
	}
	fi = hash ? bpf_map_lookup_elem(&flow_tbl, &hash) : NULL;
	if (m) {
		/* Not in XDP's table is remembered too: as costly to look up. */
		m->hash = hash;
		m->rxq = fi ? fi->rxq : DL_RXQ_UNKNOWN;
		m->uses = 0;
	}
	if (fi) {
		st->v[DL_DS_QUEUE_FROM_FLOW]++;
		return fi->rxq;
	}
no_flow:
	if (qm)
		return qm - 1;
	return DL_RXQ_UNKNOWN;
}

/*
 * skb_rxq() through the drop's flow slot @s: the flow table is joined when
 * the slot is new and each time its count passes a multiple of
 * DL_RXQ_MEMO_USES, the slot keeps the answer in between.
 */
static __always_inline __u32 DL_H(slot_rxq)(struct sk_buff *skb, __u32 hash,
					     struct dl_flow_slot *s, __u64 n,
					     struct dl_drop_stats *st)
{
	struct dl_flow_info *fi;
	__u16 qm;

	if (!s->count || (s->count ^ (s->count + n)) >= DL_RXQ_MEMO_USES) {
		fi = bpf_map_lookup_elem(&flow_tbl, &hash);
		s->rxq_join = fi ? fi->rxq : DL_RXQ_UNKNOWN;
	}
	if (s->rxq_join != DL_RXQ_UNKNOWN) {
		st->v[DL_DS_QUEUE_FROM_FLOW]++;
		return s->rxq_join;
	}
	qm = RD(skb, queue_mapping);
	return qm ? qm - 1 : DL_RXQ_UNKNOWN;
}

/*
 * The flow of a slot claimed with the hook's hash (no parse): the one the
 * hook stored under it, else the headers as they are now.
 */
static __always_inline void DL_H(slot_flow)(struct sk_buff *skb, struct dl_flow_slot *s)
{
	struct dl_flow_info *fi = bpf_map_lookup_elem(&flow_tbl, &s->flow_hash);

	if (fi) {
		s->flow = fi->flow;
		return;
	}
	__builtin_memset(&s->flow, 0, sizeof(s->flow));
	DL_H(skb_flow)(skb, &s->flow);
}

/* skb_iif is the watched device (skb_watched()'s receive test, no netns). */
static __always_inline bool DL_H(skb_iif_watched)(struct sk_buff *skb)
{
	__u32 iif = RD(skb, skb_iif);

	return iif && (!target_ifindex || iif == target_ifindex);
}

/*
 * The tc hook's record of this skb (struct dl_arrival) into @a. The MAC
 * header's address is head + mac_header, as the hook saw it at skb->data.
 */
static __always_inline bool DL_H(skb_arrival)(struct sk_buff *skb, struct dl_arrival *a)
{
	__u16 mac = RD(skb, mac_header);

	if (mac == 0xffff)
		return false;
	return arrival_of((__u64)skb, (__u64)RD(skb, head) + mac, a);
}

/*
 * Whose skb is this, and its flow: handed over by the hook on the watched
 * device while still received there (*@handed: hash and queue in @arr, @f
 * untouched; a bridge, VLAN or tunnel above the device sets skb_iif to
 * itself, and such frames are not this device's, with or without the hand-
 * over; counted as such in @st), else checked (skb_watched()) and, with
 * flows, parsed into @f. Returns W_*, *@hash the flow hash (0 without flows).
 */
static __always_inline int DL_H(skb_identify)(struct sk_buff *skb, struct sock *sk,
					       bool is_drop, struct dl_drop_stats *st,
					       struct dl_arrival *arr, bool *handed,
					       struct dl_flow *f, __u32 *hash)
{
	int w;

	if (track_flows && DL_H(skb_iif_watched)(skb) && DL_H(skb_arrival)(skb, arr)) {
		*handed = true;
		*hash = arr->hash;
		st->v[DL_DS_FROM_ARRIVAL]++;
		st->v[DL_DS_QUEUE_FROM_FLOW]++;
		return W_YES;
	}
	w = DL_H(skb_watched)(skb, sk, is_drop);
	if (w == W_NO || !track_flows)
		return w;
	/* Zeroed here: most events are not ours and return before. */
	__builtin_memset(f, 0, sizeof(*f));
	DL_IN_MEMORY(*f);
	DL_H(skb_flow)(skb, f);
	*hash = dl_flow_hash(f) ?: 1;
	return w;
}

/* @stacks: a constant; false compiles the stack code (and ctx) away. */
static __always_inline void DL_H(handle_drop)(void *ctx, struct sk_buff *skb,
					      __u64 location, __u32 reason, struct sock *sk,
					      const bool stacks)
{
	struct dl_drop_stats *st = stats();
	struct dl_flow_slot *fs = NULL;
	struct dl_arrival arr;
	__u32 hash = 0, rxq = 0;
	bool a = false;
	struct dl_flow f;
	__u64 n;
	int w;

	if (!st)
		return;
	st->v[DL_DS_EVENTS]++;
	w = DL_H(skb_identify)(skb, sk, true, st, &arr, &a, &f, &hash);
	if (w == W_NO)
		return;
	if (a)
		rxq = arr.rxq;
	if (w != W_TX && !ns_from_flow(w, hash, st))
		return;
	n = DL_H(skb_frames)(skb);
	if (w == W_TX) {
		st->v[DL_DS_PRESTACK] += n;
	} else {
		st->v[DL_DS_MATCHED]++;
		st->v[DL_DS_MATCHED_PKTS] += n;
	}
	if (hash)
		fs = flow_slot(reason, location, w == W_TX, hash, a ? NULL : &f);
	if (a && fs) {
		if (!fs->count)
			DL_H(slot_flow)(skb, fs);
		/* A later drop of the slot without a hand-over joins from here. */
		fs->rxq_join = rxq;
	}
	if (w == W_TX)
		rxq = DL_RXQ_TX;
	else if (!a)	/* handed over: the hook's queue, set above */
		rxq = fs ? DL_H(slot_rxq)(skb, hash, fs, n, st) : DL_H(skb_rxq)(skb, hash, st);
	cause_add(reason, location, rxq, n, st);
	if (stacks)
		stack_add(ctx, reason, location, w == W_TX, n);
	if (fs)
		fs->count += n;
	else if (hash)
		st->v[DL_DS_FLOW_FULL] += n;
}

static __always_inline void DL_H(handle_consume)(struct sk_buff *skb)
{
	struct dl_drop_stats *st = stats();
	__u32 slot = DL_RXQ_UNKNOWN, hash = 0;
	struct dl_arrival arr;
	bool a = false;
	__u8 l4 = 0;
	struct dl_flow f;
	__u64 n, *v;
	int w;

	if (!st)
		return;
	w = DL_H(skb_identify)(skb, NULL, false, st, &arr, &a, &f, &hash);
	if (w == W_NO)
		return;
	if (a) {
		slot = arr.rxq;
		l4 = arr.l4proto;
	} else if (track_flows) {
		l4 = f.l4proto;
	}
	if (!ns_from_flow(w, hash, st))
		return;
	n = DL_H(skb_frames)(skb);
	st->v[DL_DS_CONSUMED]++;
	st->v[DL_DS_CONSUMED_PKTS] += n;
	if (l4 == 17)
		st->v[DL_DS_CONSUMED_UDP] += n;
	if (!a)
		slot = DL_H(skb_rxq)(skb, hash, st);
	if (slot == DL_RXQ_UNKNOWN)
		slot = DL_MAX_QUEUES + 1;
	else if (slot > DL_MAX_QUEUES)
		slot = DL_MAX_QUEUES;
	v = bpf_map_lookup_elem(&consumed_cnt, &slot);
	if (v)
		*v += n;
}
