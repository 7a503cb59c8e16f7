#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Write failures of every command: a full device, a full filesystem and a
# closed stdout each end with one line naming the output (a closed pipe:
# silently) and exit 1; a reader that goes away stops a run early; nothing
# of ours stays attached afterwards.
. "$(dirname "$0")/lib.sh"

P=se$$
lab_up "$P"
B=$P-b
NSX=(ip netns exec "$B")

# no_xdp WHAT: nothing left on v0b.
no_xdp() {
    [ -z "$(xdp_prog_id "$B" v0b)" ] || fail "$1: an XDP program is left on v0b"
    ok "$1: nothing left attached"
}

# one_line FILE CMD WHY: FILE is exactly the line naming stdout and WHY.
one_line() {
    local n
    n=$(wc -l <"$1")
    [ "$n" = 1 ] || { cat "$1" >&2; fail "$2: $n lines on stderr, want 1"; }
    grep -qx "dropledger $2: cannot write to stdout: $3" "$1" ||
        { cat "$1" >&2; fail "$2: stderr does not name the output"; }
    ok "$2: one line: $(cat "$1")"
}

# said_once FILE CMD WHY: text mode says what it counts on stderr too;
# the failure is one line among them.
said_once() {
    grep -qx "dropledger $2: cannot write to stdout: $3" "$1" ||
        { cat "$1" >&2; fail "$2: no line naming stdout"; }
    [ "$(grep -c 'cannot write' "$1")" = 1 ] || { cat "$1" >&2; fail "$2: said more than once"; }
    ok "$2 (text): said once"
}

# expect_rc RC WANT WHAT
expect_rc() {
    [ "$1" = "$2" ] || fail "$3: exit $1, want $2"
}

full="No space left on device"

# --attach link: the dispatcher note would be a second stderr line.
"${NSX[@]}" "$DL" report -i v0b -d 1 --json --attach link >/dev/full 2>"$TMP/e1"
expect_rc $? 1 "report --json > /dev/full"
one_line "$TMP/e1" report "$full"
no_xdp "report --json > /dev/full"

"${NSX[@]}" "$DL" report -i v0b -d 3 -I 1 --json --attach link >/dev/full 2>"$TMP/e2"
expect_rc $? 1 "report -I 1 --json > /dev/full"
one_line "$TMP/e2" report "$full"
no_xdp "report -I 1 > /dev/full"

"${NSX[@]}" "$DL" report -i v0b -d 1 --attach link >/dev/full 2>"$TMP/e3"
expect_rc $? 1 "report (text) > /dev/full"
said_once "$TMP/e3" report "$full"

# A reader that reads one byte and leaves: the run stops at its next line,
# not after -d 120 (timeout's 124 would say it ran on).
timeout 60 "${NSX[@]}" "$DL" report -i v0b -d 120 -I 1 --json --attach link 2>"$TMP/e4" |
    head -c1 >/dev/null
rc=("${PIPESTATUS[@]}")
[ "${rc[0]}" != 124 ] || fail "report | head -c1 ran on after its reader left"
expect_rc "${rc[0]}" 1 "report | head -c1"
[ ! -s "$TMP/e4" ] || { cat "$TMP/e4" >&2; fail "report | head -c1: a closed pipe is not an error to show"; }
ok "report -I 1 | head -c1: stopped early, exit 1, quiet"
no_xdp "report | head -c1"

# A reader gone before any output: stopped within the wait, not at -d.
timeout 60 "${NSX[@]}" "$DL" report -i v0b -d 120 --json --attach link 2>"$TMP/e5" | true
rc=("${PIPESTATUS[@]}")
[ "${rc[0]}" != 124 ] || fail "report | true ran the whole duration"
expect_rc "${rc[0]}" 1 "report | true"
ok "report | true: stopped before any output, exit 1"
no_xdp "report | true"

# stdout closed: refused before anything is attached.
"${NSX[@]}" "$DL" report -i v0b -d 1 --json --attach link >&- 2>"$TMP/e6"
expect_rc $? 1 "report >&-"
one_line "$TMP/e6" report "Bad file descriptor"
no_xdp "report >&-"

# A full filesystem: appending to a ledger file fails on the first line.
# The tmpfs lives in a private mount namespace and goes with it.
command -v unshare >/dev/null || { echo "SKIP: needs unshare"; exit 77; }
mkdir -p "$TMP/fs"
unshare -m --propagation private bash -c '
    mount -t tmpfs -o size=4k tmpfs "$1" || exit 77
    head -c 4096 /dev/zero >"$1/fill" 2>/dev/null
    ip netns exec "$2" "$3" report -i v0b -d 1 --json --attach link >>"$1/ledger.jsonl"
' _ "$TMP/fs" "$B" "$DL" 2>"$TMP/e7"
rc=$?
[ "$rc" = 77 ] && { echo "SKIP: cannot mount a tmpfs here"; exit 77; }
expect_rc "$rc" 1 "report >> full filesystem"
one_line "$TMP/e7" report "$full"
no_xdp "report >> full filesystem"
mountpoint -q "$TMP/fs" && fail "the tmpfs leaked out of its mount namespace"

# The other commands, same policy.
"${NSX[@]}" "$DL" steering -i v0b -d 1 --json --attach link >/dev/full 2>"$TMP/e8"
expect_rc $? 1 "steering > /dev/full"
one_line "$TMP/e8" steering "$full"
no_xdp "steering > /dev/full"

"${NSX[@]}" "$DL" steering -i v0b -d 1 --attach link >/dev/full 2>"$TMP/e9"
expect_rc $? 1 "steering (text) > /dev/full"
said_once "$TMP/e9" steering "$full"

"${NSX[@]}" "$DL" capture -i v0b -d 1 --json >/dev/full 2>"$TMP/e10"
rc=$?
if grep -q 'AF_XDP\|xsk' "$TMP/e10"; then
    echo "capture unavailable here: $(head -1 "$TMP/e10")"
else
    expect_rc "$rc" 1 "capture > /dev/full"
    one_line "$TMP/e10" capture "$full"
    no_xdp "capture > /dev/full"
fi

"$DL" explain IP_RPFILTER >/dev/full 2>"$TMP/e11"
expect_rc $? 1 "explain > /dev/full"
one_line "$TMP/e11" explain "$full"

DL_CONFIGDIR=${DL_CONFIGDIR:-} "$DL" schema >/dev/full 2>"$TMP/e12"
expect_rc $? 1 "schema > /dev/full"
one_line "$TMP/e12" schema "$full"

"$DL" report --help >/dev/full 2>"$TMP/e13"
expect_rc $? 1 "report --help > /dev/full"
one_line "$TMP/e13" report "$full"

# The same commands still succeed where the output takes what they write.
"$DL" explain IP_RPFILTER >"$TMP/ok" || fail "explain > file failed"
[ -s "$TMP/ok" ] || fail "explain wrote nothing"
ok "explain > file: exit 0"
