#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Receive-path incident classes on one lab and one report (B watches v0b):
# crafted frames from A (tests/netns/pkt.py over AF_PACKET) with a distinct
# count per class, so every cause is checked by its exact count, its reason
# and location, and the object its verdict names (EtherType, VLAN, port,
# address, sysctl, rule). Classes: unknown EtherType, VLAN tag without a
# VLAN device, bad IPv4 checksum, bad IP version, TCP to a closed port, bad
# TCP and UDP checksums, UDP to a closed port, unknown IP protocol, martian,
# own and loopback sources, zeronet destination, unicast in L2 multicast,
# fragment reassembly timeout, netfilter DROP / REJECT / raw DROP, IPv6
# routing header type 0, UDPv6 to a closed port, and NetBIOS broadcast
# background (expected).
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: needs python3"; exit 77; }
command -v iptables >/dev/null || PATH=$PATH:/usr/sbin:/sbin
command -v iptables >/dev/null || { echo "SKIP: needs iptables"; exit 77; }
PKT="$PY $(dirname "$0")/pkt.py"
P=rsh$$
lab_up "$P"
A="ip netns exec $P-a"
B="ip netns exec $P-b"
BMAC=$($B cat /sys/class/net/v0b/address)
$B sysctl -qw net.ipv4.ipfrag_time=1 net.ipv4.conf.v0b.drop_unicast_in_l2_multicast=1 ||
    fail "sysctls"
for ns in a b; do
    ip netns exec "$P-$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
        "net.ipv6.conf.v0$ns.disable_ipv6=0" || fail "IPv6 on in $ns"
done
ip -n "$P-a" addr add 2001:db8::1/64 dev v0a nodad || fail "v6 address a"
ip -n "$P-b" addr add 2001:db8::2/64 dev v0b nodad || fail "v6 address b"
$B iptables -A INPUT -p udp --dport 5001 -j DROP || { echo "SKIP: iptables unusable"; exit 77; }
$B iptables -A INPUT -p udp --dport 5002 -j REJECT || fail "iptables REJECT"
$B iptables -t raw -A PREROUTING -p udp --dport 5003 -j DROP || fail "iptables raw"

$B "$DL" report -i v0b --hook xdp -d 60 --json --ready-file "$TMP/ready" >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
base=$(xdp_total "$P-b")
reasm=$(snmp_get "$P-b" Ip ReasmTimeout)
S() { $A $PKT "$1" v0a "$2" --dst-mac "$BMAC" "${@:3}" || fail "send $*"; }
S raw 5 --ethertype 0x88b5
S udp 7 --vlan 100
S udp 11 --bad-csum
S udp 13 --version 5
S tcp 17 --dport 81
S tcp 19 --dport 82 --bad-l4
S udp 23 --dport 83 --bad-l4
S proto 29 --proto 253
S udp 3 --dport 84
S udp 41 --src 224.1.1.1
S udp 43 --src 198.18.0.2
S udp 47 --dst 0.0.0.0
S udp 53 --src 127.0.0.1
S udp 59 --dst-mac 01:00:5e:00:00:01
S udp 31 --mf 1 --size 64
S udp 61 --dport 5001
S udp 67 --dport 5002
S udp 71 --dport 5003
S rh0 73 --src 2001:db8::1 --dst 2001:db8::2
S udp6 79 --src 2001:db8::1 --dst 2001:db8::2 --dport 86
$A $PKT bcast v0a 37 --src 198.18.0.1 --dst 198.18.0.255 --dport 137 || fail "broadcast"
TOTAL=$((5+7+11+13+17+19+23+29+3+41+43+47+53+59+31+61+67+71+73+79+37))
wait_at_least "xdp_total $P-b" $((base + TOTAL))
wait_at_least "snmp_get $P-b Ip ReasmTimeout" $((reasm + 31))
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }

