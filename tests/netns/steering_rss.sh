#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `dropledger steering` end to end on the lab's 4-queue veth, exact counts.
# The sender side (P-a) pins flows to TX queues with the lab steering
# emulation (tc egress, BPF), which on a multi-queue veth are the receiver's
# RX queues: 16 flows round-robin over queues 0-3 (even spread), one
# elephant among mice (the rss verdict names queue and flow), a rule the
# "NIC" honours (exit 0) and one it ignores (exit 3), a malformed rules file
# (exit 2, file:line). Needs root; exits 77 (skip) otherwise.
. "$(dirname "$0")/lib.sh"

need_steering

P=dlq$$
lab_up "$P"

for q in 0 1 2 3; do steer "$P-a" $((6000 + q)) "$q" $((q + 1)); done
steer "$P-a" 7000 2 10     # the elephant's queue
steer "$P-a" 5000 3 11     # declared as queue 3 below: honoured
steer "$P-a" 5001 1 12     # declared as queue 2 below: ignored


send() { # DPORT SPORT COUNT
    ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 "$1" "$3" --sport "$2" >/dev/null ||
        fail "send $3 to :$1 from :$2"
}

# run NAME ARGS...: steering on v0b until the traffic function NAME has
# sent and every frame has passed XDP, then SIGINT; output in $TMP/NAME.out.
run() {
    local name=$1 fn=$2 want base i rc
    shift 2
    rm -f "$TMP/ready"
    base=$(xdp_total "$P-b")
    ip netns exec "$P-b" "$DL" steering -i v0b -d 120 --ready-file "$TMP/ready" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    local pid=$!
    PIDS+=("$pid")
    wait_file "$TMP/ready" "$pid"
    want=$("$fn") || fail "$name: sending failed"
    # Not a timed wait: until the XDP counters show every frame sent.
    for i in $(seq 1 400); do
        [ $(($(xdp_total "$P-b") - base)) -ge "$want" ] && break
        sleep 0.05
    done
    [ $(($(xdp_total "$P-b") - base)) -eq "$want" ] ||
        fail "$name: XDP saw $(($(xdp_total "$P-b") - base)) frames, sent $want"
    kill -INT "$pid"
    rc=0
    wait "$pid" || rc=$?
    echo "$rc" >"$TMP/$name.rc"
}

# 16 flows, 4 per queue, 100 datagrams each.
even_traffic() {
    local q s
    for q in 0 1 2 3; do
        for s in 0 1 2 3; do send $((6000 + q)) $((40000 + q * 4 + s)) 100; done
    done
    echo 1600
}

# 12 mice of 50 (3 per queue) and one elephant of 1800 on queue 2.
elephant_traffic() {
    local q s
    for q in 0 1 2 3; do
        for s in 0 1 2; do send $((6000 + q)) $((40100 + q * 3 + s)) 50; done
    done
    send 7000 41000 1800
    echo 2400
}

# 160 to :5000 (lands on queue 3), 160 to :5001 (lands on queue 1).
rules_traffic() {
    send 5000 41100 160
    send 5001 41101 160
    echo 320
}

# --- even spread: not skewed, Jain >= 0.95, the 'even' rule holds ---
cat >"$TMP/even.rules" <<'RULES'
# lab: four dports, one per queue
udp dport 6000-6003 -> queues 0-3 even
RULES
run even even_traffic --json --rules "$TMP/even.rules"
O=$TMP/even.out
[ "$(cat "$TMP/even.rc")" = 0 ] || { cat "$TMP/even.err" >&2; fail "even: exit $(cat "$TMP/even.rc"), want 0"; }
expect '.tool == "dropledger" and .command == "steering" and .interface == "v0b"' "$O" "steering identifies itself"
expect '.nic.exposed == false and .nic.summary == "v0b: RSS not exposed by the driver"' "$O" "veth RSS config: not exposed"
expect '[.rss.queues[].packets] == [400, 400, 400, 400] and .rss.packets == 1600' "$O" "even: 400 on each queue"
expect '.rss.skewed == false and .rss.jain_index >= 0.95 and .rss.hot_queues == []' "$O" "even: not skewed, Jain >= 0.95"
expect '.rss.verdict.kind == "even" and .rss.verdict.problem == false and .rss.verdict.category == "rss"' "$O" "even: verdict even"
expect '[.rss.queues[].flows] == [4, 4, 4, 4] and .rss.flow_packets == 1600' "$O" "even: 4 flows per queue, all counted per flow"
expect '.rss.elephants == [] and ([.rss.queues[].cpus | length > 0] | all)' "$O" "even: no elephant, CPUs known per queue"
expect '.rules[0].packets == 1600 and .rules[0].flows == 16 and .rules[0].judged and .rules[0].uneven == false' "$O" "even: rule judged and even"
expect '.violations == 0 and .rule_violations == 0 and .flows == 16' "$O" "even: no violation"
expect '(.rss.cpus | length) > 0 and (.rss.cpus[0] | has("time_squeeze"))' "$O" "per-CPU softnet deltas present"

