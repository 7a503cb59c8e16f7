#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The real binary's answers to bad command lines and bad config files: one
# line on stderr ending in "see 'dropledger CMD --help'", exit 2, quickly
# (every run under `timeout 5`, so a hang fails instead of blocking); help
# generated from the tables; nothing from a secret file echoed; escape
# sequences never printed raw. Needs no root: all of it fails before any
# privilege is used. Interface: lo (every namespace has it).
set -u
DL=${DL_BIN:?DL_BIN must name the dropledger binary}
TMP=$(mktemp -d /tmp/dl-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
ESC=$(printf '\033')

# want RC PATTERN CMD ARGS...: exit RC, exactly one stderr line matching
# PATTERN, nothing on stdout, no raw escape byte.
want() {
    local rc=0 code=$1 pat=$2
    shift 2
    timeout 5 "$DL" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
    [ "$rc" != 124 ] || fail "dropledger $*: hung (killed after 5 s)"
    [ "$rc" = "$code" ] || { cat "$TMP/err"; fail "dropledger $*: exit $rc, want $code"; }
    [ "$(wc -l <"$TMP/err")" = 1 ] || { cat "$TMP/err"; fail "dropledger $*: not one line"; }
    [ ! -s "$TMP/out" ] || fail "dropledger $*: printed on stdout"
    grep -q -- "$pat" "$TMP/err" || { cat "$TMP/err"; fail "dropledger $*: no '$pat'"; }
    ! grep -q "$ESC" "$TMP/err" || fail "dropledger $*: raw escape byte on stderr"
    ok "$(printf "%q " "$@")-> $code: $(cat "$TMP/err")"
}

CMDS=(report watch top steering capture gen lab demo detach explain schema)
"$DL" dpdk --help >/dev/null 2>&1 && CMDS+=(dpdk)

# 1. Unknown options and missing values: one line, exit 2, everywhere.
for c in "${CMDS[@]}"; do
    case $c in
    dpdk) want 2 "unknown option '--bogus'; see 'dropledger dpdk --help'" dpdk -- --bogus ;;
    lab) want 2 "unknown option '--bogus'; see 'dropledger lab --help'" lab up --bogus ;;
    *) want 2 "unknown option '--bogus'; see 'dropledger $c --help'" "$c" --bogus ;;
    esac
done
want 2 "unknown option '-Z'; see 'dropledger report --help'" report -Z -i lo
want 2 "option '-d' needs a value" report -i lo -d
want 2 "option '--json' takes no value" report -i lo --json=yes
want 2 "unknown command 'reprot'; see 'dropledger --help'" reprot -i lo

# 2. Help from the table, one heading style, for every command.
for c in "${CMDS[@]}"; do
    timeout 5 "$DL" "$c" --help >"$TMP/help" 2>&1 || fail "$c --help: exit $?"
    for h in "^Usage: dropledger $c\( \|$\)" "^OPTIONS$" "^EXAMPLES$" "^EXIT CODES$" "^  -h, --help"; do
        grep -q "$h" "$TMP/help" || { cat "$TMP/help"; fail "$c --help lacks '$h'"; }
    done
    awk 'length > 80 { exit 1 }' "$TMP/help" || fail "$c --help: a line over 80 columns"
done
ok "every command's help: Usage, OPTIONS, EXAMPLES, EXIT CODES"

# 3. Numbers are parsed one way: no NaN, infinity, hex, sign, garbage.
want 2 "-d/--duration: 'nan' is not seconds in 0..31536000" report -i lo -d nan
want 2 "-I/--interval: 'nan' is not seconds in 0.1..31536000" report -i lo -d 3 -I nan
want 2 "-d/--duration: '0x10' is not seconds" report -i lo -d 0x10
want 2 "-d/--duration: 'inf' is not seconds" report -i lo -d inf
want 2 "-d/--duration: '-3' is not seconds" report -i lo -d -3
want 2 "-d/--duration: '5s' is not seconds" report -i lo -d 5s
want 2 "--skew-threshold: 'nan' is not a number above 1" report -i lo --skew-threshold nan
want 2 "--mirror: '0x8' is not a whole number 1..1000000" report -i lo --mirror 0x8
want 2 "--hot-factor: 'inf' is not a number above 1, up to 64" steering -i lo --hot-factor inf
want 2 "--jain-min: 'nan' is not a number in 0.01..1" steering -i lo --jain-min nan
want 2 "-d/--duration: '0' is not seconds above 0" steering -i lo -d 0
want 2 "--ring: '100' is not a whole number 64..65536, a power of two" capture -i lo --ring 100
want 2 "--sport: '65536' is not a whole number 1..65535" gen -i lo --sport 65536
want 2 "--dst-mac: '02:00:00:00:00' is not a MAC address" gen -i lo --dst-mac 02:00:00:00:00
want 2 "--src-ip: '198.18.0' is not an IPv4 address" gen -i lo --src-ip 198.18.0
want 2 "-I/--interval: 'nan' is not seconds in 0.1..31536000" watch -i lo -I nan
want 2 "--metrics-max-series: '0x10' is not a whole number" watch -i lo --metrics-max-series 0x10
want 2 "which interfaces? (-i IFACE, repeatable, or -i all)" top
want 2 "--snaplen, --sample and --max-packets shape the pcap; add -w FILE" watch -i lo --sample 2
want 2 "--html-intervals sizes the --html-dir pages; add --html-dir DIR" watch -i lo --html-intervals 5
want 2 "--filter picks the frames of the pcap; add -w FILE" watch -i lo --filter udp
want 2 "--filter: bad filter 'udp and'" watch -i lo -w "$TMP/never.pcapng" --filter 'udp and'

