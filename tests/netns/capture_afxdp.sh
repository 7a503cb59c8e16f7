#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Capture mode in the lab: generator (AF_XDP TX, 4 queues) in namespace A,
# veth with 4 queues, dl_capture redirecting each queue into its AF_XDP
# socket in namespace B. Run twice: with roomy rings (no loss expected,
# but only balance is asserted) and with tiny rings and slow workers, so
# ring loss happens and must still balance exactly.
# Usage: capture_afxdp.sh CAPTURE_CHECK GEN_CLI
set -eu
check=${1:?usage: capture_afxdp.sh capture_check gen_cli}
gen=${2:?usage: capture_afxdp.sh capture_check gen_cli}

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
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$a" link add "${p}t" numtxqueues 4 numrxqueues 4 type veth \
    peer name "${p}r" netns "$b" numtxqueues 4 numrxqueues 4
# Some kernels' veth_xmit sends skbs that are not from a local socket
# (AF_XDP's are not) past the peer's NAPI, and so past its XDP program,
# when the sender has TSO on; 6.18 does not, TSO off keeps both right.
ip netns exec "$a" ethtool -K "${p}t" tso off >/dev/null
ip -n "$a" link set "${p}t" up
ip -n "$b" link set "${p}r" up

cores=$(cat /sys/devices/system/cpu/online)
run() {
    "$check" --rx-ns "/var/run/netns/$b" --tx-ns "/var/run/netns/$a" \
        --rx-if "${p}r" --tx-if "${p}t" --gen "$gen" --queues 0-3 \
        --cores "$cores" "$@"
}
echo "== roomy rings"
run --count 2000 --rate 50000
echo "== 64-descriptor rings, slow workers: ring loss must balance"
run --count 5000 --rate 0 --ring 64 --slow-us 2000
