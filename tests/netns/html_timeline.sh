#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# report -I --html: the page has a timeline of drops by cause per interval
# (inline SVG and a table), and every number of it in Chromium's DOM equals
# the interval records report printed: per interval, the counts of its
# causes summed by reason. Batches go into distinct intervals by counters,
# not timers: the next batch waits for the previous interval's line.
. "$(dirname "$0")/lib.sh"

CHROME=$(command -v chromium || command -v chromium-browser) ||
    { echo "SKIP: needs chromium"; exit 77; }

P=wt$$
lab_up "$P"
ip netns exec "$P-b" "$DL" report -i v0b -d 4 -I 1 --json --html "$TMP/page.html" \
    --ready-file "$TMP/ready" >"$TMP/out.jsonl" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5000 23 --sport 41000 || fail send
ip netns exec "$P-a" "$DL" lab send lldp v0a 5 || fail send
lines() { grep -c . "$TMP/out.jsonl"; }
wait_at_least lines 1
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5001 11 --sport 41001 || fail send
wait "$rep" || { cat "$TMP/err"; fail "report failed"; }

jq -s . "$TMP/out.jsonl" >"$TMP/all.json"
A=$TMP/all.json
jq -s '.[-1]' "$TMP/out.jsonl" >"$TMP/run.json"
O=$TMP/run.json
expect '[.[] | select(.cumulative | not)] | length == 4' "$A" "four intervals then the run"
# The timeline in the whole-run JSON is the records, summed by reason.
expect '(.[-1].timeline | map({interval, causes})) ==
    [.[0:-1][] | {interval, causes: (reduce .causes[] as $c ({}; .[$c.reason] += $c.count))}]' \
    "$A" "the run's timeline equals the interval records"
expect '([.[-1].timeline[].dropped] | add) == 23 + 5 + 11' "$A" "every drop on the timeline"
expect '[.[-1].timeline[].t] | . == sort and .[-1] >= 3.5' "$A" "times run from start to end"

"$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/profile" \
    --host-resolver-rules="MAP * ~NOTFOUND" --disable-background-networking \
    --no-first-run --dump-dom "file://$TMP/page.html" \
    >"$TMP/dom.html" 2>"$TMP/chrome.err" || { tail "$TMP/chrome.err" >&2; fail "chromium failed"; }
grep -q 'id="timeline-bars"' "$TMP/dom.html" || fail "no timeline SVG in the DOM"
ok "chromium shows the timeline"
# Each bar and cell of the timeline: its JSON path and value, against the run's JSON.
grep -o 'data-k="\.timeline[^"]*" data-v="[^"]*"' "$TMP/dom.html" |
    sed 's/^data-k="\([^"]*\)" data-v="\([^"]*\)"$/\1\t\2/; s/&quot;/"/g' >"$TMP/pairs"
n=0
while IFS=$'\t' read -r k v; do
    jq -e --argjson v "$v" "(($k) // 0) as \$x | ((\$x - \$v) | fabs) <= 1e-6 * ([1, (\$x|fabs)] | max)" \
        "$O" >/dev/null || fail "page shows $k = $v, the JSON has $(jq -c "$k" "$O")"
    n=$((n + 1))
done <"$TMP/pairs"
[ "$n" -ge 16 ] || fail "only $n timeline numbers on the page"
ok "$n timeline numbers on the page equal the JSON's"
# And against the interval records themselves: bars (rect) per cause and interval.
grep -o '<rect[^>]*data-k="\.timeline\[[0-9]*\]\.causes\[[^"]*\]" data-v="[0-9]*"' "$TMP/dom.html" |
    sed 's/.*data-k="\.timeline\[\([0-9]*\)\]\.causes\[&quot;\([^&]*\)&quot;\]" data-v="\([0-9]*\)"/\1 \2 \3/' |
    sort >"$TMP/bars"
jq -r 'to_entries[] | select(.value.cumulative | not) | .key as $i |
    (reduce .value.causes[] as $c ({}; .[$c.reason] += $c.count)) | to_entries[] |
    "\($i) \(.key) \(.value)"' "$A" | sort >"$TMP/want"
diff "$TMP/want" "$TMP/bars" >&2 || fail "timeline bars differ from the interval records"
ok "bars: $(wc -l <"$TMP/bars") (interval, cause) counts equal the records"
grep -q 'NO_SOCKET' "$TMP/bars" && grep -q 'UNHANDLED_PROTO' "$TMP/bars" || fail "causes missing"
ok "both causes on the timeline"
echo "all passed"