# 4. Config files: directories, devices, FIFOs refused at once; the first
#    of two errors named with file:line.
mkdir "$TMP/dir"
mkfifo "$TMP/fifo"
want 2 "$TMP/dir: is a directory" report -c "$TMP/dir" -i lo
want 2 "/dev/zero: not a regular file" report -c /dev/zero -i lo
want 2 "$TMP/fifo: not a regular file" report -c "$TMP/fifo" -i lo
head -c 100000 /dev/zero | tr '\0' '#' >"$TMP/big.conf"
want 2 "big.conf: too big" report -c "$TMP/big.conf" -i lo
printf '[report]\ninterface = lo\n\nduration = nan\ninterval = 0x10\n' >"$TMP/two.conf"
want 2 "two.conf:4: duration: 'nan' is not seconds" report -c "$TMP/two.conf"
printf '[report]\nduration = 5\nthis is not a pair\nfoo = 1\n' >"$TMP/two.conf"
want 2 "two.conf:3: not a key = value line" report -c "$TMP/two.conf" -i lo
printf '[report]\ninterface = lo\nduration = 0\njson = true\n' >"$TMP/svc.conf"
want 2 "-d 0 runs until stopped and needs --interval" report -c "$TMP/svc.conf"

printf '[steering]\ninterface = lo\nhot_factor = nan\n' >"$TMP/st.conf"
want 2 "st.conf:3: hot-factor: 'nan' is not a number above 1" steering -c "$TMP/st.conf"
printf '[report]\ninterface = lo\n' >"$TMP/rep.conf"
want 2 "rep.conf:1: unknown section \[report\] (this file is read by 'steering'" \
    steering -c "$TMP/rep.conf"

# 5. Interface names: escaped, never raw; a missing one is a runtime error.
want 1 "no interface 'a\\\\x1b\[31mb' in this network namespace" report -i "a${ESC}[31mb"
want 1 "no interface 'nosuch\\\\xff'" steering -i "$(printf 'nosuch\377')"
want 2 "is not an interface name: at most 15 bytes" report -i averyveryverylongname
want 2 "which interface? (-i IFACE)" report -d 1
want 2 "unexpected argument 'lo'" gen lo

# 6. A rules file that may be secret: file and line, never its text.
printf 'root:$6$s3cr3tHash:19000:0:99999:7:::\n' >"$TMP/shadow"
want 2 "shadow:1: " steering -i lo -d 1 --rules "$TMP/shadow"
! grep -q "s3cr3t" "$TMP/err" || fail "rules error echoed the file's text"
printf 'udp dport 5000 -> queue 3\nsctp dport 1 -> queue 1\n' >"$TMP/r.rules"
want 2 "r.rules:2: unknown protocol '...' (expected" steering -i lo -d 1 --rules "$TMP/r.rules"
ok "rules errors: file:line and the grammar's words only"
# 7. explain: a malformed causes table is bad input (2), named by file:line.
mkdir "$TMP/cfg"
cp "${DL_CONFIGDIR:?}"/* "$TMP/cfg/"
printf 'a line without tabs\n' >>"$TMP/cfg/causes.tsv"
DL_CONFIGDIR=$TMP/cfg want 2 "causes.tsv:[0-9]*: " explain NO_SOCKET
# 8. explain of a discard counter or a counted-not-traced cause: the audit row.
"$DL" explain ListenDrops >"$TMP/out" 2>"$TMP/err" || fail "explain ListenDrops exited $?"
grep -q "^TcpExt ListenDrops (netstat, rx, scope netns)" "$TMP/out" &&
    grep -q "kind:     counted, not traced" "$TMP/out" &&
    grep -q "cause:    TCP_LISTEN_OVERFLOW" "$TMP/out" || fail "explain ListenDrops: $(cat "$TMP/out")"
"$DL" explain TCP_SYN_QUEUE_FULL >"$TMP/out" 2>&1 && grep -q "within:   TcpExt ListenDrops" "$TMP/out" &&
    ! grep -q "{count}" "$TMP/out" || fail "explain TCP_SYN_QUEUE_FULL: $(cat "$TMP/out")"
"$DL" explain --list >"$TMP/out" 2>&1 && grep -q "^DISCARD COUNTERS ([0-9]*)" "$TMP/out" ||
    fail "explain --list has no discard counters"
want 2 "nope is neither a drop reason, a catalogued function nor an audited counter" explain nope
ok "explain: discard counters and counted-not-traced causes"
echo "all passed"