O=$TMP/out.json
# check REASON FUNCTION COUNT TEXT WHAT: one cause, exact count, named object.
check() {
    local c=".causes[] | select(.reason == \"$1\" and (.location | startswith(\"$2+\") or startswith(\"$2.\")))"
    expect "[$c | .count] == [$3]" "$O" "$5: $3 x $1 in $2"
    expect "[$c | .summary | contains(\"$4\")] == [true]" "$O" "$5: verdict names '$4'"
}
check UNHANDLED_PROTO __netif_receive_skb_core 5 "EtherType 0x88b5 on v0b" "unknown EtherType"
check OTHERHOST ip_rcv_core 7 "VLAN-tagged frame for a VLAN id with no VLAN device on v0b" "VLAN 100 without a VLAN device"
check IP_CSUM ip_rcv_core 11 "bad IPv4 header checksum on v0b from 198.18.0.1" "bad IPv4 checksum"
check IP_INHDR ip_rcv_core 13 "malformed IPv4 header" "IP version 5"
check NO_SOCKET tcp_v4_rcv 17 "no TCP listener on port 81 of 198.18.0.2" "TCP SYN to a closed port (RST)"
check TCP_CSUM tcp_v4_rcv 19 "bad TCP checksum on port 82" "bad TCP checksum"
check UDP_CSUM __udp4_lib_rcv 23 "bad UDP checksum on port 83" "bad UDP checksum"
check IP_NOPROTO ip_local_deliver_finish 29 "no handler for IP protocol" "unknown IP protocol 253"
check NO_SOCKET __udp4_lib_rcv 3 "no UDP socket bound to port 84 on 198.18.0.2" "UDP to a closed port"
check IP_INVALID_SOURCE ip_rcv_finish_core 41 "invalid source address 224.1.1.1 on v0b" "martian (multicast) source"
check IP_LOCAL_SOURCE ip_rcv_finish_core 43 "one of our own addresses as source (198.18.0.2)" "own address as source"
check IP_INVALID_DEST ip_rcv_finish_core 47 "invalid destination address 0.0.0.0" "zeronet destination"
check IP_LOCALNET ip_rcv_finish_core 53 "127.0.0.0/8 arrived on v0b" "loopback source on the wire"
check UNICAST_IN_L2_MULTICAST ip_rcv_finish_core 59 "drop_unicast_in_l2_multicast=1" "unicast in an L2 multicast frame"
check FRAG_REASM_TIMEOUT ip_expire 31 "reassembly of udp 198.18.0.1:40000 -> 198.18.0.2:9 from 198.18.0.1 timed out" "fragment reassembly timeout"
check NOT_SPECIFIED ipv6_rthdr_rcv 73 "bad IPv6 extension header" "IPv6 routing header type 0"
check NO_SOCKET __udp6_lib_rcv 79 "no UDPv6 socket bound to port 86 on 2001:db8::2" "UDPv6 to a closed port"
# Three netfilter variants in the same function: told apart by their flows.
NF='.causes[] | select(.reason == "NETFILTER_DROP")'
expect "[$NF | .count] == [199]" "$O" "netfilter: 61 + 67 + 71 under NETFILTER_DROP"
for pc in 5001:61 5002:67 5003:71; do
    expect "[$NF | .flows[] | select(.dport == ${pc%:*}) | .count] == [${pc#*:}]" "$O" "netfilter port ${pc%:*}: ${pc#*:} (DROP, REJECT, raw DROP)"
done
expect "$NF | .summary | contains(\"a netfilter rule dropped udp 198.18.0.1:40000 -> 198.18.0.2:5003 on v0b\")" "$O" "netfilter verdict names the biggest flow and v0b"
expect "$NF | .advice | contains(\"udp port 5003\")" "$O" "netfilter advice names the port to look for"
BC='.causes[] | select(.flows[0].dport == 137)'
expect "[$BC | .count, .expected] == [37, true]" "$O" "NetBIOS broadcast to a closed port: 37, expected"
expect "$BC | .summary | contains(\"NetBIOS\")" "$O" "background named: NetBIOS"
expect '[.causes[] | select(.expected) | .category] | all(. == "expected")' "$O" "expected causes carry category expected"
expect '.causes | map(.expected) | . == sort' "$O" "expected background listed after the real problems"
expect '.healthy == false' "$O" "not a healthy host"
expect '[.causes[] | select(.summary | test("FUNCTION|\\{"))] == []' "$O" "no placeholder or literal FUNCTION left in any verdict"
expect '.totals.residual == 0' "$O" "ledger balances"
echo "all passed"
