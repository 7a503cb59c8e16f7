#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Multicast joined on the wrong interface (seed 000): B's default route
# leaves via v1b, a receiver joins 239.1.2.3 with imr_interface=INADDR_ANY
# (the kernel binds the membership to v1b), the stream arrives on v0b.
# Exactly N must be dropped in the input route lookup and the verdict must
# name the group, both interfaces and the address to join on. Then the fix
# (join on v0b's address) delivers the next M datagrams with nothing lost.
# Needs DL_MCAST_JOIN and DL_UDP_FROM (helpers built by tests/meson.build).
. "$(dirname "$0")/lib.sh"

JOIN=${DL_MCAST_JOIN:?DL_MCAST_JOIN must name the mcast_join helper}
SEND=${DL_UDP_FROM:?DL_UDP_FROM must name the udp_from helper}
P=dli$$
N=19
M=11
lab_up "$P"
ip -n "$P-b" route add default via 198.18.1.1 dev v1b || fail "default via v1b"
ip -n "$P-a" route add 239.0.0.0/8 dev v0a || fail "multicast route in A"

snmp() { snmp_get "$P-b" "$1" "$2"; }
# report_start NAME: dropledger on v0b in B until report_stop.
report_start() {
    ip netns exec "$P-b" "$DL" report -i v0b -d 60 --json \
        --ready-file "$TMP/$1.ready" >"$TMP/$1.json" 2>"$TMP/$1.err" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/$1.ready" "$rep"
}
report_stop() {
    kill -INT "$rep"
    wait "$rep" || { cat "$TMP/$1.err" >&2; fail "report $1 exited non-zero"; }
}
in_receives() { snmp Ip InReceives; }
received() { cat "$TMP/count"; }

ip netns exec "$P-b" "$JOIN" 239.1.2.3 7002 any "$TMP/joined" "$TMP/count" &
join=$!
PIDS+=("$join")
wait_file "$TMP/joined" "$join"
# /proc/net/igmp: device lines, then their groups (239.1.2.3 is 030201EF).
on=$(ip netns exec "$P-b" awk '/^[0-9]/ { dev = $2 } /030201EF/ { print dev }' /proc/net/igmp)
[ "$on" = v1b ] || fail "INADDR_ANY join landed on '$on', not v1b"
ok "INADDR_ANY membership sits on v1b (the default-route interface)"

report_start wrong
base=$(in_receives)
ip netns exec "$P-a" "$SEND" 198.18.0.1 42000 239.1.2.3 7002 "$N" || fail "send N"
# IP counts InReceives just before the route lookup that drops them.
wait_at_least in_receives $((base + N))
report_stop wrong

O=$TMP/wrong.json
C='.causes[] | select(.flows[0].dst == "239.1.2.3")'
expect "[$C | .count] == [$N]" "$O" "exactly N=$N multicast datagrams dropped"
expect "[$C | .reason] == [\"NOT_SPECIFIED\"]" "$O" "6.18 gives no specific reason"
expect "$C | .location | test(\"^ip_rcv_finish_core\\\\+0x[0-9a-f]+$\")" "$O" "dropped in ip_rcv_finish_core (the input route lookup)"
expect "[$C | .category, .group] == [\"stack\", \"ip-route\"]" "$O" "stack/ip-route"
expect "[$C | .flows[0] | .proto, .src, .sport, .dport] == [\"udp\", \"198.18.0.1\", 42000, 7002]" "$O" "the stream is named"
expect "$C | .summary | contains(\"multicast 239.1.2.3 arrived on v0b but the group is joined on v1b\")" "$O" "summary: group, arriving and joined interface"
expect "$C | .summary | contains(\"imr_interface=INADDR_ANY picks the default-route interface\")" "$O" "summary: why the kernel chose v1b"
expect "$C | .advice | contains(\"set imr_interface / imr_ifindex to v0b's address (198.18.0.2\")" "$O" "advice: join on v0b's address"
expect "([.queues[].arrived] | add) == $N and .totals.xdp_seen == $N" "$O" "per-queue arrivals sum to N"
expect "[$C | .queues[]] | add == $N" "$O" "the cause's queues sum to N"
expect '.totals.residual == 0 and .totals.records_lost == 0 and .totals.delivered == 0' "$O" "residual 0, nothing delivered"
[ "$(received)" = 0 ] || fail "the receiver got $(received) datagrams"
[ "$(snmp IpExt InMcastPkts)" = 0 ] && [ "$(snmp IpExt InNoRoutes)" = 0 ] ||
    fail "a kernel counter moved"
ok "the kernel counted none of them (InMcastPkts 0, InNoRoutes 0): only the trace sees it"

# The fix from the advice: join on the receiving interface's address.
kill "$join"
wait "$join"
rm -f "$TMP/joined" "$TMP/count"
ip netns exec "$P-b" "$JOIN" 239.1.2.3 7002 198.18.0.2 "$TMP/joined" "$TMP/count" &
join=$!
PIDS+=("$join")
wait_file "$TMP/joined" "$join"
report_start fixed
ip netns exec "$P-a" "$SEND" 198.18.0.1 42000 239.1.2.3 7002 "$M" || fail "send M"
wait_at_least received "$M"
report_stop fixed
O=$TMP/fixed.json
expect "[.causes[] | select(.flows[0].dst == \"239.1.2.3\")] == []" "$O" "joined on v0b: no drop"
expect ".totals.xdp_seen == $M and .totals.stack_dropped == 0" "$O" "M arrivals, no stack drop"
expect ".totals.delivered + .totals.residual == $M and (.totals.residual == 0 or .totals.residual_delivered_untraced == .totals.residual)" "$O" "every datagram delivered: traced, or explained by Udp InDatagrams"
[ "$(received)" = "$M" ] || fail "received $(received), expected $M"
ok "the receiver got all M=$M"
echo "all passed"
