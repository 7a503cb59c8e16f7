#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Tap mirroring in the lab: generator (AF_XDP TX, 4 queues) in namespace A,
# veth with 4 queues, dl_ingress mirroring every frame in namespace B.
# tap_check asserts that every count balances exactly.
# Usage: tap_mirror.sh TAP_CHECK GEN_CLI
set -eu
check=${1:?usage: tap_mirror.sh tap_check gen_cli}
gen=${2:?usage: tap_mirror.sh tap_check gen_cli}

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ethtool >/dev/null || { echo "SKIP: no ethtool"; exit 77; }

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
for ns in "$a" "$b"; do
    # No IPv6 autoconfiguration or ND: only our frames reach the XDP counters.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$a" link add "${p}t" numtxqueues 4 numrxqueues 4 type veth \
    peer name "${p}r" netns "$b" numtxqueues 4 numrxqueues 4
ip -n "$a" addr add 198.18.0.1/24 dev "${p}t"
ip -n "$b" addr add 198.18.0.2/24 dev "${p}r"
# Some kernels' veth_xmit sends skbs that are not from a local socket
# (AF_XDP's are not) past the peer's NAPI, and so past its XDP program,
# when the sender has TSO on; 6.18 does not, TSO off keeps both right.
ip netns exec "$a" ethtool -K "${p}t" tso off >/dev/null
ip -n "$a" link set "${p}t" up
ip -n "$b" link set "${p}r" up

cores=$(cat /sys/devices/system/cpu/online)
"$check" --rx-ns "/var/run/netns/$b" --tx-ns "/var/run/netns/$a" \
    --rx-if "${p}r" --tx-if "${p}t" --gen "$gen" --queues 0-3 --flows 8 \
    --count "${DL_TAP_COUNT:-2000}" --rate "${DL_TAP_RATE:-50000}" --cores "$cores"
