#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The systemd notify protocol as the unit (Type=notify, WatchdogSec) uses
# it, through a real NOTIFY_SOCKET: READY=1 only after every interface is
# attached, WATCHDOG=1 every second, STOPPING=1 on the way out.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }

P=exn$$
lab_up "$P"
SOCK=$TMP/notify.sock
python3 - "$SOCK" >"$TMP/notes" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
t0 = time.monotonic()
try:
    while True:
        msg = s.recv(4096).decode()
        print("%.2f %s" % (time.monotonic() - t0, msg.replace("\n", " ")), flush=True)
        if "STOPPING=1" in msg:
            break
except socket.timeout:
    pass
PY
L=$!
PIDS+=("$L")
for i in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
NOTIFY_SOCKET=$SOCK "$DL" watch --netns "$P-b" -i all -I 1 -d 3.5 >/dev/null 2>"$TMP/err" || fail "watch exited $?"
wait "$L"
cat "$TMP/notes"
grep -q ' READY=1' "$TMP/notes" || fail "no READY=1"
[ "$(grep -c 'v[01]b: watching' "$TMP/err")" = 2 ] || fail "both interfaces attached before READY"
[ "$(head -1 "$TMP/notes" | cut -d' ' -f2)" = READY=1 ] || fail "something before READY=1"
n=$(grep -c ' WATCHDOG=1' "$TMP/notes")
[ "$n" -ge 3 ] || fail "only $n watchdog pings in 3.5 s"
tail -1 "$TMP/notes" | grep -q 'STOPPING=1' || fail "no STOPPING=1 at the end"
ok "READY=1 after attach, $n WATCHDOG=1 in 3.5 s, STOPPING=1"
