#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `dropledger dpdk` on a net_af_xdp vdev over the lab veth, --no-huge. The
# PMD's own program (--pmd-prog), ours added as xdp_prog= automatically,
# and ours named by the user: exact arrivals per queue, frames seen at XDP
# against q_ipackets, the XDP record reaching the pollers, frames on queues
# DPDK does not poll passed to the stack. veth has one combined channel for
# the PMD, so each run polls one kernel queue (start_queue=) and the
# sender's steering pins the flows to queues. Nothing may stay attached.
. "$(dirname "$0")/../netns/lib.sh"

need_steering
[ "$(nproc)" -ge 2 ] || { echo "SKIP: needs two CPUs"; exit 77; }
"$DL" dpdk --help >/dev/null 2>&1 || { echo "SKIP: DPDK mode not built"; exit 77; }
OBJ=${DL_DPDK_XDP_OBJ:?DL_DPDK_XDP_OBJ must name dpdk_xdp.bpf.o}
EMPTY=${DL_EMPTY_OBJ:?DL_EMPTY_OBJ must name empty.bpf.o}

# Sanitizer builds: the PMD's own allocations are not ours to report (full
# stacks, so a leak is matched by the PMD's frame, not by the library's).
export LSAN_OPTIONS="suppressions=$(cd "$(dirname "$0")" && pwd)/lsan-afxdp.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"

P=dlw$$
cleanup_dpdk() {
    rm -rf "/var/run/dpdk/$P"
    cleanup
}
trap cleanup_dpdk EXIT

lab_up "$P"
steer "$P-a" 9000 2 1
steer "$P-a" 9001 1 2
steer "$P-a" 9002 0 3
N=5000
M=300
EAL=(-l 0-1 --no-huge -m 256 --no-pci --no-shconf --file-prefix "$P" --log-level '*:error')
# The poller busy-polls lcore 1 (CPU 1); keep the sender and its softirq off it.
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)

send() { # DPORT COUNT
    "${PIN[@]}" ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 "$1" "$2" >/dev/null ||
        fail "send $2 to :$1"
}
send_q0() { send 9002 "$N"; echo "$N"; }
send_q2() { send 9000 "$N"; send 9001 "$M"; echo $((N + M)); }
send_q1() { send 9001 "$N"; echo "$N"; }

# run NAME SENDFN VDEV [OPTS...]: poll until SENDFN's frames all passed XDP
# on v0b, then SIGINT; the program attached meanwhile goes to NAME.link.
run() {
    local name=$1 fn=$2 vdev=$3 want base pid i
    shift 3
    rm -f "$TMP/ready"
    base=$(xdp_total "$P-b")
    ip netns exec "$P-b" "$DL" dpdk "${EAL[@]}" --vdev "$vdev" -- -d 60 --ring 4096 \
        --json --ready-file "$TMP/ready" "$@" >"$TMP/$name.json" 2>"$TMP/$name.err" &
    pid=$!
    PIDS+=("$pid")
    wait_file "$TMP/ready" "$pid"
    ip -n "$P-b" -d link show dev v0b >"$TMP/$name.link"
    want=$("$fn") || fail "$name: sending failed"
    for i in $(seq 1 400); do
        [ $(($(xdp_total "$P-b") - base)) -ge "$want" ] && break
        sleep 0.05
    done
    kill -INT "$pid"
    wait "$pid"
}

no_xdp_left() {
    [ -z "$(xdp_prog_id "$P-b" v0b)" ] || fail "$1: an XDP program stayed on v0b"
    ok "$1: nothing left attached to v0b"
}

# 1. The PMD's own program: also tells whether AF_XDP works here at all.
if ! run pmd send_q0 "net_af_xdp0,iface=v0b,start_queue=0,queue_count=1" --pmd-prog; then
    if grep -Eq "no DPDK port 0|failed to initialize net_af_xdp|Failed to (create|configure) xdp? ?socket" "$TMP/pmd.err"; then
        cat "$TMP/pmd.err"
        echo "SKIP: the net_af_xdp PMD or AF_XDP is not usable here"
        exit 77
    fi
    cat "$TMP/pmd.err" >&2
    fail "net_af_xdp with the PMD's program failed"
fi
O=$TMP/pmd.json
grep -q "prog/xdp" "$TMP/pmd.link" || fail "pmd: no XDP program on v0b while polling"
expect '.driver == "net_af_xdp" and .nqueues == 1' "$O" "pmd: net_af_xdp port, 1 queue"
expect "[.queues[].arrived] | add == $N" "$O" "pmd: per-queue arrivals sum to $N"
expect ".queues[0].records == $N and .totals.residual == 0 and .totals.imissed == 0" "$O" \
    "pmd: every frame read, none missed"
