#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The foundation's acceptance test, exact counts: with dropledger on the
# receiving veth, send N datagrams to a closed port, M to a slow reader
# with a tiny SO_RCVBUF, K LLDP frames; a second lab with the same
# interface names (same ifindex) makes drops in another namespace that
# must not be counted.
. "$(dirname "$0")/lib.sh"

# DL_REPORT_ARGS: extra report options (lab_report_tc.sh: --hook tc).
ARGS=${DL_REPORT_ARGS:-}
P=${DL_LAB_PREFIX:-dl}r$$
Q=${DL_LAB_PREFIX:-dl}n$$
N=137
M=211
K=17
lab_up "$P"
lab_up "$Q"

ip netns exec "$P-b" "$DL" lab sink 9001 --rcvbuf 1 --ready-file "$TMP/sink" &
sink=$!
PIDS+=("$sink")
# Ended by SIGINT once everything is sent, never by a timer.
# Snapshots recorded: the tracer's own counts (stat lines) are checked below.
ip netns exec "$P-b" env DL_RECORD_SNAPSHOTS="$TMP/snaps" \
    "$DL" report -i v0b -d 120 --json $ARGS --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/sink" "$sink"
wait_file "$TMP/ready" "$rep"

# Noise: the same drops, the same ifindex, another namespace.
ip netns exec "$Q-a" "$DL" lab send udp 198.18.0.2 9000 300 --sport 40000 &
noise=$!
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9000 "$N" --sport 40000 || fail "send N"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9001 "$M" --sport 40001 || fail "send M"
ip netns exec "$P-a" "$DL" lab send lldp v0a "$K" || fail "send K"
wait "$noise"
kill "$sink"; wait "$sink"
# UDP sockets are destroyed after an RCU grace period: what the slow reader
# still held is freed (udp_destruct_common) shortly after it exits.
sleep 0.5
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }
cat "$TMP/err" >&2

O=$TMP/out.json
expect '.tool == "dropledger" and .interface == "v0b" and .mode == "tap"' "$O" "report identifies itself"
expect "[.causes[] | select(.reason == \"NO_SOCKET\") | .count] == [$N]" "$O" "exactly N=$N under NO_SOCKET"
expect "[.causes[] | select(.reason == \"NO_SOCKET\") | .flows[0] | .dport, .sport] == [9000, 40000]" "$O" "NO_SOCKET flow is :40000 -> :9000"
expect "[.causes[] | select(.reason == \"SOCKET_RCVBUFF\") | .count] | add >= $M - 2" "$O" "at least M-2 under SOCKET_RCVBUFF"
expect '[.causes[] | select(.reason == "SOCKET_RCVBUFF") | .flows[0] | .proto, .src, .sport, .dst, .dport] == ["udp", "198.18.0.1", 40001, "198.18.0.2", 9001]' "$O" "SOCKET_RCVBUFF names the flow"
expect '[.causes[] | select(.reason == "SOCKET_RCVBUFF") | .category, .group] == ["stack", "socket"]' "$O" "SOCKET_RCVBUFF is stack/socket"
expect "[.causes[] | select(.reason == \"UNHANDLED_PROTO\") | .count] == [$K]" "$O" "exactly K=$K under UNHANDLED_PROTO"
expect '.causes[] | select(.reason == "UNHANDLED_PROTO") | .summary | contains("0x88cc (LLDP)")' "$O" "LLDP named in the verdict"
expect "([.queues[].arrived] | add) == $N + $M + $K and .totals.xdp_seen == $N + $M + $K" "$O" "per-queue arrivals sum to everything sent"
expect "[.causes[] | select(.flows[0].dport == 9001) | .count] | add == $M" "$O" "every slow-reader datagram accounted (full, or freed at close)"
expect '.totals.residual == 0 and .totals.records_lost == 0' "$O" "residual 0, no record lost"
expect ".totals.stack_dropped == $N + $M + $K" "$O" "no drop from the other namespace counted"
expect ".nic.driver == \"veth\" and .nic.counters.rx_packets == $N + $M + $K" "$O" "NIC rx_packets equals everything sent"
expect '.nic.counters.ring == null and .nic.counters.missed == null' "$O" "counters veth lacks are null, not 0"
expect ".totals.arrived == .totals.nic_dropped + .totals.xdp_seen" "$O" "arrived = nic_dropped + xdp_seen"
expect "[.crosschecks[] | select(.counter == \"Udp NoPorts\") | .kernel, .traced, .match] == [$N, $N, true]" "$O" "cross-check: Udp NoPorts equals NO_SOCKET"
expect '[.crosschecks[] | select(.counter == "Udp RcvbufErrors") | .match] == [true]' "$O" "cross-check: Udp RcvbufErrors equals SOCKET_RCVBUFF"
expect "[.crosschecks[] | select(.counter == \"rx_dropped\") | .kernel, .traced, .match] == [$K, $K, true]" "$O" "cross-check: device rx_dropped equals UNHANDLED_PROTO"
expect '([.causes[] | select(.expected | not) | .count] as $c | $c == ($c | sort | reverse)) and ([.causes[] | select(.category != "rss") | .expected] | . == sort)' "$O" "causes sorted by count, expected background after the real problems"
expect '.causes[] | select(.reason == "NO_SOCKET") | .location | test("^__udp4_lib_rcv\\+0x[0-9a-f]+$")' "$O" "location symbolised as function+0xoff"
expect '[.queues[] | .arrived == .stack_dropped] | all' "$O" "each drop attributed to the queue its frame arrived on"
if [ -n "${DL_EXPECT_HOOK:-}" ]; then
    expect ".hook == \"$DL_EXPECT_HOOK\"" "$O" "counted at the $DL_EXPECT_HOOK hook"
fi
# At tc the hook hands each arrival's flow and queue to the tracer: the
# closed-port and LLDP drops happen inside the receive call, so at least
# N + K of them were joined without parsing, and the counts above are the
# same as at XDP, where nothing is handed over.
handed=$(awk '$1 == "stat" && $2 == "flow_from_arrival" && $3 > v { v = $3 } END { print v + 0 }' \
    "$TMP/snaps")
if [ "$(jq -r .hook "$O")" = tc ]; then
    [ "$handed" -ge $((N + K)) ] || fail "tc hook handed $handed drops over, want >= $((N + K))"
    ok "tc hook handed $handed arrivals over to the drop tracer"
else
    [ "$handed" = 0 ] || fail "XDP handed $handed drops over: only tc can"
    ok "nothing handed over at XDP"
fi
echo "all passed"
