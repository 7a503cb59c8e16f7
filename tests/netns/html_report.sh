#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# report --html: headless Chromium renders the page of a lab run with known
# drops. Every number in the DOM carries its jq path (data-k) and value
# (data-v): each must equal the report's JSON (--save, and what --json
# printed); the page must request nothing (no URL in it, and Chromium's
# network log shows no request made by the page); a screenshot is taken.
. "$(dirname "$0")/lib.sh"

CHROME=$(command -v chromium || command -v chromium-browser) ||
    { echo "SKIP: needs chromium"; exit 77; }

P=evh$$
N=61
K=9
lab_up "$P"

ip netns exec "$P-b" "$DL" report -i v0b -d 120 --json --html "$TMP/page.html" \
    --save "$TMP/run.json" --ready-file "$TMP/ready" >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9000 "$N" --sport 40000 || fail "send N"
ip netns exec "$P-a" "$DL" lab send lldp v0a "$K" || fail "send K"
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }

O=$TMP/run.json
# The same line, but for the envelope's own time and line number.
cmp -s <(jq -S 'del(.time, .seq)' "$O") <(jq -S 'del(.time, .seq)' "$TMP/out.json") ||
    fail "--save differs from the printed JSON"
ok "--save holds the JSON the report printed"
expect ".totals.stack_dropped == $N + $K" "$O" "the run has its N+K drops"

# Nothing to fetch: no URL anywhere in the page (inline CSS and SVG only).
grep -Eq 'https?://|//[a-z0-9.-]+\.[a-z]{2,}/' "$TMP/page.html" && fail "the page names a URL"
grep -Eiq '<(script|link|img|iframe)' "$TMP/page.html" && fail "the page loads a resource"
ok "no URL, script, link or image in the page"

# One Chromium run: DOM, screenshot and network log. Name lookups fail by
# rule; the page's own requests show in the log with the file origin "null".
"$CHROME" --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/profile" \
    --host-resolver-rules="MAP * ~NOTFOUND" --disable-background-networking \
    --no-first-run --log-net-log="$TMP/netlog.json" --window-size=1000,1600 \
    --screenshot="$TMP/shot.png" --dump-dom "file://$TMP/page.html" \
    >"$TMP/dom.html" 2>"$TMP/chrome.err" || { tail "$TMP/chrome.err" >&2; fail "chromium failed"; }
grep -q 'data-k=".totals.xdp_seen"' "$TMP/dom.html" || fail "chromium's DOM lacks the ledger"
ok "chromium loads the page"
[ -s "$TMP/netlog.json" ] || fail "no network log"
if grep -q '"initiator":"null"' "$TMP/netlog.json"; then
    grep -o '"url":"[^"]*"' "$TMP/netlog.json" >&2
    fail "the page made a network request"
fi
ok "no request made by the page (chromium's network log)"
[ "$(head -c 8 "$TMP/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
    fail "no PNG screenshot"
[ "$(stat -c %s "$TMP/shot.png")" -gt 20000 ] || fail "the screenshot is (nearly) empty"
ok "screenshot taken ($(stat -c %s "$TMP/shot.png") bytes)"

# Every number on the page equals the JSON's.
grep -o 'data-k="[^"]*" data-v="[^"]*"' "$TMP/dom.html" |
    sed 's/^data-k="\([^"]*\)" data-v="\([^"]*\)"$/\1\t\2/; s/&quot;/"/g' >"$TMP/pairs"
n=0
while IFS=$'\t' read -r k v; do
    jq -e --argjson v "$v" "($k) as \$x |
        if (\$x|type) == \"number\" and (\$v|type) == \"number\"
        then ((\$x - \$v) | fabs) <= 1e-6 * ([1, (\$x|fabs)] | max) else \$x == \$v end" \
        "$O" >/dev/null || fail "page shows $k = $v, the JSON has $(jq -c "$k" "$O")"
    n=$((n + 1))
done <"$TMP/pairs"
[ "$n" -ge 40 ] || fail "only $n numbers on the page"
ok "$n numbers on the page equal the JSON's"
for k in .totals.xdp_seen .totals.stack_dropped .totals.delivered .totals.residual \
    '.causes[0].count' '.causes[1].count' '.queues[0].arrived' '.queues[0].stack_dropped' \
    '.rss.queues[0].share' '.crosschecks[0].kernel'; do
    # (equal values: checked above, numerically)
    cut -f1 "$TMP/pairs" | grep -qxF "$k" || fail "$k is not on the page"
done
ok "ledger, causes, queues, RSS shares and cross-checks are on the page"
# The visible text is the number too (integers as they are).
v=$(jq .totals.stack_dropped "$O")
grep -q "data-k=\".totals.stack_dropped\" data-v=\"$v\">$v<" "$TMP/dom.html" ||
    fail "stack_dropped is not shown as $v"
grep -q "NO_SOCKET" "$TMP/dom.html" && grep -q "fix: start the service" "$TMP/dom.html" ||
    fail "cause summary and fix not on the page"
ok "visible numbers, cause names and fixes"
expect '[.causes[].reason] == ["NO_SOCKET", "UNHANDLED_PROTO"]' "$O" "causes as sent"

# Unwritable --html: one line, exit 1, before anything is attached.
ip netns exec "$P-b" "$DL" report -i v0b -d 1 --html /nonexistent-dir/p.html >/dev/null 2>"$TMP/bad"
rc=$?
[ "$rc" = 1 ] && [ "$(grep -c . "$TMP/bad")" = 1 ] || { cat "$TMP/bad" >&2; fail "--html to a missing dir: exit $rc"; }
[ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "XDP left attached"
ok "unwritable --html: exit 1, '$(cat "$TMP/bad")'"
echo "all passed"
