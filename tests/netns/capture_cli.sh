#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Capture mode through the CLI: `dropledger gen` (AF_XDP TX, 4 queues) in
# namespace A, `dropledger capture` in B. Exact counts per queue and per
# flow; with tiny rings and an unpaced sender, whatever the rings lose must
# equal the sequence gaps. A held interface is refused with a reason.
. "$(dirname "$0")/lib.sh"

P=dlm$$
lab_up "$P"
cores=$(cat /sys/devices/system/cpu/online)
FLOWS=8

# run_cap NAME COUNT RATE [capture options]: JSON of both in $TMP/NAME.json
run_cap() {
    local name=$1 count=$2 rate=$3 cap
    shift 3
    ip netns exec "$P-b" "$DL" capture -i v0b -d 3 --queues 0-3 --cores "$cores" \
        --json --ready-file "$TMP/ready-$name" "$@" >"$TMP/cap-$name.json" \
        2>"$TMP/err-$name" &
    cap=$!
    PIDS+=("$cap")
    wait_file "$TMP/ready-$name" "$cap"
    ip netns exec "$P-a" "$DL" gen --queues 0-3 --flows "$FLOWS" --count "$count" \
        --rate "$rate" --json -i v0a >"$TMP/gen-$name.json" || fail "dropledger gen failed"
    wait "$cap" || { cat "$TMP/err-$name" >&2; fail "capture ($name) exited non-zero"; }
    jq -n --slurpfile g "$TMP/gen-$name.json" --slurpfile c "$TMP/cap-$name.json" \
        '{g: $g[0], c: $c[0]}' >"$TMP/$name.json"
}

run_cap roomy 1500 50000
O=$TMP/roomy.json
expect '.c.mode == "capture" and .c.interface == "v0b" and .c.tool == "dropledger"' "$O" "report identifies itself"
expect '.g.sent == '$((FLOWS * 1500))' and .c.totals.arrived == .g.sent' "$O" "every frame sent arrived"
expect '.c.totals.records == .g.sent and .c.totals.records_lost == 0 and .c.totals.residual == 0' "$O" "every frame read, none lost"
expect '.c.totals.passed_no_socket == 0 and .c.totals.nic_dropped == null' "$O" "nothing passed; absent counter is null"
expect '[.g.queues[] | .sent] == [.c.queues[] | .arrived]' "$O" "per queue: arrivals = frames sent on that TX queue"
expect '[.c.queues[] | .records == .arrived and .captured] | all' "$O" "per queue: every arrival read"
expect '.c.ring_loss | has("rx_dropped") and has("rx_ring_full") and has("rx_fill_ring_empty_descs") and has("rx_invalid_descs")' "$O" "ring loss columns present"
expect '[.c.sequence.per_flow[] | .received] == [.g.flows[] | .issued] and .c.sequence.lost == 0' "$O" "per flow: every sequence number received"
expect '.c.totals | has("stack_dropped") | not' "$O" "no stack columns"
expect '.c.rss.queues == 4 and .c.rss.jain_index > 0.99' "$O" "even spread over 4 queues"

run_cap tiny 5000 0 --ring 64
O=$TMP/tiny.json
expect '.c.totals.arrived == .g.sent and .c.totals.residual == 0' "$O" "tiny rings: every arrival placed"
expect '.c.totals.records + .c.totals.records_lost + .c.totals.no_meta == .c.totals.redirected' "$O" "tiny rings: records + ring loss = redirected"
expect '([.g.flows[].issued] | add) - .c.sequence.received == .c.totals.records_lost + .c.totals.no_meta + .g.tx_dropped' "$O" "tiny rings: sequence numbers missing = ring loss"
expect '.c.sequence.duplicated == 0' "$O" "tiny rings: no duplicates"
echo "tiny rings: $(jq -c '.c.ring_loss' "$O") of $(jq '.g.sent' "$O") frames"

# Someone else's XDP program holds v0b: refused, with its name.
ip netns exec "$P-b" "$DL" report -i v0b --hook xdp -d 3 --ready-file "$TMP/ready-rep" >/dev/null 2>&1 &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready-rep" "$rep"
rc=0
ip netns exec "$P-b" "$DL" capture -i v0b -d 1 2>"$TMP/busy" || rc=$?
[ "$rc" = 1 ] || fail "capture on a held interface: exit $rc, want 1"
grep -q "v0b is already watched by dropledger (pid $rep, program id" "$TMP/busy" || { cat "$TMP/busy" >&2; fail "no reason given"; }
ok "held interface refused: $(cat "$TMP/busy")"
wait "$rep"
[ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "XDP program left on v0b"
ok "nothing left attached"
echo "all passed"
