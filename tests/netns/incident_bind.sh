#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# NO_SOCKET although a socket holds the port (held-out class: "the service
# is up but nobody gets the traffic"): a UDP service and a TCP listener bound
# to 127.0.0.1 only; a UDP socket connected to another peer; a TCP listener
# on 0.0.0.0 tied to another device (SO_BINDTODEVICE); UDP and TCP on [::]
# with IPV6_V6ONLY. Exact counts, and the
# verdict names the address, the device binding or the connected peer
# (read from /proc/net/udp and tcp of B) instead of "no socket".
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: needs python3"; exit 77; }
PKT="$PY $(dirname "$0")/pkt.py"
P=rsb$$
lab_up "$P"
A="ip netns exec $P-a"
B="ip netns exec $P-b"
BMAC=$($B cat /sys/class/net/v0b/address)

# hold: sockets in B until the test ends (bounded: 120 s at most).
$B "$PY" - "$TMP/held" <<'PY' &
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 9000))
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", 81)); t.listen()
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.bind(("0.0.0.0", 9001))
c.connect(("198.18.0.77", 5000))
d = socket.socket(); d.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"v1b")
d.bind(("0.0.0.0", 82)); d.listen()
for kind, port in ((socket.SOCK_DGRAM, 7001), (socket.SOCK_STREAM, 83)):
    s6 = socket.socket(socket.AF_INET6, kind)
    s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s6.bind(("::", port))
    if kind == socket.SOCK_STREAM:
        s6.listen()
    globals()["keep%d" % port] = s6
open(sys.argv[1], "w").close()
time.sleep(120)
PY
PIDS+=("$!")
wait_file "$TMP/held" "$!"

# run NAME SENDS...: one report on v0b around the sends; JSON in $TMP/NAME.json.
run() {
    local name=$1 rep
    shift
    rm -f "$TMP/ready"
    $B "$DL" report -i v0b --hook xdp -d 60 --json --ready-file "$TMP/ready" \
        >"$TMP/$name.json" 2>"$TMP/$name.err" &
    rep=$!
    PIDS+=("$rep")
    wait_file "$TMP/ready" "$rep"
    base=$(xdp_total "$P-b")
    "$@"
    kill -INT "$rep"
    wait "$rep" || { cat "$TMP/$name.err" >&2; fail "$name: report exited non-zero"; }
}
S() { $A $PKT "$1" v0a "$2" --dst-mac "$BMAC" "${@:3}" >/dev/null || fail "send $*"; }
loopback() { S udp 13 --dport 9000; S tcp 17 --dport 81; wait_at_least "xdp_total $P-b" $((base + 30)); }
elsewhere() { S udp 19 --dport 9001; S tcp 23 --dport 82; wait_at_least "xdp_total $P-b" $((base + 42)); }
v6only() { S udp 29 --dport 7001; S tcp 31 --dport 83; wait_at_least "xdp_total $P-b" $((base + 60)); }

# check FILE REASON FUNCTION COUNT TEXT WHAT
check() {
    local c=".causes[] | select(.reason == \"$2\" and (.location | startswith(\"$3+\")))"
    expect "[$c | .count] == [$4]" "$1" "$6: $4 x $2 in $3"
    expect "[$c | .summary | contains(\"$5\")] == [true]" "$1" "$6: verdict says '$5'"
}
run loopback loopback
check "$TMP/loopback.json" NO_SOCKET __udp4_lib_rcv 13 "udp port 9000 has a socket on this host, but bound to 127.0.0.1 only, not to 198.18.0.2" \
    "UDP service bound to 127.0.0.1"
check "$TMP/loopback.json" NO_SOCKET tcp_v4_rcv 17 "tcp port 81 has a socket on this host, but bound to 127.0.0.1 only" \
    "TCP listener bound to 127.0.0.1"
expect '[.causes[] | select(.reason == "NO_SOCKET") | .advice | contains("listen on 198.18.0.2 or 0.0.0.0")] == [true, true]' \
    "$TMP/loopback.json" "the fix names the address to listen on"

run elsewhere elsewhere
check "$TMP/elsewhere.json" NO_SOCKET __udp4_lib_rcv 19 "udp port 9001 is held only by UDP sockets connected to other peers" \
    "UDP socket connected to another peer"
check "$TMP/elsewhere.json" NO_SOCKET tcp_v4_rcv 23 "tcp port 82 has a socket bound to 0.0.0.0 on this host, yet" \
    "TCP listener tied to another device"
expect '[.causes[] | select(.location | startswith("tcp_v4_rcv+")) | .advice | contains("SO_BINDTODEVICE") or contains("%DEV")] == [true]' \
    "$TMP/elsewhere.json" "the fix names the device binding"
run v6only v6only
check "$TMP/v6only.json" NO_SOCKET __udp4_lib_rcv 29 "udp port 7001 is held only by IPv6 sockets on this host" \
    "UDP service on [::] with IPV6_V6ONLY"
check "$TMP/v6only.json" NO_SOCKET tcp_v4_rcv 31 "tcp port 83 is held only by IPv6 sockets on this host" \
    "TCP listener on [::] with IPV6_V6ONLY"
for f in loopback elsewhere v6only; do
    expect '.totals.residual == 0' "$TMP/$f.json" "$f: the ledger balances"
done
echo "all passed"
