#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# report -w: the dropped frames as pcapng, read back with tshark. Known
# drops (N to a closed port, D to a closed port 53, K LLDP frames) must
# come back one packet per drop, per reason exactly the ledger's counts,
# each comment naming its reason and queue; -w - streams; a filter keeps
# only its flows (the ledger's totals stay whole); sampling, --max-packets
# and snaplen are counted and honoured; bad input fails cleanly.
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null || { echo "SKIP: needs tshark"; exit 77; }

P=evp$$
N=137
D=23
K=17
lab_up "$P"

# run NAME ARGS...: report on v0b of $P while the known drops are sent;
# stdout to $TMP/NAME.out, stderr to $TMP/NAME.err, exit code in $TMP/NAME.rc.
run() {
    local name=$1 rep
    shift
    rm -f "$TMP/$name.ready"
    ip netns exec "$P-b" "$DL" report -i v0b -d 120 --ready-file "$TMP/$name.ready" "$@" \
        >"$TMP/$name.out" 2>"$TMP/$name.err" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/$name.ready" "$rep"
    ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9000 "$N" --sport 40000 || fail "send N"
    ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 53 "$D" --sport 40053 || fail "send D"
    ip netns exec "$P-a" "$DL" lab send lldp v0a "$K" || fail "send K"
    kill -INT "$rep" 2>/dev/null
    wait "$rep"
    echo $? >"$TMP/$name.rc"
}

# comments FILE: one comment per packet.
comments() {
    tshark -r "$1" -T fields -e frame.comment 2>/dev/null
}

# 1. Every drop written, with its metadata, counts equal to the ledger's.
run all --json -w "$TMP/all.pcapng"
[ "$(cat "$TMP/all.rc")" = 0 ] || { cat "$TMP/all.err" >&2; fail "report -w exited non-zero"; }
O=$TMP/all.out
expect "[.causes[] | select(.reason == \"NO_SOCKET\") | .count] == [$N + $D]" "$O" "ledger: N+D under NO_SOCKET"
expect "[.causes[] | select(.reason == \"UNHANDLED_PROTO\") | .count] == [$K]" "$O" "ledger: K under UNHANDLED_PROTO"
expect ".evidence.drops == $N + $D + $K and .evidence.written == .evidence.drops" "$O" "every drop written"
expect '.evidence.lost == 0 and .evidence.sampled_out == 0 and .evidence.over_max == 0' "$O" "none lost, sampled out or over the limit"
expect '.evidence.snaplen == 128 and .filter == null' "$O" "default snaplen 128, no filter"
comments "$TMP/all.pcapng" >"$TMP/all.comments"
for r in NO_SOCKET UNHANDLED_PROTO; do
    want=$(jq "[.causes[] | select(.reason == \"$r\") | .count] | add" "$O")
    got=$(grep -c "^reason=$r " "$TMP/all.comments")
    [ "$got" = "$want" ] || fail "tshark: $got packets with reason=$r, the ledger says $want"
    ok "tshark: $got packets with reason=$r, as in the ledger"
    # The queue in each comment is one the ledger put this cause's drops on.
    for q in $(grep "^reason=$r " "$TMP/all.comments" | sed 's/.* queue=\([^ ]*\) .*/\1/' | sort -u); do
        jq -e --arg r "$r" --arg q "$q" '[.causes[] | select(.reason == $r) | .queues[$q]] | .[0] > 0' \
            "$O" >/dev/null || fail "comment names queue $q for $r, the ledger has none there"
    done
    ok "$r: each comment's queue is one of the ledger's queues for it"
done
[ "$(grep -c . "$TMP/all.comments")" = $((N + D + K)) ] || fail "packets in the file != N+D+K"
grep -v -E '^reason=[A-Z_]+ location=[^ ]+\+0x[0-9a-f]+ queue=[0-9]+ cpu=[0-9]+ dev=v0b netns=[0-9]+ cause=' \
    "$TMP/all.comments" && fail "a comment lacks reason, location, queue, cpu, dev, netns or cause"
ok "every comment: reason, location, queue, cpu, dev, netns, cause"
grep -q '^reason=NO_SOCKET .*cause=stack/socket: no socket listening on udp port 9000' "$TMP/all.comments" ||
    fail "NO_SOCKET comment carries no cause summary"
ok "comments carry the cause summary"
[ "$(tshark -r "$TMP/all.pcapng" -Y 'udp.dstport == 9000' -T fields -e frame.number 2>/dev/null | grep -c .)" = "$N" ] ||
    fail "tshark does not dissect N frames to udp port 9000"
ok "frames dissect as the datagrams sent (udp port 9000: $N)"

# 2. -w - streams to stdout (the report goes to stderr); snaplen; filter.
run stream --json -w - --snaplen 64 'udp and port 53'
[ "$(cat "$TMP/stream.rc")" = 0 ] || { cat "$TMP/stream.err" >&2; fail "report -w - exited non-zero"; }
tail -1 "$TMP/stream.err" >"$TMP/stream.json"
O=$TMP/stream.json
expect '.filter.expression == "udp and port 53"' "$O" "the report says the filter was in force"
expect "[.causes[] | .reason, .count] == [\"NO_SOCKET\", $D]" "$O" "filter: only the port 53 drops in the causes"
expect '[.causes[].flows[].dport] | unique == [53]' "$O" "filter: only port 53 flows"
expect '.causes[0].summary | contains("port 53")' "$O" "filter: the summary follows the matching flow"
expect ".totals.stack_dropped == $N + $D + $K and .totals.xdp_seen == $N + $D + $K" "$O" "filter: the ledger's totals stay whole"
expect ".evidence.written == $D and .evidence.filtered_out == $N + $K" "$O" "filter: D written, the rest counted as not matching"
comments "$TMP/stream.out" >"$TMP/stream.comments"
[ "$(grep -c '^reason=NO_SOCKET ' "$TMP/stream.comments")" = "$D" ] || fail "stdout pcap: not D packets"
ok "-w - | tshark: $D packets"
tshark -r "$TMP/stream.out" -T fields -e udp.dstport 2>/dev/null | sort -u | grep -qx 53 ||
    fail "filtered packets are not udp port 53"
