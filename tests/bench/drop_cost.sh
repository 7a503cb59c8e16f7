#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Drop capture cost benchmark: two namespaces joined by a veth pair made
# inside them, a bounded UDP storm from A to a closed port in B, measured by
# bench_drops with and without the kfree_skb tracer (and bpftrace if present).
# Usage: drop_cost.sh BENCH_DROPS_BINARY [packets] [rounds]
set -eu

bin=${1:?usage: drop_cost.sh bench_drops [packets] [rounds]}
count=${2:-500000}
rounds=${3:-5}

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no iproute2"; exit 77; }

p=dlx$$
a=${p}a
b=${p}b
cleanup() {
    ip netns del "$a" 2>/dev/null || true
    ip netns del "$b" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$a"
ip netns add "$b"
ip -n "$a" link add "${p}v0" type veth peer name "${p}v1" netns "$b"
ip -n "$a" addr add 198.18.0.1/30 dev "${p}v0"
ip -n "$b" addr add 198.18.0.2/30 dev "${p}v1"
ip -n "$a" link set "${p}v0" up
ip -n "$b" link set "${p}v1" up
ip -n "$a" link set lo up
ip -n "$b" link set lo up
# Static neighbours: no ARP in the measured path.
mac_b=$(ip -n "$b" -br link show "${p}v1" | awk '{print $3}')
ip -n "$a" neigh replace 198.18.0.2 lladdr "$mac_b" dev "${p}v0" nud permanent
ifindex=$(ip netns exec "$b" cat "/sys/class/net/${p}v1/ifindex")

bt=()
if command -v bpftrace >/dev/null; then
    bt=(--bpftrace "$(command -v bpftrace)")
else
    echo "bpftrace not installed (apt-get install bpftrace): comparison skipped"
fi

"$bin" --src-ns "/var/run/netns/$a" --dst-ns "/var/run/netns/$b" \
    --dst 198.18.0.2 --ifindex "$ifindex" --count "$count" --rounds "$rounds" \
    "${bt[@]}"
