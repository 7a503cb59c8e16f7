#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Faults under a running report: the interface deleted, renamed, moved to
# another namespace, brought down, its queue count changed, our program
# removed or replaced by someone else. Each ends (or, for down, goes on)
# with one clear line; a cut-short run exits 5 with "truncated": true and
# the reason in JSON, and nothing of ours is left on any interface.
. "$(dirname "$0")/lib.sh"

command -v ethtool >/dev/null || PATH=$PATH:/usr/sbin:/sbin
P=ftf$$
C=ftf$$-c
lab_up "$P"
B=$P-b
EMPTY_OBJ=${DL_EMPTY_OBJ:?}
trap 'ip netns del "$C" 2>/dev/null; cleanup' EXIT

# start NAME IFACE [ARGS...]: a report on IFACE in B, until told; sets RUN.
start() {
    local name=$1 dev=$2
    shift 2
    ip netns exec "$B" "$DL" report -i "$dev" --hook xdp -d 60 --json --ready-file "$TMP/$name.ready" "$@" \
        >"$TMP/$name.json" 2>"$TMP/$name.err" &
    RUN=$!
    PIDS+=("$RUN")
    wait_file "$TMP/$name.ready" "$RUN"
}

# cut NAME REGEX: the run ended by itself with exit 5, one line matching
# REGEX on stderr and the same reason in the JSON.
cut() {
    local rc=0 i
    for i in $(seq 1 100); do kill -0 "$RUN" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$RUN" 2>/dev/null && fail "$1: the run did not end"
    wait "$RUN" || rc=$?
    [ "$rc" = 5 ] || { cat "$TMP/$1.err"; fail "$1: exit $rc, want 5"; }
    [ "$(grep -c -E "$2" "$TMP/$1.err")" = 1 ] || { cat "$TMP/$1.err"; fail "$1: no one line '$2'"; }
    jq -e --arg re "$2" '.truncated == true and (.truncated_reason | test($re))' \
        "$TMP/$1.json" >/dev/null || { cat "$TMP/$1.json"; fail "$1: JSON truncated fields"; }
}

# no_xdp NS: no XDP program of ours on any interface of NS.
no_xdp() {
    ! ip -n "$1" -d link show | grep -q "prog/xdp.*dl_ingress" \
        || { ip -n "$1" -d link show >&2; fail "$2: our program left in $1"; }
}

# 1. Someone removes our program: the run ends, says so.
start removed v0b
ip -n "$B" link set dev v0b xdp off
cut removed "our XDP program was removed from v0b by someone else"
no_xdp "$B" removed
ok "program removed by someone else: exit 5, one line, truncated"

# 2. Someone puts another program in its place: we end and leave theirs.
start replaced v0b
ip -force -n "$B" link set dev v0b xdpdrv obj "$EMPTY_OBJ" sec xdp || fail "replace"
foreign=$(xdp_prog_id "$B" v0b)
cut replaced "our XDP program on v0b was replaced by '[a-z_]+' \\(id $foreign\\)"
[ "$(xdp_prog_id "$B" v0b)" = "$foreign" ] || fail "replaced: the foreign program was touched"
ip -n "$B" link set dev v0b xdpdrv off
ok "program replaced: the foreign one is kept"

# 3. RX queue count changes (veth with XDP needs rx >= the peer's tx).
ip netns exec "$P-a" ethtool -L v0a rx 2 tx 2 2>/dev/null &&
    ip netns exec "$B" ethtool -L v0b rx 2 tx 2 2>/dev/null || { echo "SKIP: ethtool -L on veth"; exit 77; }
start queues v0b
ip netns exec "$B" ethtool -L v0b rx 4 tx 4 || fail "ethtool -L"
cut queues "the RX queue count of v0b changed from 2 to 4"
no_xdp "$B" queues
ok "queue count changed: exit 5"

# 4. Down at start: a warning, not a silent all-zero ledger. Down mid-run:
#    one line, the run goes on and ends normally.
ip -n "$B" link set dev v0b down
rc=0
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 0.3 --json >"$TMP/down0.json" 2>"$TMP/down0.err" || rc=$?
[ "$rc" = 0 ] && grep -q "^dropledger: v0b is down: the ledger will stay at zero" "$TMP/down0.err" \
    || { cat "$TMP/down0.err"; fail "down at start: exit $rc, no warning"; }
ip -n "$B" link set dev v0b up
ok "down at start: warned"
start down v0b -d 2
ip -n "$B" link set dev v0b down
rc=0; wait "$RUN" || rc=$?
[ "$rc" = 0 ] && [ "$(grep -c "v0b went down: nothing arrives until it is up again" "$TMP/down.err")" = 1 ] \
    || { cat "$TMP/down.err"; fail "down mid-run: exit $rc"; }
expect '.truncated == false' "$TMP/down.json" "down mid-run: the run goes on, not truncated"
no_xdp "$B" down
ip -n "$B" link set dev v0b up

