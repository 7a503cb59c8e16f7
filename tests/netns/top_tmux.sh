#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dropledger top under tmux: once it draws, 40 datagrams to a closed port
# show up as NO_SOCKET on v0b within two seconds; 'f' shows the flow;
# 'q' quits and leaves nothing attached. Without a TTY: one line per
# device per interval.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { echo "SKIP: needs tmux"; exit 77; }

P=ext$$
S=ext$$
lab_up "$P"
trap 'tmux kill-session -t "$S" 2>/dev/null; cleanup' EXIT

tmux new-session -d -s "$S" -x 132 -y 40 \
    "'$DL' top --netns '$P-b' -i all 2>'$TMP/err'; echo exit=\$? >'$TMP/rc'; sleep 30" ||
    { echo "SKIP: tmux cannot start a session"; exit 77; }
pane() { tmux capture-pane -p -t "$S"; }
# wait_pane REGEX TENTHS: until the pane matches, TENTHS x 0.1 s at most.
wait_pane() {
    local i
    for i in $(seq 1 "$2"); do
        pane | grep -Eq "$1" && return 0
        sleep 0.1
    done
    return 1
}
wait_pane '^v1b ' 300 || { pane; cat "$TMP/err"; fail "top never drew both devices"; }
ok "top draws v0b and v1b"

ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5000 40 --sport 41000 >/dev/null || fail send
t0=$(date +%s.%N)
wait_pane 'NO_SOCKET +[0-9.]+/s +40' 20 || { pane; fail "NO_SOCKET 40 not shown within 2 s"; }
t1=$(date +%s.%N)
ok "the injected cause is on screen after $(echo "$t1 - $t0" | bc 2>/dev/null || echo '<2') s"
tmux send-keys -t "$S" f
wait_pane 'flow .*198\.18\.0\.1:41000' 20 || { pane; fail "'f' did not show the flow"; }
ok "'f' shows the flow"
tmux send-keys -t "$S" q
for i in $(seq 1 100); do [ -s "$TMP/rc" ] && break; sleep 0.1; done
[ "$(cat "$TMP/rc" 2>/dev/null)" = exit=0 ] || { pane; fail "top did not quit cleanly on q ($(cat "$TMP/rc" 2>/dev/null))"; }
for d in v0b v1b; do
    [ -z "$(xdp_prog_id "$P-b" "$d")" ] || fail "XDP left on $d after q"
done
ok "q quits and detaches"

# Not a terminal: compact lines.
"$DL" top --netns "$P-b" -i v0b -I 0.5 -d 1.2 </dev/null >"$TMP/lines" 2>/dev/null || fail "top without a TTY"
n=$(grep -c '^v0b #[0-9]* ' "$TMP/lines")
[ "$n" -ge 2 ] || { cat "$TMP/lines"; fail "want >= 2 compact lines, got $n"; }
grep -q $'\033' "$TMP/lines" && fail "escape codes without a TTY"
ok "no TTY: $n compact lines, no escape codes"
