#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dropledger diff on the recorded runs: exit 3 and the flagged cause when
# B is worse, 0 for identical runs, 2 for bad input; --json says the same.
set -u
DL=${DL_BIN:?DL_BIN must name the dropledger binary}
A=${DL_TESTDATA:?}/report-run.lab-a.json
B=$DL_TESTDATA/report-run.lab-b-rcvbuf.json
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v jq >/dev/null || { echo "SKIP: needs jq"; exit 77; }
T=$(mktemp -d /tmp/dl-diff.XXXXXX)
trap 'rm -rf "$T"' EXIT

"$DL" diff "$A" "$B" >"$T/out"
[ $? = 3 ] || fail "B worse: exit not 3"
grep -q '^VERDICT: B is worse' "$T/out" || fail "no verdict line"
grep -q 'cause SOCKET_RCVBUFF (udp_queue_rcv_one_skb): worse' "$T/out" || fail "cause not named"
[ "$(grep -c ' worse  ' "$T/out")" = 2 ] || fail "more than the cause and its queue flagged"
echo "ok: exit 3, SOCKET_RCVBUFF and its queue flagged"
"$DL" diff --json "$A" "$B" >"$T/j"
[ $? = 3 ] || fail "--json: exit not 3"
jq -e '.worse == true and ([.causes[] | select(.verdict == "worse") | .reason] == ["SOCKET_RCVBUFF"])' \
    "$T/j" >/dev/null || fail "--json does not flag exactly SOCKET_RCVBUFF"
echo "ok: --json flags exactly SOCKET_RCVBUFF"
"$DL" diff "$A" "$A" >"$T/same" || fail "identical runs: exit $?"
grep -q 'no change beyond noise' "$T/same" || fail "identical runs: verdict"
echo "ok: identical runs exit 0"
"$DL" diff "$B" "$A" >/dev/null || fail "better: exit $?"
echo "ok: B better than A exits 0"
"$DL" diff "$A" 2>"$T/err"; rc=$?
[ $rc = 2 ] && [ "$(grep -c . "$T/err")" = 1 ] || fail "one file: exit $rc"
"$DL" diff "$A" "$T/none.json" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "none.json: No such file" "$T/err" || fail "missing file: exit $rc"
echo "ok: bad input: exit 2, one line"
echo "all passed"
