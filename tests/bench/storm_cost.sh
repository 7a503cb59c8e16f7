#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Drop storm on the lab veth, sender-timed: COUNT UDP datagrams to a closed
# port, ROUNDS interleaved rounds of every setting, medians kept:
#   none / bpftrace one-liner / empty XDP / dropledger report (default hook:
#   tc on veth) / report --no-flows / report --hook tc / report --hook xdp
# Prints ns per packet, the overhead over "none" and its ratio to the
# bpftrace one-liner's, with MET / NOT MET for "default report overhead <=
# bpftrace's". The machine may be shared: interleaving and medians damp
# the noise, they do not remove it.
# Usage: storm_cost.sh STORM_SEND [count] [rounds]
set -u
send=${1:?usage: storm_cost.sh storm_send [count] [rounds]}
count=${2:-400000}
rounds=${3:-5}
DL=${DL_BIN:?DL_BIN must name the dropledger binary}
EMPTY=${DL_EMPTY_OBJ:?DL_EMPTY_OBJ must name empty.bpf.o}

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v ip >/dev/null || { echo "SKIP: no iproute2"; exit 77; }

P=hkb$$
TMP=$(mktemp -d /tmp/dl-storm.XXXXXX)
BT=
cleanup() {
    [ -n "$BT" ] && kill "$BT" 2>/dev/null && wait "$BT" 2>/dev/null
    ip -n "$P-b" link set dev v0b xdpdrv off 2>/dev/null
    "$DL" lab down --prefix "$P" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$DL" lab up --prefix "$P" >/dev/null || { echo "lab up failed"; exit 1; }
# Static neighbour: no ARP in the measured path.
mac=$(ip -n "$P-b" -br link show v0b | awk '{print $3}')
ip -n "$P-a" neigh replace 198.18.0.2 lladdr "$mac" dev v0a nud permanent
cpu=$(($(nproc) > 1 ? 1 : 0))

modes=(none empty_xdp report report_noflows report_tc report_xdp)
bpftrace=$(command -v bpftrace || true)
if [ -n "$bpftrace" ]; then
    modes=(none bpftrace "${modes[@]:1}")
else
    echo "bpftrace not installed (.ci/run bench installs it): its row is skipped"
fi
declare -A what=(
    [none]="nothing attached"
    [bpftrace]="bpftrace kfree_skb one-liner"
    [empty_xdp]="empty XDP_PASS program"
    [report]="dropledger report (default)"
    [report_noflows]="report --no-flows"
    [report_tc]="report --hook tc"
    [report_xdp]="report --hook xdp"
)

REP=
start_report() {
    rm -f "$TMP/ready"
    ip netns exec "$P-b" "$DL" report -i v0b -d 3600 --ready-file "$TMP/ready" "$@" \
        >/dev/null 2>"$TMP/rep.err" &
    REP=$!
    for _ in $(seq 1 400); do
        [ -e "$TMP/ready" ] && return 0
        kill -0 "$REP" 2>/dev/null || { cat "$TMP/rep.err"; return 1; }
        sleep 0.05
    done
    return 1
}
stop_report() { kill -INT "$REP"; wait "$REP"; REP=; }

start() {
    case $1 in
    none) ;;
    bpftrace)
        "$bpftrace" -e 'tracepoint:skb:kfree_skb { @[args->reason, args->location] = count(); }' \
            >"$TMP/bt.out" 2>&1 &
        BT=$!
        for _ in $(seq 1 600); do
            grep -q "Attaching" "$TMP/bt.out" && { sleep 0.2; return 0; }
            kill -0 "$BT" 2>/dev/null || return 1
            sleep 0.05
        done
        return 1 ;;
    empty_xdp) ip -n "$P-b" link set dev v0b xdpdrv obj "$EMPTY" sec xdp ;;
    report) start_report ;;
    report_noflows) start_report --no-flows ;;
    report_tc) start_report --hook tc ;;
    report_xdp) start_report --hook xdp ;;
    esac
}
stop() {
    case $1 in
    bpftrace) kill -INT "$BT"; wait "$BT"; BT= ;;
    empty_xdp) ip -n "$P-b" link set dev v0b xdpdrv off ;;
    report*) stop_report ;;
    esac
}

# One unmeasured warm-up storm.
"$send" "/var/run/netns/$P-a" 198.18.0.2 "$count" "$cpu" >/dev/null || exit 1
for r in $(seq 1 "$rounds"); do
    for m in "${modes[@]}"; do
        start "$m" || { echo "cannot start $m"; exit 1; }
        ns=$("$send" "/var/run/netns/$P-a" 198.18.0.2 "$count" "$cpu") || exit 1
        stop "$m"
        echo "$ns" >>"$TMP/$m"
    done
done

median() { sort -n "$TMP/$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
fastest() { sort -n "$TMP/$1" | head -1; }
base=$(median none)
bt_over=
[ -n "$bpftrace" ] && bt_over=$(awk -v a="$(median bpftrace)" -v b="$base" 'BEGIN { print a - b }')
echo "Drop storm on the lab veth: $count UDP datagrams to a closed port, sender on CPU $cpu,"
echo "$rounds interleaved rounds, median wall ns per packet (shared machine: noisy)"
echo "(fastest: the least disturbed round of each setting, for comparison)"
printf "%-30s %10s %12s %14s %10s\n" "setting" "ns/pkt" "overhead" "x bpftrace's" "fastest"
for m in "${modes[@]}"; do
    med=$(median "$m")
    awk -v n="${what[$m]}" -v med="$med" -v b="$base" -v bt="$bt_over" -v f="$(fastest "$m")" 'BEGIN {
        o = med - b
        r = (bt != "" && bt > 0) ? sprintf("%.2f", o / bt) : "-"
        printf "%-30s %10.1f %12.1f %14s %10.1f\n", n, med, o, r, f }'
done
if [ -n "$bt_over" ]; then
    awk -v d="$(median report)" -v b="$base" -v bt="$bt_over" 'BEGIN {
        o = d - b
        printf "target: default report overhead %.1f ns <= bpftrace one-liner %.1f ns: %s\n",
            o, bt, o <= bt ? "MET" : "NOT MET" }'
fi
