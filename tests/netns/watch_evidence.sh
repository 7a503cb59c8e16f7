#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# watch -w and --html-dir on a lab. Known drops on two devices (closed UDP
# ports -> NO_SOCKET on v0b and v1b, LLDP -> UNHANDLED_PROTO on v0b); a
# veth pair appears and vanishes mid-run. tshark reads the one pcapng
# back: one interface block per device (the late ones too), and the
# packets per (device, reason) equal watch's JSON counts summed over the
# intervals, exactly; the capture counts of the records add up. Headless
# Chromium renders DIR/v0b.html: its timeline equals v0b's interval
# records. The metrics count the same. -w - streams to stdout (the lines
# on stderr); --filter writes only the matching frames. Unwritable -w or --html-dir: one line, exit 1, nothing
# attached.
. "$(dirname "$0")/lib.sh"

command -v tshark >/dev/null && command -v capinfos >/dev/null ||
    { echo "SKIP: needs tshark and capinfos"; exit 77; }
CHROME=$(command -v chromium || command -v chromium-browser) ||
    { echo "SKIP: needs chromium"; exit 77; }

P=wv$$
lab_up "$P"
mkdir "$TMP/html"
"$DL" watch --netns "$P-b" -i all -I 1 --json -w "$TMP/w.pcapng" --html-dir "$TMP/html" \
    --metrics-textfile "$TMP/m.prom" --ready-file "$TMP/ready" >"$TMP/out.jsonl" 2>"$TMP/err" &
W=$!
PIDS+=("$W")
wait_file "$TMP/ready" "$W"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5000 30 --sport 41000 >/dev/null || fail send
ip netns exec "$P-a" "$DL" lab send udp 198.18.1.2 5001 12 --sport 41001 >/dev/null || fail send
ip netns exec "$P-a" "$DL" lab send lldp v0a 5 >/dev/null || fail send

# Drops summed over the complete lines so far (a counter decides, not a timer).
summed() { jq -R 'fromjson? | [.causes[].count] | add // 0' "$TMP/out.jsonl" | awk '{ s += $1 } END { print s + 0 }'; }
wait_at_least summed 47
# A second batch after the first was accounted: a later interval on the timeline.
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5003 7 --sport 41003 >/dev/null || fail send
wait_at_least summed 54
logged() { grep -c "$1" "$TMP/err"; }
ip -n "$P-b" link add wvx$$ type veth peer name wvy$$ || fail "veth in the lab"
ip -n "$P-b" link set wvx$$ up && ip -n "$P-b" link set wvy$$ up
appeared() { logged "(appeared)"; }
wait_value appeared 2
ip -n "$P-b" link del wvx$$
gone() { logged "no longer watched"; }
wait_value gone 2
kill -INT "$W"
wait "$W" || { cat "$TMP/err" >&2; fail "watch exited non-zero"; }
ok "watch followed the veth pair in and out ($(logged watching) devices attached)"

jq -s . "$TMP/out.jsonl" >"$TMP/all.json"
A=$TMP/all.json
expect '[.[] | select(.evidence | type == "object")] | length == length' "$A" "every record has its capture counts"
expect '[.[] | .evidence | .drops == .written + .sampled_out + .lost + .over_max + .filtered_out + .unwritten] | all' "$A" \
    "each interval: drops = written + sampled out + lost + over max"
expect '([.[].evidence.written] | add) == 54 and ([.[].evidence.lost] | add) == 0' "$A" "54 frames written, none lost"

# The same counts as metrics.
for dev in v0b v1b; do
    m=$(sed -n "s/^dropledger_evidence_frames_total{device=\"$dev\",outcome=\"written\"} //p" "$TMP/m.prom")
    want=$(jq --arg d "$dev" '[.[] | select(.interface == $d) | .evidence.written] | add' "$A")
    [ "$m" = "$want" ] || fail "metrics: $dev written $m, the JSON $want"
done
ok "dropledger_evidence_frames_total{outcome=\"written\"} per device equals the JSON"