expect '.xdp.counters == false and (.xdp.program | type) == "string" and .xdp.why != null' "$O" \
    "pmd: its program has no counters of ours: said so"
expect '.totals.xdp_seen == null and .queues[0].xdp_seen == null and .queues[0].meta_records == 0' "$O" \
    "pmd: xdp_seen absent (null), no XDP records"
no_xdp_left pmd

# 2. Ours, added by dropledger: kernel queue 2, and traffic on queue 1 too.
run ours send_q2 "net_af_xdp0,iface=v0b,start_queue=2,queue_count=1" ||
    { cat "$TMP/ours.err" >&2; fail "net_af_xdp with dl_dpdk_xdp failed"; }
O=$TMP/ours.json
grep -q "prog/xdp id [0-9]* name dl_dpdk_xdp" "$TMP/ours.link" ||
    { cat "$TMP/ours.link" >&2; fail "ours: dl_dpdk_xdp not attached while polling"; }
ok "ours: the PMD attached dl_dpdk_xdp"
expect "([.queues[].arrived] | add) == $N and .queues[0].records == $N" "$O" \
    "ours: per-queue arrivals sum to $N, all read"
expect ".queues[0].xdp_seen == $N and .queues[0].xdp_redirected == $N and .totals.xdp_seen == $N" "$O" \
    "ours: seen at XDP = q_ipackets = $N"
expect ".queues[0].meta_records == $N and .xdp.meta_records == $N and .xdp.meta_failed == 0" "$O" \
    "ours: every frame carried its XDP record to DPDK"
expect '.xdp.program == "dl_dpdk_xdp" and .xdp.counters and .xdp.start_queue == 2 and .xdp.interface == "v0b"' "$O" \
    "ours: program and kernel queue named"
expect ".xdp.seen == $N and .xdp.redirected == $N and .xdp.passed == 0 and .xdp.not_read == 0" "$O" \
    "ours: seen = to sockets = ipackets + imissed"
expect ".xdp.seen_elsewhere == $M and .xdp.other_queues == [{\"rx_queue\": 1, \"seen\": $M, \"passed\": $M}]" "$O" \
    "ours: $M frames on unpolled queue 1 went to the stack"
expect ".top_flows[0].dport == 9000 and .top_flows[0].records == $N and .top_flows[0].queue == 0" "$O" \
    "ours: the flow from the XDP record, on DPDK queue 0"
no_xdp_left ours

# 3. Ours, named by the user with xdp_prog= (not added twice).
run named send_q1 "net_af_xdp0,iface=v0b,start_queue=1,queue_count=1,xdp_prog=$OBJ" ||
    { cat "$TMP/named.err" >&2; fail "net_af_xdp with xdp_prog= failed"; }
O=$TMP/named.json
expect "([.queues[].arrived] | add) == $N and .queues[0].xdp_seen == $N and .xdp.start_queue == 1" "$O" \
    "named: $N arrived on kernel queue 1, all seen at XDP"
no_xdp_left named

# 4. An interface that already has an XDP program: a clear error, exit 1.
ip -n "$P-b" link set dev v0b xdpdrv obj "$EMPTY" sec xdp || fail "attach empty.bpf.o"
rc=0
timeout -s KILL 60 ip netns exec "$P-b" "$DL" dpdk "${EAL[@]}" \
    --vdev net_af_xdp0,iface=v0b -- -d 0.1 >/dev/null 2>"$TMP/busy.err" || rc=$?
ip -n "$P-b" link set dev v0b xdpdrv off
[ "$rc" = 1 ] || { cat "$TMP/busy.err" >&2; fail "busy: exit $rc, want 1"; }
grep -q "v0b already has XDP program" "$TMP/busy.err" || { cat "$TMP/busy.err" >&2; fail "busy: no message"; }
ok "busy: $(grep 'already has' "$TMP/busy.err")"
no_xdp_left busy

# 5. queue_count=4 on veth: this PMD counts combined channels, veth has none.
rc=0
timeout -s KILL 60 ip netns exec "$P-b" "$DL" dpdk "${EAL[@]}" \
    --vdev net_af_xdp0,iface=v0b,start_queue=0,queue_count=4 -- -d 0.1 >/dev/null 2>"$TMP/q4.err" || rc=$?
[ "$rc" = 1 ] && grep -q "queue_count= is at most its combined channels" "$TMP/q4.err" ||
    { cat "$TMP/q4.err" >&2; fail "queue_count=4: exit $rc, want 1 with the hint"; }
ok "queue_count=4 on veth: refused by the PMD, exit 1 with the hint"
no_xdp_left q4
echo "all passed"
