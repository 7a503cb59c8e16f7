#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# report --stack: multicast nobody joined dies in the input route lookup
# with NOT_SPECIFIED (6.18: ip_rcv_finish_core), the generic reason. With
# --stack the cause carries the kernel stacks of those drops: their counts
# add up to the cause's count and the dropping function is a frame of the
# biggest. Without --stack no cause has stacks.
# Needs DL_UDP_FROM (tests/netns/udp_from.c).
. "$(dirname "$0")/lib.sh"

SEND=${DL_UDP_FROM:?DL_UDP_FROM must name the udp_from helper}
P=rus$$
N=17
lab_up "$P"
ip -n "$P-a" route add 239.0.0.0/8 dev v0a || fail "multicast route in A"

in_receives() { snmp_get "$P-b" Ip InReceives; }

# run NAME ARGS...: report (output in $TMP/NAME.json) on v0b in B while N datagrams to 239.1.2.4 arrive.
run() {
    local name=$1 base rep
    shift
    ip netns exec "$P-b" "$DL" report -i v0b -d 60 "$@" \
        --ready-file "$TMP/$name.ready" >"$TMP/$name.json" 2>"$TMP/$name.err" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/$name.ready" "$rep"
    base=$(in_receives)
    ip netns exec "$P-a" "$SEND" 198.18.0.1 42000 239.1.2.4 7003 "$N" >/dev/null ||
        fail "send N"
    # IP counts InReceives just before the route lookup that drops them.
    wait_at_least in_receives $((base + N))
    kill -INT "$rep"
    wait "$rep" || { cat "$TMP/$name.err" >&2; fail "report $name exited non-zero"; }
}

run stack --json --stack --html "$TMP/stack.html"
O=$TMP/stack.json
C='.causes[] | select(.reason == "NOT_SPECIFIED" and (.flows[0].dst // "") == "239.1.2.4")'
expect "[$C | .count] == [$N]" "$O" "N=$N multicast drops under NOT_SPECIFIED"
fn=$(jq -r "$C | .function" "$O")
[ -n "$fn" ] && [ "$fn" != null ] || fail "no dropping function"
expect "$C | .stacks | length >= 1" "$O" "the generic cause has stacks"
expect "[$C | .stacks[].count] | add == $N" "$O" "stack counts add up to the cause's count"
expect "$C | .stacks[0].frames[0] | startswith(\"$fn+\")" "$O" "the dropping function $fn is the innermost frame of the biggest stack"
expect "$C | .stacks[0].frames | any(startswith(\"ip_rcv\") or startswith(\"__netif_receive_skb\"))" "$O" "the receive path is on the stack"
jq -r "$C | .stacks[0].frames | join(\" <- \")" "$O"

# The HTML page shows the same stacks under the cause, each count with its jq path.
i=$(jq "[.causes[] | (.flows[0].dst // \"\") == \"239.1.2.4\" and .reason == \"NOT_SPECIFIED\"] | index(true)" "$O")
want=$(jq -c "[$C | .stacks[].count]" "$O")
got=$(grep -o "data-k=\"\.causes\[$i\]\.stacks\[[0-9]*\]\.count\" data-v=\"[0-9]*\"" "$TMP/stack.html" |
      sed 's/.*data-v="\([0-9]*\)"/\1/' | jq -s -c .)
[ "$got" = "$want" ] || fail "HTML stack counts $got, JSON $want"
grep -q "<code>$fn+0x[0-9a-f]* &larr; " "$TMP/stack.html" || fail "HTML: no stack frames under the cause"
ok "HTML page: stack counts $got under .causes[$i] as in the JSON, innermost frame $fn"

# The text report shows the stack under the cause, innermost frame first.
run text --stack
grep -q "stack ($N drops): $fn+0x[0-9a-f]* <- " "$TMP/text.json" ||
    { cat "$TMP/text.json" >&2; fail "text report: no stack line under the cause"; }
ok "text report: stack ($N drops): $fn+... under the cause"

run off --json
expect '[.causes[] | has("stacks")] | any | not' "$TMP/off.json" "without --stack no cause has stacks"