# 5. Renamed (a rename needs the interface down): the run ends.
start renamed v0b
ip -n "$B" link set dev v0b down
ip -n "$B" link set dev v0b name ftr$$
cut renamed "v0b was renamed to ftr$$"
no_xdp "$B" renamed
ip -n "$B" link set dev "ftr$$" name v0b
ip -n "$B" link set dev v0b up
ok "renamed: exit 5"

# 6. Deleted: a veth pair of our own inside B.
ip -n "$B" link add ftd0 type veth peer name ftd1 || fail "veth"
ip -n "$B" link set dev ftd0 up; ip -n "$B" link set dev ftd1 up
start deleted ftd0
ip -n "$B" link del ftd0
cut deleted "ftd0 was deleted"
no_xdp "$B" deleted
ok "deleted: exit 5"

# 7. Moved to another namespace: followed there and detached through the
#    fd we hold; nothing of ours stays on it in its new home.
ip netns add "$C" || fail "netns $C"
ip -n "$B" link add ftm0 type veth peer name ftm1 || fail "veth"
ip -n "$B" link set dev ftm0 up; ip -n "$B" link set dev ftm1 up
start moved ftm0
ip -n "$B" link set dev ftm0 netns "$C"
cut moved "ftm0 was moved to another network namespace \\(netns $C, interface ftm0\\): our program was detached there"
no_xdp "$C" moved
no_xdp "$B" moved
ok "moved to another namespace: detached there, exit 5"

# 8. The same with --attach link: detached through the link we hold.
ip -n "$C" link set dev ftm0 netns "$B"
ip -n "$B" link set dev ftm0 up
start movedlink ftm0 --attach link
ip -n "$B" link set dev ftm0 netns "$C"
cut movedlink "ftm0 was moved to another network namespace"
no_xdp "$C" movedlink
ok "moved with --attach link: detached through the link"

# 9. A killed run's program no longer blocks capture: capture removes it
#    and says so; a live run's program is named with its owner.
ip -n "$B" link set dev ftm0 netns "$B" 2>/dev/null
start live v0b
rc=0
ip netns exec "$B" "$DL" capture -i v0b -d 0.3 >/dev/null 2>"$TMP/cap.err" || rc=$?
[ "$rc" = 1 ] && grep -q "v0b is already watched by dropledger (pid $RUN, program id" "$TMP/cap.err" \
    || { cat "$TMP/cap.err"; fail "capture next to a live run: exit $rc"; }
kill -9 "$RUN"; wait "$RUN" 2>/dev/null
stale=$(xdp_prog_id "$B" v0b)
[ -n "$stale" ] || fail "no stale program after kill -9"
rc=0
ip netns exec "$B" "$DL" capture -i v0b -d 0.3 >/dev/null 2>"$TMP/cap.err" || rc=$?
grep -q "removed stale dropledger program id $stale (left by pid $RUN, no longer running)" "$TMP/cap.err" \
    || { cat "$TMP/cap.err"; fail "capture did not remove the stale program (exit $rc)"; }
[ "$(xdp_prog_id "$B" v0b)" != "$stale" ] || fail "stale program still there"
no_xdp "$B" capture
ok "capture: a live run is named, a stale program removed (capture exit $rc)"

# 10. An interface named with a terminal escape sequence: every line about
#     it shows the bytes escaped, none reaches the terminal raw; the JSON
#     names it as a string.
E=$'ft\e[31mx'
ip -n "$B" link add "$E" type veth peer name fte1 || fail "veth with an escape in its name"
ip -n "$B" link set dev "$E" up; ip -n "$B" link set dev fte1 up
start escaped "$E"
ip -n "$B" link del "$E"
cut escaped 'ft\\x1b\[31mx was deleted'
! grep -q $'\e' "$TMP/escaped.err" || { cat -v "$TMP/escaped.err"; fail "a raw escape byte reached stderr"; }
jq -e --arg n "$E" '.interface == $n' "$TMP/escaped.json" >/dev/null || fail "JSON interface name"
ok "escape sequence in an interface name: shown as \\x1b, JSON keeps the name"

# 11. explain on a bad causes table: file:line, exit 2 (bad input).
mkdir -p "$TMP/cfg"
printf '# nothing\n' >"$TMP/cfg/causes.tsv"
rc=0; DL_CONFIGDIR=$TMP/cfg "$DL" explain NO_SOCKET 2>"$TMP/ex.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && grep -q "causes.tsv:1: no causes in the table" "$TMP/ex.err" || { cat "$TMP/ex.err"; fail "explain empty table: exit $rc"; }
printf 'NO_SOCKET\tstack\tsocket\tport {port}\tfix\n' >"$TMP/cfg/causes.tsv"
rc=0; DL_CONFIGDIR=$TMP/cfg "$DL" explain NO_SOCKET 2>"$TMP/ex.err" >/dev/null || rc=$?
[ "$rc" = 2 ] && grep -q "causes.tsv:1: unknown placeholder '{port}'" "$TMP/ex.err" || { cat "$TMP/ex.err"; fail "explain placeholder: exit $rc"; }
ok "explain: a bad causes table is file:line and exit 2"
