#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Attach safety: never replace a foreign XDP program, refuse a second run,
# remove exactly our own stale program after kill -9 (detach, and the next
# run), leave nothing behind with --attach link, print the report on
# SIGINT, and name what is missing when not root.
. "$(dirname "$0")/lib.sh"

P=dls$$
lab_up "$P"
B=$P-b
EMPTY_OBJ=${DL_EMPTY_OBJ:?}

# 1. A foreign program holds the interface: refuse, leave it alone.
ip -n "$B" link set dev v0b xdpdrv obj "$EMPTY_OBJ" sec xdp || fail "attach foreign"
foreign=$(xdp_prog_id "$B" v0b)
[ -n "$foreign" ] || fail "no foreign program id"
rc=0
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 1 2>"$TMP/err" >/dev/null || rc=$?
[ "$rc" = 1 ] || fail "report with a foreign program: exit $rc, want 1"
grep -q "not attached through libxdp" "$TMP/err" || { cat "$TMP/err"; fail "no clear refusal"; }
[ "$(xdp_prog_id "$B" v0b)" = "$foreign" ] || fail "foreign program replaced"
ok "foreign program refused and kept (id $foreign)"
ip -n "$B" link set dev v0b xdpdrv off

# 2. A live run: a second one refuses. kill -9 leaves a stale program;
#    detach removes exactly it.
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 60 --ready-file "$TMP/r1" >/dev/null 2>&1 &
r1=$!
PIDS+=("$r1")
wait_file "$TMP/r1" "$r1"
rc=0
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 1 2>"$TMP/err" >/dev/null || rc=$?
[ "$rc" = 1 ] && grep -q "already watched by dropledger (pid $r1" "$TMP/err" \
    || { cat "$TMP/err"; fail "second run not refused (exit $rc)"; }
ok "second run refused while the first is alive"
kill -9 "$r1"; wait "$r1" 2>/dev/null
stale=$(xdp_prog_id "$B" v0b)
[ -n "$stale" ] || fail "expected a stale program after kill -9"
ip netns exec "$B" "$DL" detach -i v0b >"$TMP/out" || fail "detach failed"
grep -q "removed stale dropledger program id $stale (left by pid $r1" "$TMP/out" \
    || { cat "$TMP/out"; fail "detach did not say what it removed"; }
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "stale program still attached"
ok "detach removed stale program $stale of killed pid $r1"

# 3. The next run removes a stale program by itself and says so.
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 60 --ready-file "$TMP/r2" >/dev/null 2>&1 &
r2=$!
PIDS+=("$r2")
wait_file "$TMP/r2" "$r2"
kill -9 "$r2"; wait "$r2" 2>/dev/null
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 0.3 --json >"$TMP/out" 2>"$TMP/err" || fail "run after stale"
grep -q "removed stale dropledger program" "$TMP/err" || { cat "$TMP/err"; fail "no stale note"; }
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "program left after a clean run"
ok "next run removed the stale program and detached cleanly"

# 4. --attach link: kill -9 leaves nothing.
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 60 --attach link --ready-file "$TMP/r3" >/dev/null 2>&1 &
r3=$!
PIDS+=("$r3")
wait_file "$TMP/r3" "$r3"
[ -n "$(xdp_prog_id "$B" v0b)" ] || fail "link not attached"
kill -9 "$r3"; wait "$r3" 2>/dev/null
for i in $(seq 1 40); do [ -z "$(xdp_prog_id "$B" v0b)" ] && break; sleep 0.05; done
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "bpf_link survived kill -9"
ok "--attach link: kernel removed the program when the process died"

# 5. SIGINT ends early, detaches, and still prints the report.
ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 60 --json --ready-file "$TMP/r4" >"$TMP/out" 2>/dev/null &
r4=$!
PIDS+=("$r4")
wait_file "$TMP/r4" "$r4"
kill -INT "$r4"
wait "$r4" || fail "report after SIGINT exited non-zero"
expect '.duration_s < 30' "$TMP/out" "SIGINT: report printed with the shortened interval"
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "program left after SIGINT"
ok "SIGINT detached"

