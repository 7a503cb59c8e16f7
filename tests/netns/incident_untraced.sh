#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Counted, not traced (config/mib_discards.tsv): two discards that 6.18
# counts but frees as consumed, so no kfree_skb event exists.
# 1. SYN queue full without SYN cookies: B listens with backlog 1 and
#    net.ipv4.tcp_syncookies=0; A sends bare SYNs (raw socket, no
#    retransmissions) and drops the SYN-ACKs, so the half-open requests stay.
#    Past the SYN queue, tcp_conn_request refuses the SYNs: TcpExt
#    TCPReqQFullDrop, also counted in TcpExt ListenDrops (nested: one cause,
#    never two).
# 2. ICMP errors about connections B does not have: A sends port
#    unreachables quoting UDP and TCP headers from B to ports B never used;
#    __udp4_lib_err / tcp_v4_err find no socket: Icmp InErrors. The same
#    over IPv6 (__udp6_lib_err / tcp_v6_err): Icmp6 InErrors.
# One report over both: each cause with the counter's exact delta, and the
# ledger balances.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: needs python3"; exit 77; }
command -v iptables >/dev/null || PATH=$PATH:/usr/sbin:/sbin
command -v iptables >/dev/null || { echo "SKIP: needs iptables"; exit 77; }
P=dlM$$
NSYN=7
NUDP=5
NTCP=4
NUDP6=3
NTCP6=2
lab_up "$P"
A="ip netns exec $P-a"
B="ip netns exec $P-b"
# IPv6 on the lab link, quiet: no router solicitations, no DAD.
[ -d /proc/sys/net/ipv6 ] || { echo "SKIP: needs IPv6"; exit 77; }
for s in a b; do
    ip netns exec "$P-$s" sysctl -qw net.ipv6.conf.v0$s.router_solicitations=0 \
        net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.v0$s.disable_ipv6=0 || fail "IPv6 on v0$s"
done
ip -n "$P-a" addr add fd00:d1::1/64 dev v0a nodad || fail "IPv6 address on v0a"
ip -n "$P-b" addr add fd00:d1::2/64 dev v0b nodad || fail "IPv6 address on v0b"
$A iptables -A INPUT -p tcp --tcp-flags SYN,ACK SYN,ACK -j DROP ||
    { echo "SKIP: iptables unusable"; exit 77; }
$B sysctl -qw net.ipv4.tcp_syncookies=0 || fail "tcp_syncookies=0 in $P-b"
qfull() { snmp_get "$P-b" TcpExt TCPReqQFullDrop; }
ldrops() { snmp_get "$P-b" TcpExt ListenDrops; }
icmperr() { snmp_get "$P-b" Icmp InErrors; }
icmp6err() { $B awk '$1 == "Icmp6InErrors" { print $2 }' /proc/net/snmp6; }

$B "$PY" -c '
import socket, sys, time
s = socket.socket()
s.bind(("198.18.0.2", 7071))
s.listen(1)
open(sys.argv[1], "w").close()
time.sleep(120)' "$TMP/listening" &
PIDS+=($!)
wait_file "$TMP/listening" $!
$B "$DL" report -i v0b --hook xdp -d 60 --json --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
q0=$(qfull) l0=$(ldrops) i0=$(icmperr) j0=$(icmp6err)

# send.py syn N | icmp NUDP NTCP: exactly that many packets from A, then exit.
$A "$PY" - syn "$NSYN" <<'PY' || fail "sending SYNs"
import socket, struct, sys

def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

src, dst = "198.18.0.1", "198.18.0.2"
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
for i in range(int(sys.argv[2])):
    t = struct.pack("!HHIIBBHHH", 41000 + i, 7071, 1000 + i, 0, 5 << 4, 0x02, 64240, 0, 0)
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(t))
    t = t[:16] + struct.pack("!H", csum(ph + t)) + t[18:]
    r.sendto(t, (dst, 0))
PY
# Every SYN reached B's listener: half-open in the SYN queue, or refused.
halfopen() { $B ss -Htn state syn-recv '( sport = :7071 )' | wc -l; }
synseen() { echo $(( $(qfull) - q0 + $(halfopen) )); }
wait_value synseen "$NSYN"
$A "$PY" - icmp "$NUDP" "$NTCP" <<'PY' || fail "sending ICMP errors"
import socket, struct, sys

def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff

b, a = "198.18.0.2", "198.18.0.1"
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
def quoted(proto, sport, dport):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 48, 1, 0, 64, proto, 0,
                     socket.inet_aton(b), socket.inet_aton(a))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    l4 = struct.pack("!HHI", sport, dport, 12345)	# first 8 bytes: ports, len/seq
    return ip + l4 + b"\0" * 20
