#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# watch over three interfaces while they change: v1b is deleted and
# re-created mid-run, v0b's queue count goes 4 -> 2, v2b stays. No crash,
# one log line per event, every counter of every metrics snapshot is
# monotonic, and the drops before and after the re-creation add up;
# then v2b is moved to the other namespace: detached there, one line.
. "$(dirname "$0")/lib.sh"
command -v ethtool >/dev/null || PATH=$PATH:/usr/sbin:/sbin
command -v ethtool >/dev/null || { echo "SKIP: needs ethtool"; exit 77; }

P=exc$$
lab_up "$P"
# A third pair, v2a/v2b, 198.18.2.0/24.
third() {
    ip -n "$P-a" link add v2a type veth peer name v2b netns "$P-b" &&
    ip -n "$P-a" addr add 198.18.2.1/24 dev v2a && ip -n "$P-b" addr add 198.18.2.2/24 dev v2b &&
    ip -n "$P-a" link set v2a up && ip -n "$P-b" link set v2b up
}
# v1a/v1b again, as the lab makes them.
recreate_v1() {
    ip -n "$P-a" link add v1a type veth peer name v1b netns "$P-b" &&
    ip -n "$P-a" addr add 198.18.1.1/24 dev v1a && ip -n "$P-b" addr add 198.18.1.2/24 dev v1b &&
    ip -n "$P-a" link set v1a up && ip -n "$P-b" link set v1b up
}
third || fail "third veth pair"

M=$TMP/m.prom
"$DL" watch --netns "$P-b" -i all -I 0.5 --metrics-textfile "$M" --json \
    --ready-file "$TMP/ready" >"$TMP/out.jsonl" 2>"$TMP/err" &
W=$!
PIDS+=("$W")
wait_file "$TMP/ready" "$W"

# Snapshot the textfile every 0.1 s while things change.
(for i in $(seq 1 400); do cp "$M" "$TMP/snap.$(printf %04d "$i")" 2>/dev/null; sleep 0.1; done) &
SNAP=$!
PIDS+=("$SNAP")

metric() { awk -v k="$1" '$1 == k { print $2 }' "$M" 2>/dev/null; }
v1drops() { metric 'dropledger_stack_dropped_packets_total{device="v1b",direction="rx",category="stack",group="socket",reason="NO_SOCKET"}'; }
wait_log() {
    local i
    for i in $(seq 1 200); do grep -q "$1" "$TMP/err" && return 0; sleep 0.05; done
    cat "$TMP/err" >&2; fail "no log line '$1'"
}

ip netns exec "$P-a" "$DL" lab send udp 198.18.1.2 5001 10 >/dev/null || fail send
ip netns exec "$P-a" "$DL" lab send udp 198.18.2.2 5002 4 >/dev/null || fail send
wait_value v1drops 10

ip -n "$P-b" link del v1b || fail "delete v1b"
wait_log "v1b: gone: no longer watched"
recreate_v1 || fail "re-create v1b"
wait_log "v1b: watching .*(appeared)"
ok "v1b deleted and re-created: one line each"
ip netns exec "$P-a" "$DL" lab send udp 198.18.1.2 5001 5 >/dev/null || fail send
wait_value v1drops 15
ok "v1b drops add up across the re-creation (10 + 5 = 15)"
[ "$(metric 'dropledger_device_restarts_total{device="v1b"}')" = 1 ] || fail "restart not counted"

# With XDP on v0b, veth wants its rx queues >= the peer's tx: peer first.
ip netns exec "$P-a" ethtool -L v0a rx 2 tx 2 || fail "ethtool -L v0a"
ip netns exec "$P-b" ethtool -L v0b rx 2 tx 2 || fail "ethtool -L v0b"
wait_log "v0b: rx queues 4 -> 2"
ok "queue count change logged"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5000 6 >/dev/null || fail send
v0drops() { metric 'dropledger_stack_dropped_packets_total{device="v0b",direction="rx",category="stack",group="socket",reason="NO_SOCKET"}'; }
wait_value v0drops 6
v2drops() { metric 'dropledger_stack_dropped_packets_total{device="v2b",direction="rx",category="stack",group="socket",reason="NO_SOCKET"}'; }
[ "$(v2drops)" = 4 ] || fail "v2b drops $(v2drops), want 4"
# Moved to another namespace: followed there, detached, no longer watched.
ip -n "$P-b" link set v2b netns "$P-a" || fail "move v2b"
wait_log "v2b: .*moved to another network namespace.*: no longer watched"
[ -z "$(xdp_prog_id "$P-a" v2b)" ] || fail "XDP left on v2b after the move"
ok "v2b moved away: detached there, one line"
sleep 1
kill "$SNAP" 2>/dev/null; wait "$SNAP" 2>/dev/null

kill -0 "$W" || fail "watch died"
kill -TERM "$W"
wait "$W" || { cat "$TMP/err"; fail "watch exited $?"; }
ok "watch survived the changes and stopped cleanly"

# Every counter, snapshot after snapshot, never goes down.
n=$(ls "$TMP"/snap.* | wc -l)
[ "$n" -gt 10 ] || fail "only $n snapshots"
awk '/^#/ { next } $1 ~ /_total/ { if (($1 in last) && $2 + 0 < last[$1] + 0) { print FILENAME ": " $1 " " last[$1] " -> " $2; bad = 1 } last[$1] = $2 }
     END { exit bad }' $(ls "$TMP"/snap.* | sort) || fail "a counter went down"
ok "all counters monotonic over $n snapshots"
jq -e -s 'all(.[]; .totals.xdp_seen >= 0 and .totals.stack_dropped >= 0)' "$TMP/out.jsonl" >/dev/null ||
    fail "a negative number in the interval records"
[ "$(jq -s '[.[] | select(.interface == "v1b") | .totals.stack_dropped] | add' "$TMP/out.jsonl")" = 15 ] ||
    fail "interval records of v1b do not add up to 15"
ok "interval records add up (v1b: 15 drops over both lives)"
for d in v0b v1b; do
    [ -z "$(xdp_prog_id "$P-b" "$d")" ] || fail "XDP left on $d"
done
ok "nothing left attached"
