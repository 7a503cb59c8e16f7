#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Analyzer cost: bench_agg's records/s vs memcpy, then instructions per
# record from callgrind (two sizes, difference divided by the extra
# records, so start-up and the array fill cancel out).
set -eu
bin=${1:?usage: agg_cost.sh bench_agg}
"$bin" 1000000

if ! command -v valgrind >/dev/null; then
    echo "valgrind not installed: instructions per record skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ir() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" \
        --toggle-collect='dl_agg__add' "$bin" "$1" --quiet 2>"$tmp/log.$1"
    awk '/^summary:/ {print $2}' "$tmp/cg.$1"
}
a=$(ir 100000)
b=$(ir 200000)
awk -v a="$a" -v b="$b" 'BEGIN {
    printf "callgrind: dl_agg__add %.1f instructions per record\n", (b - a) / 100000 }'
