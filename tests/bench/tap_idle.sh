#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# What an always-on `report --mirror` costs in CPU besides the packets:
# the report process's CPU time per second of wall time (its poll-mode
# workers, one per online core, and the collector), idle and under paced
# traffic, next to `report` without a mirror (no workers) in the same run.
# Workers sleep when their rings run dry; their naps grow while polls find
# little (lib/linerate/workers.c). Interleaved rounds, medians; every run
# must account exactly: records_lost 0 and xdp_seen = frames sent.
# Usage: tap_idle.sh [seconds] [rounds] [rate]
. "$(dirname "$0")/../netns/lib.sh"

secs=${1:-3}
rounds=${2:-3}
rate=${3:-100000}
tck=$(getconf CLK_TCK)
P=mri$$
lab_up "$P"

settings=("none" "64" "1")
declare -A what=([none]="report (no mirror)" [64]="report --mirror 64" [1]="report --mirror 1")

# One run: $1 mirror setting, $2 rate (0: idle). Appends CPU ms per second.
run() {
    local m=$1 r=$2 args=() rep t0 t1 w0 w1 sent=0 out=$TMP/run.json
    [ "$m" != none ] && args=(--mirror "$m")
    rm -f "$TMP/ready"
    ip netns exec "$P-b" "$DL" report -i v0b -d 3600 --json "${args[@]}" \
        --ready-file "$TMP/ready" >"$out" 2>"$TMP/err" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/ready" "$rep"
    t0=$(awk '{ print $14 + $15 }' "/proc/$rep/stat")
    w0=$(date +%s%N)
    if [ "$r" = 0 ]; then
        sleep "$secs"
    else
        sent=$(ip netns exec "$P-a" "$DL" gen -i v0a --queues 0 --cores 0 --flows 4 \
            --count $((r * secs / 4)) --rate "$r" --dst-ip 198.18.0.99 --json |
            jq '.sent') || fail "generator"
    fi
    t1=$(awk '{ print $14 + $15 }' "/proc/$rep/stat")
    w1=$(date +%s%N)
    kill -INT "$rep"
    wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }
    unset 'PIDS[-1]'	# waited for: never signalled again
    expect ".totals.records_lost == 0 and .totals.xdp_seen == $sent" "$out" \
        "${what[$m]} at $r pps: exact (xdp_seen $sent, records_lost 0)" >/dev/null
    awk -v t="$((t1 - t0))" -v hz="$tck" -v w="$((w1 - w0))" \
        'BEGIN { printf "%.1f\n", t * 1000 / hz / (w / 1e9) }' >>"$TMP/cpu.$m.$r"
}

for _ in $(seq 1 "$rounds"); do
    for r in 0 "$rate"; do
        for m in "${settings[@]}"; do
            run "$m" "$r"
        done
    done
done

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "Report's own CPU per second of wall time on the lab veth ($(nproc) cores, a mirror"
echo "worker on each), ${secs} s runs, median of $rounds interleaved rounds; exact in every run"
printf "%-22s %16s %16s %18s\n" "setting" "idle ms/s" "$rate pps ms/s" "extra at $rate pps"
base=$(median "$TMP/cpu.none.$rate")
for m in "${settings[@]}"; do
    i=$(median "$TMP/cpu.$m.0")
    b=$(median "$TMP/cpu.$m.$rate")
    awk -v n="${what[$m]}" -v i="$i" -v b="$b" -v base="$base" \
        'BEGIN { printf "%-22s %16.1f %16.1f %18.1f\n", n, i, b, b - base }'
done
echo "(ms of CPU per second: 1000 is one core kept busy)"
