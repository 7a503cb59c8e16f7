#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A flood of 10^6 distinct UDP 5-tuples to a closed port (what a DDoS or a
# port scan looks like): every drop keeps its reason (records_lost 0), the
# per-cause counts add up to the drop total exactly, the flows beyond the
# flow table are a counted remainder, and the ledger balances.
. "$(dirname "$0")/lib.sh"

P=dlf$$
lab_up "$P"
FLOWS=${DL_FLOOD_FLOWS:-62500}	# per source address
SRCS=${DL_FLOOD_SRCS:-16}	# 16 x 62,500 = 10^6 distinct flows
MAC=$(ip -n "$P-b" -br link show v0b | awk '{print $3}')

ip netns exec "$P-b" "$DL" report -i v0b -d 120 --json --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
sent=0
for s in $(seq 1 "$SRCS"); do
    ip netns exec "$P-a" "$DL" gen --queues 0-3 --flows "$FLOWS" --count 1 \
        --sport 1024 --dport 9 --src-ip "10.77.$s.1" --dst-mac "$MAC" --json -i v0a \
        >"$TMP/gen.json" 2>"$TMP/gen.err" || { cat "$TMP/gen.err"; fail "gen failed"; }
    n=$(jq '.sent // .frames_sent // .tx // empty' "$TMP/gen.json")
    [ -n "$n" ] || { cat "$TMP/gen.json"; fail "gen printed no sent count"; }
    sent=$((sent + n))
done
echo "sent $sent frames over $((FLOWS * SRCS)) flows"
# Every frame is counted by XDP before report stops.
for i in $(seq 1 200); do
    [ "$(xdp_total "$P-b")" -ge "$sent" ] && break
    sleep 0.05
done
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err"; fail "report failed"; }
PIDS=()

O=$TMP/out.json
jq '{totals, causes: [.causes[] | {reason, count, flows_other, flows_untracked, flows_distinct, nflows: (.flows | length)}]}' "$O"
expect ".totals.xdp_seen == $sent" "$O" "XDP saw every frame"
expect '.totals.records_lost == 0 and .totals.location_lost == 0' "$O" "no drop lost its reason or location"
expect '([.causes[] | select(.category != "rss" and .direction == "rx") | .count] | add) + .totals.records_lost == .totals.stack_dropped' "$O" "per-cause counts add up to the drop total exactly"
expect '.totals.residual == 0' "$O" "the ledger balances"
expect '[.causes[] | select(.reason == "NO_SOCKET")][0].count == .totals.xdp_seen' "$O" "every frame dropped as NO_SOCKET"
expect '[.causes[] | select(.reason == "NO_SOCKET")][0] | .flows_untracked > 0 and .flows_other == .count - ([.flows[].count] | add)' "$O" "flows beyond the table are the counted remainder"
expect '.totals.flows_untracked == ([.causes[] | .flows_untracked // 0] | add)' "$O" "remainders add up to what the tracer counted without a slot"
expect '[.crosschecks[] | select(.counter == "Udp NoPorts")][0] | .match and .note == null' "$O" "Udp NoPorts matches the traced drops, no blame on the counter"
