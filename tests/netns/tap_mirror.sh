#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Tap mirroring in the lab: generator (AF_XDP TX, 4 queues) in namespace A,
# veth with 4 queues, dl_ingress mirroring every frame in namespace B,
# once per mirror ring kind.
# tap_check asserts that every count balances exactly.
# Usage: tap_mirror.sh TAP_CHECK GEN_CLI
. "$(dirname "$0")/lib.sh"
set -e
check=${1:?usage: tap_mirror.sh tap_check gen_cli}
gen=${2:?usage: tap_mirror.sh tap_check gen_cli}
command -v ethtool >/dev/null || { echo "SKIP: no ethtool"; exit 77; }

p=mrx$$
lab_up "$p"
a=$p-a
b=$p-b
# Some kernels' veth_xmit sends skbs that are not from a local socket
# (AF_XDP's are not) past the peer's NAPI, and so past its XDP program,
# when the sender has TSO on; 6.18 does not, TSO off keeps both right.
ip netns exec "$a" ethtool -K v0a tso off >/dev/null

cores=$(cat /sys/devices/system/cpu/online)
# Both ring kinds: per-CPU slot rings (default) and BPF ring buffers.
for ring in percpu ringbuf; do
    "$check" --rx-ns "/var/run/netns/$b" --tx-ns "/var/run/netns/$a" \
        --rx-if v0b --tx-if v0a --gen "$gen" --queues 0-3 --flows 8 \
        --count "${DL_TAP_COUNT:-2000}" --rate "${DL_TAP_RATE:-50000}" \
        --cores "$cores" --mirror-ring "$ring"
done
