#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Listen backlog full, counted but not traced: B listens on tcp 7070 with
# backlog 1 and never accepts; A opens N connections. Past the accept
# queue, B refuses the SYNs in tcp_conn_request() and frees them as
# consumed (6.18): no drop event, only TcpExt ListenDrops. The report must
# turn the counter's delta into a "counted, not traced" cause with exactly
# that count, take those SYNs out of `delivered`, and still balance.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || { echo "SKIP: needs python3"; exit 77; }
P=rsb$$
N=6
lab_up "$P"
drops() { snmp_get "$P-b" TcpExt ListenDrops; }

ip netns exec "$P-b" "$PY" -c '
import socket, sys, time
s = socket.socket()
s.bind(("198.18.0.2", 7070))
s.listen(1)
open(sys.argv[1], "w").close()
time.sleep(120)' "$TMP/listening" &
PIDS+=($!)
wait_file "$TMP/listening" $!
ip netns exec "$P-b" "$DL" report -i v0b --hook xdp -d 60 --json --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
base=$(drops)
ip netns exec "$P-a" "$PY" -c '
import socket, sys, time
ss = []
for i in range(int(sys.argv[1])):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("198.18.0.2", 7070))
    ss.append(s)
    time.sleep(0.02)
time.sleep(120)' "$N" &
client=$!
PIDS+=("$client")
# Two connections fit (backlog + 1); the other SYNs are refused.
wait_at_least drops $((base + N - 2))
# Closing SYN_SENT sockets sends nothing: no retransmission after this.
kill "$client"
wait "$client" 2>/dev/null
D=$(( $(drops) - base ))
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }
[ $(( $(drops) - base )) = "$D" ] || fail "ListenDrops moved after the client stopped"

O=$TMP/out.json
C='.causes[] | select(.location == "counted, not traced (TcpExt ListenDrops)")'
expect "[$C | .count] == [$D]" "$O" "counted, not traced: exactly the $D SYNs of TcpExt ListenDrops"
expect "[$C | .reason, .group] == [\"TCP_LISTEN_OVERFLOW\", \"tcp\"]" "$O" "TCP_LISTEN_OVERFLOW / tcp"
expect "$C | .summary | contains(\"accept queue was full\") and contains(\"namespace-wide\")" "$O" "summary says what and that the counter is namespace-wide"
expect "$C | .advice | contains(\"somaxconn\")" "$O" "advice: backlog and somaxconn"
expect ".totals.residual == 0" "$O" "ledger balances"
expect ".totals.stack_dropped >= $D" "$O" "the refused SYNs count as dropped, not delivered"
echo "all passed"