# One interface block per device, the late pair included.
capinfos "$TMP/w.pcapng" >"$TMP/cap" 2>&1 || fail "capinfos cannot read the file"
grep -q "Number of interfaces in file: 4" "$TMP/cap" || { cat "$TMP/cap" >&2; fail "want 4 interface blocks"; }
names=$(tshark -r "$TMP/w.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort -u | tr '\n' ' ')
[ "$names" = "v0b v1b " ] || fail "packets on interfaces '$names'"
ok "4 interface blocks (v0b, v1b, the late pair), packets on v0b and v1b"

# Packets per (device, reason) from the comments = the JSON summed.
tshark -r "$TMP/w.pcapng" -T fields -e frame.interface_name -e frame.comment 2>/dev/null |
    sed -n 's/^\([^\t]*\)\treason=\([^ ]*\) .*/\1 \2/p' | sort | uniq -c |
    awk '{ print $2, $3, $1 }' >"$TMP/got"
jq -r '[.[] | .interface as $i | .causes[] | {k: "\($i) \(.reason)", n: .count}] |
    group_by(.k)[] | "\(.[0].k) \(map(.n) | add)"' "$A" | sort >"$TMP/want"
diff "$TMP/want" "$TMP/got" >&2 || fail "pcap per (device, reason) differs from the JSON"
[ "$(grep -c . "$TMP/want")" = 3 ] || fail "want 3 (device, reason) pairs"
ok "tshark: $(tr '\n' ';' <"$TMP/got") as in the JSON"

# --html-dir: index and the device pages; v0b's timeline equals its records.
for f in index.html v0b.html v1b.html; do [ -s "$TMP/html/$f" ] || fail "no $f"; done
ls -a "$TMP/html" | grep -q '\.tmp$' && fail "a temporary page was left behind"
grep -q 'href="v0b.html"' "$TMP/html/index.html" || fail "index does not link v0b"
ok "index.html links the device pages; no temporary file left"
"$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/profile" \
    --host-resolver-rules="MAP * ~NOTFOUND" --disable-background-networking \
    --no-first-run --dump-dom "file://$TMP/html/v0b.html" \
    >"$TMP/dom.html" 2>"$TMP/chrome.err" || { tail "$TMP/chrome.err" >&2; fail "chromium failed"; }
grep -q 'id="timeline-bars"' "$TMP/dom.html" || fail "no timeline on v0b's page"
grep -o 'data-k="\.timeline\[[0-9]*\]\.causes\[[^"]*\]" data-v="[0-9]*"' "$TMP/dom.html" |
    sed 's/data-k="\.timeline\[\([0-9]*\)\]\.causes\[&quot;\([^&]*\)&quot;\]" data-v="\([0-9]*\)"/\1 \2 \3/' |
    awk '$3 != 0' | sort -u >"$TMP/bars"
jq -r '[.[] | select(.interface == "v0b")] | to_entries[] | .key as $i |
    (reduce .value.causes[] as $c ({}; .[$c.reason] += $c.count)) | to_entries[] |
    "\($i) \(.key) \(.value)"' "$A" | sort >"$TMP/want"
diff "$TMP/want" "$TMP/bars" >&2 || fail "v0b's timeline differs from its interval records"
ok "v0b's timeline in the DOM: $(tr '\n' ';' <"$TMP/bars") as in the records"
# Every number on the page equals the page's JSON (DIR/v0b.json).
grep -o 'data-k="[^"]*" data-v="[^"]*"' "$TMP/dom.html" |
    sed 's/^data-k="\([^"]*\)" data-v="\([^"]*\)"$/\1\t\2/; s/&quot;/"/g' >"$TMP/pairs"
n=0
while IFS=$'\t' read -r k v; do
    jq -e --argjson v "$v" "(($k) // 0) as \$x |
        if (\$x|type) == \"number\" and (\$v|type) == \"number\"
        then ((\$x - \$v) | fabs) <= 1e-6 * ([1, (\$x|fabs)] | max) else \$x == \$v end" \
        "$TMP/html/v0b.json" >/dev/null || fail "page shows $k = $v, v0b.json has $(jq -c "$k" "$TMP/html/v0b.json")"
    n=$((n + 1))
done <"$TMP/pairs"
[ "$n" -ge 40 ] || fail "only $n numbers on v0b's page"
expect '.totals.stack_dropped == 42 and .evidence.written == 42' "$TMP/html/v0b.json" "v0b's page: its 42 drops since the start"
ok "$n numbers on v0b's page equal v0b.json"
n=$(grep -o 'data-k="\.timeline\[[0-9]*\]\.interval" data-v="[0-9]*"' "$TMP/dom.html" | grep -c .)
[ "$n" = "$(jq '[.[] | select(.interface == "v0b")] | length' "$A")" ] ||
    fail "$n intervals on the page"
ok "one timeline row per interval of v0b ($n)"

# -w -: the pcap on stdout, the JSON lines on stderr.
rm -f "$TMP/ready"
"$DL" watch --netns "$P-b" -i v0b -I 1 --json -w - --ready-file "$TMP/ready" \
    >"$TMP/stream.pcapng" 2>"$TMP/stream.err" &
W=$!
PIDS+=("$W")
wait_file "$TMP/ready" "$W"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5002 9 --sport 41002 >/dev/null || fail send
seen() { grep '^{' "$TMP/stream.err" | jq -R 'fromjson? | [.causes[].count] | add // 0' | awk '{ s += $1 } END { print s + 0 }'; }
wait_at_least seen 9
kill -INT "$W"
wait "$W" || { cat "$TMP/stream.err" >&2; fail "watch -w - exited non-zero"; }
[ "$(tshark -r "$TMP/stream.pcapng" -T fields -e udp.dstport 2>/dev/null | grep -c '^5002$')" = 9 ] ||
    fail "stdout does not hold the 9 frames"
ok "-w -: 9 frames on stdout, the JSON on stderr"

# --filter: only matching frames written, the rest counted; the ledger whole.
rm -f "$TMP/ready"
"$DL" watch --netns "$P-b" -i v0b -I 1 --json -w "$TMP/f.pcapng" --filter 'udp dst port 5004' \
    --ready-file "$TMP/ready" >"$TMP/f.jsonl" 2>"$TMP/f.err" &
W=$!
PIDS+=("$W")
wait_file "$TMP/ready" "$W"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5004 6 --sport 41004 >/dev/null || fail send
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5005 4 --sport 41005 >/dev/null || fail send
fseen() { jq -R 'fromjson? | [.causes[].count] | add // 0' "$TMP/f.jsonl" | awk '{ s += $1 } END { print s + 0 }'; }
wait_at_least fseen 10
kill -INT "$W"
wait "$W" || { cat "$TMP/f.err" >&2; fail "watch --filter exited non-zero"; }
jq -s . "$TMP/f.jsonl" >"$TMP/f.json"
expect '([.[].evidence.written] | add) == 6 and ([.[].evidence.filtered_out] | add) == 4 and
    ([.[].totals.stack_dropped] | add) == 10' "$TMP/f.json" "--filter: 6 written, 4 filtered out, the ledger has all 10"
[ "$(tshark -r "$TMP/f.pcapng" -T fields -e udp.dstport 2>/dev/null | sort -u | tr -d '\n')" = 5004 ] ||
    fail "the filtered pcap holds other frames"
[ "$(tshark -r "$TMP/f.pcapng" 2>/dev/null | grep -c .)" = 6 ] || fail "the filtered pcap lacks frames"
ok "--filter: tshark reads the 6 matching frames only"

# Unwritable outputs: one line, exit 1, nothing left attached.
for opt in "-w /nonexistent-dir/x.pcapng" "--html-dir /nonexistent-dir"; do
    # shellcheck disable=SC2086
    "$DL" watch --netns "$P-b" -i v0b $opt -d 1 >/dev/null 2>"$TMP/bad"
    rc=$?
    [ "$rc" = 1 ] && [ "$(grep -c . "$TMP/bad")" = 1 ] ||
        { cat "$TMP/bad" >&2; fail "$opt: exit $rc"; }
    [ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "$opt: XDP left attached"
    ok "$opt: exit 1, '$(cat "$TMP/bad")'"
done
"$DL" watch -i v0b --sample 2 >/dev/null 2>"$TMP/bad"
[ $? = 2 ] || fail "--sample without -w is not a usage error"
ok "--sample without -w: usage error"
echo "all passed"
