#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# One report session over two interfaces of the lab (v0b, v1b): a line per
# interface, each with exactly the drops sent to it (UDP to a closed port,
# a different count on each), and nothing left attached on either.
. "$(dirname "$0")/lib.sh"
SM=${DL_SESSION_MULTI:?DL_SESSION_MULTI must name the session_multi driver}

P=se$$
lab_up "$P"
A=$P-a
B=$P-b

ip netns exec "$B" "$SM" "$TMP/ready" 4 v0b v1b >"$TMP/out" 2>"$TMP/err" &
pid=$!
PIDS+=("$pid")
wait_file "$TMP/ready" "$pid"
ip netns exec "$A" bash -c '
    for i in $(seq 30); do echo x > /dev/udp/198.18.0.2/9999; done
    for i in $(seq 70); do echo x > /dev/udp/198.18.1.2/9999; done' 2>/dev/null
wait "$pid" || { cat "$TMP/err" >&2; fail "session over two interfaces failed"; }
[ "$(wc -l <"$TMP/out")" = 2 ] || fail "want one line per interface"
jq -s '.[0]' "$TMP/out" >"$TMP/l0"
jq -s '.[1]' "$TMP/out" >"$TMP/l1"
expect '.interface == "v0b" and .seq == 1' "$TMP/l0" "first line is v0b"
expect '.interface == "v1b" and .seq == 2' "$TMP/l1" "second line is v1b"
expect '[.causes[] | select(.reason == "NO_SOCKET") | .count] | add == 30' "$TMP/l0" \
    "v0b: the 30 drops sent to it"
expect '[.causes[] | select(.reason == "NO_SOCKET") | .count] | add == 70' "$TMP/l1" \
    "v1b: the 70 drops sent to it"
expect '.totals.residual == 0' "$TMP/l0" "v0b balances"
expect '.totals.residual == 0' "$TMP/l1" "v1b balances"
for dev in v0b v1b; do
    [ -z "$(xdp_prog_id "$B" "$dev")" ] || fail "$dev: XDP program left attached"
done
ok "nothing left attached on v0b or v1b"
