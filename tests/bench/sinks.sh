#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Side by side on one net_af_xdp / veth queue, fed by `dropledger gen` at
# the sender's ceiling (unpaced, pinned to CPU 0; the sinks poll on CPU 1):
#   dpdk-testpmd --forward-mode=rxonly / dropledger dpdk / dropledger capture
# ROUNDS interleaved rounds, medians kept. Prints the frames each sink read
# per frame sent and its ratio to testpmd's, MET when >= 0.99, and whether
# dropledger's ledger was exact (arrivals = sent, residual 0, read + ring
# loss = arrivals) in every round.
# Usage: sinks.sh [frames] [rounds]
. "$(dirname "$0")/../netns/lib.sh"
count=${1:-1000000}
rounds=${2:-3}

command -v dpdk-testpmd >/dev/null || { echo "SKIP: no dpdk-testpmd (dpdk-dev)"; exit 77; }
"$DL" dpdk --help >/dev/null 2>&1 || { echo "SKIP: DPDK mode not built"; exit 77; }
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs two CPUs"; exit 77; }
command -v taskset >/dev/null || { echo "SKIP: needs taskset"; exit 77; }

P=snk$$
cleanup_sinks() {
    exec 7>&- 2>/dev/null
    rm -rf "/var/run/dpdk/$P"
    cleanup
}
trap cleanup_sinks EXIT
lab_up "$P"

VDEV="net_af_xdp0,iface=v0b,start_queue=0,queue_count=1"
EAL=(-l 0-1 --no-huge -m 512 --no-pci --no-shconf --file-prefix "$P" --log-level '*:error'
     --vdev "$VDEV")

# gen_all: COUNT stamped frames into RX queue 0 of v0b.
gen_all() {
    ip netns exec "$P-a" taskset -c 0 "$DL" gen -i v0a -q 0 --count "$count" --json \
        >"$TMP/gen.json" || fail "gen failed"
    jq -e ".sent == $count" "$TMP/gen.json" >/dev/null || fail "gen sent $(jq .sent "$TMP/gen.json")"
}

# Each sink prints "READ EXACT" (EXACT: 1, 0, or - where there is no ledger).
sink_testpmd() {
    local pid i
    rm -f "$TMP/fifo"
    mkfifo "$TMP/fifo"
    exec 7<>"$TMP/fifo"	# testpmd stops at a line on stdin
    ip netns exec "$P-b" dpdk-testpmd "${EAL[@]}" -- --forward-mode=rxonly \
        --total-num-mbufs 16384 <"$TMP/fifo" >"$TMP/tp.out" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for i in $(seq 1 400); do
        grep -q "Press enter to exit" "$TMP/tp.out" && break
        kill -0 "$pid" 2>/dev/null || { cat "$TMP/tp.out" >&2; fail "testpmd exited"; }
        sleep 0.05
    done
    gen_all
    sleep 1
    echo >&7
    wait "$pid" || { cat "$TMP/tp.out" >&2; fail "testpmd failed"; }
    exec 7>&-
    awk '/Accumulated forward statistics/ { f = 1 } f && /RX-packets:/ { print $2 " -"; exit }' \
        "$TMP/tp.out"
}

# run_dl NAME ARGS...: `dropledger ARGS` in B while gen sends, stopped with
# SIGINT once the sender is done; JSON in $TMP/NAME.json.
run_dl() {
    local name=$1 pid
    shift
    rm -f "$TMP/ready"
    ip netns exec "$P-b" "$DL" "$@" --ready-file "$TMP/ready" \
        >"$TMP/$name.json" 2>"$TMP/$name.err" &
    pid=$!
    PIDS+=("$pid")
    wait_file "$TMP/ready" "$pid"
    gen_all
    sleep 1
    kill -INT "$pid"
    wait "$pid" || { cat "$TMP/$name.err" >&2; fail "dropledger $1 failed"; }
}

sink_dpdk() {
    run_dl dp dpdk "${EAL[@]}" -- -d 120 --ring 2048 --json
    jq -r "\"\(.totals.records) \" + (if .totals.xdp_seen == $count and .totals.residual == 0
        and .totals.records + .totals.imissed == $count then \"1\" else \"0\" end)" "$TMP/dp.json"
}

sink_capture() {
    run_dl cap capture -i v0b -q 0 --cores 1 --ring 2048 -d 120 --json
    jq -r "\"\(.totals.records) \" + (if .totals.arrived == $count and .totals.residual == 0
        and .totals.records + .totals.records_lost == $count then \"1\" else \"0\" end)" "$TMP/cap.json"
}

sinks=(testpmd dpdk capture)
declare -A got exact
for s in "${sinks[@]}"; do exact[$s]=1; done
for r in $(seq 1 "$rounds"); do
    for s in "${sinks[@]}"; do
        read -r n e < <("sink_$s") || fail "$s: no result"
        [ -n "$n" ] || fail "$s: no frame count"
        got[$s]="${got[$s]:-} $n"
        [ "$e" = 0 ] && exact[$s]=0
        echo "round $r $s read $n of $count"
    done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
base=$(echo "${got[testpmd]}" | median)
[ "$base" -gt 0 ] || fail "testpmd read nothing"
printf '%-10s %12s %10s %12s  %s\n' sink "read(median)" "per sent" "vs testpmd" "ledger"
for s in "${sinks[@]}"; do
    m=$(echo "${got[$s]}" | median)
    ratio=$(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.3f", a / b }')
    verdict=""
    led="-"
    if [ "$s" != testpmd ]; then
        verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.99) ? "MET (>= 0.99)" : "NOT MET (>= 0.99)" }')
        [ "${exact[$s]}" = 1 ] && led="exact in every round" || led="NOT exact"
    fi
    printf '%-10s %12s %10s %12s  %s %s\n' "$s" "$m" \
        "$(awk -v a="$m" -v c="$count" 'BEGIN { printf "%.3f", a / c }')" "$ratio" "$led" "$verdict"
done
