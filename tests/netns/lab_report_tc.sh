#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# lab_report.sh's exact counts with arrivals counted at tc ingress (TCX
# link), then with a classic clsact filter: the same N, M, K, residual 0,
# per queue, as with XDP. Then a run killed with -9 leaves its clsact
# filter behind and `dropledger detach` (or the next run) removes it.
set -u
here=$(dirname "$0")
DL_LAB_PREFIX=hk DL_REPORT_ARGS="--hook tc" DL_EXPECT_HOOK=tc "$here/lab_report.sh" || exit $?
DL_LAB_PREFIX=hc DL_REPORT_ARGS="--hook tc --attach clsact" DL_EXPECT_HOOK=tc \
    "$here/lab_report.sh" || exit $?
DL_LAB_PREFIX=hx DL_REPORT_ARGS="--hook xdp" DL_EXPECT_HOOK=xdp "$here/lab_report.sh" || exit $?

. "$here/lib.sh"
P=hks$$
lab_up "$P"
ip netns exec "$P-b" "$DL" report -i v0b -d 120 --json --hook tc --attach clsact \
    --ready-file "$TMP/ready" >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
tc -n "$P-b" filter show dev v0b ingress | grep -q "dl_ingress_tc" || fail "clsact filter attached"
ok "classic filter attached"
kill -9 "$rep"; wait "$rep" 2>/dev/null
tc -n "$P-b" filter show dev v0b ingress | grep -q "dl_ingress_tc" || fail "filter outlives kill -9"
ip netns exec "$P-b" "$DL" detach -i v0b >"$TMP/det" || fail "detach"
grep -q "removed stale dropledger tc ingress filter" "$TMP/det" || { cat "$TMP/det"; fail "detach names the filter"; }
tc -n "$P-b" filter show dev v0b ingress | grep -q "dl_ingress_tc" && fail "filter removed by detach"
ok "detach removed the filter left by kill -9"
echo "all passed"
