#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Forwarding incident classes on B (watching v0b), crafted frames from A
# with a distinct count per class. Phase 1, forwarding off: IPv4 and IPv6
# packets for other hosts (the verdict names the sysctl). Phase 2,
# forwarding on: no route, TTL and hop limit exhausted, unreachable /
# prohibit / blackhole routes, IPv6 without a route, an iptables FORWARD
# DROP. Each cause is checked by exact count and the object its verdict
# names (destination, route, sysctl, hop limit, chain).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: needs python3"; exit 77; }
command -v iptables >/dev/null || PATH=$PATH:/usr/sbin:/sbin
command -v iptables >/dev/null || { echo "SKIP: needs iptables"; exit 77; }
PKT="$PY $(dirname "$0")/pkt.py"
P=rsf$$
lab_up "$P"
A="ip netns exec $P-a"
B="ip netns exec $P-b"
BMAC=$($B cat /sys/class/net/v0b/address)
for ns in a b; do
    ip netns exec "$P-$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
        "net.ipv6.conf.v0$ns.disable_ipv6=0" "net.ipv6.conf.v1$ns.disable_ipv6=0" ||
        fail "IPv6 on in $ns"
done
ip -n "$P-a" addr add 2001:db8::1/64 dev v0a nodad || fail "v6 address a"
ip -n "$P-b" addr add 2001:db8::2/64 dev v0b nodad || fail "v6 address b"
ip -n "$P-b" addr add 2001:db8:1::2/64 dev v1b nodad || fail "v6 address b v1b"
ip -n "$P-a" addr add 2001:db8:1::1/64 dev v1a nodad || fail "v6 address a v1a"
ip -n "$P-b" route add unreachable 10.6.6.0/24 || fail "unreachable route"
ip -n "$P-b" route add prohibit 10.5.5.0/24 || fail "prohibit route"
ip -n "$P-b" route add blackhole 10.7.7.0/24 || fail "blackhole route"
$B iptables -A FORWARD -p udp --dport 5004 -j DROP || { echo "SKIP: iptables unusable"; exit 77; }

report_start() {
    $B "$DL" report -i v0b --hook xdp -d 60 --json --ready-file "$TMP/$1.ready" \
        >"$TMP/$1.json" 2>"$TMP/$1.err" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/$1.ready" "$rep"
    base=$(xdp_total "$P-b")
}
report_stop() {
    wait_at_least "xdp_total $P-b" $((base + $2))
    kill -INT "$rep"
    wait "$rep" || { cat "$TMP/$1.err" >&2; fail "report $1 exited non-zero"; }
}
S() { $A $PKT "$1" v0a "$2" --dst-mac "$BMAC" "${@:3}" || fail "send $*"; }
# check FILE REASON FUNCTION COUNT TEXT WHAT
check() {
    local c=".causes[] | select(.reason == \"$2\" and (.location | startswith(\"$3+\")))"
    expect "[$c | .count] == [$4]" "$1" "$6: $4 x $2 in $3"
    expect "[$c | .summary | contains(\"$5\")] == [true]" "$1" "$6: verdict names '$5'"
}

# Phase 1: a host that does not route.
$B sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 || fail "forwarding off"
report_start off
S udp 3 --dst 10.9.9.9
S udp6 5 --src 2001:db8::1 --dst 2001:db8:1::1
report_stop off 8
O=$TMP/off.json
check "$O" IP_INADDRERRORS ip_error 3 "for 10.9.9.9, which is not this host, and forwarding is disabled (net.ipv4.conf.v0b.forwarding=0)" "IPv4 forwarding disabled"
check "$O" IP_INADDRERRORS ip6_forward 5 "IPv6 forwarding is disabled (net.ipv6.conf.all.forwarding=0)" "IPv6 forwarding disabled"

# Phase 2: a router with holes.
$B sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || fail "forwarding on"
report_start on
S udp 7 --dst 10.8.8.8
S udp 11 --dst 198.18.1.1 --ttl 1
S udp 13 --dst 10.6.6.6
S udp 17 --dst 10.5.5.5
S udp 19 --dst 10.7.7.7
S udp6 23 --src 2001:db8::1 --dst 2001:db8:1::1 --ttl 1
S udp6 29 --src 2001:db8::1 --dst 2001:db8:9::1
S udp 31 --dst 198.18.1.1 --dport 5004
report_stop on $((7+11+13+17+19+23+29+31))
O=$TMP/on.json
check "$O" IP_INNOROUTES ip_error 7 "no route to 10.8.8.8: forwarding udp 198.18.0.1:40000 -> 10.8.8.8:9 from v0b failed" "no route"
check "$O" IP_INHDR ip_forward 11 "TTL of udp 198.18.0.1:40000 -> 198.18.1.1:9 ran out while this host forwarded it from v0b" "TTL exceeded on forward"
RJ='.causes[] | select(.reason == "NOT_SPECIFIED" and (.location | startswith("ip_error+")))'
expect "[$RJ | .count] == [49]" "$O" "reject routes: 13 + 17 + 19 in ip_error"
for dc in 10.6.6.6:13 10.5.5.5:17 10.7.7.7:19; do
    expect "[$RJ | .flows[] | select(.dst == \"${dc%:*}\") | .count] == [${dc#*:}]" "$O" "reject route to ${dc%:*}: ${dc#*:} (unreachable, prohibit, blackhole)"
done
expect "$RJ | .summary | contains(\"hit a reject route to 10.7.7.7\")" "$O" "reject routes: verdict names the destination and the route kind"
check "$O" IP_INHDR ip6_forward 23 "hop limit of udp 2001:db8::1:40000 -> 2001:db8:1::1:9 ran out" "IPv6 hop limit exceeded on forward"
check "$O" IP_INNOROUTES ip6_pkt_discard 29 "unreachable route to 2001:db8:9::1" "IPv6 without a route"
check "$O" NETFILTER_DROP nft_do_chain 31 "not for this host: the prerouting or forward hook (iptables FORWARD)" "iptables FORWARD DROP"
for f in off on; do
    expect '[.causes[] | select(.summary | test("FUNCTION|\\{"))] == []' "$TMP/$f.json" "$f: no placeholder left"
    expect '.totals.residual == 0' "$TMP/$f.json" "$f: ledger balances"
done
echo "all passed"