[ "$(tshark -r "$TMP/stream.out" -T fields -e udp.dstport 2>/dev/null | sort -u | grep -c .)" = 1 ] ||
    fail "filtered pcap holds other ports"
ok "filtered pcap: udp port 53 only"
[ "$(tshark -r "$TMP/stream.out" -T fields -e frame.cap_len 2>/dev/null | sort -u)" = 64 ] ||
    fail "snaplen 64 not honoured"
[ "$(tshark -r "$TMP/stream.out" -T fields -e frame.len 2>/dev/null | sort -u)" = 106 ] ||
    fail "original length not kept"
ok "snaplen 64: 64 bytes kept of each 106-byte frame"

# 3. Sampling and --max-packets: counted, never silently thinned.
run thin --json -w "$TMP/thin.pcapng" --sample 4 --max-packets 10
[ "$(cat "$TMP/thin.rc")" = 0 ] || { cat "$TMP/thin.err" >&2; fail "report --sample exited non-zero"; }
O=$TMP/thin.out
expect '.evidence.written == 10 and .evidence.sample == 4 and .evidence.max_packets == 10' "$O" "--max-packets 10: 10 written"
expect '.evidence.sampled_out > 0 and .evidence.over_max > 0' "$O" "sampled out and over the limit counted"
expect '.evidence.written + .evidence.sampled_out + .evidence.over_max + .evidence.lost == .evidence.drops' \
    "$O" "written + sampled out + over max + lost = drops"
[ "$(comments "$TMP/thin.pcapng" | grep -c .)" = 10 ] || fail "file does not hold 10 packets"
ok "file holds the 10 packets"

# 4. Bad input: one line, the right exit code, nothing left attached.
badrun() { # WANT-RC ARGS...
    local want=$1 rc
    shift
    ip netns exec "$P-b" "$DL" report -i v0b -d 1 "$@" >/dev/null 2>"$TMP/bad.err"
    rc=$?
    [ "$rc" = "$want" ] || { cat "$TMP/bad.err" >&2; fail "report $* exited $rc, not $want"; }
    [ "$(grep -c . "$TMP/bad.err")" = 1 ] || { cat "$TMP/bad.err" >&2; fail "report $*: not one line"; }
    [ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "report $*: XDP left attached"
    ok "report $*: exit $want, one line: $(cat "$TMP/bad.err")"
}
badrun 2 -w "$TMP/x.pcapng" 'udp and prot 53'
grep -q "syntax error" "$TMP/bad.err" || fail "libpcap's message not shown"
badrun 2 -w "$TMP/x.pcapng" --snaplen 0
badrun 2 -w "$TMP/x.pcapng" --snaplen 65536
badrun 2 --snaplen 100
badrun 1 -w /nonexistent-dir/x.pcapng
badrun 1 -w /dev/full

# 5. The disk fills mid-run: exit 1, one line, detached, and the file
# stays readable up to its last whole block (a 12 KiB tmpfs of our own).
mkdir -p "$TMP/small"
rm -f "$TMP/full.ready"
ip netns exec "$P-b" unshare -m sh -c '
    mount -t tmpfs -o size=12k tmpfs "$1" || exit 77
    "$2" report -i v0b -d 120 --snaplen 1500 -w "$1/d.pcapng" --ready-file "$3" 2>"$4"
    echo $? >"$5"
    cp "$1/d.pcapng" "$6"' \
    sh "$TMP/small" "$DL" "$TMP/full.ready" "$TMP/full.err" "$TMP/full.rc" "$TMP/cut.pcapng" &
sh_pid=$!
PIDS+=("$sh_pid")
wait_file "$TMP/full.ready" "$sh_pid"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9000 300 --sport 40000 --size 1000 || fail "send"
# The run ends by itself when the write fails; a stop signal only if not.
for i in $(seq 1 100); do kill -0 "$sh_pid" 2>/dev/null || break; sleep 0.1; done
wait "$sh_pid"
[ -s "$TMP/full.rc" ] || { echo "SKIP: cannot mount a tmpfs here"; exit 77; }
rc=$(cat "$TMP/full.rc")
[ "$rc" = 1 ] || { cat "$TMP/full.err" >&2; fail "full disk: exit $rc, not 1"; }
grep -v -e "libxdp dispatcher" -e "counting on" -e "arrivals counted" "$TMP/full.err" >"$TMP/full.msg"
[ "$(grep -c . "$TMP/full.msg")" = 1 ] && grep -q "cannot write .*d.pcapng: No space left on device" "$TMP/full.msg" ||
    { cat "$TMP/full.err" >&2; fail "full disk: not one line naming the file"; }
[ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "full disk: XDP left attached"
ok "full disk mid-run: exit 1, '$(cat "$TMP/full.msg")', detached"
cut=$(tshark -r "$TMP/cut.pcapng" -T fields -e frame.comment 2>/dev/null | grep -c '^reason=NO_SOCKET ')
[ "$cut" -ge 1 ] || fail "the cut file is not readable"
ok "the cut file reads back: $cut whole packets before the disk was full"
echo "all passed"
