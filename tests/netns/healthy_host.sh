#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A healthy host: IPv6 on in the lab, background traffic only. A brings
# IPv6 up on v0a while B watches v0b (DAD, MLD reports, router
# solicitations to groups B never joined), sends LLDP and STP frames like
# a switch, mDNS and SSDP multicast, NetBIOS and DHCP broadcasts. Every
# cause must be marked expected with a one-line reason, the JSON says
# healthy, and the text report says so.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: needs python3"; exit 77; }
PKT="$PY $(dirname "$0")/pkt.py"
P=rsy$$
L=3
lab_up "$P"
A="ip netns exec $P-a"
B="ip netns exec $P-b"
BMAC=$($B cat /sys/class/net/v0b/address)
$B sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.v0b.disable_ipv6=0 ||
    fail "IPv6 on in b"
# B's own DAD and MLD run before the report starts.
for i in $(seq 1 40); do
    ip -n "$P-b" -6 addr show dev v0b | grep -q "fe80.*scope link *$" && break
    ip -n "$P-b" -6 addr show dev v0b | grep -q tentative || break
    sleep 0.05
done
ip -n "$P-a" route add 224.0.0.0/4 dev v0a || fail "multicast route in A"
ip -n "$P-a" route add 239.0.0.0/8 dev v0a || fail "multicast route in A"

# Router solicitations A sent (RS goes out once DAD of the link-local ends).
rs_sent() {
    ip netns exec "$P-a" awk '$1 == "Icmp6OutRouterSolicits" { print $2 }' /proc/net/snmp6
}
for mode in json text; do
    flag=--json
    [ $mode = text ] && flag=
    $B "$DL" report -i v0b --hook xdp -d 60 $flag --ready-file "$TMP/$mode.ready" >"$TMP/$mode.out" 2>"$TMP/$mode.err" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/$mode.ready" "$rep"
    base=$(xdp_total "$P-b")
    if [ $mode = json ]; then
        # IPv6 comes up on A: DAD, MLD reports, router solicitations.
        $A sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.v0a.disable_ipv6=0 ||
            fail "IPv6 on in a"
        wait_at_least rs_sent 1
    fi
    $A "$DL" lab send lldp v0a $L >/dev/null || fail "lldp"
    $A $PKT raw v0a 2 --dst-mac 01:80:c2:00:00:00 --ethertype 0x0026 || fail "stp"
    $A "$DL" lab send udp 224.0.0.251 5353 4 >/dev/null || fail "mdns"
    $A "$DL" lab send udp 239.255.255.250 1900 5 >/dev/null || fail "ssdp"
    $A $PKT bcast v0a 6 --src 198.18.0.1 --dst 198.18.0.255 --dport 138 || fail "netbios"
    $A $PKT bcast v0a 7 --src 198.18.0.1 --dst 255.255.255.255 --sport 68 --dport 67 || fail "dhcp"
    wait_at_least "xdp_total $P-b" $((base + L + 2 + 4 + 5 + 6 + 7))
    kill -INT "$rep"
    wait "$rep" || { cat "$TMP/$mode.err" >&2; fail "report ($mode) exited non-zero"; }
done

O=$TMP/json.out
expect '(.causes | length) >= 5' "$O" "background produced causes"
expect '[.causes[] | select(.expected | not) | .reason + " " + .location + ": " + .summary] == []' "$O" "every cause is marked expected"
expect '[.causes[] | .category] | all(. == "expected")' "$O" "category expected"
expect '.healthy == true' "$O" "JSON says healthy"
expect '[.causes[] | select(.flows[0].proto == "icmp6")] | length >= 1' "$O" "IPv6 background (MLD/RS/DAD) seen and expected"
# Causes at one location merge; each kind of background is one of its flows.
E() { expect "[.causes[].flows[] | select($1) | .count] | add == $2" "$O" "$3"; }
E '.proto == "lldp"' $L "LLDP: $L expected"
expect '[.causes[] | select(.location | startswith("llc_rcv+")) | .count] == [2]' "$O" "STP BPDUs: 2 expected (llc_rcv)"
E '.dport == 5353' 4 "mDNS: 4 expected"
E '.dport == 1900' 5 "SSDP: 5 expected"
E '.dport == 138' 6 "NetBIOS: 6 expected"
E '.dport == 67' 7 "DHCP: 7 expected"
expect '[.causes[] | select(.summary | length < 20)] == []' "$O" "every expected cause has a one-line reason"
expect '.totals.residual == 0' "$O" "ledger balances"
grep -q "healthy: every drop is EXPECTED background" "$TMP/text.out" || { cat "$TMP/text.out" >&2; fail "text report says healthy"; }
ok "text report says the host is healthy"
grep -q "^  EXPECTED" "$TMP/text.out" || fail "text report has an EXPECTED section"
ok "text report has an EXPECTED section"
echo "all passed"
