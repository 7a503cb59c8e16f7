#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Ownership across PID namespaces: a run inside a private PID namespace
# (a container with host networking) is pid 1 there. A host-side detach or
# second report must see that it is alive, refuse, and name it; the victim
# keeps counting exactly. Once it is killed, the host removes its program.
. "$(dirname "$0")/lib.sh"

command -v unshare >/dev/null || { echo "SKIP: needs unshare"; exit 77; }
P=ftp$$
lab_up "$P"
B=$P-b
N=173

# child_of PID: the process `unshare --fork` (PID) started: pid 1 inside.
child_of() { cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{ print $1 }'; }

# The victim: pid 1 of its own PID namespace, in the lab's network namespace.
ip netns exec "$B" unshare --pid --fork --mount-proc \
    "$DL" report -i v0b --hook xdp -d 120 --json --ready-file "$TMP/ready" \
    >"$TMP/victim.json" 2>"$TMP/victim.err" &
victim=$!
PIDS+=("$victim")
wait_file "$TMP/ready" "$victim"
prog=$(xdp_prog_id "$B" v0b)
[ -n "$prog" ] || fail "victim attached nothing"
inner=$(child_of "$victim")
[ -n "$inner" ] || fail "no run inside the PID namespace"

# 1. Host-side detach: refuses, names the owner, exits 1, program stays.
rc=0
ip netns exec "$B" "$DL" detach -i v0b >"$TMP/out" 2>&1 || rc=$?
cat "$TMP/out"
[ "$rc" = 1 ] || fail "detach of a live run in another PID namespace: exit $rc, want 1"
grep -q "kept dropledger program id $prog on v0b: its run (pid [0-9]*, pid 1 in PID namespace pid:\[[0-9]*\]) is alive" "$TMP/out" \
    || fail "detach did not name the live owner"
[ "$(xdp_prog_id "$B" v0b)" = "$prog" ] || fail "detach removed a live run's program"
ok "host detach refused and named the owner (pid 1 in its PID namespace)"

# 2. --force never removes a program a visible process holds.
rc=0
ip netns exec "$B" "$DL" detach -i v0b --force >"$TMP/out" 2>&1 || rc=$?
[ "$rc" = 1 ] && [ "$(xdp_prog_id "$B" v0b)" = "$prog" ] || { cat "$TMP/out"; fail "--force removed a live program"; }
ok "detach --force keeps a program a live process holds"

# 3. A second host-side report refuses and names the owner.
rc=0
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 0.3 --json >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] || fail "second report: exit $rc, want 1"
grep -q "v0b is already watched by dropledger (pid [0-9]*, pid 1 in PID namespace pid:\[[0-9]*\], program id $prog)" "$TMP/err" \
    || { cat "$TMP/err"; fail "second report did not name the owner"; }
[ "$(xdp_prog_id "$B" v0b)" = "$prog" ] || fail "second report removed the program"
ok "second report refused"

# 4. The victim still counts exactly: N datagrams to a closed port.
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9000 "$N" --sport 40000 || fail "send"
sleep 0.3
kill -INT "$inner"
rc=0; wait "$victim" || rc=$?
[ "$rc" = 0 ] || { cat "$TMP/victim.err"; fail "victim exited $rc"; }
expect ".truncated != true and .totals.xdp_seen == $N" "$TMP/victim.json" "victim saw all N=$N frames"
expect "[.causes[] | select(.reason == \"NO_SOCKET\") | .count] == [$N]" "$TMP/victim.json" "victim: exactly N under NO_SOCKET"
expect '.totals.residual == 0' "$TMP/victim.json" "victim's ledger balances"
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "victim left its program"

# 5. kill -9 of the container's run: its PID namespace is gone, nobody
#    holds the program; the host (initial PID namespace) removes it.
ip netns exec "$B" unshare --pid --fork --mount-proc \
    "$DL" report -i v0b --hook xdp -d 120 --ready-file "$TMP/ready2" >/dev/null 2>&1 &
v2=$!
PIDS+=("$v2")
wait_file "$TMP/ready2" "$v2"
prog=$(xdp_prog_id "$B" v0b)
inner=$(child_of "$v2")
[ -n "$inner" ] || fail "no run inside the PID namespace"
kill -9 "$inner"
wait "$v2" 2>/dev/null
[ "$(xdp_prog_id "$B" v0b)" = "$prog" ] || fail "no stale program after kill -9"
ip netns exec "$B" "$DL" detach -i v0b >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "detach of a dead container run"; }
grep -q "removed stale dropledger program id $prog (left by pid 1 in PID namespace pid:\[[0-9]*\], no longer running)" "$TMP/out" \
    || { cat "$TMP/out"; fail "detach message"; }
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "stale program left"
ok "kill -9 in a PID namespace: host detach removes the stale program"

# 6. The other way round: a host run is invisible from a private PID
#    namespace. A second report or detach there cannot tell it is alive:
#    it must refuse and point at --force, never remove it.
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 120 --ready-file "$TMP/ready3" >/dev/null 2>&1 &
host=$!
PIDS+=("$host")
wait_file "$TMP/ready3" "$host"
prog=$(xdp_prog_id "$B" v0b)
rc=0
ip netns exec "$B" unshare --pid --fork --mount-proc "$DL" report -i v0b --hook xdp -d 0.3 \
    >/dev/null 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "v0b holds dropledger program id $prog of pid $host in PID namespace pid:\[[0-9]*\], which is not visible from here and may still run; if that run is gone: dropledger detach -i v0b --force" "$TMP/err" \
    || { cat "$TMP/err"; fail "report in a private PID namespace: exit $rc"; }
rc=0
ip netns exec "$B" unshare --pid --fork --mount-proc "$DL" detach -i v0b >"$TMP/out" 2>&1 || rc=$?
[ "$rc" = 1 ] && grep -q "its owner (pid $host in PID namespace pid:\[[0-9]*\]) is not visible from here" "$TMP/out" \
    || { cat "$TMP/out"; fail "detach in a private PID namespace: exit $rc"; }
[ "$(xdp_prog_id "$B" v0b)" = "$prog" ] || fail "a run in a private PID namespace removed the host's program"
ok "from a private PID namespace: the host run is kept, --force suggested"
kill -INT "$host"; wait "$host" || fail "host run exited non-zero"
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "host run left its program"
