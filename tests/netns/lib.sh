# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers of the network-namespace tests. Each test builds its own
# lab with a unique prefix and removes it on every exit path.
set -u

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
DL=${DL_BIN:?DL_BIN must name the dropledger binary}
command -v jq >/dev/null || { echo "SKIP: needs jq"; exit 77; }

TMP=$(mktemp -d /tmp/dl-test.XXXXXX)
LABS=()
PIDS=()

# save_reports: keep this test's report JSON (any file under $TMP holding
# an object with "causes") in $DL_SUITE_REPORTS for the suite-wide check
# (suite_generic_causes.sh); a no-op outside meson's netns suite.
save_reports() {
    local f name
    [ -n "${DL_SUITE_REPORTS:-}" ] && [ -d "$TMP" ] || return 0
    name=$(basename "$0" .sh)
    mkdir -p "$DL_SUITE_REPORTS" || return 0
    rm -f "$DL_SUITE_REPORTS/$name".*
    find "$TMP" -maxdepth 2 -type f \( -name '*.json' -o -name '*.jsonl' \) -print0 |
    while IFS= read -r -d '' f; do
        jq -e -s 'any(.[]; type == "object" and has("causes"))' "$f" >/dev/null 2>&1 || continue
        cp "$f" "$DL_SUITE_REPORTS/$name.$(basename "$f")"
    done
}

cleanup() {
    local p
    save_reports
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    for p in "${LABS[@]}"; do "$DL" lab down --prefix "$p" >/dev/null 2>&1; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# lab_up PREFIX: a lab that is removed when the test exits.
lab_up() {
    LABS+=("$1")
    "$DL" lab up --prefix "$1" >/dev/null || fail "lab up $1"
}

# wait_file PATH PID: until PATH exists (PID must stay alive), 20 s at most.
wait_file() {
    local i
    for i in $(seq 1 400); do
        [ -e "$1" ] && return 0
        kill -0 "$2" 2>/dev/null || fail "process $2 died before $1 appeared"
        sleep 0.05
    done
    fail "timed out waiting for $1"
}

# expect JQ-EXPR FILE MESSAGE: the JSON in FILE satisfies the expression.
expect() {
    jq -e "$1" "$2" >/dev/null || { jq . "$2" >&2; fail "$3 ($1)"; }
    ok "$3"
}

# xdp_prog_id NS IFACE: id of the XDP program attached, or empty.
xdp_prog_id() {
    ip -n "$1" -d link show dev "$2" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -1
}

# The lab steering emulation (sender side): needs DL_STEER_LAB, tc, ethtool.
need_steering() {
    STEER=${DL_STEER_LAB:?DL_STEER_LAB must name the steer-lab helper}
    local t
    for t in tc ethtool; do
        command -v "$t" >/dev/null || PATH=$PATH:/usr/sbin:/sbin
        command -v "$t" >/dev/null || { echo "SKIP: needs $t"; exit 77; }
    done
}

# steer NS DPORT QUEUE PRIO: udp to DPORT leaves v0a of NS on TX queue
# QUEUE, so it arrives on RX queue QUEUE of the peer.
steer() {
    "$STEER" add "$1" v0a udp "$2" "$3" "$4" bpf >/dev/null ||
        { echo "SKIP: lab steering (tc + BPF classifier) unavailable"; exit 77; }
}

# xdp_total NS: frames seen by XDP on v0b so far (veth's per-queue counters).
xdp_total() {
    ip netns exec "$1" ethtool -S v0b |
        awk '/rx_queue_[0-9]+_xdp_packets/ { s += $2 } END { print s + 0 }'
}

# snmp_get NS GROUP FIELD: a counter of /proc/net/snmp or /proc/net/netstat
# in namespace NS (e.g. Udp NoPorts, TcpExt IPReversePathFilter).
snmp_get() {
    ip netns exec "$1" awk -v fam="$2:" -v f="$3" '$1 == fam {
        if (!seen[$1]++) { split($0, h); next }
        for (i = 2; i <= NF; i++) if (h[i] == f) print $i }' \
        /proc/net/snmp /proc/net/netstat
}

# wait_value CMD WANT / wait_at_least CMD WANT: until CMD prints WANT
# (or a number >= WANT), 10 s at most; a counter, never a timer, decides.
wait_value() {
    local i
    for i in $(seq 1 200); do
        [ "$($1)" = "$2" ] && return 0
        sleep 0.05
    done
    fail "$1 stayed at $($1), expected $2"
}
wait_at_least() {
    local i
    for i in $(seq 1 200); do
        [ "$($1)" -ge "$2" ] && return 0
        sleep 0.05
    done
    fail "$1 stayed at $($1), expected >= $2"
}
