#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `dropledger dpdk` on vdevs without hugepages: net_ring (loopback, frames
# sent with --lab-send) and net_pcap (frames from pcap files we write, one
# file per rx queue, one frame left out). Exact counts per queue and flow;
# EAL and port errors give a message and exit 1, never a hang.
# Usage: dpdk_cli.sh MKPCAP
mkpcap=${1:?usage: dpdk_cli.sh mkpcap}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs two CPUs"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: needs jq"; exit 77; }
DL=${DL_BIN:?}
TMP=$(mktemp -d /tmp/dl-dpdk.XXXXXX)
PFX=dlm$$
cleanup() { rm -rf "$TMP" "/var/run/dpdk/$PFX"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
expect() {
    jq -e "$1" "$2" >/dev/null || { jq . "$2" >&2; fail "$3 ($1)"; }
    ok "$3"
}
EAL=(--no-huge -m 256 --no-pci --no-shconf --file-prefix "$PFX" --log-level '*:error')
# dl [EAL...] -- [opts]: bounded, so a hang fails instead of blocking CI.
dl() { timeout -s KILL 60 "$DL" dpdk "$@"; }

dl -l 0-1 "${EAL[@]}" --vdev net_ring0 -- -q 4 -d 0.3 --lab-send 3000 --json \
    >"$TMP/ring.json" 2>"$TMP/err" || { cat "$TMP/err" >&2; fail "net_ring run failed"; }
O=$TMP/ring.json
expect '.mode == "dpdk" and .driver == "net_ring" and .nqueues == 4' "$O" "net_ring port identified"
expect '.totals.lab_sent == 24000 and .totals.ipackets == 24000 and .totals.records == 24000' "$O" "every frame sent was polled"
expect '.totals.residual == 0 and .totals.nic_dropped == 0 and .totals.imissed == 0' "$O" "nothing dropped, nothing unplaced"
expect '[.queues[] | .arrived == 6000 and .records == 6000 and .residual == 0] | all' "$O" "per queue: q_ipackets = records = 6000"
expect '.sequence.flows == 8 and .sequence.received == 24000 and .sequence.lost == 0' "$O" "8 stamped flows, no gap"
expect '.rss.jain_index > 0.99 and (.xstats | type) == "object"' "$O" "rss and xstats present"
expect '.totals | has("stack_dropped") | not' "$O" "no stack columns"
expect '.xdp == null and .totals.xdp_seen == null and ([.queues[] | .xdp_seen == null and .meta_records == null] | all)' \
    "$O" "not net_af_xdp: no XDP side (null, not 0)"

"$mkpcap" "$TMP/q0.pcap" 0 2 500 1 123 || fail "mkpcap"
"$mkpcap" "$TMP/q1.pcap" 2 2 700 || fail "mkpcap"
# net_pcap wants as many tx as rx queues: two tx files nobody reads.
if dl -l 0-1 "${EAL[@]}" \
    --vdev "net_pcap0,rx_pcap=$TMP/q0.pcap,rx_pcap=$TMP/q1.pcap,tx_pcap=$TMP/t0.pcap,tx_pcap=$TMP/t1.pcap" \
    -- -d 0.5 --json >"$TMP/pcap.json" 2>"$TMP/err"; then
    O=$TMP/pcap.json
    expect '.driver == "net_pcap" and .nqueues == 2' "$O" "net_pcap: one queue per rx_pcap"
    expect '[.queues[] | .arrived] == [999, 1400] and [.queues[] | .records] == [999, 1400]' "$O" "net_pcap: per queue q_ipackets = records = frames in its file"
    expect '.sequence.lost == 1 and ([.sequence.per_flow[] | select(.lost == 1) | .flow] == [1])' "$O" "net_pcap: the missing frame found in flow 1"
else
    # Only a missing PMD (no port) is a skip; anything else is a failure.
    grep -q "no DPDK port 0" "$TMP/err" && { cat "$TMP/err"; echo "net_pcap PMD unavailable: skipped"; } \
        || { cat "$TMP/err" >&2; fail "net_pcap run failed"; }
fi

# errors: message and exit code, bounded
check_err() {
    local want=$1 pat=$2 rc=0
    shift 2
    dl "$@" >/dev/null 2>"$TMP/err" || rc=$?
    [ "$rc" = "$want" ] || { cat "$TMP/err" >&2; fail "dpdk $*: exit $rc, want $want"; }
    grep -q "$pat" "$TMP/err" || { cat "$TMP/err" >&2; fail "dpdk $*: no '$pat'"; }
    ok "exit $want: $(grep "$pat" "$TMP/err" | head -1)"
}
check_err 1 "EAL did not start" -l 0-1 "${EAL[@]}" --no-such-eal-option -- -d 0.1
check_err 1 "no DPDK port 0" -l 0-1 "${EAL[@]}" -- -d 0.1
check_err 1 "no worker lcore" -l 0 "${EAL[@]}" --vdev net_ring0 -- -d 0.1
check_err 1 "has 1 rx queues, 2 asked" -l 0-1 "${EAL[@]}" --vdev "net_pcap0,rx_pcap=$TMP/q1.pcap,tx_pcap=$TMP/t0.pcap" -- -q 2 -d 0.1
check_err 2 "queues: '99' is not a whole number 1..16" -l 0-1 "${EAL[@]}" -- -q 99
check_err 2 "unexpected argument" -l 0-1 "${EAL[@]}" -- -d 1 stray
echo "all passed"

# Output failures: the same policy as every command (README: output failures).
dl -l 0-1 "${EAL[@]}" --vdev net_ring0 -- -q 4 -d 0.3 --json >/dev/full 2>"$TMP/full"
rc=$?
[ "$rc" = 1 ] || { cat "$TMP/full" >&2; fail "dpdk > /dev/full: exit $rc, want 1"; }
[ "$(grep -c 'cannot write' "$TMP/full")" = 1 ] &&
    grep -qx 'dropledger dpdk: cannot write to stdout: No space left on device' "$TMP/full" ||
    { cat "$TMP/full" >&2; fail "dpdk > /dev/full: not one line naming stdout"; }
ok "dpdk > /dev/full: one line, exit 1"
