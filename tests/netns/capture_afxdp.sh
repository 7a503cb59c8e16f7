#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Capture mode in the lab: generator (AF_XDP TX, 4 queues) in namespace A,
# veth with 4 queues, dl_capture redirecting each queue into its AF_XDP
# socket in namespace B. Run twice: with roomy rings (no loss expected,
# but only balance is asserted) and with tiny rings and slow workers, so
# ring loss happens and must still balance exactly.
# Usage: capture_afxdp.sh CAPTURE_CHECK GEN_CLI
. "$(dirname "$0")/lib.sh"
set -e
check=${1:?usage: capture_afxdp.sh capture_check gen_cli}
gen=${2:?usage: capture_afxdp.sh capture_check gen_cli}
command -v ethtool >/dev/null || { echo "SKIP: no ethtool"; exit 77; }

p=dlx$$
lab_up "$p"
a=$p-a
b=$p-b
# Some kernels' veth_xmit sends skbs that are not from a local socket
# (AF_XDP's are not) past the peer's NAPI, and so past its XDP program,
# when the sender has TSO on; 6.18 does not, TSO off keeps both right.
ip netns exec "$a" ethtool -K v0a tso off >/dev/null

cores=$(cat /sys/devices/system/cpu/online)
run() {
    "$check" --rx-ns "/var/run/netns/$b" --tx-ns "/var/run/netns/$a" \
        --rx-if v0b --tx-if v0a --gen "$gen" --queues 0-3 \
        --cores "$cores" "$@"
}
echo "== roomy rings"
run --count 2000 --rate 50000
echo "== 64-descriptor rings, slow workers: ring loss must balance"
run --count 5000 --rate 0 --ring 64 --slow-us 2000
