#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# report --interval: one ledger per interval (JSON lines), then the whole
# run; intervals add up to the run and each balances on its own. Batches
# are sent well inside their interval (2 s intervals, sends at ~0 s and
# ~2.7 s), so the assignment does not hang on timing.
. "$(dirname "$0")/lib.sh"

P=dlv$$
lab_up "$P"
ip netns exec "$P-b" "$DL" report -i v0b -d 5 -I 2 --json --ready-file "$TMP/ready" \
    >"$TMP/out.jsonl" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5000 30 --sport 41000 || fail send
sleep 2.7
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5001 20 --sport 41001 || fail send
wait "$rep" || { cat "$TMP/err"; fail "report failed"; }

O=$TMP/out.jsonl
[ "$(wc -l <"$O")" = 4 ] || { cat "$O"; fail "want 3 intervals + the whole run"; }
jq -s . "$O" >"$TMP/all.json"
A=$TMP/all.json
expect '[.[].interval] == [1, 2, 3, null] and [.[].cumulative] == [false, false, false, true]' "$A" "three intervals then the whole run"
expect '[.[0].causes[] | [.reason, .count, .flows[0].dport]] == [["NO_SOCKET", 30, 5000]]' "$A" "interval 1 holds the first batch"
expect '[.[1].causes[] | [.reason, .count, .flows[0].dport]] == [["NO_SOCKET", 20, 5001]]' "$A" "interval 2 holds the second batch"
expect '.[2].causes == [] and .[2].totals.xdp_seen == 0' "$A" "interval 3 is quiet"
expect '([.[0:3][].totals.xdp_seen] | add) == .[3].totals.xdp_seen and .[3].totals.xdp_seen == 50' "$A" "intervals add up to the whole run"
expect '[.[].totals.residual] == [0, 0, 0, 0]' "$A" "every interval balances"
expect '[.[0:2][] | .crosschecks[] | select(.counter == "Udp NoPorts") | .kernel] == [30, 20]' "$A" "cross-checks per interval"

# A drop-only storm across interval boundaries (-I 1, ~5 s): each interval
# balances on its own (its XDP and drop counts are read at one moment per
# CPU), and duration_s is the interval's span, not the time to collect it.
# Generous bounds: this checks the reported span, not speed.
rm -f "$TMP/ready"
ip netns exec "$P-b" "$DL" report -i v0b -d 5 -I 1 --json --ready-file "$TMP/ready" \
    >"$TMP/storm.jsonl" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
# Small bursts until the run ends (bounded: 400 x 5000), so the storm covers
# every interval however fast the sender is.
for i in $(seq 1 400); do
    ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5002 5000 --sport 41002 || fail send
    kill -0 "$rep" 2>/dev/null || break
    sleep 0.02
done
wait "$rep" || { cat "$TMP/err"; fail "report failed"; }
jq -s . "$TMP/storm.jsonl" >"$TMP/storm.json"
S=$TMP/storm.json
jq -c '.[] | [.interval, .duration_s, .totals.xdp_seen, .totals.residual]' "$S"
expect '[.[] | select(.cumulative | not)] | length == 5' "$S" "five intervals"
expect '[.[0:4][] | .totals.xdp_seen > 0] | all' "$S" "the storm spans the intervals"
expect '[.[].totals.residual] | all(. == 0)' "$S" "every interval of a drop-only storm balances"
expect '[.[0:5][] | .queues[] | (.arrived - .stack_dropped - .delivered)] | all(. == 0)' "$S" "and on every queue"
expect '[.[0:5][].duration_s] | all(. >= 0.9 and . <= 1.1)' "$S" "each interval spans its 1 s"
expect '.[5].duration_s >= 4.5 and .[5].duration_s <= 5.5' "$S" "the run spans its 5 s"
expect '([.[0:5][].totals.xdp_seen] | add) == .[5].totals.xdp_seen' "$S" "intervals add up to the run"