for i, proto in enumerate([17] * int(sys.argv[2]) + [6] * int(sys.argv[3])):
    body = quoted(proto, 52000 + i, 9 + i)
    m = struct.pack("!BBHI", 3, 3, 0, 0) + body	# port unreachable
    m = m[:2] + struct.pack("!H", csum(m)) + m[4:]
    r.sendto(m, (b, 0))
PY
wait_at_least icmperr $((i0 + NUDP + NTCP))
$A "$PY" - "$NUDP6" "$NTCP6" <<'PY' || fail "sending ICMPv6 errors"
import socket, struct, sys

b, a = "fd00:d1::2", "fd00:d1::1"
r = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
for i, nh in enumerate([17] * int(sys.argv[1]) + [6] * int(sys.argv[2])):
    l4 = struct.pack("!HHI", 53000 + i, 9 + i, 12345) + b"\0" * 12
    ip = struct.pack("!IHBB16s16s", 6 << 28, len(l4), nh, 64,
                     socket.inet_pton(socket.AF_INET6, b), socket.inet_pton(socket.AF_INET6, a))
    r.sendto(struct.pack("!BBHI", 1, 4, 0, 0) + ip + l4, (b, 0))	# port unreachable; the kernel sums
PY
wait_at_least icmp6err $((j0 + NUDP6 + NTCP6))
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }
Q=$(( $(qfull) - q0 )) L=$(( $(ldrops) - l0 )) I=$(( $(icmperr) - i0 )) J=$(( $(icmp6err) - j0 ))
[ "$I" = $((NUDP + NTCP)) ] || fail "Icmp InErrors moved by $I, expected $((NUDP + NTCP))"
[ "$J" = $((NUDP6 + NTCP6)) ] || fail "Icmp6 InErrors moved by $J, expected $((NUDP6 + NTCP6))"
[ "$Q" -ge 1 ] && [ "$Q" -le "$NSYN" ] || fail "TCPReqQFullDrop moved by $Q"
[ "$Q" = $((NSYN - $(halfopen))) ] || fail "TCPReqQFullDrop moved by $Q, $(halfopen) of $NSYN SYNs half-open"
[ "$L" = "$Q" ] || fail "ListenDrops moved by $L, TCPReqQFullDrop by $Q: another listen drop happened"
echo "ok: counters: TCPReqQFullDrop +$Q (ListenDrops +$L), Icmp InErrors +$I, Icmp6 InErrors +$J"

O=$TMP/out.json
C() { echo ".causes[] | select(.location == \"counted, not traced ($1)\")"; }
SQ=$(C "TcpExt TCPReqQFullDrop")
expect "[$SQ | .count] == [$Q]" "$O" "SYN queue full: exactly the $Q SYNs of TcpExt TCPReqQFullDrop"
expect "[$SQ | .reason, .group, .function] == [\"TCP_SYN_QUEUE_FULL\", \"tcp\", \"tcp_conn_request\"]" "$O" "TCP_SYN_QUEUE_FULL / tcp / tcp_conn_request"
expect "$SQ | .summary | contains(\"SYN queue\") and contains(\"SYN cookies are off\") and contains(\"namespace-wide\")" "$O" "summary: SYN queue full, cookies off, namespace-wide"
expect "$SQ | .advice | contains(\"tcp_syncookies=1\") and contains(\"tcp_max_syn_backlog\")" "$O" "advice: cookies on, backlog"
expect "[$(C "TcpExt ListenDrops")] == []" "$O" "nested: ListenDrops adds no second cause for the same SYNs"
IE=$(C "Icmp InErrors")
expect "[$IE | .count] == [$I]" "$O" "ICMP for no socket: exactly the $I errors of Icmp InErrors"
expect "[$IE | .reason, .group] == [\"ICMP_NO_SOCKET\", \"icmp\"]" "$O" "ICMP_NO_SOCKET / icmp"
expect "$IE | .summary | contains(\"this host does not have\") and contains(\"namespace-wide\")" "$O" "summary: no such connection, namespace-wide"
expect "$IE | .advice | contains(\"tcpdump\")" "$O" "advice: how to find the sender"
I6=$(C "Icmp6 InErrors")
expect "[$I6 | .count] == [$J]" "$O" "ICMPv6 for no socket: exactly the $J errors of Icmp6 InErrors"
expect "[$I6 | .reason, .group] == [\"ICMP6_NO_SOCKET\", \"icmp\"]" "$O" "ICMP6_NO_SOCKET / icmp"
expect "[.causes[] | select(.location | test(\"^icmp(v6)?_rcv[+]\"))] == []" "$O" "no ICMP error was traced (they are consumed)"
expect ".totals.residual == 0" "$O" "ledger balances"
expect ".totals.stack_dropped >= $((Q + I + J))" "$O" "the refused SYNs and ignored errors count as dropped, not delivered"
echo "all passed"
