#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The rss section of `dropledger report`, exact counts: flows pinned to RX
# queues of the lab's 4-queue veth by the sender-side steering emulation.
# Even spread: not skewed, Jain >= 0.95, no rss cause. One elephant among
# mice: the verdict names the hot queue and the flow with its share, and
# appears as a cause of category rss after the drops.
. "$(dirname "$0")/lib.sh"

need_steering

P=dlk$$
lab_up "$P"
for q in 0 1 2 3; do steer "$P-a" $((6000 + q)) "$q" $((q + 1)); done
steer "$P-a" 7000 2 10

send() { # DPORT SPORT COUNT
    ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 "$1" "$3" --sport "$2" >/dev/null ||
        fail "send $3 to :$1 from :$2"
}

# run NAME FN: report until FN's frames all passed XDP, then SIGINT.
run() {
    local name=$1 fn=$2 want base i
    rm -f "$TMP/ready"
    base=$(xdp_total "$P-b")
    ip netns exec "$P-b" "$DL" report -i v0b --hook xdp -d 120 --json --ready-file "$TMP/ready" \
        >"$TMP/$name.json" 2>"$TMP/$name.err" &
    local pid=$!
    PIDS+=("$pid")
    wait_file "$TMP/ready" "$pid"
    want=$("$fn") || fail "$name: sending failed"
    for i in $(seq 1 400); do
        [ $(($(xdp_total "$P-b") - base)) -ge "$want" ] && break
        sleep 0.05
    done
    kill -INT "$pid"
    wait "$pid" || { cat "$TMP/$name.err" >&2; fail "$name: report failed"; }
}

even_traffic() {
    local q s
    for q in 0 1 2 3; do
        for s in 0 1 2 3; do send $((6000 + q)) $((40000 + q * 4 + s)) 100; done
    done
    echo 1600
}
elephant_traffic() {
    local q s
    for q in 0 1 2 3; do
        for s in 0 1 2; do send $((6000 + q)) $((40100 + q * 3 + s)) 50; done
    done
    send 7000 41000 1800
    echo 2400
}

run even even_traffic
O=$TMP/even.json
expect '[.queues[].arrived] == [400, 400, 400, 400]' "$O" "even: 400 per queue"
expect '.rss.skewed == false and .rss.jain_index >= 0.95' "$O" "even: not skewed, Jain >= 0.95"
expect '[.causes[] | select(.category == "rss")] == []' "$O" "even: no rss cause"

run elephant elephant_traffic
O=$TMP/elephant.json
expect '[.queues[].arrived] == [150, 150, 1950, 150]' "$O" "elephant: exact per-queue arrivals"
expect '.rss.hot_queues == [2] and .rss.verdict.kind == "elephant"' "$O" "elephant: queue 2 hot, elephant verdict"
expect '.rss.elephants[0] | .queue == 2 and .packets == 1800 and .sport == 41000 and .dport == 7000' "$O" "elephant: the flow, exact count"
expect '[.causes[] | select(.category == "rss") | .reason, .count, .queues["2"], .flows[0].sport, .flows[0].count] == ["ELEPHANT_FLOW", 1950, 1950, 41000, 1800]' "$O" "elephant: rss cause names queue and flow"
expect '.causes[] | select(.category == "rss") | .summary | startswith("queue 2 holds 81% of traffic, 92% of it is one flow 198.18.0.1:41000 -> 198.18.0.2:7000 udp")' "$O" "elephant: one-line verdict"
expect '.causes[-1].category == "rss"' "$O" "rss cause listed after the drops"
expect '.totals.residual == 0' "$O" "the ledger still balances"
