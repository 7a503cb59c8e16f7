#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Tap mode through the CLI: `dropledger gen` (AF_XDP TX, 4 queues, stamped
# flows) in namespace A, `dropledger report --mirror N` in B. Exact counts:
# every frame seen at XDP is received, lost or sampled out; per queue the
# mirrored records equal what the generator sent on that queue; per flow the
# sequence check finds every number. Bad --mirror/--cores are usage errors.
. "$(dirname "$0")/lib.sh"

P=mrg$$
lab_up "$P"
cores=$(cat /sys/devices/system/cpu/online)
FLOWS=8
COUNT=1500

# run_tap N [OPTS]: report with --mirror N while the generator sends; JSON in $TMP/tapN.json
run_tap() {
    local n=$1 rep
    shift
    rm -f "$TMP/ready$n"
    ip netns exec "$P-b" "$DL" report -i v0b -d 3 --mirror "$n" --cores "$cores" "$@" \
        --json --ready-file "$TMP/ready$n" >"$TMP/tap$n.json" 2>"$TMP/err$n" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/ready$n" "$rep"
    ip netns exec "$P-a" "$DL" gen --queues 0-3 --flows "$FLOWS" --count "$COUNT" \
        --rate 50000 --dst-ip 198.18.0.99 --json -i v0a >"$TMP/gen$n.json" \
        || fail "dropledger gen failed"
    wait "$rep" || { cat "$TMP/err$n" >&2; fail "report --mirror $n exited non-zero"; }
    # Both in one file for jq: .g is the generator, .r the report.
    jq -n --slurpfile g "$TMP/gen$n.json" --slurpfile r "$TMP/tap$n.json" \
        '{g: $g[0], r: $r[0]}' >"$TMP/both$n.json"
}

run_tap 1
O=$TMP/both1.json
expect '.g.sent == '$((FLOWS * COUNT))' and .g.tx_dropped == 0' "$O" "generator sent every frame"
expect '.r.tap.sample_every == 1 and .r.totals.xdp_seen == .g.sent' "$O" "XDP saw every frame sent"
expect '.r.tap.frames == .g.sent' "$O" "every frame reached the mirror step"
expect '.r.tap.accounted == .r.tap.frames' "$O" "received + lost + sampled out + unread = frames"
expect '.r.tap.records_lost == 0 and .r.tap.records_received == .g.sent' "$O" "no record lost (16 k records fit one ring)"
expect '.r.tap.stamped == .g.sent and .r.tap.malformed == 0' "$O" "every record stamped"
expect '[.g.queues[] | .sent] == [.r.tap.queues[] | .stamped]' "$O" "per queue: records = frames sent on that TX queue"
expect '[.g.queues[] | .sent] == [.r.queues[0:4][] | .arrived]' "$O" "per queue: ledger arrivals = frames sent"
expect '.r.tap.sequence.checked and .r.tap.sequence.flows == '$FLOWS'' "$O" "all stamped flows checked"
expect '[.r.tap.sequence.per_flow[] | .received] == [.g.flows[] | .issued]' "$O" "per flow: every sequence number received"
expect '.r.tap.sequence.lost == 0 and .r.tap.sequence.duplicated == 0' "$O" "no gap, no duplicate"
expect '[.r.tap.top_flows[] | .records] | all(. == '$COUNT')' "$O" "top flows carry their records"
expect '.r.tap.workers | length >= 1' "$O" "workers reported"
expect '.r.tap.ring == "percpu"' "$O" "default rings: per-CPU slot rings"

run_tap 8
O=$TMP/both8.json
expect '.r.tap.sample_every == 8 and .r.tap.frames == .g.sent' "$O" "1-in-8: every frame reached the mirror step"
expect '.r.tap.accounted == .r.tap.frames and .r.tap.records_lost == 0' "$O" "1-in-8: exact accounting"
expect '.r.tap.sampled_out > 0 and .r.tap.records_received * 8 >= .r.tap.frames - 8 * 4' "$O" "1-in-8: about an eighth mirrored"
expect '.r.tap.sequence.checked == false and .r.tap.sequence.lost == null' "$O" "1-in-8: gaps are not reported as loss"

# The older ring kind, chosen on the command line: the same exact counts.
cp "$TMP/both1.json" "$TMP/percpu.json"
run_tap 1 --mirror-ring ringbuf
O=$TMP/both1.json
expect '.r.tap.ring == "ringbuf" and .r.tap.frames == .g.sent and .r.tap.accounted == .r.tap.frames' "$O" \
    "--mirror-ring ringbuf: every frame accounted"
expect '.r.tap.records_lost == 0 and .r.tap.records_received == .g.sent and .r.tap.sequence.lost == 0' "$O" \
    "--mirror-ring ringbuf: every record received, no gap"

# Usage errors: exit 2 with a message, nothing attached.
for bad in "--mirror 0" "--mirror x" "--cores 0" "--mirror-ring ringbuf" "--mirror 1 --mirror-ring x"; do
    rc=0
    # shellcheck disable=SC2086
    ip netns exec "$P-b" "$DL" report -i v0b -d 1 $bad >/dev/null 2>"$TMP/bad" || rc=$?
    [ "$rc" = 2 ] || fail "report $bad: exit $rc, want 2"
    [ -s "$TMP/bad" ] || fail "report $bad: no message"
    ok "report $bad is a usage error: $(head -1 "$TMP/bad")"
done
[ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "XDP program left on v0b"
ok "nothing left attached"
echo "all passed"