# --- one elephant among mice ---
run elephant elephant_traffic --json
O=$TMP/elephant.out
[ "$(cat "$TMP/elephant.rc")" = 0 ] || { cat "$TMP/elephant.err" >&2; fail "elephant: exit $(cat "$TMP/elephant.rc")"; }
expect '[.rss.queues[].packets] == [150, 150, 1950, 150]' "$O" "elephant: exact per-queue arrivals"
expect '.rss.skewed and .rss.hot_queues == [2]' "$O" "elephant: queue 2 is the hot queue"
expect '.rss.verdict.kind == "elephant" and .rss.verdict.problem and .rss.verdict.queues == [2] and .rss.verdict.count == 1950' "$O" "elephant: verdict names queue 2"
expect '.rss.elephants | length == 1' "$O" "elephant: exactly one elephant"
expect '.rss.elephants[0] | .queue == 2 and .packets == 1800 and .packets_error == 0 and .proto == "udp" and .src == "198.18.0.1" and .sport == 41000 and .dst == "198.18.0.2" and .dport == 7000' "$O" "elephant: the flow, exact count"
# JSON reals carry 6 significant digits (util/json.h).
expect '(.rss.elephants[0].share_of_queue - (1800 / 1950) | fabs) < 1e-6 and .rss.elephants[0].share_of_total == 0.75' "$O" "elephant: its shares"
expect '.rss.verdict.summary | startswith("queue 2 holds 81% of traffic, 92% of it is one flow 198.18.0.1:41000 -> 198.18.0.2:7000 udp (4 queues, fair share 25%, Jain 0.37)")' "$O" "elephant: the verdict line"
expect '.rss.verdict.advice | contains("cannot be spread by RSS") and contains("Split it at the sender")' "$O" "elephant: advice"
expect '.rules == null and .violations == 0' "$O" "no rules, no NIC prediction: nothing to violate"

# --- rules honoured: exit 0 ---
cat >"$TMP/ok.rules" <<'RULES'
udp dport 5000 -> queue 3
RULES
run honoured rules_traffic --json --rules "$TMP/ok.rules"
O=$TMP/honoured.out
[ "$(cat "$TMP/honoured.rc")" = 0 ] || fail "honoured rules: exit $(cat "$TMP/honoured.rc"), want 0"
expect '.violations == 0 and .rules[0].packets == 160 and .rules[0].on_allowed == 160 and .rules[0].elsewhere == 0' "$O" "honoured: 160 on queue 3, 0 violations"
expect '.unmatched_flows == 1 and .unmatched_packets == 160' "$O" "honoured: the :5001 flow matches no rule"

# --- a rule the emulated NIC ignores: exit 3, exact counts, text ---
cat >"$TMP/bad.rules" <<'RULES'
# declared by the operator
udp dport 5000 -> queue 3

udp dport 5001 -> queue 2
RULES
run violated rules_traffic --rules "$TMP/bad.rules"
T=$TMP/violated.out
cat "$T"
[ "$(cat "$TMP/violated.rc")" = 3 ] || { cat "$TMP/violated.err" >&2; fail "violated rule: exit $(cat "$TMP/violated.rc"), want 3"; }
grep -qx 'rule 1 (udp dport 5000 -> queue 3): 160 packets matched, all on queue 3' "$T" ||
    fail "violated: rule 1 line"
grep -qx 'rule 2 (udp dport 5001 -> queue 2): 160 packets matched, 0 arrived on queue 2, all on queue 1  <- VIOLATION' "$T" ||
    fail "violated: rule 2 line"
grep -qx 'violations: 1 (1 rule, 0 flows against the NIC config)' "$T" || fail "violated: summary line"
grep -qx 'NIC: v0b: RSS not exposed by the driver' "$T" || fail "violated: NIC line"
ok "violated rule: exit 3 with exact counts"

run violated_json rules_traffic --json --rules "$TMP/bad.rules"
O=$TMP/violated_json.out
[ "$(cat "$TMP/violated_json.rc")" = 3 ] || fail "violated (json): exit $(cat "$TMP/violated_json.rc")"
expect '.violations == 1 and .rule_violations == 1' "$O" "violated (json): one violation"
expect '.rules[1] | .index == 2 and .line == 4 and .misrouted and .on_allowed == 0 and .elsewhere == 160 and .per_queue == {"1": 160} and .violation' "$O" "violated (json): rule 2 at line 4, 160 on queue 1"
expect '.rules[0] | .violation == false and .per_queue == {"3": 160}' "$O" "violated (json): rule 1 honoured"

# --- malformed rules file: exit 2, file:line, nothing attached ---
printf 'udp dport 5000 -> queue 3\n# fine so far\nudp dport 5000 -> queue 99\n' >"$TMP/broken.rules"
rc=0
ip netns exec "$P-b" "$DL" steering -i v0b -d 1 --rules "$TMP/broken.rules" \
    >"$TMP/broken.out" 2>"$TMP/broken.err" || rc=$?
cat "$TMP/broken.err"
[ "$rc" = 2 ] || fail "malformed rules: exit $rc, want 2"
grep -q "^dropledger steering: $TMP/broken.rules:3: " "$TMP/broken.err" || fail "malformed rules: no file:line"
[ -s "$TMP/broken.out" ] && fail "malformed rules: printed a report"
[ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "malformed rules: something stayed attached"
ok "malformed rules: exit 2 with file:line"

rc=0
ip netns exec "$P-b" "$DL" steering -i v0b -d 1 --rules "$TMP/nonexistent.rules" 2>"$TMP/nx.err" || rc=$?
[ "$rc" = 2 ] && grep -q "nonexistent.rules" "$TMP/nx.err" || fail "missing rules file: exit $rc"
rc=0
"$DL" steering --hot-factor 0.5 -i v0b >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "bad option value: exit $rc, want 2"
ok "missing file and bad option: exit 2"

[ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "XDP program left on v0b"
echo "all passed"