# 6. Not root: one line naming what is missing, exit 1.
if command -v setpriv >/dev/null; then
    rc=0
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
        "$DL" report -i lo -d 1 2>"$TMP/err" >/dev/null || rc=$?
    [ "$rc" = 1 ] || fail "unprivileged run: exit $rc, want 1"
    grep -q "needs root (missing CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON)" "$TMP/err" \
        || { cat "$TMP/err"; fail "unprivileged message"; }
    [ "$(wc -l <"$TMP/err")" = 1 ] || fail "more than one line"
    ok "unprivileged: one clear line, exit 1"
fi

# 7. Bad command lines: exit 2 with a message.
rc=0; "$DL" report -d 1 2>/dev/null || rc=$?; [ "$rc" = 2 ] || fail "no -i: exit $rc"
rc=0; "$DL" report -i lo -d -3 2>/dev/null || rc=$?; [ "$rc" = 2 ] || fail "bad -d: exit $rc"
rc=0; "$DL" report -i lo --attach magic 2>/dev/null || rc=$?; [ "$rc" = 2 ] || fail "bad --attach: exit $rc"
rc=0; ip netns exec "$B" "$DL" report -i nosuch0 -d 1 2>"$TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "no interface 'nosuch0'" "$TMP/err" || fail "missing interface: exit $rc"
ok "usage errors exit 2, a missing interface exits 1"

# 8. The reader goes away (a closed pipe): the report ends and detaches,
#    instead of dying by SIGPIPE with its program attached.
timeout 20 ip netns exec "$B" "$DL" report -i v0b --hook xdp -d 0 -I 0.2 --json 2>/dev/null | head -c 1 >/dev/null
for i in $(seq 1 60); do [ -z "$(xdp_prog_id "$B" v0b)" ] && break; sleep 0.05; done
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "program left after the output pipe closed"
ok "closed output pipe: detached cleanly"

# 9. A configuration file gives defaults; the command line wins; a bad
#    key is named with file:line and exit 2.
printf '[report]\ninterface = v0b\nduration = 0.3\njson = true\n' >"$TMP/ok.conf"
ip netns exec "$B" "$DL" report -c "$TMP/ok.conf" >"$TMP/out" 2>/dev/null || fail "report -c"
expect '.interface == "v0b" and .duration_s < 2' "$TMP/out" "config file: interface, duration, json"
ip netns exec "$B" "$DL" report -c "$TMP/ok.conf" -d 0.2 --hook xdp --attach link >"$TMP/out" 2>/dev/null || fail "override"
expect '.attach == "link"' "$TMP/out" "command line overrides the file"
printf '[report]\ninterface = v0b\nintervall = 5\n' >"$TMP/bad.conf"
rc=0; "$DL" report -c "$TMP/bad.conf" 2>"$TMP/err" || rc=$?
[ "$rc" = 2 ] && grep -q "bad.conf:3: unknown key 'intervall'" "$TMP/err" || { cat "$TMP/err"; fail "bad config: exit $rc"; }
ok "bad config key: file:line, exit 2"

# 10. Our XDP program attached by someone else for us (the DPDK net_af_xdp
#     PMD attaches dl_dpdk_xdp without a link) and held by no process after
#     a kill -9: detach removes it; a foreign program it leaves alone.
ip -n "$B" link set dev v0b xdpdrv obj "${DL_DPDK_XDP_OBJ:?}" sec xdp || fail "attach dl_dpdk_xdp"
left=$(xdp_prog_id "$B" v0b)
ip netns exec "$B" "$DL" detach -i v0b >"$TMP/out" || fail "detach"
grep -q "removed stale dropledger program dl_dpdk_xdp id $left (no process holds it)" "$TMP/out" \
    || { cat "$TMP/out"; fail "dl_dpdk_xdp not removed"; }
[ -z "$(xdp_prog_id "$B" v0b)" ] || fail "dl_dpdk_xdp still attached"
ip -n "$B" link set dev v0b xdpdrv obj "$EMPTY_OBJ" sec xdp || fail "attach foreign"
ip netns exec "$B" "$DL" detach -i v0b >"$TMP/out" || fail "detach"
[ -n "$(xdp_prog_id "$B" v0b)" ] || fail "detach removed a foreign program"
ip -n "$B" link set dev v0b xdpdrv off
ok "detach: removes our PMD-attached program nobody holds, never a foreign one"
