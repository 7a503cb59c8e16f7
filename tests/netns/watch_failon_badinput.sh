#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# --fail-on exits 4 exactly when a rule is crossed (report and watch, the
# rule named, the interval record says which fired), and watch's bad
# input: a port in use, an address that is not local, an unwritable
# textfile, -i all in an empty namespace, an interface that is down: one
# clear line each, exit 1 where it cannot run, nothing left attached.
. "$(dirname "$0")/lib.sh"

P=exf$$
lab_up "$P"
E=${P}e
ip netns add "$E" || fail "netns add"
trap 'ip netns del "$E" 2>/dev/null; cleanup' EXIT

# report: 30 NO_SOCKET drops; rule at 30 does not fire, at 29 it does.
run_report() {
    ip netns exec "$P-b" "$DL" report -i v0b -d 3 --json --fail-on "$1" \
        --ready-file "$TMP/r.ready" >"$TMP/r.json" 2>"$TMP/r.err" &
    local r=$!
    wait_file "$TMP/r.ready" "$r"
    ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5000 30 >/dev/null || fail send
    wait "$r"
    RC=$?
    rm -f "$TMP/r.ready"
}
run_report 'reason=NO_SOCKET>30,residual>1%'
[ "$RC" = 0 ] || { cat "$TMP/r.err"; fail "report exited $RC with 30 drops and a >30 rule"; }
ok "report: reason=NO_SOCKET>30 does not fire on 30 drops (exit 0)"
run_report 'stack_dropped>100,reason=NO_SOCKET>29'
[ "$RC" = 4 ] || { cat "$TMP/r.err"; fail "report exited $RC, want 4"; }
grep -q -- "--fail-on: v0b: reason=NO_SOCKET>29 (measured 30)" "$TMP/r.err" || { cat "$TMP/r.err"; fail "rule not named"; }
jq -e '.totals.stack_dropped == 30' "$TMP/r.json" >/dev/null || fail "ledger not printed before exit 4"
ok "report: reason=NO_SOCKET>29 fires on 30 drops: exit 4 naming the rule"

# watch: the interval record carries the rules that fired in it.
"$DL" watch --netns "$P-b" -i v0b -I 0.5 -d 3 --json --fail-on 'reason=NO_SOCKET>0,residual>1%' \
    --ready-file "$TMP/w.ready" >"$TMP/w.jsonl" 2>"$TMP/w.err" &
w=$!
wait_file "$TMP/w.ready" "$w"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 5000 5 >/dev/null || fail send
wait "$w"
rc=$?
[ "$rc" = 4 ] || { cat "$TMP/w.err"; fail "watch exited $rc, want 4"; }
jq -e -s '([.[] | select(.fail_on == ["reason=NO_SOCKET>0"])] | length) == 1 and
          ([.[] | select(.fail_on == [])] | length) == (length - 1)' "$TMP/w.jsonl" >/dev/null ||
    { cat "$TMP/w.jsonl"; fail "fail_on fields"; }
ok "watch: exactly the interval with the drops says fail_on [reason=NO_SOCKET>0], exit 4"

attached() { [ -n "$(xdp_prog_id "$P-b" v0b)$(xdp_prog_id "$P-b" v1b)" ]; }
# expect_fail WHAT REGEX ARGS...: exit 1, one line matching REGEX, nothing left attached.
expect_fail() {
    local what=$1 re=$2
    shift 2
    "$DL" watch "$@" -I 0.5 -d 1 >/dev/null 2>"$TMP/e.err"
    local rc=$?
    [ "$rc" = 1 ] || { cat "$TMP/e.err"; fail "$what: exit $rc, want 1"; }
    grep -Eq "$re" "$TMP/e.err" || { cat "$TMP/e.err"; fail "$what: no line matching $re"; }
    attached && fail "$what: XDP left attached"
    ok "$what: $(grep -E "$re" "$TMP/e.err" | head -1)"
}
python3 -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(60)' >"$TMP/port" &
PIDS+=("$!")
for i in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
busy=$(cat "$TMP/port")
expect_fail "port in use" "cannot serve metrics on 127.0.0.1:$busy: .*in use" --netns "$P-b" -i all --metrics-listen "127.0.0.1:$busy"
expect_fail "address not local" "not an address of this host" --netns "$P-b" -i all --metrics-listen 192.0.2.1:9477
expect_fail "textfile not writable" "metrics-textfile /nonexistent/x.prom is not writable" --netns "$P-b" -i all --metrics-textfile /nonexistent/x.prom
expect_fail "-i all in an empty namespace" "nothing to watch: no interface except lo" --netns "$E" -i all
expect_fail "no such namespace" "no network namespace nosuch$$" --netns "nosuch$$" -i all

ip -n "$P-b" link set v1b down
"$DL" watch --netns "$P-b" -i v1b -I 0.5 -d 1 >/dev/null 2>"$TMP/d.err" || fail "watch on a down interface exited $?"
grep -q "v1b: is down" "$TMP/d.err" || { cat "$TMP/d.err"; fail "down interface not said"; }
ok "an interface that is down: $(grep 'is down' "$TMP/d.err")"
attached && fail "XDP left attached"
ok "nothing left attached"
